//! Tencent Hunyuan's ChatCompletions (Tencent Cloud API 3.0, version 2023-09-01), as Dify's
//! `hunyuan` provider calls it: `POST {base}/` with the `X-TC-Action`, `X-TC-Version` and
//! `X-TC-Timestamp` headers, signed with TC3-HMAC-SHA256 ([`tc3`]) from the form's
//! `secret_id` and `secret_key`. Answers come wrapped in `{"Response": {...}}`, errors too
//! (`Response.Error.{Code, Message}`, with status 200); streams are `data:` events of the
//! unwrapped answer, the last one with a `FinishReason`.

mod chat;
mod tc3;

use crate::error::Result;
use crate::llm::{LlmRequest, LlmResponse, LlmStream, Message};
use crate::protocol::{BoxFuture, CallContext, LlmProtocol};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::HUNYUAN;

/// The Hunyuan protocol (stateless; use [`HUNYUAN`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Hunyuan;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static HUNYUAN: Hunyuan = Hunyuan;

impl LlmProtocol for Hunyuan {
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
        let request = LlmRequest::new(vec![Message::user("hello")]);
        Box::pin(async move { chat::invoke(ctx, request).await.map(drop) })
    }
}
