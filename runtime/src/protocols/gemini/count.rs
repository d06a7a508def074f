//! `:countTokens`: the tokens the model itself counts in a request's prompt (system
//! instruction and tools included), for callers who need the exact figure before sending;
//! [`crate::protocol::LlmProtocol::count_tokens`] stays an offline estimate.

use serde::Deserialize;
use serde_json::{json, Value};

use super::encode::generate_body;
use super::endpoint::ModelEndpoint;
use super::error::parse_error_body;
use crate::error::{Error, ErrorKind, Result};
use crate::llm::LlmRequest;
use crate::protocol::CallContext;

/// How an API wants the request it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountShape {
    /// The Gemini API: the whole request under `generateContentRequest`, with its model.
    Wrapped,
    /// Vertex AI: the request's fields at the top level, without `toolConfig`.
    Flat,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Counted {
    total_tokens: Option<u64>,
}

/// Counts the prompt tokens of `request` as `ctx`'s model would.
pub async fn count_tokens(
    ctx: CallContext<'_>,
    endpoint: &ModelEndpoint,
    model: &str,
    request: &LlmRequest,
    shape: CountShape,
) -> Result<u64> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let mut generate = generate_body(request, ctx.params, None).map_err(in_call)?;
    let body = match shape {
        CountShape::Wrapped => {
            generate["model"] = json!(format!("models/{model}"));
            json!({"generateContentRequest": generate})
        }
        CountShape::Flat => {
            if let Value::Object(fields) = &mut generate {
                fields.remove("toolConfig");
            }
            generate
        }
    };
    let http_request = endpoint.post("countTokens", None, &body).map_err(in_call)?;
    let counted: Counted = ctx
        .http_call(parse_error_body)
        .send_json(&http_request)
        .await?;
    counted.total_tokens.ok_or_else(|| {
        ctx.error(
            ErrorKind::InvalidResponse,
            "the token count answer has no totalTokens",
        )
    })
}
