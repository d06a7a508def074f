//! The body of `POST /responses`, exactly as OpenAI documents it: the conversation as input
//! items, only documented fields, and only those that have a value.
//!
//! modelrt is stateless, so every request says `store: false` and carries the whole
//! conversation; a reasoning model's earlier reasoning goes back as the `reasoning` items it
//! returned (with their encrypted content), which the model needs to continue a turn that
//! called tools.

use serde_json::{json, Map, Value};

use super::reasoning;
use crate::error::{Error, ErrorKind, Result};
use crate::llm::{
    ContentPart, ImageDetail, LlmRequest, MediaSource, Message, ResponseFormat, Role, ToolChoice,
};
use crate::params::ValidatedParams;

/// Parameters the protocol places itself rather than copying them into the body.
const HANDLED_PARAMS: &[&str] = &[
    "response_format",
    "json_schema",
    "max_tokens",
    "max_completion_tokens",
    "max_output_tokens",
    "reasoning_effort",
    "reasoning_summary",
    "verbosity",
];

/// What a request body depends on besides the request and the parameters.
#[derive(Debug, Clone, Copy)]
pub struct BodySettings<'a> {
    /// The model id sent on the wire.
    pub model: &'a str,
    /// Whether the model reasons (it then gets `reasoning`, and its encrypted reasoning is
    /// asked for so that it can be sent back).
    pub reasoning: bool,
    /// Whether the answer is streamed.
    pub stream: bool,
}

fn unsupported(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Unsupported, message)
}

fn part_to_wire(part: &ContentPart) -> Result<Value> {
    Ok(match part {
        ContentPart::Text(text) => json!({"type": "input_text", "text": text}),
        ContentPart::Image { source, detail } => json!({
            "type": "input_image",
            "image_url": source.to_url(),
            "detail": detail.unwrap_or(ImageDetail::Auto).as_str(),
        }),
        ContentPart::Document { source, filename } => {
            let mut file = json!({"type": "input_file"});
            match source {
                MediaSource::Url(url) => file["file_url"] = json!(url),
                inline => file["file_data"] = json!(inline.to_url()),
            }
            if let Some(name) = filename {
                file["filename"] = json!(name);
            }
            file
        }
        ContentPart::Audio { .. } => {
            return Err(unsupported("the Responses API takes no audio input"));
        }
    })
}

/// A message item: `content` is a plain string when the message is text only.
fn message_item(role: &str, message: &Message) -> Result<Value> {
    let content = if message.is_text_only() {
        Value::String(message.text())
    } else {
        let parts = message
            .content
            .iter()
            .map(part_to_wire)
            .collect::<Result<Vec<_>>>()?;
        Value::Array(parts)
    };
    Ok(json!({"role": role, "content": content}))
}

/// The input items of one message, in the order the API produced them for an assistant
/// turn: reasoning, then text, then function calls.
fn push_items(message: &Message, items: &mut Vec<Value>) -> Result<()> {
    match message.role {
        Role::System | Role::User => items.push(message_item(message.role.as_str(), message)?),
        Role::Assistant => {
            items.extend(
                message
                    .reasoning_blocks
                    .iter()
                    .filter_map(reasoning::to_input),
            );
            if !message.content.is_empty() {
                items.push(message_item("assistant", message)?);
            }
            items.extend(message.tool_calls.iter().map(|call| {
                json!({
                    "type": "function_call",
                    "call_id": call.id,
                    "name": call.name,
                    "arguments": call.arguments,
                })
            }));
        }
        Role::Tool => {
            let call_id = message.tool_call_id.as_deref().ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidParams,
                    "a tool message needs the id of the call it answers",
                )
            })?;
            items.push(json!({
                "type": "function_call_output",
                "call_id": call_id,
                "output": message.text(),
            }));
        }
    }
    Ok(())
}

fn tools_to_wire(request: &LlmRequest, body: &mut Map<String, Value>) {
    if request.tools.is_empty() {
        return;
    }
    let tools: Vec<Value> = request
        .tools
        .iter()
        .map(|tool| {
            let mut wire =
                json!({"type": "function", "name": tool.name, "parameters": tool.parameters});
            if let Some(description) = &tool.description {
                wire["description"] = json!(description);
            }
            wire
        })
        .collect();
    body.insert("tools".into(), Value::Array(tools));
    if let Some(choice) = &request.tool_choice {
        let choice = match choice {
            ToolChoice::Auto => json!("auto"),
            ToolChoice::None => json!("none"),
            ToolChoice::Required => json!("required"),
            ToolChoice::Function(name) => json!({"type": "function", "name": name}),
        };
        body.insert("tool_choice".into(), choice);
    }
    if let Some(parallel) = request.parallel_tool_calls {
        body.insert("parallel_tool_calls".into(), json!(parallel));
    }
}

