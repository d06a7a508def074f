//! Gemini models on Google Cloud Vertex AI: the Gemini API's payloads
//! ([`crate::protocols::gemini`]) on Vertex addresses (project, location, publisher model),
//! authorised with an OAuth2 token obtained from a service-account key; embeddings through
//! `:predict`.
//!
//! The credentials are read from the variables of Dify's `vertex_ai` form:
//! [`PROJECT_VARIABLE`], [`LOCATION_VARIABLE`] and [`SERVICE_ACCOUNT_VARIABLE`] (the key
//! file's JSON, as it is or base64-encoded as Dify asks for it).

mod auth;
mod embed;
mod endpoint;

use crate::error::Result;
use crate::llm::LlmRequest;
use crate::protocol::protocol_impl;
use crate::protocol::CallContext;
use crate::protocols::gemini::count::{self, CountShape};
use crate::protocols::gemini::{chat, endpoint::model_path};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::VERTEX_AI;

/// The credential holding the Google Cloud project id.
pub const PROJECT_VARIABLE: &str = "vertex_project_id";
/// The credential holding the location (a region such as `us-central1`, or `global`).
pub const LOCATION_VARIABLE: &str = "vertex_location";
/// The credential holding the service-account key.
pub const SERVICE_ACCOUNT_VARIABLE: &str = "vertex_service_account_key";

/// The tokens the model counts in `request`'s prompt (`:countTokens`, one request).
pub async fn count_tokens(ctx: CallContext<'_>, request: &LlmRequest) -> Result<u64> {
    let model = model_path(&ctx)?;
    let endpoint = endpoint::resolve(&ctx).await?;
    count::count_tokens(ctx, &endpoint, &model, request, CountShape::Flat).await
}

/// The Vertex AI protocol (stateless apart from the process-wide token cache; use
/// [`VERTEX_AI`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct VertexAi;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static VERTEX_AI: VertexAi = VertexAi;

protocol_impl! {
    impl LlmProtocol for VertexAi {
        fn invoke(self, ctx, request) =>
            async move { chat::invoke(ctx, &endpoint::resolve(&ctx).await?, request).await };
        fn stream(self, ctx, request) =>
            async move { chat::stream(ctx, &endpoint::resolve(&ctx).await?, request).await };
        fn validate_credentials(self, ctx) =>
            async move { chat::validate_credentials(ctx, &endpoint::resolve(&ctx).await?).await };
    }
    impl TextEmbeddingProtocol for VertexAi {
        fn embed(self, ctx, request) =>
            async move { embed::embed(ctx, &endpoint::resolve(&ctx).await?, request).await };
    }
}
