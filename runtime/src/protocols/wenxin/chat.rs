//! The ERNIE chat endpoint: body, answers (whole and streamed) and errors.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::workshop::{parse_error_body, Failure, Session};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{decode_json, HttpCall, HttpRequest};
use crate::llm::{
    FinishReason, LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, ResponseFormat, Role,
    StreamAccumulator, ToolCallDelta, ToolChoice, UsageBasis,
};
use crate::protocol::CallContext;
use crate::protocols::llm_events::{chunk_stream, line_payload, ChunkDecoder};
use crate::sse::Framing;
use crate::usage::Usage;

/// Baidu's endpoint name of each model of Dify's `wenxin` tree whose name differs from its
/// model id (Dify's table, which follows Baidu's API reference).
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("ernie-bot", "ernie-3.5-4k-0205"),
    ("ernie-bot-4", "completions_pro"),
    ("ernie-bot-8k", "completions"),
    ("ernie-bot-turbo", "eb-instant"),
    ("ernie-3.5-8k", "completions"),
    ("ernie-4.0-8k", "completions_pro"),
    ("ernie-4.0-8k-latest", "completions_pro"),
    ("ernie-speed-8k", "ernie_speed"),
    ("ernie-speed-appbuilder", "ai_apaas"),
    ("ernie-lite-8k-0922", "eb-instant"),
    ("ernie-lite-8k-0308", "ernie-lite-8k"),
    ("ernie-character-8k", "ernie-char-8k"),
    ("ernie-character-8k-0321", "ernie-char-8k"),
];

/// Parameters sent under their own names when the model's rules give them.
const SAME_NAME: &[&str] = &["temperature", "top_p", "disable_search"];

/// One answer, one stream event, or an error in their place.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Answer {
    result: Option<String>,
    function_call: Option<FunctionCall>,
    is_end: Option<bool>,
    finish_reason: Option<String>,
    usage: Option<WireUsage>,
    #[serde(flatten)]
    failure: Failure,
}

/// The function the model calls (ERNIE calls at most one per turn).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FunctionCall {
    name: String,
    arguments: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

impl Answer {
    fn error(&self, raw: &str) -> Option<Error> {
        self.failure.error(raw)
    }

    fn chunk(self) -> LlmChunk {
        let tool_calls = self
            .function_call
            .map(|call| ToolCallDelta {
                index: Some(0),
                id: None,
                name: Some(call.name),
                arguments: call.arguments,
            })
            .into_iter()
            .collect();
        LlmChunk {
            content: self.result.unwrap_or_default(),
            tool_calls,
            finish_reason: self.finish_reason.as_deref().map(|r| match r {
                "normal" => FinishReason::Stop,
                "function_call" => FinishReason::ToolCalls,
                other => other
                    .parse()
                    .ok()
                    .unwrap_or_else(|| FinishReason::Other(other.to_owned())),
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
        format!("the ERNIE chat API as called here takes no {what}"),
    )
}

/// The name of the function whose call `message` (a tool result) answers: the message's own
/// name, else that of the earlier call with its id.
fn answered_function<'r>(request: &'r LlmRequest, message: &'r Message) -> Result<&'r str> {
    if let Some(name) = &message.name {
        return Ok(name);
    }
    let id = message.tool_call_id.as_deref().unwrap_or_default();
    request
        .messages
        .iter()
        .flat_map(|m| &m.tool_calls)
        .find(|call| call.id == id)
        .map(|call| call.name.as_str())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidParams,
                format!("the tool result for `{id}` answers no earlier function call"),
            )
        })
}

/// One turn: `function_call` on the assistant's, `name` on a function result's.
fn turn(request: &LlmRequest, message: &Message) -> Result<Value> {
    let content = message.text();
    match message.role {
        Role::User => Ok(json!({"role": "user", "content": content})),
        Role::Assistant => match message.tool_calls.as_slice() {
            [] => Ok(json!({"role": "assistant", "content": content})),
            [call] => Ok(json!({"role": "assistant", "content": content,
                                "function_call": {"name": call.name, "arguments": call.arguments}})),
            _ => Err(unsupported("more than one function call in a turn")),
        },
        Role::Tool => Ok(
            json!({"role": "function", "name": answered_function(request, message)?,
                                "content": content}),
        ),
        Role::System => Err(Error::new(
            ErrorKind::InvalidParams,
            "system messages go to ERNIE's `system` field, not among the turns",
        )),
    }
}

/// `functions` and `tool_choice`, when the request has tools the model may call.
fn functions(request: &LlmRequest, body: &mut Map<String, Value>) -> Result<()> {
    if request.tools.is_empty() || request.tool_choice == Some(ToolChoice::None) {
        return Ok(());
    }
    let functions: Vec<Value> = request
        .tools
        .iter()
        .map(|tool| {
            json!({"name": tool.name, "description": tool.description.as_deref().unwrap_or_default(),
                   "parameters": tool.parameters})
        })
        .collect();
    body.insert("functions".into(), Value::Array(functions));
    match &request.tool_choice {
        None | Some(ToolChoice::Auto | ToolChoice::None) => {}
        Some(ToolChoice::Function(name)) => {
            body.insert(
                "tool_choice".into(),
                json!({"type": "function", "function": {"name": name}}),
            );
        }
        Some(ToolChoice::Required) => {
            return Err(unsupported(
                "`required` tool choice (only a named function)",
            ))
        }
    }
    Ok(())
}

