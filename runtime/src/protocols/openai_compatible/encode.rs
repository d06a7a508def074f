//! Request bodies, exactly as OpenAI documents them: only documented fields, and only those
//! that have a value.

use serde_json::{json, Map, Value};

use super::config::{LlmSettings, ToolStyle};
use crate::error::{Error, ErrorKind, Result};
use crate::llm::{ContentPart, LlmRequest, Message, ResponseFormat, Role, ToolChoice};
use crate::params::ValidatedParams;

/// Parameters the protocol places itself rather than copying them into the body.
const HANDLED_PARAMS: &[&str] = &[
    "response_format",
    "json_schema",
    "max_tokens",
    "max_completion_tokens",
];

fn unsupported(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Unsupported, message)
}

fn part_to_wire(part: &ContentPart, settings: &LlmSettings) -> Result<Value> {
    Ok(match part {
        ContentPart::Text(text) => json!({"type": "text", "text": text}),
        ContentPart::Image { source, detail } => {
            if !settings.vision {
                return Err(unsupported(
                    "this model does not accept images (vision_support is off)",
                ));
            }
            let mut image = json!({"url": source.to_url()});
            if let Some(detail) = detail {
                image["detail"] = json!(detail.as_str());
            }
            json!({"type": "image_url", "image_url": image})
        }
        ContentPart::Audio { data, format } => {
            json!({"type": "input_audio", "input_audio": {"data": data, "format": format}})
        }
        ContentPart::Document { source, filename } => {
            let mut file = Map::new();
            match source {
                crate::llm::MediaSource::Url(_) => {
                    return Err(unsupported(
                        "documents must be sent inline (base64) to OpenAI-compatible APIs",
                    ))
                }
                inline => file.insert("file_data".into(), json!(inline.to_url())),
            };
            if let Some(name) = filename {
                file.insert("filename".into(), json!(name));
            }
            json!({"type": "file", "file": file})
        }
    })
}

/// A message's `content`: a plain string when it is text only (what every server accepts),
/// else an array of parts; `null` for an assistant turn with tool calls and no text.
fn content_to_wire(message: &Message, settings: &LlmSettings) -> Result<Value> {
    if message.is_text_only() {
        if message.content.is_empty() && !message.tool_calls.is_empty() {
            return Ok(Value::Null);
        }
        return Ok(Value::String(message.text()));
    }
    message
        .content
        .iter()
        .map(|part| part_to_wire(part, settings))
        .collect::<Result<Vec<_>>>()
        .map(Value::Array)
}

/// The function name of the call `id` among the conversation's assistant turns.
fn function_of<'m>(messages: &'m [Message], id: &str) -> Option<&'m str> {
    messages
        .iter()
        .flat_map(|m| &m.tool_calls)
        .find(|call| call.id == id)
        .map(|call| call.name.as_str())
}

fn message_to_wire(message: &Message, all: &[Message], settings: &LlmSettings) -> Result<Value> {
    let mut wire = Map::new();
    let legacy = settings.tools == ToolStyle::Functions;
    let role = match message.role {
        Role::Tool if legacy => "function",
        role => role.as_str(),
    };
    wire.insert("role".into(), json!(role));
    wire.insert("content".into(), content_to_wire(message, settings)?);
    if let Some(name) = &message.name {
        wire.insert("name".into(), json!(name));
    }
    if !message.tool_calls.is_empty() {
        if legacy {
            let call = &message.tool_calls[0];
            wire.insert(
                "function_call".into(),
                json!({"name": call.name, "arguments": call.arguments}),
            );
        } else {
            let calls: Vec<Value> = message
                .tool_calls
                .iter()
                .map(|call| {
                    json!({
                        "id": call.id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": call.arguments},
                    })
                })
                .collect();
            wire.insert("tool_calls".into(), Value::Array(calls));
        }
    }
    if let Some(id) = &message.tool_call_id {
        if legacy {
            // The legacy API names the function instead of the call.
            if message.name.is_none() {
                let function = function_of(all, id).unwrap_or(id);
                wire.insert("name".into(), json!(function));
            }
        } else {
            wire.insert("tool_call_id".into(), json!(id));
        }
    }
    Ok(Value::Object(wire))
}

fn response_format_to_wire(format: &ResponseFormat) -> Option<Value> {
    match format {
        ResponseFormat::Text | ResponseFormat::CodeBlock(_) => None,
        ResponseFormat::JsonObject => Some(json!({"type": "json_object"})),
        ResponseFormat::JsonSchema {
            name,
            schema,
            strict,
        } => {
            let mut inner = json!({"name": name, "schema": schema});
            if let Some(strict) = strict {
                inner["strict"] = json!(strict);
            }
            Some(json!({"type": "json_schema", "json_schema": inner}))
        }
    }
}

