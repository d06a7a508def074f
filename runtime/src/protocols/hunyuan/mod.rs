//! Tencent Hunyuan (Tencent Cloud API 3.0, version 2023-09-01), as Dify's `hunyuan` provider
//! calls it: `POST {base}/` with the `X-TC-Action`, `X-TC-Version` and `X-TC-Timestamp`
//! headers, signed with TC3-HMAC-SHA256 ([`tc3`]) from the form's `secret_id` and
//! `secret_key` ([`api`]). Answers come wrapped in `{"Response": {...}}`, errors too
//! (`Response.Error.{Code, Message}`, with status 200).
//!
//! ChatCompletions ([`chat`]) takes tools (`Tools`, `ToolChoice`, `CustomTool`) and answers
//! with `ToolCalls`; its streams are `data:` events of the unwrapped answer, the last one with
//! a `FinishReason`. GetEmbedding ([`embed`]) embeds texts.

mod api;
mod chat;
mod embed;
mod tc3;

use crate::llm::{LlmRequest, Message};
use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::HUNYUAN;

/// The Hunyuan protocol (stateless; use [`HUNYUAN`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Hunyuan;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static HUNYUAN: Hunyuan = Hunyuan;

protocol_impl! {
    impl LlmProtocol for Hunyuan {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => async move {
            let request = LlmRequest::new(vec![Message::user("hello")]);
            chat::invoke(ctx, request).await.map(drop)
        };
    }
    impl TextEmbeddingProtocol for Hunyuan {
        fn embed(self, ctx, request) => embed::embed(ctx, request);
    }
}
