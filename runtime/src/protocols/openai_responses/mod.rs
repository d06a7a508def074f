//! The OpenAI Responses API (`POST /responses`), whole and streamed.
//!
//! The conversation goes as input items (messages, function calls and their outputs, and a
//! reasoning model's earlier reasoning items with their encrypted content, so that nothing is
//! stored on the server: `store: false`); tools are flat function definitions; structured
//! output is `text.format`; streamed `response.*` events become chunks, with function-call
//! arguments and reasoning summaries streamed as they come; usage counts cached and reasoning
//! tokens. Where to call and with which key resolves as for the OpenAI-compatible protocol
//! (the same `extra.modelrt` keys), and error bodies have OpenAI's shape.

mod chat;
mod decode;
mod encode;
mod reasoning;

use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::OPENAI_RESPONSES;

/// The Responses API protocol (stateless; use [`OPENAI_RESPONSES`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenAiResponses;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static OPENAI_RESPONSES: OpenAiResponses = OpenAiResponses;

protocol_impl! {
    impl LlmProtocol for OpenAiResponses {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => chat::validate_credentials(ctx);
    }
}
