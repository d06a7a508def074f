//! Baidu's ERNIE (Wenxin) chat API, as Dify's `wenxin` provider calls it: the form's API key
//! and secret key are exchanged for an access token (`POST {base}/oauth/2.0/token` with
//! `grant_type=client_credentials`, cached until shortly before it expires), which then goes
//! in the query of `POST {base}/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{endpoint}`.
//!
//! Each model is served on an endpoint whose name Baidu chose ([`chat::ENDPOINTS`]); a model
//! not listed is sent to the endpoint of its own name (a custom deployment). Errors come as
//! `{"error_code", "error_msg"}`, usually with status 200, also in place of a stream
//! ([`workshop`]). Chat takes tools as ERNIE `functions` (one call per turn); the embedding
//! ([`embed`]) and reranker ([`rerank`]) endpoints take the same token.

mod auth;
mod chat;
mod embed;
mod rerank;
mod workshop;

use crate::llm::{LlmRequest, Message};
use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::WENXIN;

/// The ERNIE protocol (stateless apart from the process-wide token cache; use [`WENXIN`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Wenxin;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static WENXIN: Wenxin = Wenxin;

protocol_impl! {
    impl LlmProtocol for Wenxin {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => async move {
            let request = LlmRequest::new(vec![Message::user("ping")]);
            chat::invoke(ctx, request).await.map(drop)
        };
    }
    impl TextEmbeddingProtocol for Wenxin {
        fn embed(self, ctx, request) => embed::embed(ctx, request);
    }
    impl RerankProtocol for Wenxin {
        fn rerank(self, ctx, request) => rerank::rerank(ctx, request);
    }
}
