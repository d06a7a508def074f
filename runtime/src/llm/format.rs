//! The shape of an answer: free text, JSON (object or schema), or a fenced code block.
//!
//! `json_object` and `json_schema` are passed to providers that support them. The `JSON` and
//! `XML` values of the `response_format` parameter (SCHEMA.md §6) instead ask the model to answer
//! inside a fenced code block: [`CodeBlockLanguage::apply`] adds the instructions and a stop
//! sequence, and [`strip_code_fence`] / [`FenceStripper`] remove the fence from the answer.

use serde_json::Value;

use super::message::{ContentPart, Message, Role};
use super::request::LlmRequest;
use crate::error::{Error, ErrorKind, Result};
use crate::params::ValidatedParams;

/// The language of a fenced code-block answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeBlockLanguage {
    /// A JSON value.
    Json,
    /// An XML document.
    Xml,
}

/// The stop sequence that ends a code-block answer at its closing fence.
const CLOSING_FENCE_STOP: &str = "\n```\n";

impl CodeBlockLanguage {
    /// The language tag after the opening fence (`json`, `xml`).
    pub const fn tag(self) -> &'static str {
        match self {
            CodeBlockLanguage::Json => "json",
            CodeBlockLanguage::Xml => "xml",
        }
    }

    fn instructions(self) -> String {
        let (tag, name, example) = match self {
            CodeBlockLanguage::Json => ("json", "JSON", "{\"answer\": \"...\"}"),
            CodeBlockLanguage::Xml => ("xml", "XML", "<answer>...</answer>"),
        };
        format!(
            "Answer with one valid {name} document and nothing else, inside a fenced code block \
             that starts with ```{tag} on its own line and ends with ``` on its own line. \
             Follow the structure the instructions ask for; when they give none, use {example}."
        )
    }

    /// Rewrites `request` so the model answers inside a code block: the instructions are
    /// added to the system message (one is created if needed) and a stop sequence ends the
    /// answer at the closing fence.
    pub fn apply(self, request: &mut LlmRequest) {
        let instructions = self.instructions();
        match request.messages.iter_mut().find(|m| m.role == Role::System) {
            Some(system) => system
                .content
                .push(ContentPart::Text(format!("\n\n{instructions}"))),
            None => request.messages.insert(0, Message::system(instructions)),
        }
        if !request.stop.iter().any(|s| s == CLOSING_FENCE_STOP) {
            request.stop.push(CLOSING_FENCE_STOP.to_owned());
        }
    }
}

/// The shape the answer must have.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseFormat {
    /// Free text (the default).
    Text,
    /// Any JSON object (`response_format: {"type": "json_object"}`).
    JsonObject,
    /// JSON following a schema (`response_format: {"type": "json_schema", ...}`).
    JsonSchema {
        /// The schema's name.
        name: String,
        /// The JSON Schema.
        schema: Value,
        /// Whether the provider must follow the schema exactly.
        strict: Option<bool>,
    },
    /// A fenced code block, handled by the runtime (see the module docs).
    CodeBlock(CodeBlockLanguage),
}

impl ResponseFormat {
    /// Reads the format from the `response_format` and `json_schema` parameters (SCHEMA.md §6).
    /// `json_schema` holds either `{"name", "schema", "strict"}` or a bare schema.
    pub fn from_params(params: &ValidatedParams) -> Result<Option<Self>> {
        let format = params.get("response_format").and_then(|v| v.as_str());
        let schema = params.get("json_schema").and_then(|v| v.as_str());
        Ok(Some(match (format, schema) {
            (Some("JSON" | "json"), _) => ResponseFormat::CodeBlock(CodeBlockLanguage::Json),
            (Some("XML" | "xml"), _) => ResponseFormat::CodeBlock(CodeBlockLanguage::Xml),
            (Some("text"), _) => ResponseFormat::Text,
            (Some("json_object"), _) => ResponseFormat::JsonObject,
            (Some("json_schema") | None, Some(schema)) => Self::parse_json_schema(schema)?,
            (Some("json_schema"), None) => {
                return Err(Error::new(
                    ErrorKind::InvalidParams,
                    "response_format json_schema needs the json_schema parameter",
                ))
            }
            (Some(other), _) => {
                return Err(Error::new(
                    ErrorKind::InvalidParams,
                    format!("unknown response_format `{other}`"),
                ))
            }
            (None, None) => return Ok(None),
        }))
    }

