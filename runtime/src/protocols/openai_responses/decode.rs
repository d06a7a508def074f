//! Response objects and stream events of the Responses API, decoded tolerantly: unknown
//! fields, item types and event types are ignored, every field may be missing or `null`.

use serde::Deserialize;
use serde_json::Value;

use super::reasoning::{self, SummaryPart};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{classify, ProviderErrorBody};
use crate::llm::{FinishReason, LlmChunk, LlmResponse, ToolCall, ToolCallDelta};
use crate::usage::Usage;

/// Token usage; `input_tokens` counts cached tokens and `output_tokens` reasoning tokens.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct WireUsage {
    input_tokens: Option<u64>,
    input_tokens_details: Option<InputDetails>,
    output_tokens: Option<u64>,
    output_tokens_details: Option<OutputDetails>,
    total_tokens: Option<u64>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
struct InputDetails {
    cached_tokens: Option<u64>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
struct OutputDetails {
    reasoning_tokens: Option<u64>,
}

impl WireUsage {
    /// The usage in our terms.
    pub fn to_usage(self) -> Usage {
        let mut usage = Usage::new(
            self.input_tokens.unwrap_or(0),
            self.output_tokens.unwrap_or(0),
        );
        if let Some(total) = self.total_tokens {
            usage.total_tokens = total;
        }
        usage.cached_prompt_tokens = self.input_tokens_details.and_then(|d| d.cached_tokens);
        usage.reasoning_tokens = self.output_tokens_details.and_then(|d| d.reasoning_tokens);
        usage
    }
}

/// One part of an output message.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ContentPart {
    #[serde(rename = "type")]
    kind: String,
    text: Option<String>,
    refusal: Option<String>,
}

/// One output item: a message, a function call or reasoning (other types are ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireItem {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
    content: Option<Vec<ContentPart>>,
    call_id: Option<String>,
    name: Option<String>,
    arguments: Option<String>,
    summary: Option<Vec<SummaryPart>>,
    encrypted_content: Option<String>,
}

impl WireItem {
    fn reasoning_block(&self) -> Option<crate::llm::ReasoningBlock> {
        let summary = self.summary.as_deref().unwrap_or_default();
        reasoning::to_block(
            self.id.as_deref(),
            summary,
            self.encrypted_content.as_deref(),
        )
    }
}

/// `error` of a failed response, and the payload of an `error` event.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireError {
    code: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Incomplete {
    reason: Option<String>,
}

/// A response object (`POST /responses` without streaming, and inside lifecycle events).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireResponse {
    model: Option<String>,
    status: Option<String>,
    output: Option<Vec<WireItem>>,
    usage: Option<WireUsage>,
    error: Option<WireError>,
    incomplete_details: Option<Incomplete>,
}

impl WireResponse {
    fn items(&self) -> &[WireItem] {
        self.output.as_deref().unwrap_or_default()
    }

    /// Why the model stopped: `completed` is a stop (or tool calls, when it called any);
    /// `incomplete` says why in `incomplete_details`.
    fn finish_reason(&self) -> Option<FinishReason> {
        match self.status.as_deref()? {
            "completed" if self.items().iter().any(|i| i.kind == "function_call") => {
                Some(FinishReason::ToolCalls)
            }
            "completed" => Some(FinishReason::Stop),
            "incomplete" => {
                let reason = self
                    .incomplete_details
                    .as_ref()
                    .and_then(|d| d.reason.as_deref());
                Some(match reason {
                    Some("max_output_tokens") => FinishReason::Length,
                    Some("content_filter") => FinishReason::ContentFilter,
                    Some(other) => FinishReason::Other(other.to_owned()),
                    None => FinishReason::Other("incomplete".to_owned()),
                })
            }
            other => other.parse().ok(),
        }
    }

    /// The error of a failed response.
    fn failure(&self) -> Option<&WireError> {
        self.error
            .as_ref()
            .or_else(|| (self.status.as_deref() == Some("failed")).then_some(&NO_DETAIL))
    }
}

static NO_DETAIL: WireError = WireError {
    code: None,
    message: None,
};

/// Error codes of failed responses whose kind the status (200) cannot tell.
fn kind_of(code: &str) -> Option<ErrorKind> {
    Some(match code {
        "server_error" => ErrorKind::ServerUnavailable,
        "rate_limit_exceeded" => ErrorKind::RateLimit,
        "vector_store_timeout" => ErrorKind::Timeout,
        _ => return None,
    })
}

