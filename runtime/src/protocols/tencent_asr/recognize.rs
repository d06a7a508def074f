//! The flash recognition call: the signed URL, the audio body, the answer and its errors.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use super::signing::{signature, sorted_query};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{decode_json, Body, HttpRequest, Method, ProviderErrorBody};
use crate::protocol::CallContext;
use crate::protocols::openai_compatible::config::Endpoint;
use crate::secret::Secret;
use crate::speech2text::{Transcription, TranscriptionRequest};

/// The credentials of Dify's form.
const APP_ID: &str = "app_id";
const SECRET_ID: &str = "secret_id";
const SECRET_KEY: &str = "secret_key";
/// The engine when the request names no language (what Dify sends).
const DEFAULT_ENGINE: &str = "16k_zh";

/// The `voice_format` of each file extension the API takes.
const FORMATS: &[(&str, &str)] = &[
    ("wav", "wav"),
    ("pcm", "pcm"),
    ("mp3", "mp3"),
    ("m4a", "m4a"),
    ("aac", "aac"),
    ("amr", "amr"),
    ("ogg", "ogg-opus"),
    ("opus", "ogg-opus"),
    ("speex", "speex"),
    ("silk", "silk"),
];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Answer {
    code: i64,
    message: Option<String>,
    /// Milliseconds.
    audio_duration: Option<u64>,
    flash_result: Vec<Channel>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Channel {
    text: String,
}

/// The kind of an ASR API 2.0 error code.
fn kind_of(code: i64) -> ErrorKind {
    match code {
        4002 | 4003 => ErrorKind::Authorization,
        4004 | 4005 => ErrorKind::Quota,
        4006 => ErrorKind::RateLimit,
        5000..=5999 => ErrorKind::ServerUnavailable,
        _ => ErrorKind::BadRequest,
    }
}

impl Answer {
    fn error(&self, raw: &str) -> Option<Error> {
        let code = self.code;
        if code == 0 {
            return None;
        }
        Some(Error::from_code(
            kind_of(code),
            code,
            self.message.as_deref(),
            raw,
        ))
    }
}

fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    let answer: Answer = serde_json::from_str(body).unwrap_or_default();
    let code = (answer.code != 0).then_some(answer.code);
    ProviderErrorBody {
        message: answer.message,
        code: code.map(|c| c.to_string()),
        kind: code.map(kind_of),
        retry_after: None,
    }
}

/// The `voice_format` of `file_name`.
fn voice_format(file_name: &str) -> Result<&'static str> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    FORMATS
        .iter()
        .find(|(ext, _)| *ext == extension)
        .map(|(_, format)| *format)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Unsupported,
                format!(
                    "Tencent's flash recognition takes wav, pcm, mp3, m4a, aac, amr, ogg-opus, \
                     speex or silk audio, not `{file_name}`"
                ),
            )
        })
}

/// Transcribes `request.audio`.
pub async fn transcribe(
    ctx: CallContext<'_>,
    request: TranscriptionRequest,
) -> Result<Transcription> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let missing = |variable: &str| {
        in_call(Error::new(
            ErrorKind::InvalidCredentials,
            format!("the `{variable}` credential is required to sign Tencent ASR requests"),
        ))
    };
    let app_id = ctx.credential(APP_ID).ok_or_else(|| missing(APP_ID))?;
    if !app_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(in_call(Error::new(
            ErrorKind::InvalidCredentials,
            "the `app_id` credential must be the numeric APPID of the Tencent Cloud account",
        )));
    }
    let secret_id = ctx.secret(SECRET_ID).ok_or_else(|| missing(SECRET_ID))?;
    let secret_key = ctx.secret(SECRET_KEY).ok_or_else(|| missing(SECRET_KEY))?;
    let format = voice_format(&request.file_name).map_err(in_call)?;
    let engine = match request.language.as_deref() {
        Some(language) if language.bytes().all(|b| b.is_ascii_alphabetic()) => {
            format!("16k_{}", language.to_ascii_lowercase())
        }
        _ => DEFAULT_ENGINE.to_owned(),
    };
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let host = endpoint.host();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = format!("/asr/flash/v1/{app_id}");
    let query = sorted_query(&mut [
        ("convert_num_mode", "1".to_owned()),
        ("engine_type", engine),
        ("first_channel_only", "1".to_owned()),
        ("secretid", secret_id.expose().to_owned()),
        ("timestamp", timestamp.to_string()),
        ("voice_format", format.to_owned()),
    ]);
    let signed = Secret::new(signature(secret_key.expose(), host, &path, &query));
    let mut http_request =
        HttpRequest::new(Method::POST, format!("{}{path}?{query}", endpoint.base_url))
            .secret_header("authorization", "", &signed)
            .map_err(in_call)?;
    http_request.body = Body::Bytes {
        content_type: "application/octet-stream".to_owned(),
        bytes: request.audio,
    };
    let call = ctx.http_call(parse_error_body);
    let answer = call
        .send_with(&http_request, |answer| {
            let raw = String::from_utf8_lossy(&answer.body);
            let decoded: Answer = decode_json(&answer.body)?;
            match decoded.error(&raw) {
                Some(error) => Err(error),
                None => Ok(decoded),
            }
        })
        .await
        // The secret id travels in the query, which the HTTP layer's redaction does not see.
        .map_err(|e| e.redact(&[secret_id.expose(), secret_key.expose()]))?;
    let texts: Vec<String> = answer.flash_result.into_iter().map(|c| c.text).collect();
    Ok(Transcription {
        text: texts.join("\n"),
        language: None,
        duration_seconds: answer.audio_duration.map(|ms| ms as f64 / 1000.0),
    })
}

/// A fifth of a second of 16 kHz mono 16-bit silence, as a WAV file.
pub fn silence() -> TranscriptionRequest {
    const RATE: u32 = 16_000;
    let samples = vec![0u8; (RATE / 5 * 2) as usize];
    let mut wav = Vec::with_capacity(44 + samples.len());
    let data_len = u32::try_from(samples.len()).unwrap_or(u32::MAX);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
    wav.extend_from_slice(&2u16.to_le_bytes()); // block align
    wav.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    wav.extend_from_slice(&samples);
    TranscriptionRequest {
        audio: wav,
        file_name: "silence.wav".to_owned(),
        mime_type: Some("audio/wav".to_owned()),
        ..TranscriptionRequest::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_the_voice_format() {
        assert_eq!(voice_format("a.MP3").unwrap(), "mp3");
        assert_eq!(voice_format("note.ogg").unwrap(), "ogg-opus");
        let error = voice_format("clip.flac").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unsupported);
        assert!(error.to_string().contains("clip.flac"));
    }

    #[test]
    fn the_silence_is_a_wav_file() {
        let wav = silence().audio;
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!(wav.len(), 44 + 6_400);
        assert_eq!(
            u32::from_le_bytes(wav[4..8].try_into().unwrap()),
            36 + 6_400
        );
    }
}
