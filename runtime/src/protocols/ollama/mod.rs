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
use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::OLLAMA;

/// The Ollama protocol (stateless; use [`OLLAMA`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ollama;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static OLLAMA: Ollama = Ollama;

protocol_impl! {
    impl LlmProtocol for Ollama {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => chat::validate_credentials(ctx);
        fn remote_models(self, ctx) => models::list(ctx, ModelType::Llm);
    }
    impl TextEmbeddingProtocol for Ollama {
        fn embed(self, ctx, request) => embedding::embed(ctx, request);
        fn validate_credentials(self, ctx) => chat::validate_credentials(ctx);
        fn remote_models(self, ctx) => models::list(ctx, ModelType::TextEmbedding);
    }
}
