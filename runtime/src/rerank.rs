//! Document reranking.

use crate::error::{ErrorKind, Result};
use crate::protocol::CallContext;
use crate::usage::InputUsage;

/// A rerank call: order `documents` by relevance to `query`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RerankRequest {
    /// The query.
    pub query: String,
    /// The documents to order.
    pub documents: Vec<String>,
    /// Return at most this many results.
    pub top_n: Option<u32>,
    /// Drop results scoring below this.
    pub score_threshold: Option<f64>,
}

/// One ranked document.
#[derive(Debug, Clone, PartialEq)]
pub struct RerankResult {
    /// Its position in the request's `documents`.
    pub index: usize,
    /// Relevance score (higher is more relevant).
    pub score: f64,
    /// The document text.
    pub document: String,
}

/// The ranked documents, most relevant first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RerankResponse {
    /// The model that answered.
    pub model: String,
    /// The results, by descending score, after `top_n` and `score_threshold`.
    pub results: Vec<RerankResult>,
    /// Tokens used, when the provider reports them.
    pub usage: Option<InputUsage>,
}

impl RerankResponse {
    /// Sorts by descending score and applies `top_n` and `score_threshold` from `request`.
    pub fn finalize(mut self, request: &RerankRequest) -> Self {
        self.results.sort_by(|a, b| b.score.total_cmp(&a.score));
        if let Some(threshold) = request.score_threshold {
            self.results.retain(|r| r.score >= threshold);
        }
        if let Some(top_n) = request.top_n {
            self.results
                .truncate(usize::try_from(top_n).unwrap_or(usize::MAX));
        }
        self
    }
}

/// The results a provider ranked, as `(index into the documents sent, score)` pairs, joined
/// with their documents. An index outside the documents sent is an invalid response; a missing
/// index or score counts as such an index or as 0.
pub fn join_ranked(
    ctx: &CallContext<'_>,
    request: &RerankRequest,
    ranked: impl IntoIterator<Item = (Option<usize>, Option<f64>)>,
) -> Result<Vec<RerankResult>> {
    ranked
        .into_iter()
        .map(|(index, score)| {
            let index = index.unwrap_or(usize::MAX);
            let document = request.documents.get(index).ok_or_else(|| {
                ctx.error(
                    ErrorKind::InvalidResponse,
                    format!(
                        "result index {index} is outside the {} documents sent",
                        request.documents.len()
                    ),
                )
            })?;
            Ok(RerankResult {
                index,
                score: score.unwrap_or(0.0),
                document: document.clone(),
            })
        })
        .collect()
}
