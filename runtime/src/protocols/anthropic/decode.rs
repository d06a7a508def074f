//! Responses and stream events of the Messages API, decoded tolerantly: unknown fields and
//! block types are ignored, every field may be missing.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::error::{error_from_value, ErrorDetail};
use crate::error::{Error, ErrorKind, Result};
use crate::llm::{FinishReason, LlmChunk, LlmResponse, ReasoningBlock, ToolCall, ToolCallDelta};
use crate::usage::Usage;

/// Token usage as the API reports it; `input_tokens` excludes cached tokens.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct WireUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
}

impl WireUsage {
    /// Adds what `later` reports (a `message_delta` repeats or completes `message_start`).
    fn update(&mut self, later: WireUsage) {
        self.input_tokens = later.input_tokens.or(self.input_tokens);
        self.output_tokens = later.output_tokens.or(self.output_tokens);
        self.cache_creation_input_tokens = later
            .cache_creation_input_tokens
            .or(self.cache_creation_input_tokens);
        self.cache_read_input_tokens = later
            .cache_read_input_tokens
            .or(self.cache_read_input_tokens);
    }

    /// The usage in our terms: the prompt counts cached and cache-written tokens too.
    pub fn to_usage(self) -> Usage {
        let cache_write = self.cache_creation_input_tokens.unwrap_or(0);
        let cache_read = self.cache_read_input_tokens.unwrap_or(0);
        let prompt = self
            .input_tokens
            .unwrap_or(0)
            .saturating_add(cache_write)
            .saturating_add(cache_read);
        let mut usage = Usage::new(prompt, self.output_tokens.unwrap_or(0));
        usage.cached_prompt_tokens = self.cache_read_input_tokens;
        usage.cache_creation_tokens = self.cache_creation_input_tokens;
        usage
    }
}

/// One content block of a message.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Block {
    #[serde(rename = "type")]
    kind: String,
    text: Option<String>,
    thinking: Option<String>,
    /// The signature over a `thinking` block.
    signature: Option<String>,
    /// The opaque content of a `redacted_thinking` block.
    data: Option<String>,
    id: Option<String>,
    name: Option<String>,
    input: Option<Value>,
}

/// A whole message (`POST /v1/messages` without streaming, or `message_start`'s message).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireMessage {
    model: Option<String>,
    content: Vec<Block>,
    stop_reason: Option<String>,
    usage: Option<WireUsage>,
}

/// Maps a `stop_reason`; unknown values are kept verbatim as [`FinishReason::Other`].
pub fn finish_reason(stop_reason: &str) -> Option<FinishReason> {
    match stop_reason {
        "refusal" => Some(FinishReason::ContentFilter),
        "model_context_window_exceeded" => Some(FinishReason::Length),
        "pause_turn" => Some(FinishReason::Other(stop_reason.to_owned())),
        other => other.parse().ok(),
    }
}

/// The input of a tool call as JSON text (`{}` when absent).
fn input_text(input: Option<Value>) -> String {
    match input {
        None | Some(Value::Null) => "{}".to_owned(),
        Some(value) => value.to_string(),
    }
}

/// A whole answer in our terms; usage is `None` when the API reported none.
pub fn response_from_wire(message: WireMessage) -> (LlmResponse, Option<Usage>) {
    let mut response = LlmResponse {
        model: message.model.unwrap_or_default(),
        finish_reason: message.stop_reason.as_deref().and_then(finish_reason),
        ..LlmResponse::default()
    };
    let mut reasoning = String::new();
    for block in message.content {
        match block.kind.as_str() {
            "text" => response.content.push_str(&block.text.unwrap_or_default()),
            "thinking" => {
                let text = block.thinking.unwrap_or_default();
                reasoning.push_str(&text);
                response.reasoning_blocks.push(ReasoningBlock::Thinking {
                    text,
                    signature: block.signature,
                });
            }
            "redacted_thinking" => {
                if let Some(data) = block.data {
                    response
                        .reasoning_blocks
                        .push(ReasoningBlock::Redacted { data });
                }
            }
            "tool_use" => {
                let position = response.tool_calls.len();
                response.tool_calls.push(ToolCall {
                    id: block.id.unwrap_or_else(|| format!("call_{position}")),
                    name: block.name.unwrap_or_default(),
                    arguments: input_text(block.input),
                });
            }
            // Server tool blocks carry nothing to show.
            _ => {}
        }
    }
    response.reasoning = (!reasoning.is_empty()).then_some(reasoning);
    (response, message.usage.map(WireUsage::to_usage))
}

/// One server-sent event of a streamed message.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireEvent {
    #[serde(rename = "type")]
    kind: String,
    message: Option<WireMessage>,
    index: Option<u32>,
    content_block: Option<Block>,
    delta: Option<WireDelta>,
    usage: Option<WireUsage>,
    error: Option<ErrorDetail>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireDelta {
    #[serde(rename = "type")]
    kind: Option<String>,
    text: Option<String>,
    partial_json: Option<String>,
    thinking: Option<String>,
    signature: Option<String>,
    stop_reason: Option<String>,
}

/// Turns the events of one streamed message into chunks. Usage arrives in two parts
/// (`message_start` has the input, `message_delta` the output) and is reported once, whole,
/// with the stop reason.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    usage: WireUsage,
    /// Content block index -> whether it is a tool_use block.
    tool_blocks: HashMap<u32, bool>,
    stopped: bool,
}

impl StreamDecoder {
    /// A decoder for a new stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `message_stop` was seen (a stream ending before it was cut).
    pub fn is_complete(&self) -> bool {
        self.stopped
    }

