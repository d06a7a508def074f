//! `batchEmbedContents`: one request per batch of texts (the model's `max_chunks`, else the
//! API's limit), each text one `EmbedContentRequest` with the task its use asks for.

use serde::Deserialize;
use serde_json::{json, Value};

use super::endpoint::ModelEndpoint;
use super::error::parse_error_body;
use crate::embedding::{embed_in_batches, EmbeddingInputType, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, Result};
use crate::protocol::CallContext;
use crate::usage::InputUsage;

/// Texts per request when neither the model nor the credentials say: the API's limit.
const MAX_TEXTS_PER_CALL: u32 = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Embedded {
    embeddings: Vec<Values>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Values {
    values: Vec<f32>,
}

/// The API's task type for texts used as `kind`.
pub fn task_type(kind: EmbeddingInputType) -> &'static str {
    match kind {
        EmbeddingInputType::Document => "RETRIEVAL_DOCUMENT",
        EmbeddingInputType::Query => "RETRIEVAL_QUERY",
    }
}

fn batch_body(model: &str, kind: EmbeddingInputType, texts: &[String]) -> Value {
    let requests: Vec<Value> = texts
        .iter()
        .map(|text| {
            json!({
                "model": format!("models/{model}"),
                "content": {"parts": [{"text": text}]},
                "taskType": task_type(kind),
            })
        })
        .collect();
    json!({"requests": requests})
}

async fn embed_batch(
    ctx: &CallContext<'_>,
    endpoint: &ModelEndpoint,
    model: &str,
    kind: EmbeddingInputType,
    texts: Vec<String>,
) -> Result<EmbeddingResponse> {
    let request = endpoint.post("batchEmbedContents", None, &batch_body(model, kind, &texts))?;
    let answer: Embedded = ctx.http_call(parse_error_body).send_json(&request).await?;
    Ok(EmbeddingResponse {
        model: ctx.model.id.to_owned(),
        embeddings: answer.embeddings.into_iter().map(|e| e.values).collect(),
        // The API reports no usage for embeddings.
        usage: InputUsage::reported_or_counted(None, ctx.model.id, &texts),
    })
}

/// Embeds every text, a batch per request.
pub async fn embed(
    ctx: CallContext<'_>,
    endpoint: &ModelEndpoint,
    model: &str,
    request: EmbeddingRequest,
) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let size = ctx.max_chunks_or(MAX_TEXTS_PER_CALL)?;
    let kind = request.input_type;
    let mut response = embed_in_batches(&request.texts, size, |batch| {
        embed_batch(&ctx, endpoint, model, kind, batch)
    })
    .await
    .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}
