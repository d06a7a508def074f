//! What a protocol implementation receives, and the traits it implements per model type.
//!
//! The traits are object safe (boxed futures and streams) so a registry can hold
//! `&'static dyn LlmProtocol` and friends. A call's context borrows everything; a stream, once
//! returned, owns what it needs (`'static`) and can outlive the context.

use std::future::Future;
use std::pin::Pin;

use crate::catalog::{LlmMode, ModelInfo, ModelType, Pricing, ProviderInfo};
use crate::credentials::ValidatedCredentials;
use crate::embedding::{EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{ErrorBodyParser, HttpCall, HttpSettings};
use crate::llm::{LlmRequest, LlmResponse, LlmStream};
use crate::moderation::{ModerationRequest, ModerationResult};
use crate::params::ValidatedParams;
use crate::rerank::{RerankRequest, RerankResponse};
use crate::secret::Secret;
use crate::speech2text::{Transcription, TranscriptionRequest};
use crate::tts::{AudioStream, TtsRequest};

/// A boxed, sendable future (keeps the traits object safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Provider-wide context: for calls that concern no particular model (listing models).
#[derive(Debug, Clone, Copy)]
pub struct ProviderContext<'a> {
    /// The provider's catalog row (its `extra.modelrt` settings included).
    pub provider: &'static ProviderInfo,
    /// Validated credentials; read them by variable name, expose secrets only to build a request.
    pub credentials: &'a ValidatedCredentials,
    /// Timeouts and retries.
    pub http: &'a HttpSettings,
}

/// The model a call is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelRef<'a> {
    /// The id sent to the API.
    pub id: &'a str,
    /// The catalog row, for predefined models; `None` for customizable and remote models
    /// (whose properties come from the credentials).
    pub info: Option<&'static ModelInfo>,
}

/// Everything one model call needs besides the request itself.
#[derive(Debug, Clone, Copy)]
pub struct CallContext<'a> {
    /// The provider's catalog row.
    pub provider: &'static ProviderInfo,
    /// The model.
    pub model: ModelRef<'a>,
    /// Validated credentials (provider-wide, or the model's own for customizable models).
    pub credentials: &'a ValidatedCredentials,
    /// Validated parameters, by rule name.
    pub params: &'a ValidatedParams,
    /// Timeouts and retries.
    pub http: &'a HttpSettings,
}

impl<'a> CallContext<'a> {
    /// The provider-wide part of this context.
    pub fn provider_context(&self) -> ProviderContext<'a> {
        ProviderContext {
            provider: self.provider,
            credentials: self.credentials,
            http: self.http,
        }
    }

    /// An [`HttpCall`] for this provider and model.
    pub fn http_call(&self, parse_error: ErrorBodyParser) -> HttpCall {
        HttpCall::new(self.provider.id, self.model.id, *self.http, parse_error)
    }

    /// An error of `kind` naming this provider and model.
    pub fn error(&self, kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, message).in_call(self.provider.id, self.model.id)
    }

    /// A text credential (`text-input`, `select`, `radio`), when given and not empty.
    pub fn credential(&self, variable: &str) -> Option<&'a str> {
        self.credentials.text(variable).filter(|v| !v.is_empty())
    }

    /// A secret credential, when given and not empty.
    pub fn secret(&self, variable: &str) -> Option<&'a Secret> {
        self.credentials.secret(variable).filter(|s| !s.is_empty())
    }

    /// A numeric text credential (e.g. `context_size`); a malformed value is an error.
    pub fn credential_number(&self, variable: &str) -> Result<Option<u32>> {
        self.credential(variable)
            .map(|text| {
                text.trim().parse::<u32>().map_err(|_| {
                    self.error(
                        ErrorKind::InvalidCredentials,
                        format!("credential `{variable}` must be a whole number, got `{text}`"),
                    )
                })
            })
            .transpose()
    }

    /// The LLM mode: the model's declared mode, else the `mode` credential, else chat.
    pub fn llm_mode(&self) -> LlmMode {
        self.model
            .info
            .and_then(|info| info.properties.mode)
            .or_else(|| self.credential("mode").and_then(|mode| mode.parse().ok()))
            .unwrap_or(LlmMode::Chat)
    }

    /// The context window: the model's declared size, else the `context_size` credential.
    pub fn context_size(&self) -> Result<Option<u32>> {
        match self
            .model
            .info
            .and_then(|info| info.properties.context_size)
        {
            Some(size) => Ok(Some(size)),
            None => self.credential_number("context_size"),
        }
    }

    /// Texts per embedding request: the model's `max_chunks`, else the `max_chunks`
    /// credential, else 1.
    pub fn max_chunks(&self) -> Result<u32> {
        self.max_chunks_or(1)
    }

    /// Texts per embedding request: the model's `max_chunks`, else the `max_chunks`
    /// credential, else `default` (an API's limit per request).
    pub fn max_chunks_or(&self, default: u32) -> Result<u32> {
        match self.model.info.and_then(|info| info.properties.max_chunks) {
            Some(chunks) => Ok(chunks),
            None => Ok(self.credential_number("max_chunks")?.unwrap_or(default)),
        }
    }

    /// The model's prices, when declared.
    pub fn pricing(&self) -> Option<Pricing> {
        self.model.info.and_then(|info| info.pricing)
    }
}

