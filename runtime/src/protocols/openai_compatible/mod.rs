//! The OpenAI-compatible protocol: `/chat/completions`, `/completions`, `/embeddings`,
//! `/rerank` (the Jina/Cohere shape) and `/models`.
//!
//! One value, [`OPENAI_COMPATIBLE`], serves every provider that speaks it; what differs between
//! them (base URL, key, headers, server quirks) comes from the provider's `extra.modelrt`
//! settings and the call's credentials (see [`config`]).

mod chat;
pub mod config;
mod decode;
mod embedding;
pub mod encode;
mod models;
mod moderation;
mod rerank;
mod speech2text;
mod tts;

pub use decode::parse_error_body;

use crate::embedding::{EmbeddingRequest, EmbeddingResponse};
use crate::error::Result;
use crate::llm::{LlmRequest, LlmResponse, LlmStream};
use crate::moderation::{ModerationRequest, ModerationResult};
use crate::protocol::{
    BoxFuture, CallContext, LlmProtocol, ProviderContext, RemoteModel, RerankProtocol,
    TextEmbeddingProtocol,
};
use crate::protocol::{ModerationProtocol, Speech2TextProtocol, TtsProtocol};
use crate::rerank::{RerankRequest, RerankResponse};
use crate::speech2text::{Transcription, TranscriptionRequest};
use crate::tts::{AudioStream, TtsRequest};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::OPENAI_COMPATIBLE;

/// The OpenAI-compatible protocol (stateless; use [`OPENAI_COMPATIBLE`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenAiCompatible;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static OPENAI_COMPATIBLE: OpenAiCompatible = OpenAiCompatible;

impl LlmProtocol for OpenAiCompatible {
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
        Box::pin(models::list(ctx, Some(crate::catalog::ModelType::Llm)))
    }
}

impl TextEmbeddingProtocol for OpenAiCompatible {
    fn embed<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: EmbeddingRequest,
    ) -> BoxFuture<'a, Result<EmbeddingResponse>> {
        Box::pin(embedding::embed(ctx, request))
    }

    fn remote_models<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
    ) -> BoxFuture<'a, Result<Vec<RemoteModel>>> {
        Box::pin(models::list(
            ctx,
            Some(crate::catalog::ModelType::TextEmbedding),
        ))
    }
}

impl RerankProtocol for OpenAiCompatible {
    fn rerank<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: RerankRequest,
    ) -> BoxFuture<'a, Result<RerankResponse>> {
        Box::pin(rerank::rerank(ctx, request))
    }
}

impl TtsProtocol for OpenAiCompatible {
    fn synthesize<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: TtsRequest,
    ) -> BoxFuture<'a, Result<AudioStream>> {
        Box::pin(tts::synthesize(ctx, request))
    }

    /// Speaks one word and reads the audio to the end.
    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            use futures::TryStreamExt;
            let request = TtsRequest {
                text: "ping".to_owned(),
                ..TtsRequest::default()
            };
            let audio = tts::synthesize(ctx, request).await?;
            audio.try_for_each(|_| async { Ok(()) }).await
        })
    }
}

impl Speech2TextProtocol for OpenAiCompatible {
    fn transcribe<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: TranscriptionRequest,
    ) -> BoxFuture<'a, Result<Transcription>> {
        Box::pin(speech2text::transcribe(ctx, request))
    }

    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(speech2text::validate_credentials(ctx))
    }
}

impl ModerationProtocol for OpenAiCompatible {
    fn moderate<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: ModerationRequest,
    ) -> BoxFuture<'a, Result<ModerationResult>> {
        Box::pin(moderation::moderate(ctx, request))
    }

    /// Checks one word (moderation calls are free).
    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let request = ModerationRequest {
                text: "ping".to_owned(),
            };
            moderation::moderate(ctx, request).await.map(drop)
        })
    }
}
