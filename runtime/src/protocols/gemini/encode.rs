//! The `generateContent` request body: system instruction apart, `user` and `model` turns made
//! of parts, function declarations with JSON Schema parameters, and `generationConfig`
//! (sampling, output limit, stop sequences, structured output, thinking).

use serde_json::{json, Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::llm::{
    ContentPart, LlmRequest, MediaSource, Message, ReasoningBlock, ResponseFormat, Role, ToolChoice,
};
use crate::params::ValidatedParams;
use crate::protocols::media::inline_data;

/// Parameters copied into `generationConfig` under the API's name.
const GENERATION_PARAMS: &[(&str, &str)] = &[
    ("temperature", "temperature"),
    ("top_p", "topP"),
    ("top_k", "topK"),
    ("presence_penalty", "presencePenalty"),
    ("frequency_penalty", "frequencyPenalty"),
    ("seed", "seed"),
];

/// Names the output token limit goes by in model YAML (Dify's Gemini models use the first).
const MAX_TOKENS_PARAMS: &[&str] = &["max_output_tokens", "max_tokens"];

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidParams, message)
}

/// A media part: inline data (a `data:` URL too) as `inlineData`, else the URL as `fileData`.
fn media_to_wire(source: &MediaSource) -> Value {
    match inline_data(source) {
        Some((mime_type, data)) => json!({"inlineData": {"mimeType": mime_type, "data": data}}),
        None => json!({"fileData": {"fileUri": source.to_url()}}),
    }
}

fn part_to_wire(part: &ContentPart) -> Value {
    match part {
        ContentPart::Text(text) => json!({"text": text}),
        ContentPart::Image { source, .. } | ContentPart::Document { source, .. } => {
            media_to_wire(source)
        }
        ContentPart::Audio { data, format } => {
            json!({"inlineData": {"mimeType": format!("audio/{format}"), "data": data}})
        }
    }
}