    fn parse_json_schema(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::InvalidParams,
                format!("json_schema is not valid JSON: {e}"),
            )
        })?;
        match value.get("schema") {
            Some(schema) if value.is_object() => Ok(ResponseFormat::JsonSchema {
                name: value
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("response")
                    .to_owned(),
                schema: schema.clone(),
                strict: value.get("strict").and_then(Value::as_bool),
            }),
            _ => Ok(ResponseFormat::JsonSchema {
                name: "response".to_owned(),
                schema: value,
                strict: None,
            }),
        }
    }
}

/// Removes a surrounding code fence from a complete answer: the text after the opening fence's
/// line and before the closing fence. An answer without a fence is returned trimmed.
pub fn strip_code_fence(text: &str) -> String {
    let mut stripper = FenceStripper::default();
    let mut out = stripper.push(text);
    out.push_str(&stripper.finish());
    out.trim().to_owned()
}

/// Removes a code fence from an answer arriving in pieces: drops the opening fence line and
/// everything from the closing fence on, holding back only the few characters that might
/// start a fence.
#[derive(Debug, Clone, Default)]
pub struct FenceStripper {
    state: FenceState,
    pending: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum FenceState {
    /// Before the first line is known.
    #[default]
    Opening,
    /// Inside the block.
    Body,
    /// After the closing fence: everything is dropped.
    Closed,
}

const FENCE: &str = "```";

impl FenceStripper {
    /// Feeds the next piece; returns the text that can be shown now.
    pub fn push(&mut self, piece: &str) -> String {
        self.pending.push_str(piece);
        let mut out = String::new();
        loop {
            match self.state {
                FenceState::Closed => {
                    self.pending.clear();
                    return out;
                }
                FenceState::Opening => {
                    let trimmed = self.pending.trim_start();
                    if trimmed.len() < FENCE.len() && FENCE.starts_with(trimmed) {
                        return out; // could still become a fence
                    }
                    if let Some(after) = trimmed.strip_prefix(FENCE) {
                        match after.find('\n') {
                            Some(newline) => {
                                self.pending = after[newline + 1..].to_owned();
                                self.state = FenceState::Body;
                            }
                            None => return out, // the fence line is not complete yet
                        }
                    } else {
                        self.state = FenceState::Body;
                    }
                }
                FenceState::Body => {
                    if let Some(end) = self.pending.find(FENCE) {
                        out.push_str(&self.pending[..end]);
                        self.state = FenceState::Closed;
                        continue;
                    }
                    // Keep back a tail that may be the start of a closing fence.
                    let keep = (1..FENCE.len())
                        .rev()
                        .find(|&n| self.pending.ends_with(&FENCE[..n]))
                        .unwrap_or(0);
                    let cut = self.pending.len() - keep;
                    out.push_str(&self.pending[..cut]);
                    self.pending.drain(..cut);
                    return out;
                }
            }
        }
    }

    /// The text held back, once the answer is complete.
    pub fn finish(&mut self) -> String {
        let rest = match self.state {
            FenceState::Closed => String::new(),
            FenceState::Opening | FenceState::Body => std::mem::take(&mut self.pending),
        };
        self.pending.clear();
        self.state = FenceState::Closed;
        rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_a_fence_in_one_piece_or_many() {
        let answer = "```json\n{\"a\": 1}\n```\ntrailing";
        assert_eq!(strip_code_fence(answer), "{\"a\": 1}");
        assert_eq!(strip_code_fence("{\"a\": 1}"), "{\"a\": 1}");
        for size in 1..answer.len() {
            let mut stripper = FenceStripper::default();
            let mut out = String::new();
            for piece in answer.as_bytes().chunks(size) {
                out.push_str(&stripper.push(std::str::from_utf8(piece).unwrap()));
            }
            out.push_str(&stripper.finish());
            assert_eq!(out.trim(), "{\"a\": 1}", "piece size {size}");
        }
    }

    #[test]
    fn apply_adds_instructions_and_stop() {
        let mut request = LlmRequest::new(vec![Message::user("hi")]);
        CodeBlockLanguage::Xml.apply(&mut request);
        assert_eq!(request.messages[0].role, Role::System);
        assert!(request.messages[0].text().contains("```xml"));
        assert_eq!(request.stop, [CLOSING_FENCE_STOP]);
    }
}
