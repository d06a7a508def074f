//! Cohere's v2 API: `POST /v2/embed` (float embeddings, batched) and `POST /v2/rerank`,
//! with `GET /v1/models` for fetch-from-remote. Error bodies are `{"message": ...}`.

pub(crate) mod embed;
mod models;
mod request;
pub(crate) mod rerank;

use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::COHERE;

/// The Cohere protocol (stateless; use [`COHERE`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cohere;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static COHERE: Cohere = Cohere;

protocol_impl! {
    impl TextEmbeddingProtocol for Cohere {
        fn embed(self, ctx, request) => embed::embed(ctx, request);
        /// Both the embedding and the rerank models the API lists, each with its type.
        fn remote_models(self, ctx) => models::list(ctx);
    }
    impl RerankProtocol for Cohere {
        fn rerank(self, ctx, request) => rerank::rerank(ctx, request);
    }
}
