//! AWS Bedrock: the Converse and ConverseStream APIs (`POST /model/{modelId}/converse`,
//! `/converse-stream`) for language models, and InvokeModel (`/invoke`) for Amazon Titan
//! and Cohere embeddings, at `https://bedrock-runtime.{region}.amazonaws.com`.
//!
//! Requests are signed with SigV4 (service `bedrock`) from an access key, a secret key, an
//! optional session token and the region; streamed answers arrive in AWS's binary
//! event-stream framing. System prompts, text/image/document blocks, tools with streamed
//! input fragments, reasoning (signed text and redacted content), cache points and usage
//! with prompt-cache reads and writes; error types mapped to the error taxonomy.

mod chat;
mod decode;
mod embed;
mod encode;
mod endpoint;
mod error;
mod eventstream;
mod sigv4;

pub use error::parse_error_body;

use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::BEDROCK;

/// The Bedrock protocol (stateless; use [`BEDROCK`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bedrock;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static BEDROCK: Bedrock = Bedrock;

protocol_impl! {
    impl LlmProtocol for Bedrock {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => chat::validate_credentials(ctx);
    }
    impl TextEmbeddingProtocol for Bedrock {
        fn embed(self, ctx, request) => embed::embed(ctx, request);
    }
}
