//! Response bodies, decoded tolerantly: unknown fields are ignored, every field may be
//! missing or `null`, unknown enum values are kept verbatim.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::http::ProviderErrorBody;
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

/// A chat or text completion, whole or one streamed chunk.
#[derive(Debug, Default, Deserialize)]
pub struct Completion<'a> {
    /// The model that answered.
    #[serde(borrow)]
    pub model: Option<Text<'a>>,
    /// The choices (we ask for one).
    #[serde(borrow)]
    pub choices: Option<Vec<Choice<'a>>>,
    /// Usage (last chunk of a stream when `include_usage` was asked).
    pub usage: Option<WireUsage>,
    /// An error reported inside a stream or a 200 body.
    pub error: Option<Value>,
}

/// One choice.
#[derive(Debug, Default, Deserialize)]
pub struct Choice<'a> {
    /// Its index.
    pub index: Option<u32>,
    /// The answer's next piece (streamed chat: `delta`) or the answer (`message`).
    #[serde(borrow, alias = "message")]
    pub delta: Option<WireMessage<'a>>,
    /// The text (completion mode, streamed or not).
    #[serde(borrow)]
    pub text: Option<Text<'a>>,
    /// Why it stopped; `""` and `null` mean not yet.
    #[serde(borrow)]
    pub finish_reason: Option<Text<'a>>,
}

/// An assistant message or delta.
#[derive(Debug, Default, Deserialize)]
pub struct WireMessage<'a> {
    /// Text: a string, or an array of parts.
    #[serde(borrow)]
    pub content: Option<Text<'a>>,
    /// Reasoning (DeepSeek, vLLM, llama.cpp).
    #[serde(borrow)]
    pub reasoning_content: Option<Text<'a>>,
    /// Reasoning (OpenRouter, Ollama).
    #[serde(borrow)]
    pub reasoning: Option<Text<'a>>,
    /// A refusal (OpenAI).
    #[serde(borrow)]
    pub refusal: Option<Text<'a>>,
    /// Tool calls or their fragments.
    #[serde(borrow)]
    pub tool_calls: Option<Vec<WireToolCall<'a>>>,
    /// A legacy function call.
    #[serde(borrow)]
    pub function_call: Option<WireFunction<'a>>,
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

fn finish_reason(value: Option<Text<'_>>) -> Option<FinishReason> {
    value.and_then(|v| FinishReason::from_wire(&v.0))
}

/// The reasoning text, under whichever name the server uses.
fn reasoning_of(message: &mut WireMessage<'_>) -> String {
    text(
        message
            .reasoning_content
            .take()
            .or(message.reasoning.take()),
    )
}

/// The first choice (we ask for one; some servers send an empty list in usage chunks).
fn first_choice<'a>(choices: Option<Vec<Choice<'a>>>) -> Option<Choice<'a>> {
    let mut choices = choices?;
    let position = (0..choices.len()).min_by_key(|&i| choices[i].index.unwrap_or(0))?;
    Some(choices.swap_remove(position))
}

/// One streamed chunk in our terms. The model name is copied only when `want_model`.
pub fn chunk_from_wire(completion: Completion<'_>, want_model: bool) -> LlmChunk {
    let mut chunk = LlmChunk {
        model: if want_model {
            non_empty(completion.model)
        } else {
            None
        },
        usage: completion.usage.map(WireUsage::to_usage),
        ..LlmChunk::default()
    };
    let Some(choice) = first_choice(completion.choices) else {
        return chunk;
    };
    chunk.finish_reason = finish_reason(choice.finish_reason);
    chunk.content = text(choice.text);
    if let Some(mut delta) = choice.delta {
        let content = text(delta.content.take());
        if chunk.content.is_empty() {
            chunk.content = content;
        } else {
            chunk.content.push_str(&content);
        }
        chunk.reasoning = reasoning_of(&mut delta);
        for call in delta.tool_calls.into_iter().flatten() {
            let function = call.function.unwrap_or_default();
            chunk.tool_calls.push(ToolCallDelta {
                index: call.index,
                id: non_empty(call.id),
                name: non_empty(function.name),
                arguments: text(function.arguments),
            });
        }
        if let Some(function) = delta.function_call {
            chunk.tool_calls.push(ToolCallDelta {
                index: Some(0),
                id: None,
                name: non_empty(function.name),
                arguments: text(function.arguments),
            });
        }
    }
    chunk
}

/// A whole answer in our terms; `usage` is `None` when the server reported none.
pub fn response_from_wire(completion: Completion<'_>) -> (LlmResponse, Option<Usage>) {
    let usage = completion.usage.map(WireUsage::to_usage);
    let mut response = LlmResponse {
        model: text(completion.model),
        ..LlmResponse::default()
    };
    let Some(choice) = first_choice(completion.choices) else {
        return (response, usage);
    };
    response.finish_reason = finish_reason(choice.finish_reason);
    response.content = text(choice.text);
    if let Some(mut message) = choice.delta {
        response.content.push_str(&text(message.content.take()));
        if response.content.is_empty() {
            response.content = text(message.refusal.take());
        }
        response.reasoning = Some(reasoning_of(&mut message)).filter(|r| !r.is_empty());
        let calls = message.tool_calls.into_iter().flatten().map(|call| {
            let function = call.function.unwrap_or_default();
            (call.id, function.name, function.arguments)
        });
        let legacy = message.function_call.map(|f| (None, f.name, f.arguments));
        response.tool_calls = calls
            .chain(legacy)
            .enumerate()
            .map(|(position, (id, name, arguments))| {
                let arguments = text(arguments);
                ToolCall {
                    id: non_empty(id).unwrap_or_else(|| format!("call_{position}")),
                    name: text(name),
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