/// The body: system messages in `system`, the turns (user first, alternating, a function's
/// result in the user's place) in `messages`.
fn body(ctx: &CallContext<'_>, request: &LlmRequest, stream: bool) -> Result<Value> {
    let mut system = Vec::new();
    let mut messages = Vec::new();
    for message in &request.messages {
        if !message.is_text_only() {
            return Err(unsupported("images, audio or documents"));
        }
        if message.role == Role::System {
            system.push(message.text());
        } else {
            messages.push(turn(request, message)?);
        }
    }
    if messages.len() % 2 == 0 || messages.first().map(|m| &m["role"]) != Some(&json!("user")) {
        return Err(Error::new(
            ErrorKind::BadRequest,
            "ERNIE takes an odd number of turns, alternating and starting with a user message",
        ));
    }
    let mut body = Map::new();
    body.insert("messages".into(), Value::Array(messages));
    body.insert("stream".into(), json!(stream));
    functions(request, &mut body)?;
    if !system.is_empty() {
        body.insert("system".into(), json!(system.join("\n")));
    }
    if !request.stop.is_empty() {
        body.insert("stop".into(), json!(request.stop));
    }
    if let Some(user) = &request.user {
        body.insert("user_id".into(), json!(user));
    }
    let params = ctx.params;
    for name in SAME_NAME {
        if let Some(value) = params.get(name) {
            body.insert((*name).to_owned(), value.to_json());
        }
    }
    if let Some(value) = params.get("max_tokens") {
        body.insert("max_output_tokens".into(), value.to_json());
    }
    if let Some(value) = params.get("presence_penalty") {
        body.insert("penalty_score".into(), value.to_json());
    }
    if matches!(request.response_format, Some(ResponseFormat::JsonObject)) {
        body.insert("response_format".into(), json!("json_object"));
    } else if let Some(value) = params.get("response_format") {
        body.insert("response_format".into(), value.to_json());
    }
    Ok(Value::Object(body))
}

struct Prepared<'a> {
    call: HttpCall,
    http_request: HttpRequest,
    basis: UsageBasis,
    session: Session<'a>,
}

async fn prepare<'a>(
    ctx: &CallContext<'a>,
    mut request: LlmRequest,
    stream: bool,
) -> Result<Prepared<'a>> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let body = body(ctx, &request, stream).map_err(in_call)?;
    let session = Session::open(ctx).await?;
    let model = ctx.model.id;
    let name = ENDPOINTS
        .iter()
        .find(|(id, _)| *id == model)
        .map_or(model, |(_, name)| name);
    let http_request = HttpRequest::post_json(session.url("chat", name), &body).map_err(in_call)?;
    let basis = UsageBasis {
        model: model.to_owned(),
        prompt: std::mem::take(&mut request.messages),
        pricing: ctx.pricing(),
    };
    Ok(Prepared {
        call: ctx.http_call(parse_error_body),
        http_request,
        basis,
        session,
    })
}

/// A whole answer.
pub async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    let prepared = prepare(&ctx, request, false).await?;
    let answer = prepared
        .call
        .send_with(&prepared.http_request, |answer| {
            let raw = String::from_utf8_lossy(&answer.body);
            let decoded: Answer = decode_json(&answer.body)?;
            match decoded.error(&raw) {
                Some(error) => Err(error),
                None => Ok(decoded.chunk()),
            }
        })
        .await;
    let chunk = match answer {
        Ok(chunk) => chunk,
        Err(error) => return Err(prepared.session.scrub(error).await),
    };
    let reported = chunk.usage;
    let mut accumulator = StreamAccumulator::new();
    accumulator.push(&chunk);
    Ok(prepared.basis.finish(accumulator.finish(), reported, None))
}

/// Stream events: `data: {...}` lines, the last with `is_end: true`; an error comes as a bare
/// JSON line instead.
struct EventDecoder {
    ended: bool,
}

impl ChunkDecoder for EventDecoder {
    fn decode(&mut self, line: &str) -> Result<Option<LlmChunk>> {
        let Some((answer, payload)) = line_payload::<Answer>(line, "an ERNIE answer")? else {
            return Ok(None);
        };
        if let Some(error) = answer.error(payload) {
            return Err(error);
        }
        self.ended = answer.is_end == Some(true);
        Ok(Some(answer.chunk()))
    }

    fn is_complete(&self) -> bool {
        self.ended
    }
}

/// A streamed answer.
pub async fn stream(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmStream> {
    let prepared = prepare(&ctx, request, true).await?;
    let events = prepared
        .call
        .send_events(&prepared.http_request, Framing::Delimited("\n".to_owned()))
        .await;
    let events = match events {
        Ok(events) => events,
        Err(error) => return Err(prepared.session.scrub(error).await),
    };
    let Prepared {
        call,
        http_request,
        basis,
        ..
    } = prepared;
    let chunks = chunk_stream(
        events,
        EventDecoder { ended: false },
        call,
        &http_request,
        "the event with `is_end`",
    );
    Ok(basis.finish_stream(chunks, None, None))
}
