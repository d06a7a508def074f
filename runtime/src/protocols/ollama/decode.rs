//! Answers of `/api/chat` and `/api/generate`: one JSON object (or, streamed, one per line,
//! the last with `done: true` and the token counts), decoded tolerantly.

use serde::Deserialize;
use serde_json::Value;

use super::error::stream_error;
use crate::error::{Error, ErrorKind, Result};
use crate::llm::{FinishReason, LlmChunk, ToolCallDelta};
use crate::usage::Usage;

/// One answer object, or one line of a stream.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Record {
    model: Option<String>,
    /// Chat answers.
    message: Option<WireMessage>,
    /// Generate answers.
    response: Option<String>,
    /// Generate answers' reasoning.
    thinking: Option<String>,
    done: bool,
    done_reason: Option<String>,
    prompt_eval_count: Option<u64>,
    eval_count: Option<u64>,
    error: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireMessage {
    content: Option<String>,
    thinking: Option<String>,
    tool_calls: Option<Vec<WireToolCall>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireToolCall {
    id: Option<String>,
    function: Option<WireFunction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireFunction {
    name: Option<String>,
    arguments: Option<Value>,
}

fn arguments_text(arguments: Option<Value>) -> String {
    match arguments {
        None | Some(Value::Null) => "{}".to_owned(),
        Some(Value::String(text)) => text,
        Some(other) => other.to_string(),
    }
}

/// Decodes records into chunks. Ollama sends each tool call whole, so every call gets its
/// own index; a turn that called tools finishes with [`FinishReason::ToolCalls`] although
/// the server says `stop`.
#[derive(Debug, Default)]
pub struct RecordDecoder {
    calls: u32,
    done: bool,
}

impl RecordDecoder {
    /// A decoder for a new answer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one record's text.
    pub fn parse(text: &str) -> Result<Record> {
        serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::InvalidResponse,
                format!("cannot decode the answer: {e}"),
            )
            .with_body(text)
        })
    }

    /// The chunk one record carries; an `error` record is an error.
    pub fn chunk(&mut self, record: Record) -> Result<LlmChunk> {
        if let Some(error) = record.error.filter(|e| !e.is_null()) {
            let message = error
                .as_str()
                .map_or_else(|| error.to_string(), str::to_owned);
            return Err(stream_error(&message));
        }
        let mut chunk = LlmChunk {
            model: record.model,
            content: record.response.unwrap_or_default(),
            reasoning: record.thinking.unwrap_or_default(),
            ..LlmChunk::default()
        };
        if let Some(message) = record.message {
            chunk.content.push_str(&message.content.unwrap_or_default());
            chunk
                .reasoning
                .push_str(&message.thinking.unwrap_or_default());
            for call in message.tool_calls.into_iter().flatten() {
                let function = call.function.unwrap_or_default();
                chunk.tool_calls.push(ToolCallDelta {
                    index: Some(self.calls),
                    id: call
                        .id
                        .filter(|id| !id.is_empty())
                        .or_else(|| Some(format!("call_{}", self.calls))),
                    name: function.name,
                    arguments: arguments_text(function.arguments),
                });
                self.calls += 1;
            }
        }
        if record.done {
            self.done = true;
            chunk.finish_reason = match record.done_reason.as_deref() {
                _ if self.calls > 0 => Some(FinishReason::ToolCalls),
                Some(reason) => reason.parse().ok(),
                None => Some(FinishReason::Stop),
            };
            if record.prompt_eval_count.is_some() || record.eval_count.is_some() {
                chunk.usage = Some(Usage::new(
                    record.prompt_eval_count.unwrap_or(0),
                    record.eval_count.unwrap_or(0),
                ));
            }
        }
        Ok(chunk)
    }
}

impl crate::protocols::llm_events::ChunkDecoder for RecordDecoder {
    fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        let record = Self::parse(data)?;
        self.chunk(record).map(Some)
    }

    fn is_complete(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::llm_events::ChunkDecoder;

    #[test]
    fn truncated_or_odd_records_never_panic() {
        let samples = [
            r#"{"model":"m","message":{"content":"hé","tool_calls":[{"function":{"name":"f","arguments":{"a":[1]}}}]},"done":false}"#,
            r#"{"done":true,"done_reason":"length","prompt_eval_count":1,"eval_count":2}"#,
            r#"{"error":{"nested":true}}"#,
            r#"{"message":{"tool_calls":[{"function":null}]},"done":true}"#,
            r#"{"message":"text","done":"yes"}"#,
        ];
        for sample in samples {
            for end in (0..=sample.len()).filter(|&e| sample.is_char_boundary(e)) {
                let _ = RecordDecoder::new().decode(&sample[..end]);
            }
        }
        let mut decoder = RecordDecoder::new();
        let chunk = decoder
            .decode(r#"{"done":true,"done_reason":"length","eval_count":2}"#)
            .unwrap()
            .unwrap();
        assert_eq!(chunk.finish_reason, Some(FinishReason::Length));
        assert!(decoder.is_complete());
    }
}