/// `text.format`: the schema's fields sit beside `type` (not nested as in chat completions).
fn format_to_wire(format: &ResponseFormat) -> Option<Value> {
    match format {
        ResponseFormat::Text | ResponseFormat::CodeBlock(_) => None,
        ResponseFormat::JsonObject => Some(json!({"type": "json_object"})),
        ResponseFormat::JsonSchema {
            name,
            schema,
            strict,
        } => {
            let mut wire = json!({"type": "json_schema", "name": name, "schema": schema});
            if let Some(strict) = strict {
                wire["strict"] = json!(strict);
            }
            Some(wire)
        }
    }
}

/// `text`: the answer's format and the `verbosity` parameter, which chat completions takes at
/// the top level but the Responses API only here; absent when neither is set.
fn text_to_wire(format: Option<&ResponseFormat>, params: &ValidatedParams) -> Option<Value> {
    let mut text = Map::new();
    if let Some(format) = format.and_then(format_to_wire) {
        text.insert("format".into(), format);
    }
    if let Some(verbosity) = params.get("verbosity") {
        text.insert("verbosity".into(), verbosity.to_json());
    }
    (!text.is_empty()).then_some(Value::Object(text))
}

/// `reasoning`: the effort when given, and a summary of the reasoning (`auto` unless the
/// `reasoning_summary` parameter says otherwise, e.g. `detailed`).
fn reasoning_to_wire(params: &ValidatedParams) -> Value {
    let mut reasoning = Map::new();
    if let Some(effort) = params.get("reasoning_effort") {
        reasoning.insert("effort".into(), effort.to_json());
    }
    let summary = params
        .get("reasoning_summary")
        .map_or_else(|| json!("auto"), |s| s.to_json());
    reasoning.insert("summary".into(), summary);
    Value::Object(reasoning)
}

/// The body of `POST /responses`. `format` is the resolved response format (code blocks are
/// already applied to `request`, whose stop sequences the caller has dealt with).
pub fn responses_body(
    request: &LlmRequest,
    format: Option<&ResponseFormat>,
    params: &ValidatedParams,
    settings: BodySettings<'_>,
) -> Result<Value> {
    let mut body = Map::new();
    body.insert("model".into(), json!(settings.model));
    let mut input = Vec::new();
    for message in &request.messages {
        push_items(message, &mut input)?;
    }
    body.insert("input".into(), Value::Array(input));
    tools_to_wire(request, &mut body);
    if let Some(text) = text_to_wire(format, params) {
        body.insert("text".into(), text);
    }
    for (name, value) in params.iter() {
        if !HANDLED_PARAMS.contains(&name) {
            body.insert(name.to_owned(), value.to_json());
        }
    }
    let limit = ["max_output_tokens", "max_completion_tokens", "max_tokens"]
        .iter()
        .find_map(|name| params.get(name));
    if let Some(limit) = limit {
        body.insert("max_output_tokens".into(), limit.to_json());
    }
    if settings.reasoning {
        body.insert("reasoning".into(), reasoning_to_wire(params));
        body.insert("include".into(), json!([reasoning::ENCRYPTED_INCLUDE]));
    }
    body.insert("store".into(), json!(false));
    if let Some(user) = &request.user {
        body.insert("user".into(), json!(user));
    }
    if settings.stream {
        body.insert("stream".into(), json!(true));
    }
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{ReasoningBlock, ToolCall};

    fn settings() -> BodySettings<'static> {
        BodySettings {
            model: "m",
            reasoning: false,
            stream: false,
        }
    }

    #[test]
    fn a_tool_turn_becomes_reasoning_call_and_output_items() {
        let item = r#"{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAA"}"#;
        let mut assistant = Message::assistant_tool_calls(
            None,
            vec![ToolCall {
                id: "call_1".into(),
                name: "f".into(),
                arguments: "{}".into(),
            }],
        );
        assistant.reasoning_blocks = vec![
            ReasoningBlock::Thinking {
                text: "summary text, inside the item already".into(),
                signature: None,
            },
            ReasoningBlock::Redacted { data: item.into() },
        ];
        let request = LlmRequest::new(vec![
            Message::user("hi"),
            assistant,
            Message::tool("call_1", "42"),
        ]);
        let body = responses_body(&request, None, &ValidatedParams::default(), settings()).unwrap();
        assert_eq!(
            body["input"],
            json!([
                {"role": "user", "content": "hi"},
                {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
                {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": "{}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "42"},
            ])
        );
        assert_eq!(body["store"], json!(false));
        assert!(body.get("reasoning").is_none());
    }

    #[test]
    fn audio_is_refused() {
        let request = LlmRequest::new(vec![Message::user_parts(vec![ContentPart::Audio {
            data: "AAAA".into(),
            format: "wav".into(),
        }])]);
        let error =
            responses_body(&request, None, &ValidatedParams::default(), settings()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unsupported);
    }
}
