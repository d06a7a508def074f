//! Cohere's v2 API: `POST /v2/embed` (float embeddings, batched) and `POST /v2/rerank`,
//! with `GET /v1/models` for fetch-from-remote. Error bodies are `{"message": ...}`.

pub(crate) mod embed;
mod models;
mod request;
mod rerank;

use crate::embedding::{EmbeddingRequest, EmbeddingResponse};
use crate::error::Result;
use crate::protocol::{
    BoxFuture, CallContext, ProviderContext, RemoteModel, RerankProtocol, TextEmbeddingProtocol,
};
use crate::rerank::{RerankRequest, RerankResponse};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::COHERE;

/// The Cohere protocol (stateless; use [`COHERE`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cohere;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static COHERE: Cohere = Cohere;

impl TextEmbeddingProtocol for Cohere {
    fn embed<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: EmbeddingRequest,
    ) -> BoxFuture<'a, Result<EmbeddingResponse>> {
        Box::pin(embed::embed(ctx, request))
    }

    /// Both the embedding and the rerank models the API lists, each with its type.
    fn remote_models<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
    ) -> BoxFuture<'a, Result<Vec<RemoteModel>>> {
        Box::pin(models::list(ctx))
    }
}

impl RerankProtocol for Cohere {
    fn rerank<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: RerankRequest,
    ) -> BoxFuture<'a, Result<RerankResponse>> {
        Box::pin(rerank::rerank(ctx, request))
    }
}