/// A tool call's arguments as the JSON object `functionCall.args` requires.
fn call_args(name: &str, arguments: &str) -> Result<Value> {
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

/// A tool's result as the JSON object `functionResponse.response` requires: a result that is
/// a JSON object is sent as it is, anything else as `{"result": <text>}`.
fn function_response(text: String) -> Value {
    match serde_json::from_str::<Value>(&text) {
        Ok(value @ Value::Object(_)) => value,
        _ => json!({"result": text}),
    }
}

/// The name of the function whose call `tool_call_id` answers: the message's own name, else
/// the latest earlier assistant turn's call with that id (ids may repeat across turns).
fn answered_function<'m>(earlier: &'m [Message], message: &'m Message) -> Result<&'m str> {
    if let Some(name) = message.name.as_deref() {
        return Ok(name);
    }
    let id = message.tool_call_id.as_deref().ok_or_else(|| {
        invalid("a tool message needs the id of the call it answers (tool_call_id)")
    })?;
    earlier
        .iter()
        .rev()
        .flat_map(|m| m.tool_calls.iter())
        .find(|call| call.id == id)
        .map(|call| call.name.as_str())
        .ok_or_else(|| {
            invalid(format!(
                "the tool message answers call `{id}`, which no earlier assistant turn made"
            ))
        })
}

/// The signatures of an assistant turn. Thought summaries are not sent back (they are a
/// summary, not the model's state); their signatures are, and so are those that came on
/// other parts. Unsigned reasoning (e.g. from another provider) cannot be verified and stays.
fn signatures(message: &Message) -> Vec<&str> {
    message
        .reasoning_blocks
        .iter()
        .filter_map(|block| match block {
            ReasoningBlock::Thinking {
                signature: Some(signature),
                ..
            } => Some(signature.as_str()),
            _ => None,
        })
        .collect()
}

/// The parts of a `model` turn. Signatures go back on the parts the API puts them on: the
/// function calls, in order (the first call of a turn carries it), or, in a turn without
/// calls, its last text part.
fn model_parts(message: &Message) -> Result<Vec<Value>> {
    let mut parts: Vec<Value> = message
        .content
        .iter()
        .filter(|part| !part.as_text().is_some_and(str::is_empty))
        .map(part_to_wire)
        .collect();
    let texts = parts.len();
    for call in &message.tool_calls {
        parts.push(json!({"functionCall": {
            "name": call.name,
            "args": call_args(&call.name, &call.arguments)?,
        }}));
    }
    let signatures = signatures(message);
    let signed: Vec<&mut Value> = if texts < parts.len() {
        parts[texts..].iter_mut().collect()
    } else {
        parts.last_mut().into_iter().collect()
    };
    for (part, signature) in signed.into_iter().zip(signatures) {
        part["thoughtSignature"] = json!(signature);
    }
    Ok(parts)
}

/// The wire role and parts of one non-system message.
fn turn(earlier: &[Message], message: &Message) -> Result<(&'static str, Vec<Value>)> {
    Ok(match message.role {
        Role::Assistant => ("model", model_parts(message)?),
        Role::Tool => {
            let name = answered_function(earlier, message)?;
            let response = function_response(message.text());
            (
                "user",
                vec![json!({"functionResponse": {"name": name, "response": response}})],
            )
        }
        Role::User | Role::System => (
            "user",
            message
                .content
                .iter()
                .filter(|part| !part.as_text().is_some_and(str::is_empty))
                .map(part_to_wire)
                .collect(),
        ),
    })
}

/// The system instruction (one text part per system message, wherever they are) and the
/// turns. Consecutive messages of the same role are merged: the API wants the results of a
/// turn's parallel calls together in one `user` turn.
fn conversation(messages: &[Message]) -> Result<(Option<Value>, Vec<Value>)> {
    let system: Vec<Value> = messages
        .iter()
        .filter(|m| m.role == Role::System)
        .map(Message::text)
        .filter(|text| !text.is_empty())
        .map(|text| json!({"text": text}))
        .collect();
    let mut turns: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for (position, message) in messages.iter().enumerate() {
        if message.role == Role::System {
            continue;
        }
        let (role, parts) = turn(&messages[..position], message)?;
        if parts.is_empty() {
            continue;
        }
        match turns.last_mut() {
            Some((last_role, last_parts)) if *last_role == role => last_parts.extend(parts),
            _ => turns.push((role, parts)),
        }
    }
    let contents = turns
        .into_iter()
        .map(|(role, parts)| json!({"role": role, "parts": parts}))
        .collect();
    let system = (!system.is_empty()).then(|| json!({"parts": system}));
    Ok((system, contents))
}

fn tools_to_wire(request: &LlmRequest, body: &mut Map<String, Value>) {
    if request.tools.is_empty() {
        return;
    }
    let declarations: Vec<Value> = request
        .tools
        .iter()
        .map(|tool| {
            let mut declaration =
                json!({"name": tool.name, "parametersJsonSchema": tool.parameters});
            if let Some(description) = &tool.description {
                declaration["description"] = json!(description);
            }
            declaration
        })
        .collect();
    body.insert(
        "tools".into(),
        json!([{"functionDeclarations": declarations}]),
    );
    // The API has no switch for parallel calls; the model decides.
    if let Some(choice) = &request.tool_choice {
        let config = match choice {
            ToolChoice::Auto => json!({"mode": "AUTO"}),
            ToolChoice::None => json!({"mode": "NONE"}),
            ToolChoice::Required => json!({"mode": "ANY"}),
            ToolChoice::Function(name) => json!({"mode": "ANY", "allowedFunctionNames": [name]}),
        };
        body.insert(
            "toolConfig".into(),
            json!({"functionCallingConfig": config}),
        );
    }
}

/// `thinkingConfig` from the `thinking_budget` (tokens; 0 turns thinking off, -1 lets the
/// model decide), `thinking_level` and `include_thoughts` parameters.
fn thinking_config(params: &ValidatedParams) -> Option<Value> {
    let mut config = Map::new();
    if let Some(budget) = params.get("thinking_budget").and_then(|v| v.as_i64()) {
        config.insert("thinkingBudget".into(), json!(budget));
    }
    if let Some(level) = params.get("thinking_level").and_then(|v| v.as_str()) {
        config.insert("thinkingLevel".into(), json!(level));
    }
    if let Some(include) = params.get("include_thoughts").and_then(|v| v.as_bool()) {
        config.insert("includeThoughts".into(), json!(include));
    }
    (!config.is_empty()).then_some(Value::Object(config))
}

fn generation_config(
    request: &LlmRequest,
    params: &ValidatedParams,
    format: Option<&ResponseFormat>,
) -> Map<String, Value> {
    let mut config = Map::new();
    for (name, wire) in GENERATION_PARAMS {
        if let Some(value) = params.get(name) {
            config.insert((*wire).to_owned(), value.to_json());
        }
    }
    if let Some(limit) = MAX_TOKENS_PARAMS.iter().find_map(|name| params.get(name)) {
        config.insert("maxOutputTokens".into(), limit.to_json());
    }
    if !request.stop.is_empty() {
        config.insert("stopSequences".into(), json!(request.stop));
    }
    match format {
        Some(ResponseFormat::JsonSchema { schema, .. }) => {
            config.insert("responseMimeType".into(), json!("application/json"));
            config.insert("responseJsonSchema".into(), schema.clone());
        }
        Some(ResponseFormat::JsonObject) => {
            config.insert("responseMimeType".into(), json!("application/json"));
        }
        Some(ResponseFormat::Text | ResponseFormat::CodeBlock(_)) | None => {}
    }
    if let Some(thinking) = thinking_config(params) {
        config.insert("thinkingConfig".into(), thinking);
    }
    config
}

/// The body of `generateContent` / `streamGenerateContent` (the same for both; `format` is the
/// answer's shape with code blocks already applied to the request).
pub fn generate_body(
    request: &LlmRequest,
    params: &ValidatedParams,
    format: Option<&ResponseFormat>,
) -> Result<Value> {
    let (system, contents) = conversation(&request.messages)?;
    if contents.is_empty() {
        return Err(invalid("the conversation has no user or assistant message"));
    }
    let mut body = Map::new();
    body.insert("contents".into(), Value::Array(contents));
    if let Some(system) = system {
        body.insert("systemInstruction".into(), system);
    }
    tools_to_wire(request, &mut body);
    let config = generation_config(request, params, format);
    if !config.is_empty() {
        body.insert("generationConfig".into(), Value::Object(config));
    }
    Ok(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::ToolCall;

    fn call(id: &str, name: &str, arguments: &str) -> ToolCall {
        ToolCall {
            id: id.into(),
            name: name.into(),
            arguments: arguments.into(),
        }
    }

    #[test]
    fn results_of_parallel_calls_share_one_turn_and_find_their_names() {
        let mut earlier = Message::assistant_tool_calls(
            None,
            vec![call("call_0", "a", "{\"x\":1}"), call("call_1", "b", "")],
        );
        earlier.reasoning_blocks = vec![ReasoningBlock::Thinking {
            text: "plan".into(),
            signature: Some("c2ln".into()),
        }];
        let messages = vec![
            Message::system("Be brief."),
            Message::user("Go"),
            earlier,
            Message::tool("call_0", "{\"ok\":true}"),
            Message::tool("call_1", "done"),
        ];
        let (system, contents) = conversation(&messages).unwrap();
        assert_eq!(system, Some(json!({"parts": [{"text": "Be brief."}]})));
        assert_eq!(contents.len(), 3);
        assert_eq!(
            contents[1]["parts"],
            json!([
                {"functionCall": {"name": "a", "args": {"x": 1}}, "thoughtSignature": "c2ln"},
                {"functionCall": {"name": "b", "args": {}}}
            ])
        );
        assert_eq!(
            contents[2],
            json!({"role": "user", "parts": [
                {"functionResponse": {"name": "a", "response": {"ok": true}}},
                {"functionResponse": {"name": "b", "response": {"result": "done"}}}
            ]})
        );
    }

    #[test]
    fn a_result_for_an_unknown_call_or_bad_arguments_is_an_error() {
        let messages = vec![Message::user("x"), Message::tool("nope", "1")];
        assert_eq!(
            conversation(&messages).unwrap_err().kind(),
            ErrorKind::InvalidParams
        );
        let messages = vec![
            Message::user("x"),
            Message::assistant_tool_calls(None, vec![call("c", "f", "[1,")]),
        ];
        assert_eq!(
            conversation(&messages).unwrap_err().kind(),
            ErrorKind::InvalidParams
        );
    }
}