/// The error a failed response or an `error` event reports (the HTTP status was 200).
pub fn reported_error(error: &WireError, raw: &str) -> Error {
    let body = ProviderErrorBody {
        message: error.message.clone().filter(|m| !m.is_empty()),
        code: error.code.clone().filter(|c| !c.is_empty()),
        kind: error.code.as_deref().and_then(kind_of),
        retry_after: None,
    };
    let mut reported = Error::new(
        classify(200, &body),
        body.message
            .unwrap_or_else(|| "the response failed without saying why".to_owned()),
    )
    .with_body(raw);
    if let Some(code) = body.code {
        reported = reported.with_code(code);
    }
    reported
}

/// A whole answer in our terms, or the error a failed response reports; usage is `None`
/// when the API reported none.
pub fn response_from_wire(
    response: WireResponse,
    raw: &str,
) -> Result<(LlmResponse, Option<Usage>)> {
    if let Some(error) = response.failure() {
        return Err(reported_error(error, raw));
    }
    let mut answer = LlmResponse {
        finish_reason: response.finish_reason(),
        ..LlmResponse::default()
    };
    let mut summaries = Vec::new();
    let mut refusal = String::new();
    for item in response.items() {
        match item.kind.as_str() {
            "message" => {
                for part in item.content.iter().flatten() {
                    match part.kind.as_str() {
                        "output_text" => {
                            answer.content.push_str(part.text.as_deref().unwrap_or(""))
                        }
                        "refusal" => refusal.push_str(part.refusal.as_deref().unwrap_or("")),
                        _ => {}
                    }
                }
            }
            "function_call" => {
                let position = answer.tool_calls.len();
                let arguments = item.arguments.as_deref().unwrap_or("").trim();
                answer.tool_calls.push(ToolCall {
                    id: item
                        .call_id
                        .clone()
                        .unwrap_or_else(|| format!("call_{position}")),
                    name: item.name.clone().unwrap_or_default(),
                    arguments: if arguments.is_empty() {
                        "{}"
                    } else {
                        arguments
                    }
                    .to_owned(),
                });
            }
            "reasoning" => {
                let text = reasoning::summary_text(item.summary.as_deref().unwrap_or_default());
                if !text.is_empty() {
                    summaries.push(text);
                }
                answer.reasoning_blocks.extend(item.reasoning_block());
            }
            // Built-in tool calls and item types added later.
            _ => {}
        }
    }
    if answer.content.is_empty() {
        answer.content = refusal;
    }
    answer.reasoning = (!summaries.is_empty()).then(|| summaries.join("\n\n"));
    answer.model = response.model.unwrap_or_default();
    Ok((answer, response.usage.map(WireUsage::to_usage)))
}

/// One server-sent event of a streamed response.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireEvent {
    #[serde(rename = "type")]
    kind: String,
    response: Option<WireResponse>,
    output_index: Option<u32>,
    summary_index: Option<u32>,
    item: Option<WireItem>,
    /// Text for text events (other events may carry other shapes here).
    delta: Option<Value>,
    code: Option<String>,
    message: Option<String>,
}

impl WireEvent {
    fn delta_text(&self) -> String {
        self.delta
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}

fn reasoning_chunk(text: String) -> LlmChunk {
    LlmChunk {
        reasoning: text,
        ..LlmChunk::default()
    }
}

/// Turns the events of one streamed response into chunks. The answer ends with
/// `response.completed` (or `response.incomplete`), which carries the usage.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    named_model: bool,
    finished: bool,
}

impl StreamDecoder {
    /// A decoder for a new stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the final event was seen (a stream ending before it was cut).
    pub fn is_complete(&self) -> bool {
        self.finished
    }

    fn model(&mut self, response: Option<&WireResponse>) -> Option<String> {
        if self.named_model {
            return None;
        }
        let model = response?.model.clone().filter(|m| !m.is_empty())?;
        self.named_model = true;
        Some(model)
    }

