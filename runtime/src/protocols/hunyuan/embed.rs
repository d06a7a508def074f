//! The GetEmbedding action: `{"Input": text}` or `{"InputList": [...]}` (at most 50 texts),
//! answered with `Data[].{Embedding, Index}` and `Usage.{PromptTokens, TotalTokens}`.

use serde::Deserialize;
use serde_json::json;

use super::api::{parse_error_body, signed_request, Envelope, WireError};
use crate::embedding::{embed_in_batches, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, Result};
use crate::http::decode_json;
use crate::protocol::CallContext;
use crate::usage::InputUsage;

const ACTION: &str = "GetEmbedding";
/// The most texts one `InputList` takes.
const MAX_TEXTS_PER_CALL: u32 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Answer {
    data: Vec<Embedded>,
    usage: Option<WireUsage>,
    error: Option<WireError>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Embedded {
    embedding: Vec<f32>,
    index: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct WireUsage {
    prompt_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

async fn embed_batch(ctx: &CallContext<'_>, texts: Vec<String>) -> Result<EmbeddingResponse> {
    let body = match texts.as_slice() {
        [one] => json!({"Input": one}),
        _ => json!({"InputList": texts}),
    };
    let request = signed_request(ctx, ACTION, &body)?;
    let mut answer = ctx
        .http_call(parse_error_body)
        .send_with(&request, |answer| {
            let raw = String::from_utf8_lossy(&answer.body);
            let answer = decode_json::<Envelope<Answer>>(&answer.body)?
                .response
                .unwrap_or_default();
            match &answer.error {
                Some(error) => Err(error.to_error(&raw)),
                None => Ok(answer),
            }
        })
        .await?;
    // The answer says where each vector goes; keep the texts' order.
    answer.data.sort_by_key(|d| d.index.unwrap_or(usize::MAX));
    let tokens = answer
        .usage
        .and_then(|u| u.total_tokens.or(u.prompt_tokens))
        .unwrap_or_default();
    Ok(EmbeddingResponse {
        model: ctx.model.id.to_owned(),
        embeddings: answer.data.into_iter().map(|d| d.embedding).collect(),
        usage: InputUsage::new(tokens, false),
    })
}

/// Embeds every text, a batch per request.
pub async fn embed(ctx: CallContext<'_>, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let size = ctx.max_chunks_or(MAX_TEXTS_PER_CALL).map_err(in_call)?;
    let mut response = embed_in_batches(&request.texts, size, |batch| embed_batch(&ctx, batch))
        .await
        .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}
