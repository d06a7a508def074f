//! `POST /audio/transcriptions`: speech to text, the audio sent as a multipart form.

use serde::Deserialize;

use super::config::{wire_model, Dialect, Endpoint, Route};
use super::decode::parse_error_body;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Body, HttpRequest, Method};
use crate::protocol::CallContext;
use crate::speech2text::{Transcription, TranscriptionRequest};

/// Bytes in a megabyte, for `file_upload_limit`.
const MEGABYTE: usize = 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireTranscription {
    text: Option<String>,
    language: Option<String>,
    duration: Option<f64>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidParams, message)
}

/// A `multipart/form-data` body, built by hand (one boundary, CRLF line ends).
struct Multipart {
    boundary: String,
    bytes: Vec<u8>,
}

impl Multipart {
    /// A form whose boundary does not occur in `payload`.
    fn new(payload: &[u8]) -> Self {
        let mut attempt = 0u32;
        let boundary = loop {
            let candidate = format!("modelrt-form-boundary-{attempt:08x}");
            let taken = payload
                .windows(candidate.len())
                .any(|w| w == candidate.as_bytes());
            if !taken {
                break candidate;
            }
            attempt += 1;
        };
        Multipart {
            boundary,
            bytes: Vec::new(),
        }
    }

    fn part_head(&mut self, disposition: &str, content_type: Option<&str>) {
        self.bytes
            .extend_from_slice(format!("--{}\r\n", self.boundary).as_bytes());
        self.bytes.extend_from_slice(
            format!("Content-Disposition: form-data; {disposition}\r\n").as_bytes(),
        );
        if let Some(content_type) = content_type {
            self.bytes
                .extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        self.bytes.extend_from_slice(b"\r\n");
    }

    fn text(&mut self, name: &str, value: &str) {
        self.part_head(&format!("name=\"{name}\""), None);
        self.bytes.extend_from_slice(value.as_bytes());
        self.bytes.extend_from_slice(b"\r\n");
    }

    fn file(&mut self, name: &str, file_name: &str, content_type: &str, data: &[u8]) {
        // Quotes and line breaks would end the header early.
        let safe: String = file_name
            .chars()
            .map(|c| {
                if matches!(c, '"' | '\r' | '\n' | '\\') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        self.part_head(
            &format!("name=\"{name}\"; filename=\"{safe}\""),
            Some(content_type),
        );
        self.bytes.extend_from_slice(data);
        self.bytes.extend_from_slice(b"\r\n");
    }

    fn finish(mut self) -> Body {
        self.bytes
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        Body::Bytes {
            content_type: format!("multipart/form-data; boundary={}", self.boundary),
            bytes: self.bytes,
        }
    }
}

/// The file's extension, lower case.
fn extension(file_name: &str) -> Option<String> {
    let (_, extension) = file_name.rsplit_once('.')?;
    (!extension.is_empty()).then(|| extension.to_ascii_lowercase())
}

/// Rejects what the model declares it cannot take: other file types, larger files.
fn check_file(ctx: &CallContext<'_>, request: &TranscriptionRequest) -> Result<()> {
    if request.audio.is_empty() {
        return Err(invalid("the audio file is empty"));
    }
    let Some(properties) = ctx.model.info.map(|info| info.properties) else {
        return Ok(());
    };
    if let Some(limit) = properties.file_upload_limit {
        let limit_bytes = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_mul(MEGABYTE);
        if request.audio.len() > limit_bytes {
            return Err(invalid(format!(
                "the audio file has {} bytes; this model takes at most {limit} MB",
                request.audio.len()
            )));
        }
    }
    if let Some(allowed) = properties.supported_file_extensions {
        let extension = extension(&request.file_name).unwrap_or_default();
        if !allowed
            .split(',')
            .any(|a| a.trim().eq_ignore_ascii_case(&extension))
        {
            return Err(invalid(format!(
                "`{}` is not a supported audio file; this model takes {allowed}",
                request.file_name
            )));
        }
    }
    Ok(())
}

/// Whisper reports language and duration only in `verbose_json`; newer transcription
/// models take `json` only.
fn response_format(model: &str) -> &'static str {
    if model.contains("whisper") {
        "verbose_json"
    } else {
        "json"
    }
}

/// Transcribes `request.audio`.
pub async fn transcribe(
    ctx: CallContext<'_>,
    request: TranscriptionRequest,
    dialect: Dialect,
) -> Result<Transcription> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    check_file(&ctx, &request).map_err(in_call)?;
    let endpoint = Endpoint::for_call(&ctx, dialect).await.map_err(in_call)?;
    let mut form = Multipart::new(&request.audio);
    let content_type = request
        .mime_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    form.file("file", &request.file_name, content_type, &request.audio);
    form.text("model", wire_model(&ctx));
    if let Some(language) = request.language.as_deref().filter(|l| !l.is_empty()) {
        form.text("language", language);
    }
    if let Some(prompt) = request.prompt.as_deref().filter(|p| !p.is_empty()) {
        form.text("prompt", prompt);
    }
    form.text("response_format", response_format(ctx.model.id));
    if let Some(temperature) = ctx.params.get("temperature") {
        form.text("temperature", &temperature.to_json().to_string());
    }
    let mut http_request = HttpRequest::new(Method::POST, endpoint.url("audio/transcriptions"));
    http_request.body = form.finish();
    let http_request = endpoint.request(http_request).map_err(in_call)?;
    let answer: WireTranscription = ctx
        .http_call(parse_error_body)
        .send_json(&http_request)
        .await?;
    let text = answer
        .text
        .ok_or_else(|| ctx.error(ErrorKind::InvalidResponse, "the transcription has no text"))?;
    Ok(Transcription {
        text,
        language: answer.language,
        duration_seconds: answer.duration,
    })
}

/// Checks the key and the model without sending audio: `GET /models/{model}`.
pub async fn validate_credentials(ctx: CallContext<'_>, dialect: Dialect) -> Result<()> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::for_call(&ctx, dialect).await.map_err(in_call)?;
    let url = match &endpoint.route {
        Route::Direct | Route::Versioned(_) => {
            endpoint.url(&format!("models/{}", wire_model(&ctx)))
        }
        // Azure's data plane looks up no single deployment; listing the resource's models
        // checks the endpoint, the key and the API version.
        Route::Deployment { api_version, .. } => {
            format!(
                "{}/openai/models?api-version={api_version}",
                endpoint.base_url
            )
        }
    };
    let request = endpoint.request(HttpRequest::get(url)).map_err(in_call)?;
    ctx.http_call(parse_error_body)
        .send(&request)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_never_occurs_in_the_payload() {
        let payload = b"xx modelrt-form-boundary-00000000 yy".to_vec();
        let form = Multipart::new(&payload);
        assert_eq!(form.boundary, "modelrt-form-boundary-00000001");
        assert_eq!(extension("a.B.MP3").as_deref(), Some("mp3"));
        assert_eq!(extension("noext"), None);
    }
}
