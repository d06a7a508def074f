//! `POST /v2/embed`, float embeddings, batched by `max_chunks`.

use serde::Deserialize;
use serde_json::json;

use super::request;
use crate::embedding::{embed_in_batches, EmbeddingInputType, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, Result};
use crate::protocol::CallContext;
use crate::protocols::openai_compatible::parse_error_body;
use crate::usage::InputUsage;

/// Texts per request when neither the model nor the credentials say: the API's limit.
const MAX_TEXTS_PER_CALL: u32 = 96;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Embedded {
    embeddings: ByType,
    meta: Meta,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ByType {
    float: Vec<Vec<f32>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Meta {
    billed_units: BilledUnits,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BilledUnits {
    input_tokens: Option<u64>,
}

/// The task a text is embedded for, in the words Cohere and Nomic share.
pub(crate) fn input_type(kind: EmbeddingInputType) -> &'static str {
    match kind {
        EmbeddingInputType::Document => "search_document",
        EmbeddingInputType::Query => "search_query",
    }
}

async fn embed_batch(
    ctx: &CallContext<'_>,
    kind: EmbeddingInputType,
    texts: Vec<String>,
) -> Result<EmbeddingResponse> {
    let body = json!({
        "model": ctx.model.id,
        "texts": texts,
        "input_type": input_type(kind),
        "embedding_types": ["float"],
    });
    let http_request = request::post(ctx, "v2/embed", &body)?;
    let answer: Embedded = ctx
        .http_call(parse_error_body)
        .send_json(&http_request)
        .await?;
    let usage = InputUsage::reported_or_counted(
        answer.meta.billed_units.input_tokens,
        ctx.model.id,
        &texts,
    );
    Ok(EmbeddingResponse {
        model: ctx.model.id.to_owned(),
        embeddings: answer.embeddings.float,
        usage,
    })
}

/// Embeds every text, a batch per request.
pub async fn embed(ctx: CallContext<'_>, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let size = ctx.max_chunks_or(MAX_TEXTS_PER_CALL)?;
    let kind = request.input_type;
    let mut response =
        embed_in_batches(&request.texts, size, |batch| embed_batch(&ctx, kind, batch))
            .await
            .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}
