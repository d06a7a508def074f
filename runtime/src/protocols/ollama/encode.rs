//! Request bodies of Ollama's native API (`/api/chat`, `/api/generate`, `/api/embed`):
//! sampling parameters go under `options`, images travel inline as base64, tool call
//! arguments are JSON objects, and `stream` is always explicit (the server streams by
//! default).

use serde_json::{json, Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::llm::{ContentPart, LlmRequest, Message, ResponseFormat, Role};
use crate::params::{ParamValue, ValidatedParams};
use crate::protocols::media::inline_data;
use crate::protocols::openai_compatible::encode::completion_prompt;

/// Parameters that are model options (Ollama's `options` object), by their own name.
const OPTION_PARAMS: &[&str] = &[
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "typical_p",
    "repeat_penalty",
    "repeat_last_n",
    "presence_penalty",
    "frequency_penalty",
    "num_predict",
    "num_ctx",
    "num_keep",
    "mirostat",
    "mirostat_eta",
    "mirostat_tau",
    "seed",
];

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidParams, message)
}

fn unsupported(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Unsupported, message)
}

/// What the model accepts, from its credentials or declared features.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities {
    /// Whether images may be sent.
    pub vision: bool,
    /// Whether tools may be sent.
    pub tools: bool,
}

/// Settings of one chat or generate body.
#[derive(Debug, Clone)]
pub struct BodySettings<'a> {
    /// The model name.
    pub model: &'a str,
    /// What the model accepts.
    pub capabilities: Capabilities,
    /// The answer's shape (code blocks already applied to the request).
    pub format: Option<&'a ResponseFormat>,
    /// `num_ctx` when the parameters give none (the `context_size` credential).
    pub context_size: Option<u32>,
    /// Whether to stream.
    pub stream: bool,
}

/// The base64 images of a message; other media are rejected.
fn images(message: &Message, capabilities: Capabilities) -> Result<Vec<String>> {
    let mut images = Vec::new();
    for part in &message.content {
        match part {
            ContentPart::Text(_) => {}
            ContentPart::Image { source, .. } => {
                if !capabilities.vision {
                    return Err(unsupported(
                        "this model does not accept images (vision_support is off)",
                    ));
                }
                match inline_data(source) {
                    Some((_, data)) => images.push(data.to_owned()),
                    None => {
                        return Err(unsupported(
                            "Ollama takes images inline (base64), not by URL",
                        ))
                    }
                }
            }
            ContentPart::Audio { .. } => {
                return Err(unsupported("Ollama's chat API does not accept audio"))
            }
            ContentPart::Document { .. } => {
                return Err(unsupported("Ollama's chat API does not accept documents"))
            }
        }
    }
    Ok(images)
}

/// A tool call's arguments as the JSON object Ollama expects.
fn arguments_object(name: &str, arguments: &str) -> Result<Value> {
    if arguments.trim().is_empty() {
        return Ok(json!({}));
    }
    match serde_json::from_str::<Value>(arguments) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(invalid(format!(
            "the arguments of the earlier call to `{name}` are not a JSON object"
        ))),
        Err(e) => Err(invalid(format!(
            "the arguments of the earlier call to `{name}` are not valid JSON: {e}"
        ))),
    }
}

fn message_to_wire(
    message: &Message,
    earlier: &[Message],
    capabilities: Capabilities,
) -> Result<Value> {
    let mut wire = Map::new();
    wire.insert("role".into(), json!(message.role.as_str()));
    wire.insert("content".into(), json!(message.text()));
    let images = images(message, capabilities)?;
    if !images.is_empty() {
        wire.insert("images".into(), json!(images));
    }
    if !message.tool_calls.is_empty() {
        let calls = message
            .tool_calls
            .iter()
            .map(|call| {
                Ok(json!({"function": {
                    "name": call.name,
                    "arguments": arguments_object(&call.name, &call.arguments)?,
                }}))
            })
            .collect::<Result<Vec<_>>>()?;
        wire.insert("tool_calls".into(), Value::Array(calls));
    }
    if message.role == Role::Tool {
        // Ollama matches a result to its call by the tool's name.
        let name = message.tool_call_id.as_deref().and_then(|id| {
            earlier
                .iter()
                .rev()
                .flat_map(|m| &m.tool_calls)
                .find(|call| call.id == id)
                .map(|call| call.name.clone())
        });
        if let Some(name) = name.or_else(|| message.name.clone()) {
            wire.insert("tool_name".into(), json!(name));
        }
    }
    Ok(Value::Object(wire))
}

