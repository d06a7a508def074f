//! iFlytek Spark's chat API over WebSocket, as Dify's `spark` provider calls it: the form's
//! `app_id`, `api_key` and `api_secret`, a URL signed with HMAC-SHA256 ([`signing`]), one JSON
//! request frame, and answer frames until the one whose `header.status` is 2.
//!
//! Spark's OpenAI-compatible HTTP API is not used: its documentation asks for the console's
//! `APIPassword`, which Dify's form does not hold. Each model has its own path and `domain`
//! ([`chat::ENDPOINTS`]). The base URL is written `https://` (as every other provider's);
//! the socket is opened on its `wss://` twin.

mod chat;
mod signing;
mod socket;

use crate::llm::{LlmRequest, Message};
use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::SPARK;

/// The Spark protocol (stateless; use [`SPARK`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Spark;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static SPARK: Spark = Spark;

protocol_impl! {
    impl LlmProtocol for Spark {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => async move {
            let request = LlmRequest::new(vec![Message::user("ping")]);
            chat::invoke(ctx, request).await.map(drop)
        };
    }
}
