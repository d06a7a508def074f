//! The Google Gemini API (`models/{model}:generateContent`, `:streamGenerateContent?alt=sse`,
//! `:countTokens`, `:batchEmbedContents`), keyed with `x-goog-api-key`.
//!
//! System instruction apart from the turns; text, inline media (`inlineData`) and URLs
//! (`fileData`); function declarations with JSON Schema parameters, function calls and their
//! responses (matched to the calls by name); thinking budgets and levels, thought summaries
//! kept apart from the answer and thought signatures carried back on the next turn; JSON
//! Schema structured output; usage with cached and thinking tokens; `google.rpc.Status`
//! errors with the retry delay of their `RetryInfo`.
//!
//! The payloads are Vertex AI's too: [`crate::protocols::vertex_ai`] calls the same code on
//! its own addresses.

pub(crate) mod chat;
pub(crate) mod count;
mod decode;
pub(crate) mod embed;
mod encode;
pub(crate) mod endpoint;
mod error;

pub use error::parse_error_body;

use crate::error::Result;
use crate::llm::LlmRequest;
use crate::protocol::protocol_impl;
use crate::protocol::CallContext;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::GEMINI;

/// The tokens the model counts in `request`'s prompt (`:countTokens`, one request).
pub async fn count_tokens(ctx: CallContext<'_>, request: &LlmRequest) -> Result<u64> {
    let model = endpoint::model_path(&ctx)?;
    let endpoint = endpoint::gemini(&ctx)?;
    count::count_tokens(ctx, &endpoint, &model, request, count::CountShape::Wrapped).await
}

/// The Gemini API protocol (stateless; use [`GEMINI`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Gemini;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static GEMINI: Gemini = Gemini;

protocol_impl! {
    impl LlmProtocol for Gemini {
        fn invoke(self, ctx, request) =>
            async move { chat::invoke(ctx, &endpoint::gemini(&ctx)?, request).await };
        fn stream(self, ctx, request) =>
            async move { chat::stream(ctx, &endpoint::gemini(&ctx)?, request).await };
        fn validate_credentials(self, ctx) =>
            async move { chat::validate_credentials(ctx, &endpoint::gemini(&ctx)?).await };
    }
    impl TextEmbeddingProtocol for Gemini {
        fn embed(self, ctx, request) => async move {
            let model = endpoint::model_path(&ctx)?;
            embed::embed(ctx, &endpoint::gemini(&ctx)?, &model, request).await
        };
    }
}
