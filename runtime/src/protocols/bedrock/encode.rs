//! The Converse request body (shared by `converse` and `converse-stream`): system prompt
//! apart, alternating user/assistant turns of content blocks (text, image, document,
//! toolUse, toolResult, reasoningContent), cache points, `inferenceConfig` and
//! `toolConfig`. Model-specific settings (Claude's thinking and `top_k`) travel in
//! `additionalModelRequestFields`, which Bedrock passes to the model as they are.

use serde_json::{json, Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::llm::{
    CacheControl, CacheTtl, ContentPart, LlmRequest, MediaSource, Message, ReasoningBlock, Role,
    ToolChoice,
};
use crate::params::ValidatedParams;
use crate::protocols::media::inline_data;

/// Parameters of `inferenceConfig`: (parameter rule name, wire name).
const INFERENCE_PARAMS: &[(&str, &str)] = &[
    ("max_tokens", "maxTokens"),
    ("temperature", "temperature"),
    ("top_p", "topP"),
];

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidParams, message)
}

fn unsupported(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Unsupported, message)
}

/// A cache point block, placed after the content it closes.
fn cache_point(control: CacheControl) -> Result<Value> {
    match control.ttl {
        None | Some(CacheTtl::FiveMinutes) => Ok(json!({"cachePoint": {"type": "default"}})),
        Some(CacheTtl::OneHour) => Err(unsupported(
            "Bedrock cache points have one lifetime; a one-hour cache cannot be asked for",
        )),
    }
}

/// The inline bytes of a media part; Converse takes no URLs to fetch.
fn inline_bytes<'s>(source: &'s MediaSource, what: &str) -> Result<(&'s str, &'s str)> {
    inline_data(source).ok_or_else(|| {
        unsupported(format!(
            "Bedrock Converse takes {what}s as bytes only: give base64 data or a data: URL"
        ))
    })
}

/// The `format` of an image block, from its MIME type.
fn image_format(mime_type: &str) -> Result<&'static str> {
    Ok(match mime_type {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" => "jpeg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        other => {
            return Err(unsupported(format!(
                "Bedrock Converse does not accept images of type `{other}`"
            )))
        }
    })
}

/// The `format` of a document block, from its MIME type.
fn document_format(mime_type: &str) -> Result<&'static str> {
    Ok(match mime_type {
        "application/pdf" => "pdf",
        "text/csv" => "csv",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "text/html" => "html",
        "text/plain" => "txt",
        "text/markdown" => "md",
        other => {
            return Err(unsupported(format!(
                "Bedrock Converse does not accept documents of type `{other}`"
            )))
        }
    })
}

fn part_to_wire(part: &ContentPart, position: usize) -> Result<Value> {
    Ok(match part {
        ContentPart::Text(text) => json!({"text": text}),
        ContentPart::Image { source, .. } => {
            let (mime_type, data) = inline_bytes(source, "image")?;
            json!({"image": {"format": image_format(mime_type)?, "source": {"bytes": data}}})
        }
        ContentPart::Document { source, filename } => {
            let (mime_type, data) = inline_bytes(source, "document")?;
            // The API requires a name, unique within the request.
            let name = filename
                .clone()
                .unwrap_or_else(|| format!("document {}", position + 1));
            json!({"document": {
                "format": document_format(mime_type)?,
                "name": name,
                "source": {"bytes": data},
            }})
        }
        ContentPart::Audio { .. } => {
            return Err(unsupported("Bedrock Converse does not accept audio input"))
        }
    })
}

/// A tool call's arguments as the JSON object `toolUse.input` requires.
fn tool_input(name: &str, arguments: &str) -> Result<Value> {
    if arguments.trim().is_empty() {
        return Ok(json!({}));
    }
    match serde_json::from_str::<Value>(arguments) {
        Ok(value) if value.is_object() => Ok(value),
        Ok(_) => Err(invalid(format!(
            "the arguments of the earlier call to `{name}` are not a JSON object"
        ))),
        Err(e) => Err(invalid(format!(
            "the arguments of the earlier call to `{name}` are not valid JSON: {e}"
        ))),
    }
}

