//! Embedding and rerank endpoints, with the bodies Dify sends: `{"inputs": [...],
//! "parameters": {}, "is_query", "instruction"}` answered with `{"embeddings": [...]}`, and
//! `{"inputs": [query, ...], "docs": [...]}` answered with `{"scores": [...]}` (a single
//! score for a single document).

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::endpoint::Invocation;
use super::error::parse_error_body;
use crate::embedding::{embed_in_batches, EmbeddingInputType, EmbeddingRequest, EmbeddingResponse};
use crate::error::Result;
use crate::http::decode_json;
use crate::protocol::CallContext;
use crate::rerank::{join_ranked, RerankRequest, RerankResponse};
use crate::usage::InputUsage;

/// Texts per request when neither the model nor the credentials say (Dify's batch size).
const BATCH_SIZE: u32 = 20;

#[derive(Debug, Deserialize)]
struct Embeddings {
    embeddings: Vec<Vec<f32>>,
}

/// One score, or one per document.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scores {
    Many(Vec<f64>),
    One(f64),
}

#[derive(Debug, Deserialize)]
struct Ranked {
    scores: Scores,
}

/// Sends `body` to the model's endpoint and decodes the JSON answer.
async fn call<T: DeserializeOwned>(ctx: &CallContext<'_>, body: &Value) -> Result<T> {
    let invocation = Invocation::resolve(ctx)?;
    let request = invocation
        .post(body, false)
        .map_err(|e| e.in_call(ctx.provider.id, ctx.model.id))?;
    ctx.http_call(parse_error_body)
        .send_with(&request, |answer| decode_json(&answer.body))
        .await
        .map_err(|e| invocation.finish_error(e))
}

/// Embeds every text, a batch per request. The container reports no usage, so tokens are
/// counted offline.
pub async fn embed(ctx: CallContext<'_>, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
    let size = ctx.max_chunks_or(BATCH_SIZE)?;
    let is_query = request.input_type == EmbeddingInputType::Query;
    let mut response = embed_in_batches(&request.texts, size, |texts| {
        let ctx = &ctx;
        async move {
            let body = json!({
                "inputs": texts,
                "parameters": {},
                "is_query": is_query,
                "instruction": "",
            });
            let answer: Embeddings = call(ctx, &body).await?;

            Ok(EmbeddingResponse {
                model: ctx.model.id.to_owned(),
                embeddings: answer.embeddings,
                usage: InputUsage::reported_or_counted(None, ctx.model.id, &texts),
            })
        }
    })
    .await
    .map_err(|e| e.in_call(ctx.provider.id, ctx.model.id))?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}

/// Scores every document against the query in one request.
pub async fn rerank(ctx: CallContext<'_>, request: RerankRequest) -> Result<RerankResponse> {
    if request.documents.is_empty() {
        return Ok(RerankResponse {
            model: ctx.model.id.to_owned(),
            ..RerankResponse::default()
        });
    }
    let body = json!({
        "inputs": vec![request.query.as_str(); request.documents.len()],
        "docs": request.documents,
    });
    let answer: Ranked = call(&ctx, &body).await?;
    let scores = match answer.scores {
        Scores::Many(scores) => scores,
        Scores::One(score) => vec![score],
    };
    let results = join_ranked(
        &ctx,
        &request,
        scores
            .into_iter()
            .enumerate()
            .map(|(index, score)| (Some(index), Some(score))),
    )?;
    let response = RerankResponse {
        model: ctx.model.id.to_owned(),
        results,
        usage: None,
    };
    Ok(response.finalize(&request))
}
