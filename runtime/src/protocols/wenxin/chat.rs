//! The ERNIE chat endpoint: body, answers (whole and streamed) and errors.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::auth::{self, Keys};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{decode_json, percent_encode, HttpCall, HttpRequest, ProviderErrorBody};
use crate::llm::{
    FinishReason, LlmChunk, LlmRequest, LlmResponse, LlmStream, ResponseFormat, Role,
    StreamAccumulator, UsageBasis,
};
use crate::protocol::CallContext;
use crate::protocols::llm_events::{chunk_stream, line_payload, ChunkDecoder};
use crate::protocols::openai_compatible::config::Endpoint;
use crate::secret::Secret;
use crate::sse::Framing;
use crate::usage::Usage;

/// Where chat endpoints live under the base URL.
const CHAT_PATH: &str = "rpc/2.0/ai_custom/v1/wenxinworkshop/chat";
/// Where tokens are exchanged under the base URL.
const TOKEN_PATH: &str = "oauth/2.0/token";
/// The credential holding the secret key (Dify's name).
const SECRET_KEY: &str = "secret_key";

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
    is_end: Option<bool>,
    finish_reason: Option<String>,
    usage: Option<WireUsage>,
    error_code: Option<i64>,
    error_msg: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// The kind of an ERNIE error code (Baidu's error code table).
fn kind_of(code: i64) -> ErrorKind {
    match code {
        6 | 13 | 14 | 15 | 100 | 110 | 111 => ErrorKind::Authorization,
        4 | 17 | 18 | 19 | 336_501 | 336_502 => ErrorKind::RateLimit,
        1 | 2 | 336_000 | 336_100 => ErrorKind::ServerUnavailable,
        _ => ErrorKind::BadRequest,
    }
}

/// Whether the code says the access token is no longer valid (110 invalid, 111 expired).
fn token_rejected(code: i64) -> bool {
    matches!(code, 110 | 111)
}

impl Answer {
    fn error(&self, raw: &str) -> Option<Error> {
        let code = self.error_code?;
        let message = self.error_msg.clone().unwrap_or_else(|| raw.to_owned());
        Some(
            Error::new(kind_of(code), message)
                .with_code(code.to_string())
                .with_body(raw),
        )
    }

    fn chunk(self) -> LlmChunk {
        LlmChunk {
            content: self.result.unwrap_or_default(),
            finish_reason: self.finish_reason.as_deref().map(|r| match r {
                "normal" => FinishReason::Stop,
                other => other
                    .parse()
                    .unwrap_or_else(|_| FinishReason::Other(other.to_owned())),
            }),
            usage: self
                .usage
                .map(|u| Usage::new(u.prompt_tokens, u.completion_tokens)),
            ..LlmChunk::default()
        }
    }
}

/// Errors of the chat endpoint with a non-2xx status (rare: errors usually come with 200).
fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    let answer: Answer = serde_json::from_str(body).unwrap_or_default();
    ProviderErrorBody {
        message: answer.error_msg,
        code: answer.error_code.map(|c| c.to_string()),
        kind: answer.error_code.map(kind_of),
        retry_after: None,
    }
}

fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("the ERNIE chat API as called here takes no {what}"),
    )
}

/// The body: system messages in `system`, the turns (user first, alternating) in `messages`.
fn body(ctx: &CallContext<'_>, request: &LlmRequest, stream: bool) -> Result<Value> {
    if !request.tools.is_empty() {
        return Err(unsupported("tools"));
    }
    let mut system = Vec::new();
    let mut messages = Vec::new();
    for message in &request.messages {
        if message.content.iter().any(|part| part.as_text().is_none()) {
            return Err(unsupported("images, audio or documents"));
        }
        let role = match message.role {
            Role::System => {
                system.push(message.text());
                continue;
            }
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => return Err(unsupported("tool results")),
        };
        messages.push(json!({"role": role, "content": message.text()}));
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
    keys: Keys<'a>,
    token: Secret,
}

async fn prepare<'a>(
    ctx: &CallContext<'a>,
    mut request: LlmRequest,
    stream: bool,
) -> Result<Prepared<'a>> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let missing = |variable: &str| {
        in_call(Error::new(
            ErrorKind::InvalidCredentials,
            format!("the `{variable}` credential is required to get an ERNIE access token"),
        ))
    };
    let key_variable = ctx.provider.extra("api_key_variable").unwrap_or("api_key");
    let keys = Keys {
        token_url: format!("{}/{TOKEN_PATH}", endpoint.base_url),
        api_key: endpoint.api_key.ok_or_else(|| missing(key_variable))?,
        secret_key: ctx.secret(SECRET_KEY).ok_or_else(|| missing(SECRET_KEY))?,
    };
    let body = body(ctx, &request, stream).map_err(in_call)?;
    let token = auth::access_token(ctx, &keys).await?;
    let model = ctx.model.id;
    let name = ENDPOINTS
        .iter()
        .find(|(id, _)| *id == model)
        .map_or(model, |(_, name)| name);
    let url = format!(
        "{}/{CHAT_PATH}/{}?access_token={}",
        endpoint.base_url,
        percent_encode(name),
        percent_encode(token.expose())
    );
    let http_request = HttpRequest::post_json(url, &body).map_err(in_call)?;
    let basis = UsageBasis {
        model: model.to_owned(),
        prompt: std::mem::take(&mut request.messages),
        pricing: ctx.pricing(),
    };
    Ok(Prepared {
        call: ctx.http_call(parse_error_body),
        http_request,
        basis,
        keys,
        token,
    })
}

impl Prepared<'_> {
    /// `error` with the keys and token redacted (the token travels in the URL's query, which
    /// the HTTP layer's redaction does not see); a rejected token is forgotten.
    async fn scrub(&self, error: Error) -> Error {
        if error
            .code()
            .and_then(|c| c.parse().ok())
            .is_some_and(token_rejected)
        {
            auth::forget(&self.keys).await;
        }
        error.redact(&[
            self.token.expose(),
            self.keys.api_key.expose(),
            self.keys.secret_key.expose(),
        ])
    }
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
        Err(error) => return Err(prepared.scrub(error).await),
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
        Err(error) => return Err(prepared.scrub(error).await),
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
