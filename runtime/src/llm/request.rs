//! The request of an LLM call.

use super::format::ResponseFormat;
use super::message::Message;
use super::tool::{Tool, ToolChoice};

/// An LLM call: the conversation and what the answer may contain. Sampling parameters
/// (temperature, max tokens...) travel separately as validated params (see
/// [`crate::protocol::CallContext`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LlmRequest {
    /// The conversation. Completion-mode models get it flattened into one prompt.
    pub messages: Vec<Message>,
    /// Tools the model may call.
    pub tools: Vec<Tool>,
    /// Whether and which tool it must call; `None` leaves the provider's default.
    pub tool_choice: Option<ToolChoice>,
    /// Sequences that end the answer.
    pub stop: Vec<String>,
    /// The answer's shape; `None` reads it from the `response_format` / `json_schema` params.
    pub response_format: Option<ResponseFormat>,
    /// An end-user id, for the provider's abuse monitoring.
    pub user: Option<String>,
    /// Whether the model may call several tools in one turn; `None` leaves the provider's
    /// default (which is "yes" for the providers that support it).
    pub parallel_tool_calls: Option<bool>,
}

impl LlmRequest {
    /// A request with these messages and nothing else.
    pub fn new(messages: Vec<Message>) -> Self {
        LlmRequest {
            messages,
            ..LlmRequest::default()
        }
    }

    /// Adds tools.
    pub fn with_tools(mut self, tools: Vec<Tool>) -> Self {
        self.tools = tools;
        self
    }

    /// Sets the tool choice.
    pub fn with_tool_choice(mut self, choice: ToolChoice) -> Self {
        self.tool_choice = Some(choice);
        self
    }

    /// Sets stop sequences.
    pub fn with_stop(mut self, stop: Vec<String>) -> Self {
        self.stop = stop;
        self
    }

    /// Sets the response format.
    pub fn with_response_format(mut self, format: ResponseFormat) -> Self {
        self.response_format = Some(format);
        self
    }
}
