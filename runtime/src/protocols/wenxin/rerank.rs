//! The workshop's reranker endpoint (`reranker/bce_reranker_base`): `{"query", "documents",
//! "top_n"}` answered with `results[].{document, relevance_score, index}` and `usage`.

use serde::Deserialize;
use serde_json::{json, Map};

use super::embed::{endpoint_name, WireUsage};
use super::workshop::Session;
use crate::error::{Error, Result};
use crate::protocol::CallContext;
use crate::protocols::cohere::rerank::Ranked;
use crate::rerank::{join_ranked, RerankRequest, RerankResponse};

/// Baidu's endpoint name of each rerank model of Dify's tree (Dify's table).
const ENDPOINTS: &[(&str, &str)] = &[("bce-reranker-base_v1", "bce_reranker_base")];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Answer {
    results: Vec<Ranked>,
    usage: Option<WireUsage>,
}

/// Orders `request.documents` by relevance.
pub async fn rerank(ctx: CallContext<'_>, request: RerankRequest) -> Result<RerankResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    if request.documents.is_empty() {
        return Ok(RerankResponse {
            model: ctx.model.id.to_owned(),
            ..RerankResponse::default()
        });
    }
    let session = Session::open(&ctx).await?;
    let url = session.url("reranker", endpoint_name(ENDPOINTS, ctx.model.id));
    let mut body = Map::new();
    body.insert("query".into(), json!(request.query));
    body.insert("documents".into(), json!(request.documents));
    if let Some(top_n) = request.top_n {
        body.insert("top_n".into(), json!(top_n));
    }
    let answer: Answer = session
        .post(&ctx, url, &body.into())
        .await
        .map_err(in_call)?;
    let ranked = answer.results.into_iter().map(Ranked::pair);
    let results = join_ranked(&ctx, &request, ranked)?;
    Ok(RerankResponse {
        model: ctx.model.id.to_owned(),
        results,
        usage: answer
            .usage
            .map(|u| u.input().priced(ctx.pricing().as_ref())),
    }
    .finalize(&request))
}
