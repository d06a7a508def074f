//! `POST /v1/audio/speech` and `POST /v1/audio/transcriptions` (multipart).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::StreamExt;
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::speech2text::TranscriptionRequest;
use modelrt::runtime::tts::TtsRequest;
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::server::{require, take, JsonObject, Shared};

/// The MIME type of an audio format name.
fn audio_mime(format: &str) -> &'static str {
    match format {
        "mp3" => "audio/mpeg",
        "opus" | "ogg" => "audio/ogg",
        "aac" => "audio/aac",
        "flac" => "audio/flac",
        "wav" => "audio/wav",
        "pcm" => "audio/pcm",
        _ => "application/octet-stream",
    }
}

/// Synthesizes speech, passing the audio bytes on as they arrive.
pub async fn speech(
    State(shared): State<Arc<Shared>>,
    JsonObject(mut body): JsonObject,
) -> Result<Response, ApiError> {
    let model: String = require(&mut body, "model")?;
    let text: String = require(&mut body, "input")?;
    let voice: Option<String> = take(&mut body, "voice")?;
    let format: Option<String> = take(&mut body, "response_format")?;
    let mime = audio_mime(format.as_deref().unwrap_or("mp3"));
    let request = TtsRequest {
        text,
        voice,
        format,
    };
    let (audio, _) = shared
        .call(&model, ModelType::Tts, &body, |handle| {
            let request = request.clone();
            async move { handle.synthesize(request).await }
        })
        .await?;
    let body = Body::from_stream(audio.map(|bytes| bytes.map(Bytes::from)));
    Ok(([(header::CONTENT_TYPE, mime)], body).into_response())
}

/// A multipart transcription request: the audio file and its text fields.
struct Upload {
    audio: Option<(Vec<u8>, String, Option<String>)>,
    fields: Map<String, Value>,
}

async fn read_upload(mut multipart: Multipart) -> Result<Upload, ApiError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad_request(format!("cannot read the multipart body: {}", e.body_text()))
    };
    let mut upload = Upload {
        audio: None,
        fields: Map::new(),
    };
    while let Some(field) = multipart.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("audio").to_owned();
            let mime = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await.map_err(broken)?;
            upload.audio = Some((bytes.to_vec(), file_name, mime));
        } else {
            let text = field.text().await.map_err(broken)?;
            upload.fields.insert(name, Value::String(text));
        }
    }
    Ok(upload)
}

/// Transcribes an uploaded audio file.
pub async fn transcriptions(
    State(shared): State<Arc<Shared>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let multipart = multipart.map_err(|e| {
        ApiError::bad_request(format!(
            "a transcription is sent as multipart/form-data: {}",
            e.body_text()
        ))
    })?;
    let Upload { audio, mut fields } = read_upload(multipart).await?;
    let Some((audio, file_name, mime_type)) = audio else {
        return Err(ApiError::bad_field("file", "the `file` part is missing"));
    };
    let model: String = require(&mut fields, "model")?;
    let format = take::<String>(&mut fields, "response_format")?;
    let request = TranscriptionRequest {
        audio,
        file_name,
        mime_type,
        language: take(&mut fields, "language")?,
        prompt: take(&mut fields, "prompt")?,
    };
    let (transcription, _) = shared
        .call(&model, ModelType::Speech2Text, &Map::new(), |handle| {
            let request = request.clone();
            async move { handle.transcribe(request).await }
        })
        .await?;
    Ok(match format.as_deref() {
        None | Some("json") => Json(json!({"text": transcription.text})).into_response(),
        Some("text") => transcription.text.into_response(),
        Some("verbose_json") => Json(json!({
            "task": "transcribe",
            "text": transcription.text,
            "language": transcription.language,
            "duration": transcription.duration_seconds,
        }))
        .into_response(),
        Some(other) => {
            return Err(ApiError::bad_field(
                "response_format",
                format!(
                    "`response_format` `{other}` is not supported; one of json, text, verbose_json"
                ),
            ))
        }
    })
}
