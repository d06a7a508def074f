//! Response bodies, decoded tolerantly: unknown fields are ignored, every field may be
//! missing or `null`, unknown enum values are kept verbatim.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ErrorKind;
use crate::http::{decode_json_with, ProviderErrorBody};
use crate::llm::{FinishReason, LlmChunk, LlmResponse, ToolCall, ToolCallDelta};
use crate::usage::Usage;

/// Text borrowed from the payload when it has no escapes (most stream deltas), owned
/// otherwise. Also accepts what servers put where text belongs: an array of content parts
/// (their `text`s joined), a JSON object or number (its JSON text, e.g. tool arguments sent as
/// an object), and `null` (empty).
#[derive(Debug, Default)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);

        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                Text::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut text = String::new();
                while let Some(part) = seq.next_element::<Value>()? {
                    match &part {
                        Value::String(s) => text.push_str(s),
                        other => {
                            if let Some(s) = other.get("text").and_then(Value::as_str) {
                                text.push_str(s);
                            }
                        }
                    }
                }
                Ok(Text(Cow::Owned(text)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let value = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Text(Cow::Owned(value.to_string())))
            }
        }

        deserializer.deserialize_any(TextVisitor(std::marker::PhantomData))
    }
}

/// A chat or text completion, whole or one streamed chunk, decoded in one pass straight into
/// the parts kept: the choices and messages are read into [`ChoiceParts`] in place rather than
/// into structs of their own, whose moves cost more than the parsing on streams of small chunks.
#[derive(Debug, Default)]
pub struct Completion<'a> {
    /// The model that answered.
    pub model: Option<Text<'a>>,
    /// The choice with the lowest index (we ask for one; usage chunks may carry none).
    pub choice: ChoiceParts,
    /// Usage (last chunk of a stream when `include_usage` was asked).
    pub usage: Option<WireUsage>,
    /// An error reported inside a stream or a 200 body.
    pub error: Option<Value>,
}

