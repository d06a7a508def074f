//! The ChatCompletions action: body, signed request, answers (whole and streamed), errors.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::tc3::Signing;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{decode_json, Body, HttpRequest, ProviderErrorBody};
use crate::llm::{
    LlmChunk, LlmRequest, LlmResponse, LlmStream, Role, StreamAccumulator, UsageBasis,
};
use crate::protocol::CallContext;
use crate::protocols::llm_events::{chunk_stream, line_payload, ChunkDecoder};
use crate::protocols::openai_compatible::config::Endpoint;
use crate::secret::Secret;
use crate::sse::Framing;
use crate::usage::Usage;

const SERVICE: &str = "hunyuan";
const ACTION: &str = "ChatCompletions";
const VERSION: &str = "2023-09-01";
/// The credentials of Dify's form.
const SECRET_ID: &str = "secret_id";
const SECRET_KEY: &str = "secret_key";

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
    message: Option<Text>,
    delta: Option<Text>,
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Text {
    content: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct WireUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct WireError {
    code: Option<String>,
    message: Option<String>,
}

/// `{"Response": {...}}`, the envelope of every API 3.0 answer.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Envelope {
    response: Option<Answer>,
}

/// The kind of a Tencent Cloud error code (API 3.0's common codes).
fn kind_of(code: &str) -> ErrorKind {
    let family = code.split('.').next().unwrap_or(code);
    match family {
        "AuthFailure" | "UnauthorizedOperation" => ErrorKind::Authorization,
        "RequestLimitExceeded" | "LimitExceeded" => ErrorKind::RateLimit,
        "InternalError" | "ResourceUnavailable" => ErrorKind::ServerUnavailable,
        _ if code.contains("ResourcePackExhausted") || code.contains("Arrears") => ErrorKind::Quota,
        _ => ErrorKind::BadRequest,
    }
}

impl Answer {
    fn error(&self, raw: &str) -> Option<Error> {
        let error = self.error.as_ref()?;
        let code = error.code.clone().unwrap_or_default();
        let message = error.message.clone().unwrap_or_else(|| raw.to_owned());
        Some(
            Error::new(kind_of(&code), message)
                .with_code(code)
                .with_body(raw),
        )
    }

    fn chunk(self) -> LlmChunk {
        let choice = self.choices.into_iter().next().unwrap_or_default();
        let text = choice.delta.or(choice.message).and_then(|t| t.content);
        LlmChunk {
            content: text.unwrap_or_default(),
            finish_reason: choice
                .finish_reason
                .as_deref()
                .and_then(|reason| reason.parse().ok()),
            usage: self
                .usage
                .map(|u| Usage::new(u.prompt_tokens, u.completion_tokens)),
            ..LlmChunk::default()
        }
    }
}

/// Errors sent with a non-2xx status (rare: API 3.0 answers errors with 200).
fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    let error = serde_json::from_str::<Envelope>(body)
        .ok()
        .and_then(|e| e.response)
        .and_then(|r| r.error)
        .unwrap_or_default();
    ProviderErrorBody {
        kind: error.code.as_deref().map(kind_of),
        message: error.message,
        code: error.code,
        retry_after: None,
    }
}

fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("Hunyuan's ChatCompletions as called here takes no {what}"),
    )
}

fn body(ctx: &CallContext<'_>, request: &LlmRequest, stream: bool) -> Result<Value> {
    if !request.tools.is_empty() {
        return Err(unsupported("tools"));
    }
    let mut messages = Vec::new();
    for message in &request.messages {
        if message.content.iter().any(|part| part.as_text().is_none()) {
            return Err(unsupported("images, audio or documents"));
        }
        let role = match message.role {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => return Err(unsupported("tool results")),
        };
        messages.push(json!({"Role": role, "Content": message.text()}));
    }
    let mut body = Map::new();
    body.insert("Model".into(), json!(ctx.model.id));
    body.insert("Messages".into(), Value::Array(messages));
    body.insert("Stream".into(), json!(stream));
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
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let secret = |variable: &str| {
        ctx.secret(variable).ok_or_else(|| {
            in_call(Error::new(
                ErrorKind::InvalidCredentials,
                format!("the `{variable}` credential is required to sign Hunyuan requests"),
            ))
        })
    };
    let (secret_id, secret_key) = (secret(SECRET_ID)?, secret(SECRET_KEY)?);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let body = body(ctx, &request, stream).map_err(in_call)?;
    let mut http_request = HttpRequest::post_json(format!("{}/", endpoint.base_url), &body)?;
    let host = endpoint
        .base_url
        .split_once("://")
        .map_or(endpoint.base_url.as_str(), |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (content_type, payload) = match &http_request.body {
        Body::Bytes {
            content_type,
            bytes,
        } => (content_type.clone(), bytes.clone()),
        _ => (String::new(), Vec::new()),
    };
    let signing = Signing {
        host: &host,
        content_type: &content_type,
        payload: &payload,
        service: SERVICE,
        timestamp,
    };
    let authorization = Secret::new(signing.authorization(secret_id.expose(), secret_key.expose()));
    http_request = http_request
        .secret_header("authorization", "", &authorization)?
        .header("x-tc-action", ACTION)?
        .header("x-tc-version", VERSION)?
        .header("x-tc-timestamp", &timestamp.to_string())?;
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
            let answer = decode_json::<Envelope>(&answer.body)?
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
