//! Converse answers: the whole response (`output.message`, `stopReason`, `usage`) and the
//! ConverseStream events (`messageStart`, `contentBlockStart`, `contentBlockDelta`,
//! `contentBlockStop`, `messageStop`, `metadata`), each given as the one-member JSON object
//! `{"<event type>": <payload>}` that the event-stream layer builds from a frame.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
use crate::llm::{FinishReason, LlmChunk, LlmResponse, ReasoningBlock, ToolCall, ToolCallDelta};
use crate::usage::Usage;

/// Token counts. `inputTokens` excludes the prompt-cache reads and writes, which the prompt
/// total includes.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireUsage {
    input_tokens: u64,
    output_tokens: u64,
    cache_read_input_tokens: Option<u64>,
    cache_write_input_tokens: Option<u64>,
}

impl WireUsage {
    fn to_usage(self) -> Usage {
        let prompt = self
            .input_tokens
            .saturating_add(self.cache_read_input_tokens.unwrap_or(0))
            .saturating_add(self.cache_write_input_tokens.unwrap_or(0));
        let mut usage = Usage::new(prompt, self.output_tokens);
        usage.cached_prompt_tokens = self.cache_read_input_tokens;
        usage.cache_creation_tokens = self.cache_write_input_tokens;
        usage
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ToolUse {
    tool_use_id: Option<String>,
    name: Option<String>,
    input: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReasoningText {
    text: Option<String>,
    signature: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ReasoningContent {
    reasoning_text: Option<ReasoningText>,
    redacted_content: Option<String>,
}

/// One content block of a whole answer (a union: one member is set).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Block {
    text: Option<String>,
    tool_use: Option<ToolUse>,
    reasoning_content: Option<ReasoningContent>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireMessage {
    content: Vec<Block>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Output {
    message: Option<WireMessage>,
}

/// The answer of `POST /model/{modelId}/converse`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConverseResponse {
    output: Output,
    stop_reason: Option<String>,
    usage: Option<WireUsage>,
}

/// Maps a `stopReason`; unknown values are kept verbatim as [`FinishReason::Other`].
pub fn finish_reason(stop_reason: &str) -> Option<FinishReason> {
    match stop_reason {
        "guardrail_intervened" | "content_filtered" => Some(FinishReason::ContentFilter),
        "model_context_window_exceeded" => Some(FinishReason::Length),
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

/// A whole answer in our terms (model left empty); usage is `None` when none was reported.
pub fn response_from_wire(answer: ConverseResponse) -> (LlmResponse, Option<Usage>) {
    let mut response = LlmResponse {
        finish_reason: answer.stop_reason.as_deref().and_then(finish_reason),
        ..LlmResponse::default()
    };
    let mut reasoning = String::new();
    for block in answer.output.message.unwrap_or_default().content {
        if let Some(text) = block.text {
            response.content.push_str(&text);
        }
        if let Some(tool) = block.tool_use {
            let position = response.tool_calls.len();
            response.tool_calls.push(ToolCall {
                id: tool
                    .tool_use_id
                    .unwrap_or_else(|| format!("call_{position}")),
                name: tool.name.unwrap_or_default(),
                arguments: input_text(tool.input),
            });
        }
        if let Some(content) = block.reasoning_content {
            if let Some(text) = content.reasoning_text {
                let text_value = text.text.unwrap_or_default();
                reasoning.push_str(&text_value);
                response.reasoning_blocks.push(ReasoningBlock::Thinking {
                    text: text_value,
                    signature: text.signature,
                });
            }
            if let Some(data) = content.redacted_content {
                response
                    .reasoning_blocks
                    .push(ReasoningBlock::Redacted { data });
            }
        }
    }
    response.reasoning = (!reasoning.is_empty()).then_some(reasoning);
    (response, answer.usage.map(WireUsage::to_usage))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct BlockStart {
    content_block_index: Option<u32>,
    start: Option<StartPayload>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct StartPayload {
    tool_use: Option<ToolUse>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct BlockDelta {
    content_block_index: Option<u32>,
    delta: Option<DeltaPayload>,
}

/// A delta: a union of text, tool input JSON text, or reasoning.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct DeltaPayload {
    text: Option<String>,
    tool_use: Option<ToolInputDelta>,
    reasoning_content: Option<ReasoningDelta>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ToolInputDelta {
    input: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ReasoningDelta {
    text: Option<String>,
    signature: Option<String>,
    redacted_content: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct MessageStop {
    stop_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Metadata {
    usage: Option<WireUsage>,
}

/// One stream event, as `{"<event type>": <payload>}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct StreamEvent {
    content_block_start: Option<BlockStart>,
    content_block_delta: Option<BlockDelta>,
    message_stop: Option<MessageStop>,
    metadata: Option<Metadata>,
}

/// Turns the events of one ConverseStream answer into chunks. The stop reason
/// (`messageStop`) and the usage (`metadata`, the last event) arrive apart and each makes a
/// chunk; the answer is complete once `metadata` was seen.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    complete: bool,
}

impl StreamDecoder {
    /// A decoder for a new stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `metadata` was seen (a stream ending before it was cut).
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Decodes one event; `None` for events that carry nothing (`messageStart`,
    /// `contentBlockStop`, a text block's start, unknown event types).
    pub fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        let event: StreamEvent = serde_json::from_str(data).map_err(|e| {
            Error::new(
                ErrorKind::InvalidResponse,
                format!("cannot decode a stream event: {e}"),
            )
            .with_body(data)
        })?;
        if let Some(start) = event.content_block_start {
            return Ok(block_start(start));
        }
        if let Some(delta) = event.content_block_delta {
            return Ok(block_delta(delta));
        }
        if let Some(stop) = event.message_stop {
            return Ok(Some(LlmChunk {
                finish_reason: stop.stop_reason.as_deref().and_then(finish_reason),
                ..LlmChunk::default()
            }));
        }
        if let Some(metadata) = event.metadata {
            self.complete = true;
            return Ok(metadata.usage.map(|usage| LlmChunk {
                usage: Some(usage.to_usage()),
                ..LlmChunk::default()
            }));
        }
        Ok(None)
    }
}

fn block_start(start: BlockStart) -> Option<LlmChunk> {
    let tool = start.start?.tool_use?;
    Some(LlmChunk {
        tool_calls: vec![ToolCallDelta {
            index: Some(start.content_block_index.unwrap_or(0)),
            id: tool.tool_use_id,
            name: tool.name,
            arguments: String::new(),
        }],
        ..LlmChunk::default()
    })
}

fn block_delta(event: BlockDelta) -> Option<LlmChunk> {
    let delta = event.delta?;
    if let Some(text) = delta.text {
        return Some(LlmChunk {
            content: text,
            ..LlmChunk::default()
        });
    }
    if let Some(tool) = delta.tool_use {
        return Some(LlmChunk {
            tool_calls: vec![ToolCallDelta {
                index: Some(event.content_block_index.unwrap_or(0)),
                arguments: tool.input.unwrap_or_default(),
                ..ToolCallDelta::default()
            }],
            ..LlmChunk::default()
        });
    }
    let reasoning = delta.reasoning_content?;
    Some(LlmChunk {
        reasoning: reasoning.text.unwrap_or_default(),
        reasoning_signature: reasoning.signature,
        redacted_reasoning: reasoning.redacted_content,
        ..LlmChunk::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reasons_map_and_unknown_ones_are_kept() {
        assert_eq!(finish_reason("end_turn"), Some(FinishReason::Stop));
        assert_eq!(finish_reason("tool_use"), Some(FinishReason::ToolCalls));
        assert_eq!(finish_reason("max_tokens"), Some(FinishReason::Length));
        assert_eq!(finish_reason("stop_sequence"), Some(FinishReason::Stop));
        assert_eq!(
            finish_reason("guardrail_intervened"),
            Some(FinishReason::ContentFilter)
        );
        assert_eq!(
            finish_reason("brand_new"),
            Some(FinishReason::Other("brand_new".into()))
        );
    }

    #[test]
    fn truncated_or_odd_events_never_panic() {
        let samples = [
            r#"{"messageStart":{"role":"assistant"}}"#,
            r#"{"contentBlockStart":{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t","name":"f"}}}}"#,
            r#"{"contentBlockDelta":{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"a\""}}}}"#,
            r#"{"contentBlockDelta":{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"s"}}}}"#,
            r#"{"metadata":{"usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5}}}"#,
            r#"{"contentBlockDelta":{"contentBlockIndex":-1,"delta":"text"}}"#,
            r#"{"contentBlockStart":null}"#,
        ];
        for sample in samples {
            for end in (0..=sample.len()).filter(|&e| sample.is_char_boundary(e)) {
                let _ = StreamDecoder::new().decode(&sample[..end]);
            }
        }
    }

    #[test]
    fn metadata_completes_the_stream() {
        let mut decoder = StreamDecoder::new();
        assert_eq!(
            decoder
                .decode(r#"{"messageStart":{"role":"assistant"}}"#)
                .unwrap(),
            None
        );
        assert!(!decoder.is_complete());
        let chunk = decoder
            .decode(r#"{"metadata":{"usage":{"inputTokens":3,"outputTokens":2,"cacheReadInputTokens":10}}}"#)
            .unwrap()
            .unwrap();
        let usage = chunk.usage.unwrap();
        assert_eq!((usage.prompt_tokens, usage.completion_tokens), (13, 2));
        assert_eq!(usage.cached_prompt_tokens, Some(10));
        assert!(decoder.is_complete());
    }
}
