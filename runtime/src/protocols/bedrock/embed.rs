//! Embeddings through `POST /model/{modelId}/invoke`, in the model family's own body:
//! Amazon Titan (`amazon.titan-embed-*`: one `inputText` per request, answered with
//! `embedding` and `inputTextTokenCount`) and Cohere (`cohere.embed-*`: up to 96 `texts`
//! with an `input_type`, answered with `embeddings`). Bedrock reports the input tokens of
//! every invocation in the `x-amzn-bedrock-input-token-count` header.

use serde::Deserialize;
use serde_json::{json, Value};

use super::error::{parse_error_body, with_error_type};
use super::{model_url, SERVICE};
use crate::embedding::{embed_in_batches, EmbeddingInputType, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{decode_json, HttpCall, HttpResponse};
use crate::protocol::CallContext;
use crate::protocols::aws::Target;
use crate::usage::InputUsage;

/// The header with the invocation's input token count.
const INPUT_TOKENS_HEADER: &str = "x-amzn-bedrock-input-token-count";

/// Texts per Cohere request when neither the model nor the credentials say: the API's limit.
const COHERE_MAX_TEXTS: u32 = 96;

/// The model families whose embedding bodies this module speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Titan,
    Cohere,
}

impl Family {
    /// The family of a model id; cross-region inference profiles (`us.cohere.embed-...`)
    /// and ARNs are recognised by the base id they end with.
    fn of(model: &str) -> Option<Self> {
        let base = model.rsplit('/').next().unwrap_or(model);
        if base.contains("amazon.titan-embed") {
            Some(Family::Titan)
        } else if base.contains("cohere.embed") {
            Some(Family::Cohere)
        } else {
            None
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct TitanAnswer {
    embedding: Option<Vec<f32>>,
    input_text_token_count: Option<u64>,
}

/// Cohere's `embeddings`: a list of vectors, or by type when `embedding_types` was given.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CohereEmbeddings {
    Floats(Vec<Vec<f32>>),
    ByType { float: Vec<Vec<f32>> },
}

#[derive(Debug, Deserialize)]
struct CohereAnswer {
    embeddings: CohereEmbeddings,
}

fn cohere_input_type(kind: EmbeddingInputType) -> &'static str {
    match kind {
        EmbeddingInputType::Document => "search_document",
        EmbeddingInputType::Query => "search_query",
    }
}

fn body(family: Family, kind: EmbeddingInputType, texts: &[String]) -> Value {
    match family {
        Family::Titan => json!({"inputText": texts.first()}),
        Family::Cohere => json!({
            "texts": texts,
            "input_type": cohere_input_type(kind),
            "embedding_types": ["float"],
        }),
    }
}

async fn embed_batch(
    ctx: &CallContext<'_>,
    target: &Target<'_>,
    family: Family,
    kind: EmbeddingInputType,
    texts: Vec<String>,
) -> Result<EmbeddingResponse> {
    let request = target.post(
        model_url(target, ctx.model.id, "invoke"),
        &body(family, kind, &texts),
    )?;
    let call: HttpCall = ctx.http_call(parse_error_body);
    let (header_count, embeddings, body_count) = call
        .send_with(&request, |answer| decode_answer(family, answer))
        .await
        .map_err(|e| target.redact(with_error_type(e)))?;
    let usage = InputUsage::reported_or_counted(header_count.or(body_count), ctx.model.id, &texts);
    Ok(EmbeddingResponse {
        model: ctx.model.id.to_owned(),
        embeddings,
        usage,
    })
}

/// One InvokeModel answer: the prompt token count from the header, the vectors, and the
/// count from the body (Titan's `inputTextTokenCount`), each when present.
type Answer = (Option<u64>, Vec<Vec<f32>>, Option<u64>);

fn decode_answer(family: Family, answer: &HttpResponse) -> Result<Answer> {
    let header_count = answer
        .headers
        .get(INPUT_TOKENS_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    Ok(match family {
        Family::Titan => {
            let titan: TitanAnswer = decode_json(&answer.body)?;
            let embedding = titan.embedding.ok_or_else(|| {
                Error::new(ErrorKind::InvalidResponse, "the answer has no `embedding`")
                    .with_body(String::from_utf8_lossy(&answer.body).into_owned())
            })?;
            (header_count, vec![embedding], titan.input_text_token_count)
        }
        Family::Cohere => {
            let cohere: CohereAnswer = decode_json(&answer.body)?;
            let embeddings = match cohere.embeddings {
                CohereEmbeddings::Floats(vectors) | CohereEmbeddings::ByType { float: vectors } => {
                    vectors
                }
            };
            (header_count, embeddings, None)
        }
    })
}

/// Texts per request: one for Titan; for Cohere the model's or the credentials'
/// `max_chunks`, else the API's limit.
fn batch_size(ctx: &CallContext<'_>, family: Family) -> Result<u32> {
    if family == Family::Titan {
        return Ok(1);
    }
    ctx.max_chunks_or(COHERE_MAX_TEXTS)
}

/// Embeds every text, a batch per request.
pub async fn embed(ctx: CallContext<'_>, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let family = Family::of(ctx.model.id).ok_or_else(|| {
        ctx.error(
            ErrorKind::Unsupported,
            "Bedrock embeddings are implemented for Amazon Titan (amazon.titan-embed-*) and \
             Cohere (cohere.embed-*) models only",
        )
    })?;
    let target = Target::resolve(&ctx.provider_context(), SERVICE).map_err(in_call)?;
    let size = batch_size(&ctx, family)?;
    let kind = request.input_type;
    let mut response = embed_in_batches(&request.texts, size, |batch| {
        embed_batch(&ctx, &target, family, kind, batch)
    })
    .await
    .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_told_apart_by_model_id() {
        assert_eq!(
            Family::of("amazon.titan-embed-text-v2:0"),
            Some(Family::Titan)
        );
        assert_eq!(Family::of("cohere.embed-english-v3"), Some(Family::Cohere));
        assert_eq!(Family::of("us.cohere.embed-v4:0"), Some(Family::Cohere));
        assert_eq!(Family::of("anthropic.claude-3-haiku-20240307-v1:0"), None);
    }
}
