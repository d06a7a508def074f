//! Text to speech.

use std::pin::Pin;

use futures::Stream;

use crate::error::Result;

/// A speech synthesis call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TtsRequest {
    /// The text to speak.
    pub text: String,
    /// The voice id; `None` uses the model's `default_voice`.
    pub voice: Option<String>,
    /// The audio format (e.g. `mp3`); `None` uses the model's `audio_type`.
    pub format: Option<String>,
}

/// Synthesized audio, streamed in chunks of the requested format. Dropping it cancels the call.
pub type AudioStream = Pin<Box<dyn Stream<Item = Result<Vec<u8>>> + Send + 'static>>;
