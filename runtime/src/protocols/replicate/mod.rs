//! Replicate's predictions API, as Dify's `replicate` provider calls it: a model named
//! `owner/name`, optionally pinned to a version by the `model_version` credential; a
//! prediction is created (`Prefer: wait`) and followed until it succeeds, fails or is
//! canceled, or its `urls.stream` is read as server-sent `output` events up to `done`.
//! Language models get a `prompt` (and `system_prompt`), embedding models their text input
//! ([`embed`]). The API token is sent as `Authorization: Bearer`.

mod api;
mod chat;
mod embed;
mod error;

use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::REPLICATE;

/// The Replicate protocol (stateless; use [`REPLICATE`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Replicate;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static REPLICATE: Replicate = Replicate;

protocol_impl! {
    impl LlmProtocol for Replicate {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => chat::validate_credentials(ctx);
    }
    impl TextEmbeddingProtocol for Replicate {
        fn embed(self, ctx, request) => embed::embed(ctx, request);
    }
}
