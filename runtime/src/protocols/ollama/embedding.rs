//! `POST /api/embed`, batched by the model's `max_chunks`.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::error::parse_error_body;
use crate::embedding::{embed_in_batches, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, Result};
use crate::http::HttpRequest;
use crate::protocol::CallContext;
use crate::protocols::openai_compatible::config::Endpoint;
use crate::usage::InputUsage;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Embeddings {
    model: Option<String>,
    embeddings: Vec<Vec<f32>>,
    prompt_eval_count: Option<u64>,
}

async fn embed_batch(
    ctx: &CallContext<'_>,
    endpoint: &Endpoint<'_>,
    texts: Vec<String>,
) -> Result<EmbeddingResponse> {
    let mut body = Map::new();
    body.insert("model".into(), json!(ctx.model.id));
    body.insert("input".into(), json!(texts));
    if let Some(keep_alive) = ctx.params.get("keep_alive") {
        body.insert("keep_alive".into(), super::encode::keep_alive(keep_alive));
    }
    let request = endpoint.request(HttpRequest::post_json(
        endpoint.url("api/embed"),
        &Value::Object(body),
    )?)?;
    let answer: Embeddings = ctx.http_call(parse_error_body).send_json(&request).await?;
    let usage = InputUsage::reported_or_counted(answer.prompt_eval_count, ctx.model.id, &texts);
    Ok(EmbeddingResponse {
        model: answer.model.unwrap_or_else(|| ctx.model.id.to_owned()),
        embeddings: answer.embeddings,
        usage,
    })
}

/// Embeds every text, `max_chunks` per request.
pub async fn embed(ctx: CallContext<'_>, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let max_chunks = ctx.max_chunks()?;
    let mut response = embed_in_batches(&request.texts, max_chunks, |batch| {
        embed_batch(&ctx, &endpoint, batch)
    })
    .await
    .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}