fn reasoning_to_wire(block: &ReasoningBlock) -> Option<Value> {
    match block {
        ReasoningBlock::Thinking {
            text,
            signature: Some(signature),
        } => Some(json!({"reasoningContent": {
            "reasoningText": {"text": text, "signature": signature}
        }})),
        ReasoningBlock::Redacted { data } => {
            Some(json!({"reasoningContent": {"redactedContent": data}}))
        }
        // Unsigned reasoning (e.g. from another provider) cannot be verified: it stays.
        ReasoningBlock::Thinking {
            signature: None, ..
        } => None,
    }
}

/// The wire role and content blocks of one non-system message; `position` numbers the
/// parts of the whole conversation (for document names).
fn message_blocks(message: &Message, position: &mut usize) -> Result<(&'static str, Vec<Value>)> {
    let mut parts = Vec::new();
    for part in &message.content {
        // Empty text blocks are rejected by the API.
        if part.as_text().is_some_and(str::is_empty) {
            continue;
        }
        parts.push(part_to_wire(part, *position)?);
        *position += 1;
    }
    match message.role {
        Role::Tool => {
            let id = message.tool_call_id.as_deref().ok_or_else(|| {
                invalid("a tool message needs the id of the call it answers (tool_call_id)")
            })?;
            // `content` is required: a result without any is sent as one empty text.
            if parts.is_empty() {
                parts.push(json!({"text": ""}));
            }
            let result = json!({"toolUseId": id, "content": parts});
            Ok(("user", vec![json!({"toolResult": result})]))
        }
        Role::User => Ok(("user", parts)),
        Role::Assistant => {
            // Signed reasoning goes back first and unchanged, as the models require.
            let mut blocks: Vec<Value> = message
                .reasoning_blocks
                .iter()
                .filter_map(reasoning_to_wire)
                .collect();
            blocks.extend(parts);
            for call in &message.tool_calls {
                blocks.push(json!({"toolUse": {
                    "toolUseId": call.id,
                    "name": call.name,
                    "input": tool_input(&call.name, &call.arguments)?,
                }}));
            }
            Ok(("assistant", blocks))
        }
        Role::System => Ok(("user", Vec::new())),
    }
}

/// The `system` blocks: one text block per non-empty system message, each followed by a
/// cache point when it is a breakpoint.
fn system_blocks(messages: &[Message]) -> Result<Vec<Value>> {
    let mut blocks = Vec::new();
    for message in messages.iter().filter(|m| m.role == Role::System) {
        let text = message.text();
        if !text.is_empty() {
            blocks.push(json!({"text": text}));
        }
        if let Some(control) = message.cache {
            blocks.push(cache_point(control)?);
        }
    }
    Ok(blocks)
}

