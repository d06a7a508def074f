//! The ChatCompletions action: body (tools included), answers (whole and streamed), errors.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::api::{parse_error_body, signed_request, Envelope, WireError};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{decode_json, HttpRequest};
use crate::llm::{
    FinishReason, LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, Role, StreamAccumulator,
    Tool, ToolCallDelta, ToolChoice, UsageBasis,
};
use crate::protocol::CallContext;
use crate::protocols::llm_events::{chunk_stream, line_payload, ChunkDecoder};
use crate::sse::Framing;
use crate::usage::Usage;

const ACTION: &str = "ChatCompletions";

/// Parameters sent when the model's rules give them, under Tencent's names.
const PARAMS: &[(&str, &str)] = &[
    ("temperature", "Temperature"),
    ("top_p", "TopP"),
    ("enable_enhance", "EnableEnhancement"),
];

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Answer {
    choices: Vec<Choice>,
    usage: Option<WireUsage>,
    error: Option<WireError>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Choice {
    message: Option<Said>,
    delta: Option<Said>,
    finish_reason: Option<String>,
}

/// A message or a stream delta: text and tool calls.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Said {
    content: Option<String>,
    tool_calls: Vec<WireToolCall>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct WireToolCall {
    id: Option<String>,
    index: Option<u32>,
    function: WireFunction,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct WireFunction {
    name: Option<String>,
    arguments: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct WireUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

impl Answer {
    fn error(&self, raw: &str) -> Option<Error> {
        self.error.as_ref().map(|e| e.to_error(raw))
    }

    fn chunk(self) -> LlmChunk {
        let choice = self.choices.into_iter().next().unwrap_or_default();
        let said = choice.delta.or(choice.message).unwrap_or_default();
        let tool_calls = said
            .tool_calls
            .into_iter()
            .map(|call| ToolCallDelta {
                index: call.index,
                id: call.id.filter(|id| !id.is_empty()),
                name: call.function.name.filter(|name| !name.is_empty()),
                arguments: call.function.arguments.unwrap_or_default(),
            })
            .collect();
        LlmChunk {
            content: said.content.unwrap_or_default(),
            tool_calls,
            finish_reason: choice.finish_reason.as_deref().and_then(|r| match r {
                // The moderation stopped the answer.
                "sensitive" => Some(FinishReason::ContentFilter),
                other => other.parse().ok(),
            }),
            usage: self
                .usage
                .map(|u| Usage::new(u.prompt_tokens, u.completion_tokens)),
            ..LlmChunk::default()
        }
    }
}

fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("Hunyuan's ChatCompletions as called here takes no {what}"),
    )
}

/// A tool as Hunyuan declares one (its parameters as JSON text).
fn wire_tool(tool: &Tool) -> Value {
    json!({"Type": "function", "Function": {
        "Name": tool.name,
        "Description": tool.description.as_deref().unwrap_or_default(),
        "Parameters": tool.parameters.to_string(),
    }})
}

fn wire_message(message: &Message) -> Result<Value> {
    if !message.is_text_only() {
        return Err(unsupported("images, audio or documents"));
    }
    let mut wire = Map::new();
    wire.insert("Role".into(), json!(message.role.as_str()));
    wire.insert("Content".into(), json!(message.text()));
    match message.role {
        Role::Assistant if !message.tool_calls.is_empty() => {
            let calls: Vec<Value> = message
                .tool_calls
                .iter()
                .map(|call| {
                    json!({"Id": call.id, "Type": "function",
                           "Function": {"Name": call.name, "Arguments": call.arguments}})
                })
                .collect();
            wire.insert("ToolCalls".into(), Value::Array(calls));
        }
        Role::Tool => {
            let id = message.tool_call_id.as_deref().ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidParams,
                    "a tool message needs the id of the call it answers",
                )
            })?;
            wire.insert("ToolCallId".into(), json!(id));
        }
        _ => {}
    }
    Ok(Value::Object(wire))
}

