//! Text embeddings through `:predict`: one instance per text with its task type; each
//! prediction reports the tokens it read.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::embedding::{embed_in_batches, EmbeddingInputType, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, Result};
use crate::protocol::CallContext;
use crate::protocols::gemini::embed::task_type;
use crate::protocols::gemini::endpoint::ModelEndpoint;
use crate::protocols::gemini::parse_error_body;
use crate::usage::InputUsage;

/// Texts per request when neither the model nor the credentials say: the API's limit.
const MAX_TEXTS_PER_CALL: u32 = 250;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Predicted {
    predictions: Vec<Prediction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Prediction {
    embeddings: Embedding,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Embedding {
    values: Vec<f32>,
    statistics: Option<Statistics>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Statistics {
    token_count: Option<f64>,
}

fn predict_body(kind: EmbeddingInputType, texts: &[String]) -> Value {
    let instances: Vec<Value> = texts
        .iter()
        .map(|text| json!({"content": text, "task_type": task_type(kind)}))
        .collect();
    json!({"instances": instances})
}

async fn embed_batch(
    ctx: &CallContext<'_>,
    endpoint: &ModelEndpoint,
    kind: EmbeddingInputType,
    texts: Vec<String>,
) -> Result<EmbeddingResponse> {
    let request = endpoint.post("predict", None, &predict_body(kind, &texts))?;
    let answer: Predicted = ctx.http_call(parse_error_body).send_json(&request).await?;
    let counts: Option<Vec<f64>> = answer
        .predictions
        .iter()
        .map(|p| p.embeddings.statistics.as_ref()?.token_count)
        .collect();
    let usage = match counts {
        // Counts are whole numbers the API writes as JSON numbers (`6` or `6.0`).
        Some(counts) if !counts.is_empty() => {
            InputUsage::new(counts.iter().map(|c| c.max(0.0) as u64).sum(), false)
        }
        _ => InputUsage::reported_or_counted(None, ctx.model.id, &texts),
    };
    Ok(EmbeddingResponse {
        model: ctx.model.id.to_owned(),
        embeddings: answer
            .predictions
            .into_iter()
            .map(|p| p.embeddings.values)
            .collect(),
        usage,
    })
}

/// Embeds every text, a batch per request.
pub async fn embed(
    ctx: CallContext<'_>,
    endpoint: &ModelEndpoint,
    request: EmbeddingRequest,
) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let size = ctx.max_chunks_or(MAX_TEXTS_PER_CALL)?;
    let kind = request.input_type;
    let mut response = embed_in_batches(&request.texts, size, |batch| {
        embed_batch(&ctx, endpoint, kind, batch)
    })
    .await
    .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}
