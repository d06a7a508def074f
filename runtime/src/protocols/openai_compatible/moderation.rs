//! `POST /moderations`: long texts are cut into the model's `max_characters_per_chunk`
//! pieces, sent `max_chunks` per request, and the verdicts merged.

use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

use super::config::{wire_model, Dialect, Endpoint};
use super::decode::parse_error_body;
use super::tts::split_text;
use crate::error::{Error, Result};
use crate::http::HttpRequest;
use crate::moderation::{ModerationCategory, ModerationRequest, ModerationResult};
use crate::protocol::CallContext;

/// Characters per piece when the model declares none.
const DEFAULT_CHUNK_CHARS: u32 = 2000;
/// Pieces per request when the model declares none.
const DEFAULT_CHUNKS: u32 = 32;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Moderations {
    results: Vec<Verdict>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Verdict {
    flagged: bool,
    categories: BTreeMap<String, Option<bool>>,
    category_scores: BTreeMap<String, Option<f64>>,
}

/// Verdicts merged over pieces: flagged if any piece was, highest score.
#[derive(Debug, Default)]
struct Merged {
    flagged: bool,
    categories: Vec<ModerationCategory>,
}

impl Merged {
    fn add(&mut self, verdict: Verdict) {
        self.flagged |= verdict.flagged;
        let names: Vec<&String> = verdict
            .categories
            .keys()
            .chain(verdict.category_scores.keys())
            .collect();
        for name in names {
            let flagged = verdict
                .categories
                .get(name)
                .copied()
                .flatten()
                .unwrap_or(false);
            let score = verdict.category_scores.get(name).copied().flatten();
            match self.categories.iter_mut().find(|c| &c.name == name) {
                Some(category) => {
                    category.flagged |= flagged;
                    category.score = match (category.score, score) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    };
                }
                None => self.categories.push(ModerationCategory {
                    name: name.clone(),
                    flagged,
                    score,
                }),
            }
        }
    }
}

/// Checks `request.text`; an empty text is not flagged and sends nothing.
pub async fn moderate(
    ctx: CallContext<'_>,
    request: ModerationRequest,
) -> Result<ModerationResult> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let properties = ctx.model.info.map(|info| info.properties);
    let chunk_chars = properties
        .and_then(|p| p.max_characters_per_chunk)
        .unwrap_or(DEFAULT_CHUNK_CHARS);
    let per_request = properties
        .and_then(|p| p.max_chunks)
        .unwrap_or(DEFAULT_CHUNKS)
        .max(1);
    let pieces = split_text(
        &request.text,
        usize::try_from(chunk_chars).unwrap_or(usize::MAX),
    );
    if pieces.is_empty() {
        return Ok(ModerationResult::default());
    }
    let endpoint = Endpoint::for_call(&ctx, Dialect::OpenAi)
        .await
        .map_err(in_call)?;
    let call = ctx.http_call(parse_error_body);
    let mut merged = Merged::default();
    for batch in pieces.chunks(usize::try_from(per_request).unwrap_or(usize::MAX)) {
        let body = json!({"model": wire_model(&ctx), "input": batch});
        let http_request = endpoint
            .request(HttpRequest::post_json(endpoint.url("moderations"), &body)?)
            .map_err(in_call)?;
        let answer: Moderations = call.send_json(&http_request).await?;
        if answer.results.len() != batch.len() {
            return Err(ctx.error(
                crate::error::ErrorKind::InvalidResponse,
                format!(
                    "asked to check {} texts, got {} verdicts",
                    batch.len(),
                    answer.results.len()
                ),
            ));
        }
        answer.results.into_iter().for_each(|v| merged.add(v));
    }
    Ok(ModerationResult {
        flagged: merged.flagged,
        categories: merged.categories,
    })
}
