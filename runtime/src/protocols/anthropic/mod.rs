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

use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::ANTHROPIC;

/// The Anthropic protocol (stateless; use [`ANTHROPIC`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Anthropic;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static ANTHROPIC: Anthropic = Anthropic;

protocol_impl! {
    impl LlmProtocol for Anthropic {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => chat::validate_credentials(ctx);
        fn remote_models(self, ctx) => models::list(ctx);
    }
}