/// A model the provider's API lists (fetch-from-remote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteModel {
    /// The id to call it by.
    pub id: String,
    /// Its type, as far as the listing tells.
    pub model_type: ModelType,
    /// Its owner, when listed.
    pub owned_by: Option<String>,
}

fn unsupported<'a, T: Send + 'a>(what: &str, provider: &str) -> BoxFuture<'a, Result<T>> {
    let error = Error::new(ErrorKind::Unsupported, format!("{what} is not supported"))
        .with_provider(provider);
    Box::pin(async move { Err(error) })
}

/// A protocol for language models.
pub trait LlmProtocol: Send + Sync {
    /// Sends `request` and returns the complete answer.
    fn invoke<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: LlmRequest,
    ) -> BoxFuture<'a, Result<LlmResponse>>;

    /// Sends `request` and returns the answer as it is produced. The future fails if the call
    /// fails before the answer starts; the stream then yields chunks, ending with one that
    /// carries usage, or an error.
    fn stream<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: LlmRequest,
    ) -> BoxFuture<'a, Result<LlmStream>>;

    /// Checks the credentials with the cheapest real call the provider allows.
    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>>;

    /// The models the provider's API lists (fetch-from-remote).
    fn remote_models<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
    ) -> BoxFuture<'a, Result<Vec<RemoteModel>>> {
        unsupported("listing models", ctx.provider.id)
    }

    /// Tokens in `request`'s prompt, counted offline unless the protocol knows better.
    fn count_tokens(&self, ctx: CallContext<'_>, request: &LlmRequest) -> u64 {
        crate::tokens::count_messages(ctx.model.id, &request.messages)
    }
}

/// A protocol for text embedding models.
pub trait TextEmbeddingProtocol: Send + Sync {
    /// Embeds `request.texts` (batched by the model's `max_chunks`).
    fn embed<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: EmbeddingRequest,
    ) -> BoxFuture<'a, Result<EmbeddingResponse>>;

    /// Checks the credentials with the cheapest real call: embedding one short text.
    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        let request = EmbeddingRequest::new(vec!["ping".to_owned()]);
        Box::pin(async move { self.embed(ctx, request).await.map(drop) })
    }

    /// The models the provider's API lists (fetch-from-remote).
    fn remote_models<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
    ) -> BoxFuture<'a, Result<Vec<RemoteModel>>> {
        unsupported("listing models", ctx.provider.id)
    }
}

/// A protocol for rerank models.
pub trait RerankProtocol: Send + Sync {
    /// Orders `request.documents` by relevance.
    fn rerank<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: RerankRequest,
    ) -> BoxFuture<'a, Result<RerankResponse>>;

    /// Checks the credentials with the cheapest real call: ranking one document.
    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        let request = RerankRequest {
            query: "ping".to_owned(),
            documents: vec!["pong".to_owned()],
            ..RerankRequest::default()
        };
        Box::pin(async move { self.rerank(ctx, request).await.map(drop) })
    }
}

/// A protocol for text-to-speech models.
pub trait TtsProtocol: Send + Sync {
    /// Synthesizes `request.text`; the future fails if the call fails before audio starts.
    fn synthesize<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: TtsRequest,
    ) -> BoxFuture<'a, Result<AudioStream>>;

    /// Checks the credentials with the cheapest real call the provider allows.
    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>>;
}

