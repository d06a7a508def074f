//! The typed SDK (DESIGN.md, use 4): what each provider's generated `Client` hands out.
//!
//! `modelrt::<provider>::Client::new(credentials)` (a [`Client`] of that provider) opens its
//! models as typed handles, one per model type: [`LlmModel`], [`TextEmbeddingModel`],
//! [`RerankModel`], [`TtsModel`], [`Speech2TextModel`] and [`ModerationModel`]. A handle is a
//! [`ModelHandle`] (the same credential and parameter validation and the same protocol
//! implementations as the dynamic [`registry`](crate::registry)) tagged with how the model was
//! chosen:
//!
//! - a marker type from `modelrt::<provider>::models` (`models::Gpt4o`): the compiler knows the
//!   model's `features`, so capability-specific methods ([`Chat::tool`], [`Chat::user_image`],
//!   [`Chat::json_schema`], ...) compile only for models that declare them;
//! - a model enum value (`Llm::Gpt4o`): the model is known at run time only, so no capability
//!   is granted ([`AnyModel`]); build an [`LlmRequest`] and call [`ModelHandle::invoke`] on
//!   [`LlmModel::handle`] for anything beyond text.
//!
//! Providers that declare `customizable-model` also get `client.custom_llm(id, credentials)`
//! (and `custom_text_embedding`, ...), which open a model the user names with its own typed
//! `<Type>ModelCredentials`; such a model has no catalog row, so it is tagged [`AnyModel`].

use std::fmt;
use std::marker::PhantomData;

use modelrt_runtime::capability::{
    kind, Audio, Document, MultiToolCall, StreamToolCall, StructuredOutput, Tag, ToolCall, Vision,
};
use modelrt_runtime::embedding::{EmbeddingRequest, EmbeddingResponse};
use modelrt_runtime::llm::{
    CacheControl, ContentPart, ImageDetail, LlmRequest, LlmResponse, LlmStream, MediaSource,
    Message, ResponseFormat, Tool, ToolCall as MadeToolCall, ToolChoice,
};
use modelrt_runtime::protocol::BoxFuture;
use modelrt_runtime::rerank::{RerankRequest, RerankResponse};
use modelrt_runtime::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

mod client;
mod speech_and_moderation;

pub use client::{Client, Customizable, ProviderSpec};
pub use modelrt_runtime::capability::{AnyModel, Model, ModelChoice};
pub use speech_and_moderation::{ModerationModel, Speech2TextModel, TtsModel};

use crate::registry::ModelHandle;

/// A generated params struct (`<provider>::LlmParams`, ...): typed parameters turned into the
/// JSON that [`ModelHandle::with_params`] validates.
pub trait TypedParams {
    /// The provider it belongs to.
    type Provider;
    /// The model type it is for.
    type Kind: kind::Kind;
    /// The set fields under the wire names the predefined model `model_id` declares; `None`
    /// when `model_id` is not one of the provider's predefined models of this type.
    fn to_json_for(&self, model_id: &str) -> Option<Map<String, Value>>;
}

/// The params type of a model type none of whose models declares a parameter
/// (`<provider>::TextEmbeddingParams` and the like): there is nothing to set, and it is
/// accepted by [`LlmModel::with_params`] and its siblings as an empty set.
pub struct NoParams<P, K>(PhantomData<fn() -> (P, K)>);

impl<P, K> Default for NoParams<P, K> {
    fn default() -> Self {
        NoParams(PhantomData)
    }
}

impl<P, K> Clone for NoParams<P, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, K> Copy for NoParams<P, K> {}

impl<P, K> PartialEq for NoParams<P, K> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<P, K> Eq for NoParams<P, K> {}

impl<P, K> fmt::Debug for NoParams<P, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NoParams")
    }
}

impl<P, K: kind::Kind> TypedParams for NoParams<P, K> {
    type Provider = P;
    type Kind = K;
    fn to_json_for(&self, _model_id: &str) -> Option<Map<String, Value>> {
        Some(Map::new())
    }
}

fn with_typed_params<P: TypedParams>(handle: ModelHandle, params: &P) -> Result<ModelHandle> {
    match params.to_json_for(handle.id()) {
        Some(json) => handle.with_params(&json),
        None => Err(Error::new(
            ErrorKind::InvalidParams,
            format!(
                "`{}` is not a predefined model of {}; pass its parameters as JSON to \
                 `ModelHandle::with_params`",
                handle.id(),
                handle.provider().source
            ),
        )
        .with_provider(handle.provider().id)),
    }
}

/// A language model, tagged with how it was chosen (see the module doc).
pub struct LlmModel<M> {
    handle: ModelHandle,
    model: PhantomData<fn() -> M>,
}