/// The turns. Consecutive messages of the same wire role are merged, since Converse wants
/// alternating turns and the results of parallel tool calls must share one user turn.
fn turns(messages: &[Message]) -> Result<Vec<Value>> {
    let mut turns: Vec<(&'static str, Vec<Value>)> = Vec::new();
    let mut position = 0;
    for message in messages.iter().filter(|m| m.role != Role::System) {
        let (role, mut blocks) = message_blocks(message, &mut position)?;
        if let Some(control) = message.cache {
            blocks.push(cache_point(control)?);
        }
        if blocks.is_empty() {
            continue;
        }
        match turns.last_mut() {
            Some((last_role, last_blocks)) if *last_role == role => last_blocks.extend(blocks),
            _ => turns.push((role, blocks)),
        }
    }
    Ok(turns
        .into_iter()
        .map(|(role, content)| json!({"role": role, "content": content}))
        .collect())
}

fn tool_config(request: &LlmRequest) -> Result<Option<Value>> {
    if request.tools.is_empty() {
        return Ok(None);
    }
    let mut tools = Vec::new();
    for tool in &request.tools {
        let mut spec = json!({"name": tool.name, "inputSchema": {"json": tool.parameters}});
        if let Some(description) = &tool.description {
            spec["description"] = json!(description);
        }
        tools.push(json!({"toolSpec": spec}));
        if let Some(control) = tool.cache {
            tools.push(cache_point(control)?);
        }
    }
    let mut config = json!({"tools": tools});
    let choice = match &request.tool_choice {
        None => None,
        Some(ToolChoice::Auto) => Some(json!({"auto": {}})),
        Some(ToolChoice::Required) => Some(json!({"any": {}})),
        Some(ToolChoice::Function(name)) => Some(json!({"tool": {"name": name}})),
        Some(ToolChoice::None) => {
            return Err(unsupported(
                "Bedrock Converse has no tool choice `none`: send the request without tools",
            ))
        }
    };
    if let Some(choice) = choice {
        config["toolChoice"] = choice;
    }
    Ok(Some(config))
}

/// `additionalModelRequestFields`: Claude's extended thinking and `top_k`.
fn additional_fields(params: &ValidatedParams, thinking_budget: Option<i64>) -> Option<Value> {
    let mut fields = Map::new();
    if let Some(top_k) = params.get("top_k") {
        fields.insert("top_k".into(), top_k.to_json());
    }
    if params.get("thinking").and_then(|v| v.as_bool()) == Some(true) {
        let budget = params
            .get("thinking_budget")
            .and_then(|v| v.as_i64())
            .or(thinking_budget);
        if let Some(budget) = budget {
            fields.insert(
                "thinking".into(),
                json!({"type": "enabled", "budget_tokens": budget}),
            );
        }
    }
    (!fields.is_empty()).then_some(Value::Object(fields))
}

/// The body of `POST /model/{modelId}/converse` (and `converse-stream`). `max_tokens`
/// overrides the parameter (for credential checks); `thinking_budget` is the model's
/// default budget.
pub fn converse_body(
    request: &LlmRequest,
    params: &ValidatedParams,
    max_tokens: Option<i64>,
    thinking_budget: Option<i64>,
) -> Result<Value> {
    let messages = turns(&request.messages)?;
    if messages.is_empty() {
        return Err(invalid("the conversation has no user or assistant message"));
    }
    let mut body = Map::new();
    body.insert("messages".into(), Value::Array(messages));
    let system = system_blocks(&request.messages)?;
    if !system.is_empty() {
        body.insert("system".into(), Value::Array(system));
    }
    let mut inference = Map::new();
    for (name, wire) in INFERENCE_PARAMS {
        if let Some(value) = params.get(name) {
            inference.insert((*wire).to_owned(), value.to_json());
        }
    }
    if let Some(limit) = max_tokens {
        inference.insert("maxTokens".into(), json!(limit));
    }
    if !request.stop.is_empty() {
        inference.insert("stopSequences".into(), json!(request.stop));
    }
    if !inference.is_empty() {
        body.insert("inferenceConfig".into(), Value::Object(inference));
    }
    if let Some(config) = tool_config(request)? {
        body.insert("toolConfig".into(), config);
    }
    if let Some(fields) = additional_fields(params, thinking_budget) {
        body.insert("additionalModelRequestFields".into(), fields);
    }
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::ToolCall;

    #[test]
    fn tool_results_of_parallel_calls_share_one_user_turn() {
        let calls = vec![
            ToolCall {
                id: "tooluse_1".into(),
                name: "a".into(),
                arguments: "{\"x\":1}".into(),
            },
            ToolCall {
                id: "tooluse_2".into(),
                name: "b".into(),
                arguments: String::new(),
            },
        ];
        let messages = vec![
            Message::system("Be brief."),
            Message::user("Go"),
            Message::assistant_tool_calls(None, calls),
            Message::tool("tooluse_1", "one"),
            Message::tool("tooluse_2", ""),
        ];
        let request = LlmRequest::new(messages);
        let body = converse_body(&request, &ValidatedParams::default(), None, None).unwrap();
        assert_eq!(body["system"], json!([{"text": "Be brief."}]));
        let turns = body["messages"].as_array().unwrap();
        assert_eq!(turns.len(), 3);
        assert_eq!(turns[1]["content"][1]["toolUse"]["input"], json!({}));
        assert_eq!(
            turns[2]["content"],
            json!([
                {"toolResult": {"toolUseId": "tooluse_1", "content": [{"text": "one"}]}},
                {"toolResult": {"toolUseId": "tooluse_2", "content": [{"text": ""}]}},
            ])
        );
        assert!(body.get("inferenceConfig").is_none());
    }

    #[test]
    fn remote_images_and_tool_choice_none_are_refused() {
        let image = Message::user_parts(vec![ContentPart::image_url(
            "https://example.com/cat.png",
            None,
        )]);
        let error = converse_body(
            &LlmRequest::new(vec![image]),
            &ValidatedParams::default(),
            None,
            None,
        )
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unsupported);
        let request = LlmRequest::new(vec![Message::user("hi")])
            .with_tools(vec![crate::llm::Tool::new("f", "d", json!({}))])
            .with_tool_choice(ToolChoice::None);
        let error = converse_body(&request, &ValidatedParams::default(), None, None).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unsupported);
    }
}
