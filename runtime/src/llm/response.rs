//! What an LLM call returns, whole or streamed.

use std::pin::Pin;
use std::str::FromStr;

use futures::Stream;

use super::message::{ContentPart, Message, ReasoningBlock};
use super::tool::{ToolCall, ToolCallDelta};
use crate::catalog::UnknownName;
use crate::error::Result;
use crate::usage::Usage;

/// Why the model stopped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FinishReason {
    /// A natural end or a stop sequence.
    Stop,
    /// The token limit was reached.
    Length,
    /// The model called tools.
    ToolCalls,
    /// The provider's content filter cut the answer.
    ContentFilter,
    /// The model called a function (legacy OpenAI `function_call`).
    FunctionCall,
    /// A reason this crate does not know, verbatim.
    Other(String),
}

/// Parses a wire value tolerantly: every spelling but the empty one (which some providers send
/// for "not finished") is a reason, unknown ones kept as [`FinishReason::Other`].
impl FromStr for FinishReason {
    type Err = UnknownName;

    fn from_str(value: &str) -> std::result::Result<Self, UnknownName> {
        Ok(match value {
            "" => {
                return Err(UnknownName {
                    what: "finish reason",
                    name: String::new(),
                    expected: Vec::new(),
                })
            }
            "stop" | "end_turn" | "stop_sequence" | "eos" => FinishReason::Stop,
            "length" | "max_tokens" => FinishReason::Length,
            "tool_calls" | "tool_use" => FinishReason::ToolCalls,
            "content_filter" => FinishReason::ContentFilter,
            "function_call" => FinishReason::FunctionCall,
            other => FinishReason::Other(other.to_owned()),
        })
    }
}

impl FinishReason {
    /// The OpenAI spelling (or the verbatim unknown value).
    pub fn as_str(&self) -> &str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::FunctionCall => "function_call",
            FinishReason::Other(other) => other,
        }
    }
}

/// A complete LLM answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LlmResponse {
    /// The model that answered, as the provider named it.
    pub model: String,
    /// The answer text (without reasoning).
    pub content: String,
    /// The model's visible reasoning, kept apart from the answer.
    pub reasoning: Option<String>,
    /// The reasoning as the provider's blocks (signatures, redacted data), for sending back.
    pub reasoning_blocks: Vec<ReasoningBlock>,
    /// Tools the model called.
    pub tool_calls: Vec<ToolCall>,
    /// Why it stopped, when the provider said.
    pub finish_reason: Option<FinishReason>,
    /// Tokens used (estimated when the server reported none).
    pub usage: Usage,
}

impl LlmResponse {
    /// Everything the model generated as one text (reasoning, answer, tool names and
    /// arguments): what an offline token estimate of the completion counts.
    pub fn generated_text(&self) -> String {
        let mut text = self.reasoning.clone().unwrap_or_default();
        text.push_str(&self.content);
        for call in &self.tool_calls {
            text.push_str(&call.name);
            text.push_str(&call.arguments);
        }
        text
    }

    /// The answer as an assistant message, to continue the conversation.
    pub fn to_message(&self) -> Message {
        let text = (!self.content.is_empty()).then(|| self.content.clone());
        let mut message = if self.tool_calls.is_empty() {
            let mut message = Message::assistant(String::new());
            message.content = text.map(ContentPart::Text).into_iter().collect();
            message
        } else {
            Message::assistant_tool_calls(text, self.tool_calls.clone())
        };
        message.reasoning_blocks = self.reasoning_blocks.clone();
        message
    }
}

/// One piece of a streamed answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LlmChunk {
    /// The model that answers, on the first piece that names it.
    pub model: Option<String>,
    /// The next piece of the answer text (possibly empty).
    pub content: String,
    /// The next piece of the reasoning (possibly empty).
    pub reasoning: String,
    /// Closes the current reasoning block with the provider's signature over it.
    pub reasoning_signature: Option<String>,
    /// A whole redacted reasoning block (its opaque data).
    pub redacted_reasoning: Option<String>,
    /// Fragments of tool calls (see [`super::StreamAccumulator`]).
    pub tool_calls: Vec<ToolCallDelta>,
    /// Set on the piece that ends the answer.
    pub finish_reason: Option<FinishReason>,
    /// Set on the piece that carries usage (usually the last one).
    pub usage: Option<Usage>,
}

/// A streamed answer. Dropping it cancels the call (the connection is closed).
pub type LlmStream = Pin<Box<dyn Stream<Item = Result<LlmChunk>> + Send + 'static>>;
