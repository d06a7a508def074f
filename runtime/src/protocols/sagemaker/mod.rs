//! Amazon SageMaker real-time endpoints, as Dify's `sagemaker` provider calls them:
//! `POST /endpoints/{EndpointName}/invocations` (InvokeEndpoint) and
//! `/invocations-response-stream` (InvokeEndpointWithResponseStream) at
//! `https://runtime.sagemaker.{region}.amazonaws.com`, signed with SigV4 (service
//! `sagemaker`) from the same AWS credentials as Bedrock. The endpoint is the model's
//! `sagemaker_endpoint` credential.
//!
//! The body is the container's own; this protocol sends what Dify sends:
//! - LLMs: an OpenAI-style chat body (`messages`, `max_tokens`, `temperature`, `top_p`,
//!   `stop`, `stream`), answered with a chat completion, or streamed as `data:` events
//!   carried in the event stream's `PayloadPart` frames;
//! - text embeddings: `{"inputs": [...], "parameters": {}, "is_query", "instruction"}`,
//!   answered with `{"embeddings": [[...]]}`;
//! - rerank: `{"inputs": [query, ...], "docs": [...]}`, answered with `{"scores": [...]}`.
//!
//! Speech to text and TTS (which go through S3 and voice presets in Dify) are not covered.

mod chat;
mod endpoint;
mod error;
mod invoke;
mod payload;

use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::SAGEMAKER;

/// The SageMaker protocol (stateless; use [`SAGEMAKER`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SageMaker;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static SAGEMAKER: SageMaker = SageMaker;

protocol_impl! {
    impl LlmProtocol for SageMaker {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => chat::validate_credentials(ctx);
    }
    impl TextEmbeddingProtocol for SageMaker {
        fn embed(self, ctx, request) => invoke::embed(ctx, request);
    }
    impl RerankProtocol for SageMaker {
        fn rerank(self, ctx, request) => invoke::rerank(ctx, request);
    }
}