    /// Decodes one event's JSON payload; `None` for events that carry nothing for the caller.
    pub fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        let event: WireEvent = serde_json::from_str(data).map_err(|e| {
            Error::new(
                ErrorKind::InvalidResponse,
                format!("cannot decode a stream event: {e}"),
            )
            .with_body(data)
        })?;
        Ok(match event.kind.as_str() {
            "response.created" | "response.in_progress" => {
                let model = self.model(event.response.as_ref());
                model.map(|model| LlmChunk {
                    model: Some(model),
                    ..LlmChunk::default()
                })
            }
            "response.output_text.delta" | "response.refusal.delta" => Some(LlmChunk {
                content: event.delta_text(),
                ..LlmChunk::default()
            }),
            "response.reasoning_summary_text.delta" => Some(reasoning_chunk(event.delta_text())),
            // Summary parts are paragraphs of one text.
            "response.reasoning_summary_part.added" if event.summary_index.unwrap_or(0) > 0 => {
                Some(reasoning_chunk("\n\n".to_owned()))
            }
            "response.output_item.added" => match event.item {
                Some(item) if item.kind == "function_call" => Some(LlmChunk {
                    tool_calls: vec![ToolCallDelta {
                        index: event.output_index,
                        id: item.call_id.filter(|id| !id.is_empty()),
                        name: item.name.filter(|name| !name.is_empty()),
                        arguments: item.arguments.unwrap_or_default(),
                    }],
                    ..LlmChunk::default()
                }),
                _ => None,
            },
            "response.function_call_arguments.delta" => Some(LlmChunk {
                tool_calls: vec![ToolCallDelta {
                    index: event.output_index,
                    arguments: event.delta_text(),
                    ..ToolCallDelta::default()
                }],
                ..LlmChunk::default()
            }),
            "response.output_item.done" => match event.item {
                Some(item) if item.kind == "reasoning" => match item.reasoning_block() {
                    Some(crate::llm::ReasoningBlock::Redacted { data }) => Some(LlmChunk {
                        redacted_reasoning: Some(data),
                        ..LlmChunk::default()
                    }),
                    _ => None,
                },
                _ => None,
            },
            "response.completed" | "response.incomplete" => {
                self.finished = true;
                let response = event.response.unwrap_or_default();
                Some(LlmChunk {
                    model: self.model(Some(&response)),
                    finish_reason: response.finish_reason(),
                    usage: response.usage.map(WireUsage::to_usage),
                    ..LlmChunk::default()
                })
            }
            "response.failed" => {
                let response = event.response.unwrap_or_default();
                let error = response.failure().unwrap_or(&NO_DETAIL);
                return Err(reported_error(error, data));
            }
            "error" => {
                let error = WireError {
                    code: event.code,
                    message: event.message,
                };
                return Err(reported_error(&error, data));
            }
            // Lifecycle, `.done` events that repeat the deltas, built-in tools, and event
            // types added later.
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_finish_reasons() {
        let reason = |json: &str| {
            let response: WireResponse = serde_json::from_str(json).unwrap();
            response.finish_reason()
        };
        assert_eq!(
            reason(r#"{"status":"completed"}"#),
            Some(FinishReason::Stop)
        );
        assert_eq!(
            reason(r#"{"status":"completed","output":[{"type":"function_call"}]}"#),
            Some(FinishReason::ToolCalls)
        );
        assert_eq!(
            reason(
                r#"{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}"#
            ),
            Some(FinishReason::Length)
        );
        assert_eq!(
            reason(r#"{"status":"incomplete","incomplete_details":{"reason":"content_filter"}}"#),
            Some(FinishReason::ContentFilter)
        );
        assert_eq!(reason(r#"{"status":null}"#), None);
    }

    #[test]
    fn a_failed_response_is_an_error_of_its_kind() {
        let raw = r#"{"status":"failed","error":{"code":"server_error","message":"boom"}}"#;
        let response: WireResponse = serde_json::from_str(raw).unwrap();
        let error = response_from_wire(response, raw).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
        assert_eq!(error.code(), Some("server_error"));
    }

    #[test]
    fn truncated_or_odd_events_never_panic() {
        let samples = [
            r#"{"type":"response.created","response":{"model":"m","output":null}}"#,
            r#"{"type":"response.output_item.added","output_index":1,"item":{"type":"function_call","call_id":"c","name":"f","arguments":""}}"#,
            r#"{"type":"response.function_call_arguments.delta","output_index":1,"delta":"{}"}"#,
            r#"{"type":"response.output_item.done","item":{"type":"reasoning","id":"rs","summary":null}}"#,
            r#"{"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":1}}}"#,
            r#"{"type":"response.audio.delta","delta":{"x":1}}"#,
            r#"{"type":"error","code":null,"message":"x"}"#,
        ];
        for sample in samples {
            for end in (0..=sample.len()).filter(|&e| sample.is_char_boundary(e)) {
                let _ = StreamDecoder::new().decode(&sample[..end]);
            }
        }
    }
}