fn body(ctx: &CallContext<'_>, request: &LlmRequest, stream: bool) -> Result<Value> {
    let messages = request
        .messages
        .iter()
        .map(wire_message)
        .collect::<Result<Vec<_>>>()?;
    let mut body = Map::new();
    body.insert("Model".into(), json!(ctx.model.id));
    body.insert("Messages".into(), Value::Array(messages));
    body.insert("Stream".into(), json!(stream));
    if !request.tools.is_empty() {
        body.insert(
            "Tools".into(),
            request.tools.iter().map(wire_tool).collect(),
        );
    }
    match &request.tool_choice {
        None => {}
        Some(ToolChoice::Auto) => {
            body.insert("ToolChoice".into(), json!("auto"));
        }
        Some(ToolChoice::None) => {
            body.insert("ToolChoice".into(), json!("none"));
        }
        Some(ToolChoice::Function(name)) => {
            let tool = request
                .tools
                .iter()
                .find(|t| &t.name == name)
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidParams,
                        format!("the tool choice names `{name}`, which is not among the tools"),
                    )
                })?;
            body.insert("ToolChoice".into(), json!("custom"));
            body.insert("CustomTool".into(), wire_tool(tool));
        }
        Some(ToolChoice::Required) => {
            return Err(unsupported(
                "`required` tool choice (it takes none, auto or one named tool)",
            ))
        }
    }
    if !request.stop.is_empty() {
        body.insert("Stop".into(), json!(request.stop));
    }
    for (ours, theirs) in PARAMS {
        if let Some(value) = ctx.params.get(ours) {
            body.insert((*theirs).to_owned(), value.to_json());
        }
    }
    Ok(Value::Object(body))
}

/// The signed request and what usage is estimated from.
fn prepare(
    ctx: &CallContext<'_>,
    mut request: LlmRequest,
    stream: bool,
) -> Result<(HttpRequest, UsageBasis)> {
    let body = body(ctx, &request, stream).map_err(|e| e.in_call(ctx.provider.id, ctx.model.id))?;
    let http_request = signed_request(ctx, ACTION, &body)?;
    let basis = UsageBasis {
        model: ctx.model.id.to_owned(),
        prompt: std::mem::take(&mut request.messages),
        pricing: ctx.pricing(),
    };
    Ok((http_request, basis))
}

/// A whole answer.
pub async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    let (http_request, basis) = prepare(&ctx, request, false)?;
    let chunk = ctx
        .http_call(parse_error_body)
        .send_with(&http_request, |answer| {
            let raw = String::from_utf8_lossy(&answer.body);
            let answer = decode_json::<Envelope<Answer>>(&answer.body)?
                .response
                .unwrap_or_default();
            match answer.error(&raw) {
                Some(error) => Err(error),
                None => Ok(answer.chunk()),
            }
        })
        .await?;
    let reported = chunk.usage;
    let mut accumulator = StreamAccumulator::new();
    accumulator.push(&chunk);
    Ok(basis.finish(accumulator.finish(), reported, None))
}

/// Stream lines: `data: {...}` events, or the enveloped error in their place.
struct EventDecoder {
    ended: bool,
}

impl ChunkDecoder for EventDecoder {
    fn decode(&mut self, line: &str) -> Result<Option<LlmChunk>> {
        let Some((value, payload)) = line_payload::<Value>(line, "a Hunyuan answer")? else {
            return Ok(None);
        };
        let inner = value.get("Response").cloned().unwrap_or(value);
        let answer: Answer = serde_json::from_value(inner).unwrap_or_default();
        if let Some(error) = answer.error(payload) {
            return Err(error);
        }
        let chunk = answer.chunk();
        self.ended = chunk.finish_reason.is_some();
        Ok(Some(chunk))
    }

    fn is_complete(&self) -> bool {
        self.ended
    }
}

/// A streamed answer.
pub async fn stream(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmStream> {
    let (http_request, basis) = prepare(&ctx, request, true)?;
    let call = ctx.http_call(parse_error_body);
    let events = call
        .send_events(&http_request, Framing::Delimited("\n".to_owned()))
        .await?;
    let chunks = chunk_stream(
        events,
        EventDecoder { ended: false },
        call,
        &http_request,
        "an event with a FinishReason",
    );
    Ok(basis.finish_stream(chunks, None, None))
}
