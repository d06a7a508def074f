//! A Responses API request decoded into the runtime's [`LlmRequest`]: `input` items become
//! messages, `instructions` a system message, function tools and `text.format` the request's
//! tools and answer format.

use modelrt::runtime::llm::{ContentPart, LlmRequest, Message, Role, ToolCall};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::convert::{self, FunctionDef, SchemaFormat};
use crate::error::ApiError;
use crate::server::{require, take};

/// A decoded `POST /v1/responses`.
pub struct ResponsesCall {
    /// `<provider>/<model>`.
    pub model: String,
    /// The conversation, tools and answer format.
    pub request: LlmRequest,
    /// Sampling parameters, for the model's rules to validate.
    pub params: Map<String, Value>,
    /// Whether to answer as server-sent events.
    pub stream: bool,
    /// The instructions, echoed in the response object.
    pub instructions: Option<String>,
}

/// Decodes a request body.
pub fn decode(mut body: Map<String, Value>) -> Result<ResponsesCall, ApiError> {
    let model: String = require(&mut body, "model")?;
    if take::<Value>(&mut body, "previous_response_id")?.is_some() {
        return Err(ApiError::bad_field(
            "previous_response_id",
            "the gateway stores no responses: send the whole conversation in `input`",
        ));
    }
    let input: Value = require(&mut body, "input")?;
    let instructions: Option<String> = take(&mut body, "instructions")?;
    let stream = take::<bool>(&mut body, "stream")?.unwrap_or(false);
    let mut messages = Vec::new();
    if let Some(text) = &instructions {
        messages.push(Message::system(text.clone()));
    }
    match input {
        Value::String(text) => messages.push(Message::user(text)),
        Value::Array(items) => {
            for item in items {
                push_item(&mut messages, item)?;
            }
        }
        _ => {
            return Err(ApiError::bad_field(
                "input",
                "`input` is a text or a list of items",
            ))
        }
    }
    let tools = take::<Vec<WireTool>>(&mut body, "tools")?
        .unwrap_or_default()
        .into_iter()
        .map(WireTool::into_tool)
        .collect::<Result<_, _>>()?;
    let response_format = match take::<TextOptions>(&mut body, "text")?.and_then(|t| t.format) {
        Some(format) => Some(convert::response_format(
            "text.format",
            &format.kind,
            format.schema.is_some().then_some(SchemaFormat {
                name: format.name,
                schema: format.schema,
                strict: format.strict,
            }),
        )?),
        None => None,
    };
    if let Some(limit) = body.remove("max_output_tokens") {
        body.entry("max_tokens").or_insert(limit);
    }
    for ignored in ["store", "metadata", "include", "truncation", "background"] {
        body.remove(ignored);
    }
    let request = LlmRequest {
        messages,
        tools,
        tool_choice: convert::tool_choice(&mut body)?,
        stop: Vec::new(),
        response_format,
        user: take(&mut body, "user")?,
        parallel_tool_calls: take(&mut body, "parallel_tool_calls")?,
    };
    Ok(ResponsesCall {
        model,
        request,
        params: body,
        stream,
        instructions,
    })
}

#[derive(Deserialize)]
struct TextOptions {
    format: Option<TextFormat>,
}

#[derive(Deserialize)]
struct TextFormat {
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    schema: Option<Value>,
    strict: Option<bool>,
}

#[derive(Deserialize)]
struct WireTool {
    #[serde(rename = "type")]
    kind: String,
    #[serde(flatten)]
    function: FunctionDef,
}

impl WireTool {
    fn into_tool(self) -> Result<modelrt::runtime::llm::Tool, ApiError> {
        if self.kind != "function" {
            return Err(ApiError::bad_field(
                "tools",
                format!("tool type `{}` is not supported; use `function`", self.kind),
            ));
        }
        Ok(self.function.into_tool())
    }
}

/// An input item: a message, a function call the model made, or a function's output.
#[derive(Deserialize)]
struct Item {
    #[serde(rename = "type")]
    kind: Option<String>,
    role: Option<String>,
    content: Option<Value>,
    call_id: Option<String>,
    name: Option<String>,
    arguments: Option<String>,
    output: Option<Value>,
}

fn bad_item(message: impl Into<String>) -> ApiError {
    ApiError::bad_field("input", message)
}

