//! Response bodies, decoded tolerantly: unknown fields are ignored, every field may be
//! missing or `null`, unknown enum values are kept verbatim.

use serde::Deserialize;
use serde_json::Value;

use crate::http::ProviderErrorBody;
use crate::llm::{FinishReason, LlmChunk, LlmResponse, ToolCall, ToolCallDelta};
use crate::usage::Usage;

/// A chat or text completion, whole or one streamed chunk.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Completion {
    /// The model that answered.
    pub model: Option<String>,
    /// The choices (we ask for one).
    pub choices: Option<Vec<Choice>>,
    /// Usage (last chunk of a stream when `include_usage` was asked).
    pub usage: Option<WireUsage>,
    /// An error reported inside a stream.
    pub error: Option<Value>,
}

/// One choice.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Choice {
    /// Its index.
    pub index: Option<u32>,
    /// The answer (non-streamed chat).
    pub message: Option<WireMessage>,
    /// The answer's next piece (streamed chat).
    pub delta: Option<WireMessage>,
    /// The text (completion mode, streamed or not).
    pub text: Option<String>,
    /// Why it stopped; `""` and `null` mean not yet.
    pub finish_reason: Option<String>,
}

/// An assistant message or delta.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireMessage {
    /// Text: a string, or an array of parts.
    pub content: Option<Value>,
    /// Reasoning (DeepSeek, vLLM, llama.cpp).
    pub reasoning_content: Option<String>,
    /// Reasoning (OpenRouter, Ollama).
    pub reasoning: Option<String>,
    /// A refusal (OpenAI).
    pub refusal: Option<String>,
    /// Tool calls or their fragments.
    pub tool_calls: Option<Vec<WireToolCall>>,
    /// A legacy function call.
    pub function_call: Option<WireFunction>,
}

/// A tool call or fragment.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireToolCall {
    /// Position among parallel calls (streams).
    pub index: Option<u32>,
    /// The call id.
    pub id: Option<String>,
    /// The function.
    pub function: Option<WireFunction>,
}

/// A function name and arguments.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireFunction {
    /// The name.
    pub name: Option<String>,
    /// The arguments: JSON text, or (some servers) a JSON value.
    pub arguments: Option<Value>,
}

/// Token usage.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct WireUsage {
    /// Prompt tokens.
    pub prompt_tokens: Option<u64>,
    /// Completion tokens.
    pub completion_tokens: Option<u64>,
    /// Total.
    pub total_tokens: Option<u64>,
    /// Prompt detail.
    pub prompt_tokens_details: Option<PromptDetails>,
    /// Completion detail.
    pub completion_tokens_details: Option<CompletionDetails>,
}

/// Prompt token detail.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct PromptDetails {
    /// Tokens read from the prompt cache.
    pub cached_tokens: Option<u64>,
}

/// Completion token detail.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct CompletionDetails {
    /// Tokens spent reasoning.
    pub reasoning_tokens: Option<u64>,
}

impl WireUsage {
    /// The usage in our terms.
    pub fn to_usage(self) -> Usage {
        let prompt = self.prompt_tokens.unwrap_or(0);
        let completion = self.completion_tokens.unwrap_or(0);
        let mut usage = Usage::new(prompt, completion);
        if let Some(total) = self.total_tokens {
            usage.total_tokens = total;
        }
        usage.cached_prompt_tokens = self.prompt_tokens_details.and_then(|d| d.cached_tokens);
        usage.reasoning_tokens = self
            .completion_tokens_details
            .and_then(|d| d.reasoning_tokens);
        usage
    }
}

