//! `/embeddings`, batched by the model's `max_chunks`.

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::config::{wire_model, Dialect, Endpoint};
use super::decode::parse_error_body;
use crate::embedding::{embed_in_batches, EmbeddingInputType, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, ErrorKind, Result};
use crate::http::HttpRequest;
use crate::protocol::CallContext;
use crate::usage::InputUsage;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Embeddings {
    model: Option<String>,
    data: Option<Vec<EmbeddingItem>>,
    usage: Option<EmbeddingUsage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EmbeddingItem {
    index: Option<usize>,
    embedding: Option<WireVector>,
}

/// An embedding as servers send it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum WireVector {
    /// One vector (the documented shape).
    Pooled(Vec<f32>),
    /// One vector per token: a server without pooling (llama.cpp on some models).
    PerToken(Vec<Vec<IgnoredAny>>),
    /// Anything else (e.g. base64, which we never ask for).
    Other(IgnoredAny),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EmbeddingUsage {
    prompt_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidResponse, message)
}

fn vectors(data: Vec<EmbeddingItem>) -> Result<Vec<Vec<f32>>> {
    let mut indexed: Vec<(usize, Vec<f32>)> = Vec::with_capacity(data.len());
    for (position, item) in data.into_iter().enumerate() {
        let vector = match item.embedding {
            Some(WireVector::Pooled(vector)) => vector,
            Some(WireVector::PerToken(per_token)) => {
                return Err(invalid(format!(
                    "the server returned {} vectors (one per token) for one text instead of a \
                     single vector: the model has no pooling (for llama.cpp, start the server \
                     with a pooling type such as `--pooling mean`)",
                    per_token.len()
                )))
            }
            Some(WireVector::Other(_)) => {
                return Err(invalid("an embedding is not a list of numbers"))
            }
            None => return Err(invalid("an embedding is missing from the response")),
        };
        indexed.push((item.index.unwrap_or(position), vector));
    }
    indexed.sort_by_key(|(index, _)| *index);
    Ok(indexed.into_iter().map(|(_, vector)| vector).collect())
}

async fn embed_batch(
    ctx: &CallContext<'_>,
    endpoint: &Endpoint<'_>,
    wire_model: &str,
    kind: EmbeddingInputType,
    texts: Vec<String>,
) -> Result<EmbeddingResponse> {
    let mut body = Map::new();
    body.insert("model".into(), json!(wire_model));
    body.insert("input".into(), json!(texts));
    if ctx.credential("encoding_format") == Some("float") {
        body.insert("encoding_format".into(), json!("float"));
    }
    // Voyage's `input_type`: what the texts are for.
    if let Some(field) = ctx.provider.extra("embedding_input_type_field") {
        let purpose = match kind {
            EmbeddingInputType::Document => "document",
            EmbeddingInputType::Query => "query",
        };
        body.insert(field.to_owned(), json!(purpose));
    }
    let request = endpoint.request(HttpRequest::post_json(
        endpoint.url("embeddings"),
        &Value::Object(body),
    )?)?;
    let call = ctx.http_call(parse_error_body);
    let answer: Embeddings = call.send_json(&request).await?;
    let embeddings = vectors(answer.data.unwrap_or_default())
        .map_err(|e| e.in_call(ctx.provider.id, ctx.model.id))?;
    let reported = answer
        .usage
        .and_then(|u| u.prompt_tokens.or(u.total_tokens));
    let usage = InputUsage::reported_or_counted(reported, wire_model, &texts);
    Ok(EmbeddingResponse {
        model: answer.model.unwrap_or_else(|| wire_model.to_owned()),
        embeddings,
        usage,
    })
}

/// Embeds every text, `max_chunks` per request.
pub async fn embed(
    ctx: CallContext<'_>,
    request: EmbeddingRequest,
    dialect: Dialect,
) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::for_call(&ctx, dialect).await.map_err(in_call)?;
    let wire_model = wire_model(&ctx);
    let max_chunks = ctx.max_chunks()?;
    let kind = request.input_type;
    let mut response = embed_in_batches(&request.texts, max_chunks, |batch| {
        embed_batch(&ctx, &endpoint, wire_model, kind, batch)
    })
    .await
    .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}