fn tools_to_wire(
    request: &LlmRequest,
    settings: &LlmSettings,
    body: &mut Map<String, Value>,
) -> Result<()> {
    if request.tools.is_empty() {
        return Ok(());
    }
    let function = |tool: &crate::llm::Tool| {
        let mut f = json!({"name": tool.name, "parameters": tool.parameters});
        if let Some(description) = &tool.description {
            f["description"] = json!(description);
        }
        f
    };
    match settings.tools {
        ToolStyle::Unsupported => Err(unsupported(
            "this model does not support tool calls (function_calling_type is no_call)",
        )),
        ToolStyle::Tools => {
            let tools: Vec<Value> = request
                .tools
                .iter()
                .map(|tool| json!({"type": "function", "function": function(tool)}))
                .collect();
            body.insert("tools".into(), Value::Array(tools));
            if let Some(choice) = &request.tool_choice {
                let choice = match choice {
                    ToolChoice::Auto => json!("auto"),
                    ToolChoice::None => json!("none"),
                    ToolChoice::Required => json!("required"),
                    ToolChoice::Function(name) => {
                        json!({"type": "function", "function": {"name": name}})
                    }
                };
                body.insert("tool_choice".into(), choice);
            }
            if let Some(parallel) = request.parallel_tool_calls {
                body.insert("parallel_tool_calls".into(), json!(parallel));
            }
            Ok(())
        }
        ToolStyle::Functions => {
            let functions: Vec<Value> = request.tools.iter().map(function).collect();
            body.insert("functions".into(), Value::Array(functions));
            if let Some(choice) = &request.tool_choice {
                let choice = match choice {
                    ToolChoice::Auto | ToolChoice::Required => json!("auto"),
                    ToolChoice::None => json!("none"),
                    ToolChoice::Function(name) => json!({"name": name}),
                };
                body.insert("function_call".into(), choice);
            }
            Ok(())
        }
    }
}

/// Copies the validated parameters, placing the output token limit under the field the
/// model takes.
fn params_to_wire(params: &ValidatedParams, settings: &LlmSettings, body: &mut Map<String, Value>) {
    for (name, value) in params.iter() {
        if !HANDLED_PARAMS.contains(&name) {
            body.insert(name.to_owned(), value.to_json());
        }
    }
    let limit = params
        .get("max_completion_tokens")
        .or_else(|| params.get("max_tokens"));
    if let Some(limit) = limit {
        body.insert(settings.token_limit.as_str().to_owned(), limit.to_json());
    }
}

/// The prompt of a completion-mode call: the messages' texts joined by blank lines.
pub fn completion_prompt(messages: &[Message]) -> String {
    let texts: Vec<String> = messages.iter().map(Message::text).collect();
    texts.join("\n\n")
}

/// The body of `/chat/completions` (chat mode) or `/completions` (completion mode).
/// `format` is the resolved response format (code blocks are already applied to `request`).
pub fn llm_body(
    request: &LlmRequest,
    format: Option<&ResponseFormat>,
    params: &ValidatedParams,
    settings: &LlmSettings,
    stream: bool,
) -> Result<Value> {
    let mut body = Map::new();
    body.insert("model".into(), json!(settings.wire_model));
    match settings.mode {
        crate::catalog::LlmMode::Chat => {
            let messages = request
                .messages
                .iter()
                .map(|m| message_to_wire(m, &request.messages, settings))
                .collect::<Result<Vec<_>>>()?;
            body.insert("messages".into(), Value::Array(messages));
            tools_to_wire(request, settings, &mut body)?;
            if let Some(format) = format.and_then(response_format_to_wire) {
                body.insert("response_format".into(), format);
            }
        }
        crate::catalog::LlmMode::Completion => {
            if !request.tools.is_empty() {
                return Err(unsupported("completion-mode models cannot call tools"));
            }
            body.insert("prompt".into(), json!(completion_prompt(&request.messages)));
        }
    }
    params_to_wire(params, settings, &mut body);
    if !request.stop.is_empty() {
        body.insert("stop".into(), json!(request.stop));
    }
    if let Some(user) = request.user.as_ref().filter(|_| settings.send_user) {
        body.insert("user".into(), json!(user));
    }
    if stream {
        body.insert("stream".into(), json!(true));
        if settings.stream_usage {
            body.insert("stream_options".into(), json!({"include_usage": true}));
        }
    }
    Ok(Value::Object(body))
}
