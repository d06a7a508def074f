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

use crate::embedding::{EmbeddingRequest, EmbeddingResponse};
use crate::error::Result;
use crate::llm::{LlmRequest, LlmResponse, LlmStream};
use crate::protocol::{BoxFuture, CallContext, LlmProtocol, TextEmbeddingProtocol};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::BEDROCK;

/// The Bedrock protocol (stateless; use [`BEDROCK`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bedrock;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static BEDROCK: Bedrock = Bedrock;

impl LlmProtocol for Bedrock {
    fn invoke<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: LlmRequest,
    ) -> BoxFuture<'a, Result<LlmResponse>> {
        Box::pin(chat::invoke(ctx, request))
    }

    fn stream<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: LlmRequest,
    ) -> BoxFuture<'a, Result<LlmStream>> {
        Box::pin(chat::stream(ctx, request))
    }

    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(chat::validate_credentials(ctx))
    }
}

impl TextEmbeddingProtocol for Bedrock {
    fn embed<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: EmbeddingRequest,
    ) -> BoxFuture<'a, Result<EmbeddingResponse>> {
        Box::pin(embed::embed(ctx, request))
    }
}