// Written by hand rather than derived: a derive would require `M: Debug`, and model marker
// types implement no traits beyond `Model` (BENCHMARKS.md, "Build pipeline").
macro_rules! debug_as_handle {
    ($($handle:ident),+) => {$(
        impl<M> fmt::Debug for $handle<M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($handle))
                    .field("handle", &self.handle)
                    .finish()
            }
        }
    )+};
}

debug_as_handle!(
    LlmModel,
    TextEmbeddingModel,
    RerankModel,
    TtsModel,
    Speech2TextModel,
    ModerationModel
);

impl<M: Tag> LlmModel<M> {
    /// Wraps an opened handle (what the generated `Client` does).
    #[doc(hidden)]
    pub fn from_handle(handle: ModelHandle) -> Self {
        LlmModel {
            handle,
            model: PhantomData,
        }
    }

    /// Sets typed parameters (`<provider>::LlmParams`), validated against the model's rules.
    pub fn with_params<P>(self, params: &P) -> Result<Self>
    where
        P: TypedParams<Provider = M::Provider, Kind = kind::Llm>,
    {
        Ok(Self::from_handle(with_typed_params(self.handle, params)?))
    }

    /// The underlying handle (raw requests, credentials, validated parameters).
    pub fn handle(&self) -> &ModelHandle {
        &self.handle
    }

    /// A new conversation for this model.
    pub fn chat(&self) -> Chat<M> {
        Chat {
            request: LlmRequest::default(),
            model: PhantomData,
            tools: PhantomData,
        }
    }

    /// Sends the conversation and waits for the whole answer.
    pub async fn invoke<T>(&self, chat: Chat<M, T>) -> Result<LlmResponse> {
        self.handle.invoke(chat.request).await
    }

    /// Sends the conversation and streams the answer. With tools, the model must declare
    /// `stream-tool-call`. (Returns a boxed future that does not capture `T`, so a missing
    /// capability is reported once, at the call.)
    pub fn stream<T>(&self, chat: Chat<M, T>) -> BoxFuture<'_, Result<LlmStream>>
    where
        T: StreamableWith<M>,
    {
        Box::pin(self.handle.stream(chat.request))
    }
}

/// A conversation has no tools yet.
#[derive(Debug)]
pub enum NoTools {}

/// A conversation offers tools.
#[derive(Debug)]
pub enum WithTools {}

/// A tool state a conversation with model `M` can be streamed in: always without tools, with
/// tools only when the model declares `stream-tool-call`.
pub trait StreamableWith<M> {}

impl<M> StreamableWith<M> for NoTools {}
impl<M: StreamToolCall> StreamableWith<M> for WithTools {}

/// A conversation for model `M`; `T` records whether it offers tools.
pub struct Chat<M, T = NoTools> {
    request: LlmRequest,
    model: PhantomData<fn() -> M>,
    tools: PhantomData<fn() -> T>,
}

impl<M, T> fmt::Debug for Chat<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chat")
            .field("request", &self.request)
            .finish()
    }
}

impl<M, T> Chat<M, T> {
    fn push(mut self, message: Message) -> Self {
        self.request.messages.push(message);
        self
    }

    /// Adds a system message.
    pub fn system(self, text: impl Into<String>) -> Self {
        self.push(Message::system(text))
    }

    /// Adds a user message.
    pub fn user(self, text: impl Into<String>) -> Self {
        self.push(Message::user(text))
    }

    /// Adds an assistant message (an earlier answer).
    pub fn assistant(self, text: impl Into<String>) -> Self {
        self.push(Message::assistant(text))
    }

    /// Marks everything added so far as a prompt-cache prefix: `cache` goes on the last
    /// message (Anthropic sends it as `cache_control`, at most four per request; OpenAI-style
    /// APIs cache on their own and ignore it). Does nothing on an empty conversation.
    pub fn cache_breakpoint(mut self, cache: CacheControl) -> Self {
        if let Some(last) = self.request.messages.pop() {
            self.request.messages.push(last.with_cache(cache));
        }
        self
    }

    /// Adds sequences that end the answer.
    pub fn stop(mut self, stop: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.request.stop.extend(stop.into_iter().map(Into::into));
        self
    }

    /// The request as it will be sent.
    pub fn request(&self) -> &LlmRequest {
        &self.request
    }

    /// Adds a user message with an image (a URL or a `data:` URL).
    pub fn user_image(
        self,
        text: impl Into<String>,
        image_url: impl Into<String>,
        detail: Option<ImageDetail>,
    ) -> Self
    where
        M: Vision,
    {
        let parts = vec![
            ContentPart::text(text),
            ContentPart::image_url(image_url, detail),
        ];
        self.push(Message::user_parts(parts))
    }

