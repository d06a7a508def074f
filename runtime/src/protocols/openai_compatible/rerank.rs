//! `/rerank`, in the Jina/Cohere shape Dify's OpenAI-compatible provider uses.

use serde::Deserialize;
use serde_json::json;

use super::config::{wire_model, Dialect, Endpoint};
use super::decode::parse_error_body;
use crate::error::{Error, Result};
use crate::http::HttpRequest;
use crate::protocol::CallContext;
use crate::rerank::{join_ranked, RerankRequest, RerankResponse};
use crate::usage::InputUsage;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Reranked {
    model: Option<String>,
    /// `results` (Jina, Cohere), or `data` (Voyage).
    #[serde(alias = "data")]
    results: Option<Vec<Ranked>>,
    usage: Option<RerankUsage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Ranked {
    index: Option<usize>,
    relevance_score: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RerankUsage {
    total_tokens: Option<u64>,
    prompt_tokens: Option<u64>,
}

/// Ranks the documents; no request is sent when there are none.
pub async fn rerank(ctx: CallContext<'_>, request: RerankRequest) -> Result<RerankResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let wire_model = wire_model(&ctx);
    if request.documents.is_empty() {
        return Ok(RerankResponse {
            model: wire_model.to_owned(),
            ..RerankResponse::default()
        });
    }
    let endpoint = Endpoint::for_call(&ctx, Dialect::OpenAi)
        .await
        .map_err(in_call)?;
    let url = match ctx.credential("rerank_endpoint_url") {
        Some(url) => url.trim().to_owned(),
        None => endpoint.url("rerank"),
    };
    let top_n = request
        .top_n
        .unwrap_or_else(|| u32::try_from(request.documents.len()).unwrap_or(u32::MAX));
    // `top_n` (Jina, Cohere) or `top_k` (Voyage), as `extra.modelrt.rerank_top_field` says.
    let top_field = ctx.provider.extra("rerank_top_field").unwrap_or("top_n");
    let mut body = json!({
        "model": wire_model,
        "query": request.query,
        "documents": request.documents,
    });
    body[top_field] = json!(top_n);
    let http_request = endpoint
        .request(HttpRequest::post_json(url, &body)?)
        .map_err(in_call)?;
    let answer: Reranked = ctx
        .http_call(parse_error_body)
        .send_json(&http_request)
        .await?;
    let ranked = answer
        .results
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.index, r.relevance_score));
    let results = join_ranked(&ctx, &request, ranked)?;
    let usage = answer
        .usage
        .and_then(|u| u.total_tokens.or(u.prompt_tokens))
        .map(|tokens| InputUsage::new(tokens, false).priced(ctx.pricing().as_ref()));
    Ok(RerankResponse {
        model: answer.model.unwrap_or_else(|| wire_model.to_owned()),
        results,
        usage,
    }
    .finalize(&request))
}