/// The text of a `content` value: a string, or the `text` of each part of an array.
fn content_text(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

fn arguments_text(arguments: Option<Value>) -> String {
    match arguments {
        Some(Value::String(text)) => text,
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn reasoning_of(message: &WireMessage) -> String {
    message
        .reasoning_content
        .clone()
        .or_else(|| message.reasoning.clone())
        .unwrap_or_default()
}

/// The first choice (we ask for one; some servers send an empty list in usage chunks).
fn first_choice(choices: Option<Vec<Choice>>) -> Option<Choice> {
    choices.and_then(|choices| choices.into_iter().min_by_key(|c| c.index.unwrap_or(0)))
}

/// One streamed chunk in our terms.
pub fn chunk_from_wire(completion: Completion) -> LlmChunk {
    let mut chunk = LlmChunk {
        model: completion.model,
        usage: completion.usage.map(WireUsage::to_usage),
        ..LlmChunk::default()
    };
    let Some(choice) = first_choice(completion.choices) else {
        return chunk;
    };
    chunk.finish_reason = choice
        .finish_reason
        .as_deref()
        .and_then(FinishReason::from_wire);
    if let Some(text) = choice.text {
        chunk.content = text;
    }
    if let Some(delta) = choice.delta.or(choice.message) {
        chunk
            .content
            .push_str(&content_text(delta.content.as_ref()));
        chunk.reasoning = reasoning_of(&delta);
        for call in delta.tool_calls.into_iter().flatten() {
            let function = call.function.unwrap_or_default();
            chunk.tool_calls.push(ToolCallDelta {
                index: call.index,
                id: call.id,
                name: function.name,
                arguments: arguments_text(function.arguments),
            });
        }
        if let Some(function) = delta.function_call {
            chunk.tool_calls.push(ToolCallDelta {
                index: Some(0),
                id: None,
                name: function.name,
                arguments: arguments_text(function.arguments),
            });
        }
    }
    chunk
}

/// A whole answer in our terms; `usage` is `None` when the server reported none.
pub fn response_from_wire(completion: Completion) -> (LlmResponse, Option<Usage>) {
    let usage = completion.usage.map(WireUsage::to_usage);
    let mut response = LlmResponse {
        model: completion.model.unwrap_or_default(),
        ..LlmResponse::default()
    };
    let Some(choice) = first_choice(completion.choices) else {
        return (response, usage);
    };
    response.finish_reason = choice
        .finish_reason
        .as_deref()
        .and_then(FinishReason::from_wire);
    if let Some(text) = choice.text {
        response.content = text;
    }
    if let Some(message) = choice.message.or(choice.delta) {
        response
            .content
            .push_str(&content_text(message.content.as_ref()));
        if response.content.is_empty() {
            if let Some(refusal) = &message.refusal {
                response.content.clone_from(refusal);
            }
        }
        let reasoning = reasoning_of(&message);
        response.reasoning = (!reasoning.is_empty()).then_some(reasoning);
        let calls = message.tool_calls.into_iter().flatten().map(|call| {
            let function = call.function.unwrap_or_default();
            (call.id, function.name, function.arguments)
        });
        let legacy = message.function_call.map(|f| (None, f.name, f.arguments));
        response.tool_calls = calls
            .chain(legacy)
            .enumerate()
            .map(|(position, (id, name, arguments))| {
                let arguments = arguments_text(arguments);
                ToolCall {
                    id: id
                        .filter(|id| !id.is_empty())
                        .unwrap_or_else(|| format!("call_{position}")),
                    name: name.unwrap_or_default(),
                    arguments: if arguments.trim().is_empty() {
                        "{}".to_owned()
                    } else {
                        arguments
                    },
                }
            })
            .collect();
    }
    (response, usage)
}

/// Parses an error body: `{"error": {"message", "type", "code"}}` (OpenAI, llama.cpp with a
/// numeric code), `{"error": "text"}`, `{"message": ...}` or `{"detail": ...}` (FastAPI
/// servers). Anything else leaves the message empty (the status decides).
pub fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        let text = body.trim();
        return ProviderErrorBody {
            message: (!text.is_empty() && text.len() <= 500).then(|| text.to_owned()),
            ..ProviderErrorBody::default()
        };
    };
    error_value(&value)
}

/// The same, from an already parsed value (errors inside streams).
pub fn error_value(value: &Value) -> ProviderErrorBody {
    let error = value.get("error").unwrap_or(value);
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let Value::String(message) = error {
        return ProviderErrorBody {
            message: Some(message.clone()),
            ..ProviderErrorBody::default()
        };
    }
    let message = text(error.get("message")).or_else(|| match error.get("detail") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other @ (Value::Array(_) | Value::Object(_))) => Some(other.to_string()),
        _ => None,
    });
    // A string `code` is the precise one; a numeric `code` (llama.cpp echoes the status) says
    // less than the `type`.
    let code = match error.get("code") {
        Some(Value::String(code)) if !code.is_empty() => Some(code.clone()),
        _ => text(error.get("type")),
    };
    ProviderErrorBody {
        message,
        code,
        kind: None,
    }
}
