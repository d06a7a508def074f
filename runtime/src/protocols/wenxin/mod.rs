//! Baidu's ERNIE (Wenxin) chat API, as Dify's `wenxin` provider calls it: the form's API key
//! and secret key are exchanged for an access token (`POST {base}/oauth/2.0/token` with
//! `grant_type=client_credentials`, cached until shortly before it expires), which then goes
//! in the query of `POST {base}/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{endpoint}`.
//!
//! Each model is served on an endpoint whose name Baidu chose ([`chat::ENDPOINTS`]); a model
//! not listed is sent to the endpoint of its own name (a custom deployment). Errors come as
//! `{"error_code", "error_msg"}`, usually with status 200, also in place of a stream.

mod auth;
mod chat;

use crate::error::Result;
use crate::llm::{LlmRequest, LlmResponse, LlmStream, Message};
use crate::protocol::{BoxFuture, CallContext, LlmProtocol};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::WENXIN;

/// The ERNIE protocol (stateless apart from the process-wide token cache; use [`WENXIN`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Wenxin;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static WENXIN: Wenxin = Wenxin;

impl LlmProtocol for Wenxin {
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
        let request = LlmRequest::new(vec![Message::user("ping")]);
        Box::pin(async move { chat::invoke(ctx, request).await.map(drop) })
    }
}