    /// Adds a user message with a document (PDF and similar).
    pub fn user_document(
        self,
        text: impl Into<String>,
        document: MediaSource,
        filename: Option<String>,
    ) -> Self
    where
        M: Document,
    {
        let parts = vec![
            ContentPart::text(text),
            ContentPart::Document {
                source: document,
                filename,
            },
        ];
        self.push(Message::user_parts(parts))
    }

    /// Adds a user message with base64 audio in `format` (e.g. `wav`).
    pub fn user_audio(
        self,
        text: impl Into<String>,
        base64: impl Into<String>,
        format: impl Into<String>,
    ) -> Self
    where
        M: Audio,
    {
        let parts = vec![
            ContentPart::text(text),
            ContentPart::Audio {
                data: base64.into(),
                format: format.into(),
            },
        ];
        self.push(Message::user_parts(parts))
    }

    /// Asks for an answer following a JSON schema.
    pub fn json_schema(mut self, name: impl Into<String>, schema: Value) -> Self
    where
        M: StructuredOutput,
    {
        self.request.response_format = Some(ResponseFormat::JsonSchema {
            name: name.into(),
            schema,
            strict: Some(true),
        });
        self
    }

    /// Offers a tool the model may call.
    pub fn tool(mut self, tool: Tool) -> Chat<M, WithTools>
    where
        M: ToolCall,
    {
        self.request.tools.push(tool);
        Chat {
            request: self.request,
            model: PhantomData,
            tools: PhantomData,
        }
    }
}

impl<M: ToolCall> Chat<M, WithTools> {
    /// Allows or forbids several tool calls in one turn (the provider's default allows them).
    pub fn parallel_tool_calls(mut self, parallel: bool) -> Self
    where
        M: MultiToolCall,
    {
        self.request.parallel_tool_calls = Some(parallel);
        self
    }

    /// Sets whether and which tool the model must call.
    pub fn tool_choice(mut self, choice: ToolChoice) -> Self {
        self.request.tool_choice = Some(choice);
        self
    }

    /// Adds the assistant turn that made `calls` (from a previous answer).
    pub fn assistant_tool_calls(self, text: Option<String>, calls: Vec<MadeToolCall>) -> Self {
        self.push(Message::assistant_tool_calls(text, calls))
    }

    /// Adds the result of the tool call `call_id`.
    pub fn tool_result(self, call_id: impl Into<String>, result: impl Into<String>) -> Self {
        self.push(Message::tool(call_id, result))
    }
}

/// A text embedding model.
pub struct TextEmbeddingModel<M> {
    handle: ModelHandle,
    model: PhantomData<fn() -> M>,
}

impl<M: Tag> TextEmbeddingModel<M> {
    /// Wraps an opened handle (what the generated `Client` does).
    #[doc(hidden)]
    pub fn from_handle(handle: ModelHandle) -> Self {
        TextEmbeddingModel {
            handle,
            model: PhantomData,
        }
    }

    /// Sets typed parameters (`<provider>::TextEmbeddingParams`).
    pub fn with_params<P>(self, params: &P) -> Result<Self>
    where
        P: TypedParams<Provider = M::Provider, Kind = kind::TextEmbedding>,
    {
        Ok(Self::from_handle(with_typed_params(self.handle, params)?))
    }

    /// The underlying handle.
    pub fn handle(&self) -> &ModelHandle {
        &self.handle
    }

    /// Embeds `texts` as documents, in order.
    pub async fn embed(
        &self,
        texts: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<EmbeddingResponse> {
        let texts = texts.into_iter().map(Into::into).collect();
        self.handle.embed(EmbeddingRequest::new(texts)).await
    }

    /// Sends a full embedding request (e.g. to embed queries rather than documents).
    pub async fn embed_request(&self, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
        self.handle.embed(request).await
    }
}

/// A rerank model.
pub struct RerankModel<M> {
    handle: ModelHandle,
    model: PhantomData<fn() -> M>,
}

impl<M: Tag> RerankModel<M> {
    /// Wraps an opened handle (what the generated `Client` does).
    #[doc(hidden)]
    pub fn from_handle(handle: ModelHandle) -> Self {
        RerankModel {
            handle,
            model: PhantomData,
        }
    }

    /// The underlying handle.
    pub fn handle(&self) -> &ModelHandle {
        &self.handle
    }

    /// Orders `documents` by relevance to `query`.
    pub async fn rerank(
        &self,
        query: impl Into<String>,
        documents: impl IntoIterator<Item = impl Into<String>>,
        top_n: Option<u32>,
    ) -> Result<RerankResponse> {
        let request = RerankRequest {
            query: query.into(),
            documents: documents.into_iter().map(Into::into).collect(),
            top_n,
            score_threshold: None,
        };
        self.handle.rerank(request).await
    }
}
