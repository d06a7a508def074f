//! The Messages API request body: system prompt apart, strictly alternating user/assistant
//! turns made of content blocks, tools with `input_schema`, thinking and output settings.

use serde_json::{json, Map, Value};

use super::cache;
use crate::error::{Error, ErrorKind, Result};
use crate::llm::{
    ContentPart, LlmRequest, MediaSource, Message, ReasoningBlock, ResponseFormat, Role, ToolChoice,
};
use crate::params::ValidatedParams;
use crate::protocols::media::inline_data;

/// Output tokens when neither the call nor the model says (the API requires a value).
pub const DEFAULT_MAX_TOKENS: i64 = 4096;

/// Sampling parameters copied as they are.
const SAMPLING_PARAMS: &[&str] = &["temperature", "top_p", "top_k"];

/// Sampling parameters the API rejects while extended thinking is on.
const NOT_WITH_THINKING: &[&str] = &["temperature", "top_k"];

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidParams, message)
}

fn unsupported(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Unsupported, message)
}

/// How the model may think before answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thinking {
    /// No thinking parameter: the model's default.
    Default,
    /// `{"type": "disabled"}`.
    Disabled,
    /// `{"type": "enabled", "budget_tokens": n}` (extended thinking with a fixed budget).
    Budget(i64),
    /// `{"type": "adaptive"}`: the model decides how much to think.
    Adaptive,
}

impl Thinking {
    /// Reads the `thinking` switch and the `thinking_budget` parameter. A model whose rules
    /// offer a budget thinks with that budget (the rule's default when none is given);
    /// other models think adaptively.
    pub fn from_params(params: &ValidatedParams, budget_default: Option<i64>) -> Self {
        let budget = params
            .get("thinking_budget")
            .and_then(|v| v.as_i64())
            .or(budget_default);
        match params.get("thinking").and_then(|v| v.as_bool()) {
            None => Thinking::Default,
            Some(false) => Thinking::Disabled,
            Some(true) => budget.map_or(Thinking::Adaptive, Thinking::Budget),
        }
    }

    fn to_wire(self) -> Option<Value> {
        match self {
            Thinking::Default => None,
            Thinking::Disabled => Some(json!({"type": "disabled"})),
            Thinking::Budget(tokens) => Some(json!({"type": "enabled", "budget_tokens": tokens})),
            Thinking::Adaptive => Some(json!({"type": "adaptive"})),
        }
    }

    fn is_on(self) -> bool {
        matches!(self, Thinking::Budget(_) | Thinking::Adaptive)
    }
}

/// A media block's `source`: inline data (a `data:` URL too) as base64, else the URL.
fn source_to_wire(source: &MediaSource) -> Value {
    match inline_data(source) {
        Some((mime_type, data)) => {
            json!({"type": "base64", "media_type": mime_type, "data": data})
        }
        None => json!({"type": "url", "url": source.to_url()}),
    }
}

fn part_to_wire(part: &ContentPart) -> Result<Value> {
    Ok(match part {
        ContentPart::Text(text) => json!({"type": "text", "text": text}),
        ContentPart::Image { source, .. } => {
            json!({"type": "image", "source": source_to_wire(source)})
        }
        ContentPart::Document { source, filename } => {
            let mut block = json!({"type": "document", "source": source_to_wire(source)});
            if let Some(name) = filename {
                block["title"] = json!(name);
            }
            block
        }
        ContentPart::Audio { .. } => {
            return Err(unsupported(
                "the Anthropic Messages API does not accept audio input",
            ))
        }
    })
}

/// A tool call's arguments as the JSON object `tool_use.input` requires.
fn tool_input(name: &str, arguments: &str) -> Result<Value> {
    if arguments.trim().is_empty() {
        return Ok(json!({}));
    }
    let value: Value = serde_json::from_str(arguments).map_err(|e| {
        invalid(format!(
            "the arguments of the earlier call to `{name}` are not valid JSON: {e}"
        ))
    })?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(invalid(format!(
            "the arguments of the earlier call to `{name}` are not a JSON object"
        )))
    }
}

