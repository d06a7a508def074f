//! Language models: [`Chat`], a conversation whose capability-specific methods compile only
//! for models whose YAML declares the feature, and the calls that send it.

use std::fmt;
use std::marker::PhantomData;

use modelrt_runtime::capability::{
    Audio, Document, MultiToolCall, StreamToolCall, StructuredOutput, Tag, ToolCalling, Vision,
};
use modelrt_runtime::llm::{
    CacheControl, ContentPart, ImageDetail, LlmRequest, LlmResponse, LlmStream, MediaSource,
    Message, ResponseFormat, Tool, ToolCall, ToolChoice,
};
use modelrt_runtime::params::ValidatedParams;
use modelrt_runtime::protocol::BoxFuture;
use modelrt_runtime::Result;
use serde_json::{Map, Value};

use super::{LlmModel, ParamsFor};

impl<M: Tag> LlmModel<M> {
    /// A new conversation for this model.
    pub fn chat(&self) -> Chat<M> {
        Chat {
            request: LlmRequest::default(),
            params: None,
            tags: PhantomData,
        }
    }

    /// The parameters `chat` is sent with: the model's, unless the chat sets its own.
    fn params_for<T>(&self, chat: &mut Chat<M, T>) -> Result<Option<ValidatedParams>> {
        let Some(own) = chat.params.take() else {
            return Ok(None);
        };
        let mut merged = self.handle().params().to_json();
        merged.extend(own);
        self.handle().validate_params(&merged).map(Some)
    }

    /// Sends the conversation and waits for the whole answer.
    pub async fn invoke<T>(&self, mut chat: Chat<M, T>) -> Result<LlmResponse> {
        let params = self.params_for(&mut chat)?;
        let params = params.as_ref().unwrap_or(self.handle().params());
        self.handle().invoke_with(chat.request, params).await
    }

    /// Sends the conversation and streams the answer. With tools, the model must declare
    /// `stream-tool-call`. (Returns a boxed future that does not capture `T`, so a missing
    /// capability is reported once, at the call.)
    pub fn stream<T>(&self, mut chat: Chat<M, T>) -> BoxFuture<'_, Result<LlmStream>>
    where
        T: StreamableWith<M>,
    {
        let params = self.params_for(&mut chat);
        let request = chat.request;
        Box::pin(async move {
            let params = params?;
            let params = params.as_ref().unwrap_or(self.handle().params());
            self.handle().stream_with(request, params).await
        })
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
    /// Parameters of this request only (see [`Chat::params`]).
    params: Option<Map<String, Value>>,
    tags: PhantomData<fn() -> (M, T)>,
}

impl<M, T> fmt::Debug for Chat<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chat")
            .field("request", &self.request)
            .field("params", &self.params)
            .finish()
    }
}

impl<M: Tag, T> Chat<M, T> {
    /// Sets parameters for this request only: the model's own (set with
    /// [`TypedModel::with_params`](super::TypedModel::with_params)) apply, overridden field by field, and the result is
    /// validated against the model's rules when the chat is sent.
    pub fn params(mut self, params: &impl ParamsFor<M>) -> Self {
        self.params = Some(params.to_json());
        self
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
        M: ToolCalling,
    {
        self.request.tools.push(tool);
        Chat {
            request: self.request,
            params: self.params,
            tags: PhantomData,
        }
    }
}

impl<M: ToolCalling> Chat<M, WithTools> {
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
    pub fn assistant_tool_calls(self, text: Option<String>, calls: Vec<ToolCall>) -> Self {
        self.push(Message::assistant_tool_calls(text, calls))
    }

    /// Adds the result of the tool call `call_id`.
    pub fn tool_result(self, call_id: impl Into<String>, result: impl Into<String>) -> Self {
        self.push(Message::tool(call_id, result))
    }
}
