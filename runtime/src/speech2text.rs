//! Speech to text (transcription).

/// A transcription call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranscriptionRequest {
    /// The audio file's bytes.
    pub audio: Vec<u8>,
    /// Its file name; the extension tells the provider the format.
    pub file_name: String,
    /// Its MIME type, when known.
    pub mime_type: Option<String>,
    /// The spoken language (ISO 639-1), when known.
    pub language: Option<String>,
    /// Text that guides the transcription's style or vocabulary.
    pub prompt: Option<String>,
}

/// A transcription.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcription {
    /// The text.
    pub text: String,
    /// The detected language, when reported.
    pub language: Option<String>,
    /// The audio's duration in seconds, when reported.
    pub duration_seconds: Option<f64>,
}