/// The wire role and content blocks of one non-system message.
fn message_blocks(message: &Message) -> Result<(&'static str, Vec<Value>)> {
    let mut blocks = Vec::new();
    match message.role {
        Role::Tool => {
            let id = message.tool_call_id.as_deref().ok_or_else(|| {
                invalid("a tool message needs the id of the call it answers (tool_call_id)")
            })?;
            let content = message
                .content
                .iter()
                .filter(|part| !part.as_text().is_some_and(str::is_empty))
                .map(part_to_wire)
                .collect::<Result<Vec<_>>>()?;
            let mut block = json!({"type": "tool_result", "tool_use_id": id});
            // The API rejects empty text blocks; a result without content may omit it.
            if !content.is_empty() {
                block["content"] = Value::Array(content);
            }
            blocks.push(block);
            Ok(("user", blocks))
        }
        Role::User | Role::Assistant => {
            // Signed thinking (and redacted thinking) goes back first, unchanged: the API
            // requires it before the tool results of a turn made while thinking was on.
            // Unsigned reasoning (e.g. from another provider) cannot be verified, so it stays.
            for reasoning in &message.reasoning_blocks {
                match reasoning {
                    ReasoningBlock::Thinking {
                        text,
                        signature: Some(signature),
                    } => blocks.push(
                        json!({"type": "thinking", "thinking": text, "signature": signature}),
                    ),
                    ReasoningBlock::Redacted { data } => {
                        blocks.push(json!({"type": "redacted_thinking", "data": data}));
                    }
                    ReasoningBlock::Thinking {
                        signature: None, ..
                    } => {}
                }
            }
            for part in &message.content {
                // Empty text blocks are rejected by the API.
                if part.as_text().is_some_and(str::is_empty) {
                    continue;
                }
                blocks.push(part_to_wire(part)?);
            }
            for call in &message.tool_calls {
                blocks.push(json!({
                    "type": "tool_use",
                    "id": call.id,
                    "name": call.name,
                    "input": tool_input(&call.name, &call.arguments)?,
                }));
            }
            let role = if message.role == Role::User {
                "user"
            } else {
                "assistant"
            };
            Ok((role, blocks))
        }
        Role::System => Ok(("user", blocks)),
    }
}

/// The system prompt from the system messages (wherever they are): one text, or, when one of
/// them is a cache breakpoint, one text block per message (only blocks carry `cache_control`).
fn system_prompt(messages: &[Message]) -> Result<Option<Value>> {
    let system: Vec<&Message> = messages.iter().filter(|m| m.role == Role::System).collect();
    if system.iter().all(|m| m.cache.is_none()) {
        let texts: Vec<String> = system
            .iter()
            .map(|m| m.text())
            .filter(|t| !t.is_empty())
            .collect();
        return Ok((!texts.is_empty()).then(|| json!(texts.join("\n\n"))));
    }
    let mut blocks = Vec::new();
    for message in system {
        let text = message.text();
        let mut block = Vec::new();
        // The API rejects empty text blocks.
        if !text.is_empty() {
            block.push(json!({"type": "text", "text": text}));
        }
        if let Some(control) = message.cache {
            cache::mark_last(&mut block, control)?;
        }
        blocks.extend(block);
    }
    Ok(Some(Value::Array(blocks)))
}

/// System prompt and messages. Consecutive messages of the same wire role are merged, since
/// tool results of parallel calls must share one user turn.
fn conversation(messages: &[Message]) -> Result<(Option<Value>, Vec<Value>)> {
    let system = system_prompt(messages)?;
    let mut turns: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for message in messages.iter().filter(|m| m.role != Role::System) {
        let (role, mut blocks) = message_blocks(message)?;
        if let Some(control) = message.cache {
            cache::mark_last(&mut blocks, control)?;
        }
        if blocks.is_empty() {
            continue;
        }
        match turns.last_mut() {
            Some((last_role, last_blocks)) if *last_role == role => last_blocks.extend(blocks),
            _ => turns.push((role, blocks)),
        }
    }
    let wire = turns
        .into_iter()
        .map(|(role, content)| json!({"role": role, "content": content}))
        .collect();
    Ok((system, wire))
}

fn tools_to_wire(request: &LlmRequest, body: &mut Map<String, Value>) {
    if request.tools.is_empty() {
        return;
    }
    let tools = request
        .tools
        .iter()
        .map(|tool| {
            let mut wire = json!({"name": tool.name, "input_schema": tool.parameters});
            if let Some(description) = &tool.description {
                wire["description"] = json!(description);
            }
            if let Some(control) = tool.cache {
                wire["cache_control"] = cache::to_wire(control);
            }
            wire
        })
        .collect();
    body.insert("tools".into(), Value::Array(tools));
    let sequential = request.parallel_tool_calls == Some(false);
    // Anthropic says "one tool at a time" inside `tool_choice`, so a sequential request with
    // no explicit choice gets the default one (`auto`) to carry it.
    let choice = match (&request.tool_choice, sequential) {
        (Some(choice), _) => Some(choice),
        (None, true) => Some(&ToolChoice::Auto),
        (None, false) => None,
    };
    if let Some(choice) = choice {
        let mut choice = match choice {
            ToolChoice::Auto => json!({"type": "auto"}),
            ToolChoice::None => json!({"type": "none"}),
            ToolChoice::Required => json!({"type": "any"}),
            ToolChoice::Function(name) => json!({"type": "tool", "name": name}),
        };
        if sequential && choice["type"] != "none" {
            choice["disable_parallel_tool_use"] = json!(true);
        }
        body.insert("tool_choice".into(), choice);
    }
}