    /// Decodes one event's JSON payload; `None` for events that carry nothing (ping,
    /// block boundaries, unknown event types).
    pub fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        let event: WireEvent = serde_json::from_str(data).map_err(|e| {
            Error::new(
                ErrorKind::InvalidResponse,
                format!("cannot decode a stream event: {e}"),
            )
            .with_body(data)
        })?;
        Ok(match event.kind.as_str() {
            "message_start" => {
                let message = event.message.unwrap_or_default();
                if let Some(usage) = message.usage {
                    self.usage.update(usage);
                }
                message.model.map(|model| LlmChunk {
                    model: Some(model),
                    ..LlmChunk::default()
                })
            }
            "content_block_start" => self.block_start(event.index, event.content_block),
            "content_block_delta" => self.block_delta(event.index, event.delta.unwrap_or_default()),
            "message_delta" => {
                if let Some(usage) = event.usage {
                    self.usage.update(usage);
                }
                let reason = event
                    .delta
                    .and_then(|d| d.stop_reason)
                    .as_deref()
                    .and_then(finish_reason);
                Some(LlmChunk {
                    finish_reason: reason,
                    usage: Some(self.usage.to_usage()),
                    ..LlmChunk::default()
                })
            }
            "message_stop" => {
                self.stopped = true;
                None
            }
            "error" => {
                let detail = event.error.unwrap_or_default();
                return Err(error_from_value(&detail).with_body(data));
            }
            // ping, content_block_stop, and event types added later.
            _ => None,
        })
    }

    fn block_start(&mut self, index: Option<u32>, block: Option<Block>) -> Option<LlmChunk> {
        let block = block?;
        let index = index.unwrap_or(0);
        let is_tool = block.kind == "tool_use";
        self.tool_blocks.insert(index, is_tool);
        match block.kind.as_str() {
            "tool_use" => {
                // The start carries an empty `input`; the arguments follow as deltas.
                let arguments = match block.input {
                    Some(Value::Object(map)) if !map.is_empty() => Value::Object(map).to_string(),
                    _ => String::new(),
                };
                Some(LlmChunk {
                    tool_calls: vec![ToolCallDelta {
                        index: Some(index),
                        id: block.id,
                        name: block.name,
                        arguments,
                    }],
                    ..LlmChunk::default()
                })
            }
            "text" => block.text.filter(|t| !t.is_empty()).map(|text| LlmChunk {
                content: text,
                ..LlmChunk::default()
            }),
            "thinking" => {
                let chunk = LlmChunk {
                    reasoning: block.thinking.unwrap_or_default(),
                    reasoning_signature: block.signature.filter(|s| !s.is_empty()),
                    ..LlmChunk::default()
                };
                (!chunk.reasoning.is_empty() || chunk.reasoning_signature.is_some())
                    .then_some(chunk)
            }
            "redacted_thinking" => block.data.map(|data| LlmChunk {
                redacted_reasoning: Some(data),
                ..LlmChunk::default()
            }),
            _ => None,
        }
    }

    fn block_delta(&mut self, index: Option<u32>, delta: WireDelta) -> Option<LlmChunk> {
        let index = index.unwrap_or(0);
        match delta.kind.as_deref() {
            Some("text_delta") => Some(LlmChunk {
                content: delta.text.unwrap_or_default(),
                ..LlmChunk::default()
            }),
            Some("thinking_delta") => Some(LlmChunk {
                reasoning: delta.thinking.unwrap_or_default(),
                ..LlmChunk::default()
            }),
            // The signature that closes a thinking block; it must be sent back with it.
            Some("signature_delta") => delta.signature.map(|signature| LlmChunk {
                reasoning_signature: Some(signature),
                ..LlmChunk::default()
            }),
            Some("input_json_delta") if self.tool_blocks.get(&index) == Some(&true) => {
                Some(LlmChunk {
                    tool_calls: vec![ToolCallDelta {
                        index: Some(index),
                        arguments: delta.partial_json.unwrap_or_default(),
                        ..ToolCallDelta::default()
                    }],
                    ..LlmChunk::default()
                })
            }
            // Citations and unknown deltas.
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_stop_reason_is_kept() {
        assert_eq!(finish_reason("end_turn"), Some(FinishReason::Stop));
        assert_eq!(finish_reason("tool_use"), Some(FinishReason::ToolCalls));
        assert_eq!(finish_reason("max_tokens"), Some(FinishReason::Length));
        assert_eq!(finish_reason("refusal"), Some(FinishReason::ContentFilter));
        assert_eq!(
            finish_reason("brand_new"),
            Some(FinishReason::Other("brand_new".into()))
        );
    }

    #[test]
    fn truncated_or_odd_events_never_panic() {
        let samples = [
            r#"{"type":"message_start","message":{"model":"m","usage":{"input_tokens":3}}}"#,
            r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"f","input":{"a":1}}}"#,
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{}"}}"#,
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}"#,
            r#"{"type":"error","error":{"type":"api_error","message":"x"}}"#,
            r#"{"type":"content_block_delta","index":-1,"delta":"text"}"#,
            r#"{"type":"content_block_start","content_block":null}"#,
        ];
        for sample in samples {
            for end in (0..=sample.len()).filter(|&e| sample.is_char_boundary(e)) {
                let _ = StreamDecoder::new().decode(&sample[..end]);
            }
        }
    }

    #[test]
    fn malformed_event_is_an_error() {
        let mut decoder = StreamDecoder::new();
        assert_eq!(
            decoder.decode("{\"type\":").unwrap_err().kind(),
            ErrorKind::InvalidResponse
        );
        assert_eq!(decoder.decode("{\"type\":\"ping\"}").unwrap(), None);
    }
}
