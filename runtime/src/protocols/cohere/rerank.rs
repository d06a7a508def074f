//! `POST /v2/rerank`.

use serde::Deserialize;
use serde_json::json;

use super::request;
use crate::error::Result;
use crate::protocol::CallContext;
use crate::protocols::openai_compatible::parse_error_body;
use crate::rerank::{join_ranked, RerankRequest, RerankResponse};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Reranked {
    results: Vec<Ranked>,
}

/// One ranked document as Cohere answers it (Baidu's reranker answers the same way).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Ranked {
    index: Option<usize>,
    relevance_score: Option<f64>,
}

impl Ranked {
    /// `(index, score)`, as [`join_ranked`] takes them.
    pub(crate) fn pair(self) -> (Option<usize>, Option<f64>) {
        (self.index, self.relevance_score)
    }
}

/// Ranks the documents; no request is sent when there are none. Cohere bills rerank in
/// searches, not tokens, so the usage is `None`.
pub async fn rerank(ctx: CallContext<'_>, request: RerankRequest) -> Result<RerankResponse> {
    if request.documents.is_empty() {
        return Ok(RerankResponse {
            model: ctx.model.id.to_owned(),
            ..RerankResponse::default()
        });
    }
    let top_n = request
        .top_n
        .unwrap_or_else(|| u32::try_from(request.documents.len()).unwrap_or(u32::MAX));
    let body = json!({
        "model": ctx.model.id,
        "query": request.query,
        "documents": request.documents,
        "top_n": top_n,
    });
    let http_request = request::post(&ctx, "v2/rerank", &body)?;
    let answer: Reranked = ctx
        .http_call(parse_error_body)
        .send_json(&http_request)
        .await?;
    let ranked = answer.results.into_iter().map(Ranked::pair);
    let results = join_ranked(&ctx, &request, ranked)?;
    Ok(RerankResponse {
        model: ctx.model.id.to_owned(),
        results,
        usage: None,
    }
    .finalize(&request))
}
