//! Nomic's embedding API: `POST {base}/v1/embedding/text` with `{model, texts, task_type}`
//! and the key as `Authorization: Bearer`; the answer is `{embeddings: [[..]], usage:
//! {prompt_tokens, total_tokens}, model}`. Errors are FastAPI's `{"detail": ...}`.

use serde::Deserialize;
use serde_json::json;

use crate::embedding::{embed_in_batches, EmbeddingInputType, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, Result};
use crate::http::HttpRequest;
use crate::protocol::{protocol_impl, CallContext};
use crate::protocols::cohere::embed::input_type;
use crate::protocols::openai_compatible::config::Endpoint;
use crate::protocols::openai_compatible::parse_error_body;
use crate::usage::InputUsage;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::NOMIC;

/// Texts per request when neither the model nor the credentials say; Nomic documents no
/// limit, so this only keeps one request's body moderate.
const MAX_TEXTS_PER_CALL: u32 = 256;

/// The Nomic protocol (stateless; use [`NOMIC`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Nomic;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static NOMIC: Nomic = Nomic;

protocol_impl! {
    impl TextEmbeddingProtocol for Nomic {
        fn embed(self, ctx, request) => embed(ctx, request);
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Embedded {
    embeddings: Vec<Vec<f32>>,
    usage: Option<Usage>,
    model: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Usage {
    total_tokens: Option<u64>,
    prompt_tokens: Option<u64>,
}

async fn embed_batch(
    ctx: &CallContext<'_>,
    endpoint: &Endpoint<'_>,
    kind: EmbeddingInputType,
    texts: Vec<String>,
) -> Result<EmbeddingResponse> {
    let body = json!({
        "model": ctx.model.id,
        "texts": texts,
        "task_type": input_type(kind),
    });
    let http_request = endpoint.request(HttpRequest::post_json(
        endpoint.url("v1/embedding/text"),
        &body,
    )?)?;
    let answer: Embedded = ctx
        .http_call(parse_error_body)
        .send_json(&http_request)
        .await?;
    let usage = InputUsage::reported_or_counted(
        answer
            .usage
            .and_then(|u| u.total_tokens.or(u.prompt_tokens)),
        ctx.model.id,
        &texts,
    );
    Ok(EmbeddingResponse {
        model: answer.model.unwrap_or_else(|| ctx.model.id.to_owned()),
        embeddings: answer.embeddings,
        usage,
    })
}

/// Embeds every text, a batch per request.
async fn embed(ctx: CallContext<'_>, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let size = ctx.max_chunks_or(MAX_TEXTS_PER_CALL).map_err(in_call)?;
    let kind = request.input_type;
    let mut response = embed_in_batches(&request.texts, size, |batch| {
        embed_batch(&ctx, &endpoint, kind, batch)
    })
    .await
    .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}