/// Appends one input item; consecutive function calls join one assistant turn.
fn push_item(messages: &mut Vec<Message>, item: Value) -> Result<(), ApiError> {
    let item: Item =
        serde_json::from_value(item).map_err(|e| bad_item(format!("an `input` item: {e}")))?;
    match item.kind.as_deref().unwrap_or("message") {
        "message" => {
            let role = match item.role.as_deref() {
                Some("user") => Role::User,
                Some("system" | "developer") => Role::System,
                Some("assistant") => Role::Assistant,
                other => {
                    return Err(bad_item(format!(
                        "an `input` message's role is user, system, developer or assistant, \
                         not {other:?}"
                    )))
                }
            };
            let mut message = Message::user_parts(parts(item.content.unwrap_or(Value::Null))?);
            message.role = role;
            messages.push(message);
        }
        "function_call" => {
            let (Some(call_id), Some(name)) = (item.call_id, item.name) else {
                return Err(bad_item(
                    "a `function_call` item needs `call_id` and `name`",
                ));
            };
            let call = ToolCall {
                id: call_id,
                name,
                arguments: item.arguments.unwrap_or_else(|| "{}".to_owned()),
            };
            match messages.last_mut() {
                Some(last) if last.role == Role::Assistant && last.content.is_empty() => {
                    last.tool_calls.push(call);
                }
                _ => messages.push(Message::assistant_tool_calls(None, vec![call])),
            }
        }
        "function_call_output" => {
            let Some(call_id) = item.call_id else {
                return Err(bad_item("a `function_call_output` item needs `call_id`"));
            };
            let output = match item.output {
                Some(Value::String(text)) => text,
                Some(other) => other.to_string(),
                None => String::new(),
            };
            messages.push(Message::tool(call_id, output));
        }
        // Reasoning summaries of earlier turns are not sent back to other providers.
        "reasoning" => {}
        other => {
            return Err(bad_item(format!(
                "`input` items of type `{other}` are not supported"
            )))
        }
    }
    Ok(())
}

/// A message's content: a text, or a list of `input_text` / `output_text` / `input_image`
/// parts.
fn parts(content: Value) -> Result<Vec<ContentPart>, ApiError> {
    let list = match content {
        Value::String(text) => return Ok(vec![ContentPart::Text(text)]),
        Value::Array(list) => list,
        _ => {
            return Err(bad_item(
                "a message's `content` is a text or a list of parts",
            ))
        }
    };
    list.into_iter()
        .map(|part| {
            let text = |key: &str| part.get(key).and_then(Value::as_str).map(str::to_owned);
            match part.get("type").and_then(Value::as_str) {
                Some("input_text" | "output_text") => text("text")
                    .map(ContentPart::Text)
                    .ok_or_else(|| bad_item("a text part needs `text`")),
                Some("refusal") => Ok(ContentPart::Text(text("refusal").unwrap_or_default())),
                Some("input_image") => {
                    let url = text("image_url")
                        .ok_or_else(|| bad_item("an `input_image` part needs `image_url`"))?;
                    Ok(ContentPart::Image {
                        detail: convert::detail("input", text("detail").as_deref())?,
                        source: convert::media(url),
                    })
                }
                other => Err(bad_item(format!(
                    "content parts of type {other:?} are not supported"
                ))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_become_messages() {
        let body = json!({
            "model": "p/m",
            "instructions": "be brief",
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "weather?"}]},
                {"type": "function_call", "call_id": "c1", "name": "weather", "arguments": "{}"},
                {"type": "function_call", "call_id": "c2", "name": "time", "arguments": "{}"},
                {"type": "function_call_output", "call_id": "c1", "output": "sunny"}
            ],
            "tools": [{"type": "function", "name": "weather", "parameters": {"type": "object"}}],
            "text": {"format": {"type": "json_schema", "name": "w", "schema": {"type": "object"}}},
            "max_output_tokens": 50,
            "temperature": 1.0,
            "store": false
        });
        let call =
            decode(body.as_object().unwrap().clone()).unwrap_or_else(|e| panic!("{}", e.body()));
        let roles: Vec<Role> = call.request.messages.iter().map(|m| m.role).collect();
        assert_eq!(
            roles,
            [Role::System, Role::User, Role::Assistant, Role::Tool]
        );
        assert_eq!(call.request.messages[2].tool_calls.len(), 2);
        assert_eq!(call.request.tools[0].name, "weather");
        assert!(call.request.response_format.is_some());
        assert_eq!(
            Value::Object(call.params),
            json!({"max_tokens": 50, "temperature": 1.0})
        );
    }
}