/// `output_config`: structured output format and effort.
fn output_config(
    format: Option<&ResponseFormat>,
    params: &ValidatedParams,
) -> Result<Option<Value>> {
    let mut config = Map::new();
    match format {
        Some(ResponseFormat::JsonSchema { schema, .. }) => {
            config.insert(
                "format".into(),
                json!({"type": "json_schema", "schema": schema}),
            );
        }
        Some(ResponseFormat::JsonObject) => {
            return Err(unsupported(
                "the Anthropic Messages API has no json_object mode: give a json_schema, or \
                 use response_format JSON",
            ))
        }
        Some(ResponseFormat::Text | ResponseFormat::CodeBlock(_)) | None => {}
    }
    if let Some(effort) = params.get("effort").and_then(|v| v.as_str()) {
        config.insert("effort".into(), json!(effort));
    }
    Ok((!config.is_empty()).then_some(Value::Object(config)))
}

/// What shapes a body besides the request.
#[derive(Debug, Clone)]
pub struct BodySettings<'a> {
    /// The model id.
    pub model: &'a str,
    /// The answer's shape (code blocks already applied to the request).
    pub format: Option<&'a ResponseFormat>,
    /// Thinking mode.
    pub thinking: Thinking,
    /// Output token limit when the params give none.
    pub default_max_tokens: i64,
    /// Whether to stream.
    pub stream: bool,
}

/// The body of `POST /v1/messages`.
pub fn messages_body(
    request: &LlmRequest,
    params: &ValidatedParams,
    settings: &BodySettings<'_>,
) -> Result<Value> {
    cache::check(request)?;
    let (system, messages) = conversation(&request.messages)?;
    if messages.is_empty() {
        return Err(invalid("the conversation has no user or assistant message"));
    }
    let mut body = Map::new();
    body.insert("model".into(), json!(settings.model));
    let max_tokens = params
        .get("max_tokens")
        .and_then(|v| v.as_i64())
        .unwrap_or(settings.default_max_tokens);
    body.insert("max_tokens".into(), json!(max_tokens));
    if let Some(system) = system {
        body.insert("system".into(), system);
    }
    body.insert("messages".into(), Value::Array(messages));
    tools_to_wire(request, &mut body);
    for name in SAMPLING_PARAMS {
        if settings.thinking.is_on() && NOT_WITH_THINKING.contains(name) {
            continue;
        }
        if let Some(value) = params.get(name) {
            body.insert((*name).to_owned(), value.to_json());
        }
    }
    if let Some(thinking) = settings.thinking.to_wire() {
        body.insert("thinking".into(), thinking);
    }
    if let Some(config) = output_config(settings.format, params)? {
        body.insert("output_config".into(), config);
    }
    if !request.stop.is_empty() {
        body.insert("stop_sequences".into(), json!(request.stop));
    }
    if let Some(user) = &request.user {
        body.insert("metadata".into(), json!({"user_id": user}));
    }
    if settings.stream {
        body.insert("stream".into(), json!(true));
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
                id: "toolu_1".into(),
                name: "a".into(),
                arguments: "{\"x\":1}".into(),
            },
            ToolCall {
                id: "toolu_2".into(),
                name: "b".into(),
                arguments: String::new(),
            },
        ];
        let messages = vec![
            Message::system("Be brief."),
            Message::user("Go"),
            Message::assistant_tool_calls(None, calls),
            Message::tool("toolu_1", "one"),
            Message::tool("toolu_2", "two"),
        ];
        let (system, wire) = conversation(&messages).unwrap();
        assert_eq!(system, Some(json!("Be brief.")));
        assert_eq!(wire.len(), 3);
        assert_eq!(wire[1]["content"][1]["input"], json!({}));
        assert_eq!(wire[2]["role"], "user");
        assert_eq!(wire[2]["content"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn bad_earlier_arguments_are_an_error_not_a_panic() {
        let call = ToolCall {
            id: "t".into(),
            name: "a".into(),
            arguments: "[1,".into(),
        };
        let messages = vec![
            Message::user("x"),
            Message::assistant_tool_calls(None, vec![call]),
        ];
        let err = conversation(&messages).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidParams);
    }
}
