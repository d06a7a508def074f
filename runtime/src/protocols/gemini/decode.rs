//! `GenerateContentResponse`s, whole or streamed (each SSE event is one), decoded tolerantly:
//! unknown fields and part kinds are ignored, every field may be missing.
//!
//! A response becomes chunks in both cases, and a whole answer is those chunks accumulated,
//! so the two paths cannot disagree. Thought summaries (`thought: true`) become reasoning,
//! `thoughtSignature`s reasoning signatures, function calls whole tool-call deltas (the API
//! sends each call complete, its `args` an object).

use std::collections::VecDeque;

use serde::Deserialize;
use serde_json::Value;

use super::error::stream_error;
use crate::error::{Error, ErrorKind, Result};
use crate::llm::{FinishReason, LlmChunk, LlmResponse, StreamAccumulator, ToolCallDelta};
use crate::usage::Usage;

/// One response (a whole answer, or one event of a stream).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireResponse {
    candidates: Vec<Candidate>,
    usage_metadata: Option<WireUsage>,
    model_version: Option<String>,
    prompt_feedback: Option<PromptFeedback>,
    /// Set instead of the rest when a stream reports an error.
    error: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Candidate {
    content: Option<Content>,
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Content {
    parts: Vec<Part>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Part {
    text: Option<String>,
    thought: Option<bool>,
    thought_signature: Option<String>,
    function_call: Option<FunctionCall>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FunctionCall {
    id: Option<String>,
    name: Option<String>,
    args: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct PromptFeedback {
    block_reason: Option<String>,
    block_reason_message: Option<String>,
}

/// `usageMetadata`. The prompt count includes cached tokens; thinking tokens are counted
/// apart from the answer's (`candidatesTokenCount`).
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WireUsage {
    prompt_token_count: Option<u64>,
    candidates_token_count: Option<u64>,
    thoughts_token_count: Option<u64>,
    cached_content_token_count: Option<u64>,
    tool_use_prompt_token_count: Option<u64>,
    total_token_count: Option<u64>,
}

impl WireUsage {
    /// The usage in our terms: tool-use prompt tokens count as prompt, thinking tokens as
    /// completion (they are billed as output).
    pub fn to_usage(self) -> Usage {
        let thoughts = self.thoughts_token_count.unwrap_or(0);
        let prompt = self
            .prompt_token_count
            .unwrap_or(0)
            .saturating_add(self.tool_use_prompt_token_count.unwrap_or(0));
        let completion = self
            .candidates_token_count
            .unwrap_or(0)
            .saturating_add(thoughts);
        let mut usage = Usage::new(prompt, completion);
        if let Some(total) = self.total_token_count {
            usage.total_tokens = total;
        }
        usage.cached_prompt_tokens = self.cached_content_token_count;
        usage.reasoning_tokens = self.thoughts_token_count;
        usage
    }
}

/// Maps a `finishReason`; `STOP` after function calls is a tool-call stop. Unknown values are
/// kept verbatim as [`FinishReason::Other`].
pub fn finish_reason(reason: &str, called_tools: bool) -> Option<FinishReason> {
    Some(match reason {
        "" => return None,
        "STOP" if called_tools => FinishReason::ToolCalls,
        "STOP" => FinishReason::Stop,
        "MAX_TOKENS" => FinishReason::Length,
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => {
            FinishReason::ContentFilter
        }
        other => FinishReason::Other(other.to_owned()),
    })
}

fn invalid(data: &str, e: serde_json::Error) -> Error {
    Error::new(
        ErrorKind::InvalidResponse,
        format!("cannot decode a response: {e}"),
    )
    .with_body(data)
}

/// Turns responses into chunks, keeping what spans a stream: the model name (named once), the
/// number of calls so far (their indexes), the latest usage and whether a finish reason came.
#[derive(Debug, Default)]
pub struct Decoder {
    named: bool,
    calls: u32,
    usage: Option<WireUsage>,
    finished: bool,
    /// Chunks of the last event after the first (see [`Decoder::pending`]).
    pending: VecDeque<LlmChunk>,
}

impl Decoder {
    /// A decoder for a new answer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a finish reason was seen (a stream ending before it was cut).
    pub fn is_complete(&self) -> bool {
        self.finished
    }

    /// The chunks of one response, in order. A part starts a new chunk only when the current
    /// one already closed its reasoning with a signature, so each signature stays with the
    /// reasoning before it.
    pub fn chunks(&mut self, response: WireResponse) -> Result<Vec<LlmChunk>> {
        if let Some(error) = &response.error {
            return Err(stream_error(error));
        }
        if response.usage_metadata.is_some() {
            self.usage = response.usage_metadata;
        }
        let mut current = LlmChunk::default();
        if !self.named {
            if let Some(model) = response.model_version.filter(|m| !m.is_empty()) {
                self.named = true;
                current.model = Some(model);
            }
        }
        let Some(candidate) = response.candidates.into_iter().next() else {
            if let Some(feedback) = response.prompt_feedback {
                if let Some(reason) = feedback.block_reason {
                    let detail = feedback.block_reason_message.unwrap_or_default();
                    return Err(Error::new(
                        ErrorKind::ContentFiltered,
                        format!("the prompt was blocked ({reason}) {detail}")
                            .trim_end()
                            .to_owned(),
                    )
                    .with_code(reason));
                }
            }
            return Ok(self.finish(vec![current], None));
        };
        let mut chunks = Vec::new();
        for part in candidate.content.map(|c| c.parts).unwrap_or_default() {
            let is_thought = part.thought == Some(true);
            let signs = part.thought_signature.is_some();
            if current.reasoning_signature.is_some() && (is_thought || signs) {
                chunks.push(std::mem::take(&mut current));
            }
            match (part.function_call, part.text) {
                (Some(call), _) => {
                    let index = self.calls;
                    self.calls += 1;
                    current.tool_calls.push(ToolCallDelta {
                        index: Some(index),
                        id: call.id.filter(|id| !id.is_empty()),
                        name: call.name,
                        arguments: match call.args {
                            None | Some(Value::Null) => "{}".to_owned(),
                            Some(args) => args.to_string(),
                        },
                    });
                }
                (None, Some(text)) if is_thought => current.reasoning.push_str(&text),
                (None, Some(text)) => current.content.push_str(&text),
                // Code execution results, inline media and later part kinds.
                (None, None) => {}
            }
            if let Some(signature) = part.thought_signature.filter(|s| !s.is_empty()) {
                current.reasoning_signature = Some(signature);
            }
        }
        chunks.push(current);
        Ok(self.finish(chunks, candidate.finish_reason))
    }

    /// Sets the finish reason and, once finished, the usage on the last chunk; drops empty
    /// chunks.
    fn finish(&mut self, mut chunks: Vec<LlmChunk>, reason: Option<String>) -> Vec<LlmChunk> {
        if let Some(reason) = reason
            .as_deref()
            .and_then(|r| finish_reason(r, self.calls > 0))
        {
            self.finished = true;
            if let Some(last) = chunks.last_mut() {
                last.finish_reason = Some(reason);
            }
        }
        if self.finished {
            if let (Some(last), Some(usage)) = (chunks.last_mut(), self.usage) {
                last.usage = Some(usage.to_usage());
            }
        }
        chunks.retain(|chunk| chunk != &LlmChunk::default());
        chunks
    }

    /// Decodes one stream event: its first chunk, the others queued for [`Decoder::pending`].
    pub fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        let response: WireResponse = serde_json::from_str(data).map_err(|e| invalid(data, e))?;
        let mut chunks = self.chunks(response)?.into_iter();
        let first = chunks.next();
        self.pending.extend(chunks);
        Ok(first)
    }

    /// The next chunk the last event produced beyond its first.
    pub fn pending(&mut self) -> Option<LlmChunk> {
        self.pending.pop_front()
    }
}

/// A whole answer in our terms; usage is `None` when the API reported none.
pub fn response_from_wire(response: WireResponse) -> Result<(LlmResponse, Option<Usage>)> {
    let mut decoder = Decoder::new();
    let mut accumulator = StreamAccumulator::new();
    for chunk in decoder.chunks(response)? {
        accumulator.push(&chunk);
    }
    let usage = accumulator.usage();
    Ok((accumulator.finish(), usage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_reasons_map_and_unknown_ones_are_kept() {
        assert_eq!(finish_reason("STOP", false), Some(FinishReason::Stop));
        assert_eq!(finish_reason("STOP", true), Some(FinishReason::ToolCalls));
        assert_eq!(
            finish_reason("MAX_TOKENS", false),
            Some(FinishReason::Length)
        );
        assert_eq!(
            finish_reason("PROHIBITED_CONTENT", false),
            Some(FinishReason::ContentFilter)
        );
        assert_eq!(
            finish_reason("MALFORMED_FUNCTION_CALL", true),
            Some(FinishReason::Other("MALFORMED_FUNCTION_CALL".into()))
        );
    }

    #[test]
    fn a_signature_closes_the_reasoning_before_it() {
        let response: WireResponse = serde_json::from_value(serde_json::json!({
            "candidates": [{"content": {"role": "model", "parts": [
                {"text": "first thought", "thought": true},
                {"text": "Answer.", "thoughtSignature": "s1"},
                {"text": "second thought", "thought": true},
                {"functionCall": {"name": "f", "args": {"a": 1}}, "thoughtSignature": "s2"}
            ]}, "finishReason": "STOP"}]
        }))
        .unwrap();
        let (response, usage) = response_from_wire(response).unwrap();
        assert_eq!(usage, None);
        assert_eq!(response.content, "Answer.");
        assert_eq!(
            response.reasoning.as_deref(),
            Some("first thoughtsecond thought")
        );
        assert_eq!(response.reasoning_blocks.len(), 2);
        assert_eq!(response.tool_calls[0].arguments, "{\"a\":1}");
        assert_eq!(response.finish_reason, Some(FinishReason::ToolCalls));
    }

    #[test]
    fn truncated_or_odd_events_never_panic() {
        let samples = [
            r#"{"candidates":[{"content":{"parts":[{"text":"a","thought":true,"thoughtSignature":"x"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3}}"#,
            r#"{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":[1]}}]}}]}"#,
            r#"{"candidates":[],"promptFeedback":{"blockReason":"SAFETY"}}"#,
            r#"{"error":{"code":500,"message":"x","status":"INTERNAL"}}"#,
            r#"{"candidates":[{"content":null,"finishReason":7}]}"#,
        ];
        for sample in samples {
            for end in (0..=sample.len()).filter(|&e| sample.is_char_boundary(e)) {
                let _ = Decoder::new().decode(&sample[..end]);
            }
        }
    }
}
