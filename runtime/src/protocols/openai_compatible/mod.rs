//! The OpenAI-compatible protocol: `/chat/completions`, `/completions`, `/embeddings`,
//! `/rerank` (the Jina/Cohere shape) and `/models`.
//!
//! One value, [`OPENAI_COMPATIBLE`], serves every provider that speaks it; what differs between
//! them (base URL, key, headers, server quirks) comes from the provider's `extra.modelrt`
//! settings and the call's credentials (see [`config`]). A model whose YAML says
//! `extra.modelrt.api: responses` is called through the Responses API instead
//! ([`crate::protocols::openai_responses`]), with the same endpoint and key.

pub(crate) mod chat;
pub mod config;
pub(crate) mod decode;
mod embedding;
pub mod encode;
mod models;
mod moderation;
mod rerank;
mod speech2text;
pub(crate) mod tts;

pub use config::Dialect;
pub use decode::parse_error_body;

use crate::moderation::ModerationRequest;
use crate::protocol::protocol_impl;
use crate::protocol::{CallContext, LlmProtocol};
use crate::protocols::openai_responses::OPENAI_RESPONSES;
use crate::tts::TtsRequest;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::OPENAI_COMPATIBLE;

/// The OpenAI-compatible protocol in one [`Dialect`] (stateless; use [`OPENAI_COMPATIBLE`],
/// or [`crate::protocols::azure_openai::AZURE_OPENAI`] for Azure's layout).
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenAiCompatible {
    dialect: Dialect,
}

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static OPENAI_COMPATIBLE: OpenAiCompatible = OpenAiCompatible::with_dialect(Dialect::OpenAi);

/// The key of a model's `extra.modelrt` naming the OpenAI API it is called through:
/// `chat-completions` (the default) or `responses` (docs/provider-extra.md).
pub const API_EXTRA_KEY: &str = "api";

/// The value of [`API_EXTRA_KEY`] for models called through the Responses API.
pub const RESPONSES_API: &str = "responses";

impl OpenAiCompatible {
    /// The protocol speaking `dialect`.
    pub const fn with_dialect(dialect: Dialect) -> Self {
        OpenAiCompatible { dialect }
    }

    /// The Responses API, when `ctx`'s model is declared to be called through it.
    fn responses(&self, ctx: &CallContext<'_>) -> Option<&'static dyn LlmProtocol> {
        let declared = ctx.model.info.and_then(|info| info.extra(API_EXTRA_KEY));
        (self.dialect == Dialect::OpenAi && declared == Some(RESPONSES_API))
            .then_some(&OPENAI_RESPONSES as &'static dyn LlmProtocol)
    }
}

protocol_impl! {
    impl LlmProtocol for OpenAiCompatible {
        fn invoke(self, ctx, request) => async move {
            match self.responses(&ctx) {
                Some(responses) => responses.invoke(ctx, request).await,
                None => chat::invoke(ctx, request, self.dialect).await,
            }
        };
        fn stream(self, ctx, request) => async move {
            match self.responses(&ctx) {
                Some(responses) => responses.stream(ctx, request).await,
                None => chat::stream(ctx, request, self.dialect).await,
            }
        };
        fn validate_credentials(self, ctx) => async move {
            match self.responses(&ctx) {
                Some(responses) => responses.validate_credentials(ctx).await,
                None => chat::validate_credentials(ctx, self.dialect).await,
            }
        };
        fn remote_models(self, ctx) => models::list(ctx, Some(crate::catalog::ModelType::Llm));
    }
    impl TextEmbeddingProtocol for OpenAiCompatible {
        fn embed(self, ctx, request) => embedding::embed(ctx, request, self.dialect);
        fn remote_models(self, ctx) => models::list(ctx, Some(crate::catalog::ModelType::TextEmbedding));
    }
    impl RerankProtocol for OpenAiCompatible {
        fn rerank(self, ctx, request) => rerank::rerank(ctx, request);
    }
    impl TtsProtocol for OpenAiCompatible {
        fn synthesize(self, ctx, request) => tts::synthesize(ctx, request, self.dialect);
        /// Speaks one word and reads the audio to the end.
        fn validate_credentials(self, ctx) => async move {
            use futures::TryStreamExt;
            let request = TtsRequest {
                text: "ping".to_owned(),
                ..TtsRequest::default()
            };
            let audio = tts::synthesize(ctx, request, self.dialect).await?;
            audio.try_for_each(|_| async { Ok(()) }).await
        };
    }
    impl Speech2TextProtocol for OpenAiCompatible {
        fn transcribe(self, ctx, request) => speech2text::transcribe(ctx, request, self.dialect);
        fn validate_credentials(self, ctx) => speech2text::validate_credentials(ctx, self.dialect);
    }
    impl ModerationProtocol for OpenAiCompatible {
        fn moderate(self, ctx, request) => moderation::moderate(ctx, request);
        /// Checks one word (moderation calls are free).
        fn validate_credentials(self, ctx) => async move {
            let request = ModerationRequest {
                text: "ping".to_owned(),
            };
            moderation::moderate(ctx, request).await.map(drop)
        };
    }
}
