//! `POST /v1/embeddings`.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use base64::Engine;
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::embedding::{EmbeddingInputType, EmbeddingRequest};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::observability::Recorder;
use crate::server::{require, take, JsonObject, Shared};

/// `input`: one text or a list (token-id inputs are not supported).
#[derive(Deserialize)]
#[serde(untagged)]
enum Input {
    One(String),
    Many(Vec<String>),
}

/// Embeds the input texts; vectors as float lists, or base64 little-endian `f32`s when
/// `encoding_format` is `base64` (what the `openai` Python package asks for by default).
pub async fn create(
    State(shared): State<Arc<Shared>>,
    JsonObject(mut body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let model: String = require(&mut body, "model")?;
    let texts = match require::<Input>(&mut body, "input")? {
        Input::One(text) => vec![text],
        Input::Many(texts) => texts,
    };
    let base64 = match take::<String>(&mut body, "encoding_format")?.as_deref() {
        None | Some("float") => false,
        Some("base64") => true,
        Some(other) => {
            return Err(ApiError::bad_field(
                "encoding_format",
                format!("`encoding_format` is `{other}`; one of float, base64"),
            ))
        }
    };
    let input_type = match take::<String>(&mut body, "input_type")?.as_deref() {
        Some("query") => EmbeddingInputType::Query,
        _ => EmbeddingInputType::Document,
    };
    let request = EmbeddingRequest { texts, input_type };
    let (response, _) = shared
        .call(&model, ModelType::TextEmbedding, &body, |handle| {
            let request = request.clone();
            async move { handle.embed(request).await }
        })
        .await?;
    Recorder::current().answered_input(&response.usage);
    let data: Vec<Value> = response
        .embeddings
        .iter()
        .enumerate()
        .map(|(index, vector)| {
            let embedding = if base64 {
                json!(encode_f32s(vector))
            } else {
                json!(vector)
            };
            json!({"object": "embedding", "index": index, "embedding": embedding})
        })
        .collect();
    Ok(Json(json!({
        "object": "list",
        "data": data,
        "model": model,
        "usage": {
            "prompt_tokens": response.usage.tokens,
            "total_tokens": response.usage.tokens,
        },
    })))
}

/// The vector as base64 of its little-endian `f32` bytes.
fn encode_f32s(vector: &[f32]) -> String {
    let bytes: Vec<u8> = vector.iter().flat_map(|v| v.to_le_bytes()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_vectors_are_little_endian_f32s() {
        assert_eq!(super::encode_f32s(&[1.0, -2.0]), "AACAPwAAAMA=");
    }
}
