//! The Anthropic Messages API (`POST /v1/messages`, `GET /v1/models`).
//!
//! System prompt apart from the turns; text, image, document, tool-use and tool-result
//! blocks; streamed events (text, tool input JSON, thinking) reassembled into chunks with the
//! reasoning kept apart from the answer; prompt-cache breakpoints (`cache_control`) on tools,
//! system and messages, and usage with prompt-cache reads and writes; error types mapped to
//! the error taxonomy.

mod cache;
mod chat;
mod decode;
mod encode;
mod endpoint;
mod error;
mod models;

pub use error::parse_error_body;

use crate::error::Result;
use crate::llm::{LlmRequest, LlmResponse, LlmStream};
use crate::protocol::{BoxFuture, CallContext, LlmProtocol, ProviderContext, RemoteModel};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::ANTHROPIC;

/// The Anthropic protocol (stateless; use [`ANTHROPIC`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Anthropic;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static ANTHROPIC: Anthropic = Anthropic;

impl LlmProtocol for Anthropic {
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
        Box::pin(models::list(ctx))
    }
}
