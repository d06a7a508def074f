//! `POST /20231130/actions/embedText`: up to the model's `max_chunks` `inputs` per request,
//! with `truncate: NONE` (as Dify sends) and the `inputType` the call asks for, answered with
//! `embeddings`.

use serde::Deserialize;
use serde_json::json;

use super::account::Account;
use super::error::parse_error_body;
use crate::embedding::{embed_in_batches, EmbeddingInputType, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, Result};
use crate::protocol::CallContext;
use crate::usage::InputUsage;

/// Texts per request when neither the model nor the credentials say (the API's limit).
const MAX_INPUTS: u32 = 96;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EmbedTextResult {
    embeddings: Vec<Vec<f32>>,
    model_id: Option<String>,
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    prompt_tokens: u64,
}

fn input_type(kind: EmbeddingInputType) -> &'static str {
    match kind {
        EmbeddingInputType::Query => "SEARCH_QUERY",
        EmbeddingInputType::Document => "SEARCH_DOCUMENT",
    }
}

/// Embeds every text, a batch per request.
pub async fn embed(ctx: CallContext<'_>, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let account = Account::resolve(&ctx.provider_context()).map_err(in_call)?;
    let size = ctx.max_chunks_or(MAX_INPUTS)?;
    let kind = input_type(request.input_type);
    let mut response = embed_in_batches(&request.texts, size, |texts| {
        let (ctx, account) = (&ctx, &account);
        async move {
            let body = json!({
                "compartmentId": account.compartment_id(),
                "servingMode": {"servingType": "ON_DEMAND", "modelId": ctx.model.id},
                "inputs": texts,
                "truncate": "NONE",
                "inputType": kind,
            });
            let http_request = account.post("embedText", &body)?;
            let answer: EmbedTextResult = ctx
                .http_call(parse_error_body)
                .send_json(&http_request)
                .await?;
            let reported = answer.usage.map(|usage| usage.prompt_tokens);
            let usage = InputUsage::reported_or_counted(reported, ctx.model.id, &texts);
            Ok(EmbeddingResponse {
                model: answer.model_id.unwrap_or_else(|| ctx.model.id.to_owned()),
                embeddings: answer.embeddings,
                usage,
            })
        }
    })
    .await
    .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}