/// The `format` field: `"json"` or a JSON Schema.
fn format_to_wire(format: Option<&ResponseFormat>, params: &ValidatedParams) -> Option<Value> {
    match format {
        Some(ResponseFormat::JsonObject) => Some(json!("json")),
        Some(ResponseFormat::JsonSchema { schema, .. }) => Some(schema.clone()),
        _ => params.get("format").map(ParamValue::to_json),
    }
}

/// `keep_alive`: a duration string (`5m`), or a number of seconds (`0`, `-1`), which the
/// server only takes as a number.
pub fn keep_alive(value: &ParamValue) -> Value {
    match value {
        ParamValue::Str(text) => match text.trim().parse::<i64>() {
            Ok(seconds) => json!(seconds),
            Err(_) => json!(text),
        },
        other => other.to_json(),
    }
}

/// The fields chat and generate share: `options`, `format`, `keep_alive`, `think`, `stream`.
fn common_fields(
    request: &LlmRequest,
    params: &ValidatedParams,
    settings: &BodySettings<'_>,
    body: &mut Map<String, Value>,
) {
    let mut options = Map::new();
    for name in OPTION_PARAMS {
        if let Some(value) = params.get(name) {
            options.insert((*name).to_owned(), value.to_json());
        }
    }
    if let Some(limit) = params
        .get("max_tokens")
        .filter(|_| !options.contains_key("num_predict"))
    {
        options.insert("num_predict".into(), limit.to_json());
    }
    if let Some(size) = settings
        .context_size
        .filter(|_| !options.contains_key("num_ctx"))
    {
        options.insert("num_ctx".into(), json!(size));
    }
    if !request.stop.is_empty() {
        options.insert("stop".into(), json!(request.stop));
    }
    if let Some(format) = format_to_wire(settings.format, params) {
        body.insert("format".into(), format);
    }
    if !options.is_empty() {
        body.insert("options".into(), Value::Object(options));
    }
    body.insert("stream".into(), json!(settings.stream));
    if let Some(value) = params.get("keep_alive") {
        body.insert("keep_alive".into(), keep_alive(value));
    }
    if let Some(think) = params.get("think") {
        body.insert("think".into(), think.to_json());
    }
}

/// The body of `POST /api/chat`.
pub fn chat_body(
    request: &LlmRequest,
    params: &ValidatedParams,
    settings: &BodySettings<'_>,
) -> Result<Value> {
    let mut body = Map::new();
    body.insert("model".into(), json!(settings.model));
    let messages = request
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| message_to_wire(m, &request.messages[..i], settings.capabilities))
        .collect::<Result<Vec<_>>>()?;
    body.insert("messages".into(), Value::Array(messages));
    if !request.tools.is_empty() {
        if !settings.capabilities.tools {
            return Err(unsupported(
                "this model does not support tool calls (function_call_support is off)",
            ));
        }
        let tools = request
            .tools
            .iter()
            .map(|tool| {
                let mut function = json!({"name": tool.name, "parameters": tool.parameters});
                if let Some(description) = &tool.description {
                    function["description"] = json!(description);
                }
                json!({"type": "function", "function": function})
            })
            .collect();
        body.insert("tools".into(), Value::Array(tools));
    }
    common_fields(request, params, settings, &mut body);
    Ok(Value::Object(body))
}

/// The body of `POST /api/generate` (completion mode): the conversation flattened into
/// one prompt.
pub fn generate_body(
    request: &LlmRequest,
    params: &ValidatedParams,
    settings: &BodySettings<'_>,
) -> Result<Value> {
    if !request.tools.is_empty() {
        return Err(unsupported("completion-mode models cannot call tools"));
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(settings.model));
    body.insert("prompt".into(), json!(completion_prompt(&request.messages)));
    let mut all_images = Vec::new();
    for message in &request.messages {
        all_images.extend(images(message, settings.capabilities)?);
    }
    if !all_images.is_empty() {
        body.insert("images".into(), json!(all_images));
    }
    common_fields(request, params, settings, &mut body);
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_alive_numbers_are_sent_as_numbers() {
        assert_eq!(keep_alive(&ParamValue::Str("5m".into())), json!("5m"));
        assert_eq!(keep_alive(&ParamValue::Str("-1".into())), json!(-1));
        assert_eq!(keep_alive(&ParamValue::Str("0".into())), json!(0));
    }
}