/// What one choice says, in our terms.
#[derive(Debug, Default)]
pub struct ChoiceParts {
    /// Its index (missing counts as 0).
    index: u32,
    /// The choice's `text` (completion mode) followed by its message's `content`.
    content: String,
    /// `reasoning_content` (DeepSeek, vLLM, llama.cpp), else `reasoning` (OpenRouter, Ollama).
    reasoning: String,
    /// Whether `reasoning_content` was present, which then wins over `reasoning`.
    has_reasoning_content: bool,
    /// A refusal (OpenAI).
    refusal: String,
    /// Tool calls or their fragments, a legacy `function_call` last.
    tool_calls: Vec<ToolCallDelta>,
    /// Whether the last of `tool_calls` is the legacy `function_call`.
    has_function_call: bool,
    /// Why it stopped; `""` and `null` mean not yet.
    finish_reason: Option<FinishReason>,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum CompletionField {
    Model,
    Choices,
    Usage,
    Error,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ChoiceField {
    Index,
    #[serde(alias = "message")]
    Delta,
    Text,
    FinishReason,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum MessageField {
    Content,
    ReasoningContent,
    Reasoning,
    Refusal,
    ToolCalls,
    FunctionCall,
    #[serde(other)]
    Other,
}

impl<'a> Completion<'a> {
    /// Decodes a JSON completion into `self` (a default value).
    pub fn read(&mut self, payload: &'a [u8]) -> crate::error::Result<()> {
        decode_json_with(payload, CompletionSeed(self))
    }
}

/// Reads a completion object into the completion it borrows.
struct CompletionSeed<'p, 'a>(&'p mut Completion<'a>);

impl<'de: 'a, 'a> DeserializeSeed<'de> for CompletionSeed<'_, 'a> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for CompletionSeed<'_, 'a> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a completion object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let completion = self.0;
        while let Some(field) = map.next_key()? {
            match field {
                CompletionField::Model => completion.model = map.next_value()?,
                CompletionField::Choices => {
                    map.next_value_seed(ChoicesSeed(&mut completion.choice))?
                }
                CompletionField::Usage => completion.usage = map.next_value()?,
                CompletionField::Error => completion.error = map.next_value()?,
                CompletionField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Reads `choices` (an array or `null`), keeping the choice with the lowest index (the first
/// of equals).
struct ChoicesSeed<'p>(&'p mut ChoiceParts);

impl<'de> DeserializeSeed<'de> for ChoicesSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for ChoicesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of choices")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let kept = self.0;
        if seq.next_element_seed(ChoiceSeed(kept))?.is_none() {
            return Ok(());
        }
        let mut other = ChoiceParts::default();
        while seq.next_element_seed(ChoiceSeed(&mut other))?.is_some() {
            if other.index < kept.index {
                std::mem::swap(kept, &mut other);
            }
            other = ChoiceParts::default();
        }
        Ok(())
    }
}

/// Reads one choice object.
struct ChoiceSeed<'p>(&'p mut ChoiceParts);

impl<'de> DeserializeSeed<'de> for ChoiceSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ChoiceSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a choice object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let choice = self.0;
        while let Some(field) = map.next_key()? {
            match field {
                ChoiceField::Index => choice.index = map.next_value::<Option<u32>>()?.unwrap_or(0),
                ChoiceField::Delta => map.next_value_seed(MessageSeed(&mut *choice))?,
                ChoiceField::Text => {
                    // The text precedes the message content, whichever comes first.
                    let text = map.next_value::<Text>()?;
                    choice.content.insert_str(0, &text.0);
                }
                ChoiceField::FinishReason => {
                    choice.finish_reason = map.next_value::<Text>()?.0.parse().ok()
                }
                ChoiceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Reads an assistant message or delta (or `null`) into the choice.
struct MessageSeed<'p>(&'p mut ChoiceParts);

impl<'de> DeserializeSeed<'de> for MessageSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for MessageSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a message object")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let choice = self.0;
        while let Some(field) = map.next_key()? {
            match field {
                MessageField::Content => choice.content.push_str(&map.next_value::<Text>()?.0),
                MessageField::ReasoningContent => {
                    if let Some(text) = map.next_value::<Option<Text>>()? {
                        choice.reasoning = text.into_string();
                        choice.has_reasoning_content = true;
                    }
                }
                MessageField::Reasoning => {
                    let text = map.next_value::<Option<Text>>()?;
                    if let Some(text) = text.filter(|_| !choice.has_reasoning_content) {
                        choice.reasoning = text.into_string();
                    }
                }
                MessageField::Refusal => choice.refusal = map.next_value::<Text>()?.into_string(),
                MessageField::ToolCalls => {
                    let calls = map.next_value::<Option<Vec<WireToolCall>>>()?;
                    let at = choice.tool_calls.len() - usize::from(choice.has_function_call);
                    let deltas = calls.into_iter().flatten().map(|call| {
                        let function = call.function.unwrap_or_default();
                        ToolCallDelta {
                            index: call.index,
                            id: non_empty(call.id),
                            name: non_empty(function.name),
                            arguments: text(function.arguments),
                        }
                    });
                    choice.tool_calls.splice(at..at, deltas);
                }
                MessageField::FunctionCall => {
                    if let Some(function) = map.next_value::<Option<WireFunction>>()? {
                        if choice.has_function_call {
                            choice.tool_calls.pop();
                        }
                        choice.tool_calls.push(ToolCallDelta {
                            index: Some(0),
                            id: None,
                            name: non_empty(function.name),
                            arguments: text(function.arguments),
                        });
                        choice.has_function_call = true;
                    }
                }
                MessageField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A tool call or fragment.
#[derive(Debug, Default, Deserialize)]
pub struct WireToolCall<'a> {
    /// Position among parallel calls (streams).
    pub index: Option<u32>,
    /// The call id.
    #[serde(borrow)]
    pub id: Option<Text<'a>>,
    /// The function.
    #[serde(borrow)]
    pub function: Option<WireFunction<'a>>,
}

/// A function name and arguments.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireFunction<'a> {
    /// The name.
    #[serde(borrow)]
    pub name: Option<Text<'a>>,
    /// The arguments: JSON text, or (some servers) a JSON value.
    #[serde(borrow)]
    pub arguments: Option<Text<'a>>,
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

fn text(value: Option<Text<'_>>) -> String {
    value.map(Text::into_string).unwrap_or_default()
}

fn non_empty(value: Option<Text<'_>>) -> Option<String> {
    value.map(Text::into_string).filter(|s| !s.is_empty())
}

/// One streamed chunk in our terms, taking the decoded parts. The model name is copied only
/// when `want_model`.
pub fn chunk_from_wire(completion: &mut Completion<'_>, want_model: bool) -> LlmChunk {
    let choice = &mut completion.choice;
    LlmChunk {
        model: if want_model {
            non_empty(completion.model.take())
        } else {
            None
        },
        content: std::mem::take(&mut choice.content),
        reasoning: std::mem::take(&mut choice.reasoning),
        tool_calls: std::mem::take(&mut choice.tool_calls),
        finish_reason: choice.finish_reason.take(),
        usage: completion.usage.map(WireUsage::to_usage),
        ..LlmChunk::default()
    }
}

/// A whole answer in our terms; `usage` is `None` when the server reported none.
pub fn response_from_wire(completion: Completion<'_>) -> (LlmResponse, Option<Usage>) {
    let usage = completion.usage.map(WireUsage::to_usage);
    let choice = completion.choice;
    let content = if choice.content.is_empty() {
        choice.refusal
    } else {
        choice.content
    };
    let tool_calls = choice
        .tool_calls
        .into_iter()
        .enumerate()
        .map(|(position, call)| ToolCall {
            id: call.id.unwrap_or_else(|| format!("call_{position}")),
            name: call.name.unwrap_or_default(),
            arguments: if call.arguments.trim().is_empty() {
                "{}".to_owned()
            } else {
                call.arguments
            },
        })
        .collect();
    let response = LlmResponse {
        model: text(completion.model),
        content,
        reasoning: Some(choice.reasoning).filter(|r| !r.is_empty()),
        tool_calls,
        finish_reason: choice.finish_reason,
        ..LlmResponse::default()
    };
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
    // Azure OpenAI's code for a deployment (its model name) that does not exist.
    let kind = (code.as_deref() == Some("DeploymentNotFound")).then_some(ErrorKind::ModelNotFound);
    ProviderErrorBody {
        message,
        code,
        kind,
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(json: &str) -> LlmChunk {
        let mut completion = Completion::default();
        completion.read(json.as_bytes()).unwrap();
        chunk_from_wire(&mut completion, true)
    }

    fn response(json: &str) -> LlmResponse {
        let mut completion = Completion::default();
        completion.read(json.as_bytes()).unwrap();
        response_from_wire(completion).0
    }

    #[test]
    fn the_lowest_index_wins_and_fields_may_come_in_any_order() {
        let got = chunk(
            r#"{"choices":[
                {"delta":{"content":"b"},"index":1,"finish_reason":"length"},
                {"finish_reason":null,"delta":{"reasoning":"r","content":"a","reasoning_content":"rc"},"text":"t","index":0},
                {"index":0,"delta":{"content":"later equal index"}}
            ],"model":"m","usage":null,"extra":{"x":[1,2]}}"#,
        );
        assert_eq!(got.model.as_deref(), Some("m"));
        assert_eq!(got.content, "ta");
        assert_eq!(got.reasoning, "rc");
        assert_eq!(got.finish_reason, None);
        assert!(got.usage.is_none());
    }

    #[test]
    fn reasoning_is_the_fallback_and_nulls_are_absent() {
        let got = chunk(
            r#"{"choices":[{"delta":{"reasoning_content":null,"reasoning":"r","content":null,"tool_calls":null}}],"model":null}"#,
        );
        assert_eq!((got.reasoning.as_str(), got.content.as_str()), ("r", ""));
        assert_eq!(got.model, None);
        assert!(got.tool_calls.is_empty());
        let got = chunk(r#"{"choices":null,"usage":{"prompt_tokens":3,"completion_tokens":4}}"#);
        assert_eq!(got.usage.map(|u| u.total_tokens), Some(7));
        let got = chunk(r#"{"choices":[{"delta":null,"finish_reason":"weird"}]}"#);
        assert_eq!(got.finish_reason, Some(FinishReason::Other("weird".into())));
    }

    #[test]
    fn a_legacy_function_call_comes_after_the_tool_calls() {
        let got = response(
            r#"{"choices":[{"message":{"function_call":{"name":"legacy","arguments":""},
                "tool_calls":[{"id":"c1","function":{"name":"a","arguments":{"x":1}}}],
                "content":null,"refusal":"no"}}]}"#,
        );
        let calls: Vec<_> = got
            .tool_calls
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_str(), c.arguments.as_str()))
            .collect();
        assert_eq!(
            calls,
            [("c1", "a", "{\"x\":1}"), ("call_1", "legacy", "{}")]
        );
        assert_eq!(got.content, "no");
    }

    #[test]
    fn wrong_shapes_are_errors() {
        for bad in [
            r#"{"choices":"x"}"#,
            r#"{"choices":[{"index":"0"}]}"#,
            "[1]",
            "{} x",
        ] {
            let mut completion = Completion::default();
            assert!(completion.read(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