/// A protocol for speech-to-text models.
pub trait Speech2TextProtocol: Send + Sync {
    /// Transcribes `request.audio`.
    fn transcribe<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: TranscriptionRequest,
    ) -> BoxFuture<'a, Result<Transcription>>;

    /// Checks the credentials with the cheapest real call the provider allows.
    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>>;
}

/// A protocol for moderation models.
pub trait ModerationProtocol: Send + Sync {
    /// Checks `request.text`.
    fn moderate<'a>(
        &'a self,
        ctx: CallContext<'a>,
        request: ModerationRequest,
    ) -> BoxFuture<'a, Result<ModerationResult>>;

    /// Checks the credentials with the cheapest real call the provider allows.
    fn validate_credentials<'a>(&'a self, ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>>;
}

/// Writes a protocol's impls of the traits above from one async expression per method: the
/// macro spells each method's signature (known by its name) and boxes the expression's future.
/// `self` and the argument names come from the invocation, so the expressions can use them:
///
/// ```ignore
/// protocol_impl! {
///     impl LlmProtocol for Anthropic {
///         fn invoke(self, ctx, request) => chat::invoke(ctx, request);
///         fn remote_models(self, ctx) => models::list(ctx);
///     }
/// }
/// ```
macro_rules! protocol_impl {
    ($(
        impl $trait:ident for $ty:ty {$(
            $(#[$attr:meta])*
            fn $method:ident($self_:ident, $ctx:ident $(, $request:ident)?) => $body:expr;
        )+}
    )+) => {$(
        impl $crate::protocol::$trait for $ty {$(
            $crate::protocol::protocol_impl!(
                @signature $method; $(#[$attr])* ($self_, $ctx $(, $request)?) => $body
            );
        )+}
    )+};
    // Each method's context, request and answer types, by name.
    (@signature remote_models; $($rest:tt)*) => {
        $crate::protocol::protocol_impl!(@fn remote_models(ProviderContext) -> Vec<$crate::protocol::RemoteModel>; $($rest)*);
    };
    (@signature validate_credentials; $($rest:tt)*) => {
        $crate::protocol::protocol_impl!(@fn validate_credentials(CallContext) -> (); $($rest)*);
    };
    (@signature invoke; $($rest:tt)*) => {
        $crate::protocol::protocol_impl!(@fn invoke(CallContext, $crate::llm::LlmRequest) -> $crate::llm::LlmResponse; $($rest)*);
    };
    (@signature stream; $($rest:tt)*) => {
        $crate::protocol::protocol_impl!(@fn stream(CallContext, $crate::llm::LlmRequest) -> $crate::llm::LlmStream; $($rest)*);
    };
    (@signature embed; $($rest:tt)*) => {
        $crate::protocol::protocol_impl!(@fn embed(CallContext, $crate::embedding::EmbeddingRequest) -> $crate::embedding::EmbeddingResponse; $($rest)*);
    };
    (@signature rerank; $($rest:tt)*) => {
        $crate::protocol::protocol_impl!(@fn rerank(CallContext, $crate::rerank::RerankRequest) -> $crate::rerank::RerankResponse; $($rest)*);
    };
    (@signature synthesize; $($rest:tt)*) => {
        $crate::protocol::protocol_impl!(@fn synthesize(CallContext, $crate::tts::TtsRequest) -> $crate::tts::AudioStream; $($rest)*);
    };
    (@signature transcribe; $($rest:tt)*) => {
        $crate::protocol::protocol_impl!(@fn transcribe(CallContext, $crate::speech2text::TranscriptionRequest) -> $crate::speech2text::Transcription; $($rest)*);
    };
    (@signature moderate; $($rest:tt)*) => {
        $crate::protocol::protocol_impl!(@fn moderate(CallContext, $crate::moderation::ModerationRequest) -> $crate::moderation::ModerationResult; $($rest)*);
    };
    (@fn $method:ident($context:ident $(, $input:ty)?) -> $output:ty;
        $(#[$attr:meta])* ($self_:ident, $ctx:ident $(, $request:ident)?) => $body:expr) => {
        $(#[$attr])*
        fn $method<'a>(
            &'a $self_,
            $ctx: $crate::protocol::$context<'a>,
            $($request: $input,)?
        ) -> $crate::protocol::BoxFuture<'a, $crate::error::Result<$output>> {
            Box::pin($body)
        }
    };
}
pub(crate) use protocol_impl;
