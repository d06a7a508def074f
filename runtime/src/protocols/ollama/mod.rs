//! Ollama's native API: `/api/chat` and `/api/generate` (streamed as JSON lines),
//! `/api/embed`, `/api/tags` and `/api/show`.
//!
//! Sampling parameters travel under `options`; `format`, `keep_alive` and `think` at the top
//! level. Reasoning (`thinking`) is kept apart from the answer.

mod chat;
mod decode;
mod embedding;
mod encode;
mod error;
mod models;

pub use error::parse_error_body;

use crate::catalog::ModelType;
use crate::embedding::{EmbeddingRequest, EmbeddingResponse};
use crate::error::Result;
use crate::llm::{LlmRequest, LlmResponse, LlmStream};
use crate::protocol::{
    BoxFuture, CallContext, LlmProtocol, ProviderContext, RemoteModel, TextEmbeddingProtocol,
};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::OLLAMA;

/// The Ollama protocol (stateless; use [`OLLAMA`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ollama;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static OLLAMA: Ollama = Ollama;

impl LlmProtocol for Ollama {
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

    fn remote_models<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
    ) -> BoxFuture<'a, Result<Vec<RemoteModel>>> {
        Box::pin(models::list(ctx, ModelType::Llm))
    }
}

impl TextEmbeddingProtocol for Ollama {
    fn embed<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: EmbeddingRequest,
    ) -> BoxFuture<'a, Result<EmbeddingResponse>> {
        Box::pin(embedding::embed(ctx, request))
    }

    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(chat::validate_credentials(ctx))
    }

    fn remote_models<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
    ) -> BoxFuture<'a, Result<Vec<RemoteModel>>> {
        Box::pin(models::list(ctx, ModelType::TextEmbedding))
    }
}
