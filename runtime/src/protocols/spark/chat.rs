//! The chat exchange: the request frame, the answer frames (whole and streamed), errors.

use futures::StreamExt;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{signing, socket};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{ProviderErrorBody, Secrets};
use crate::llm::{
    FinishReason, LlmChunk, LlmRequest, LlmResponse, LlmStream, Role, StreamAccumulator, UsageBasis,
};
use crate::protocol::CallContext;
use crate::protocols::llm_events::{chunk_stream_scrubbed, ChunkDecoder};
use crate::protocols::openai_compatible::config::Endpoint;
use crate::usage::Usage;

/// Each model's path under the base URL and its `domain`, as iFlytek's WebSocket API
/// reference lists them (the retired V1.5 and V3 ids of Dify's tree go to the endpoints
/// their versions were served on).
pub const ENDPOINTS: &[(&str, &str, &str)] = &[
    ("spark-lite", "v1.1/chat", "lite"),
    ("spark-pro", "v3.1/chat", "generalv3"),
    ("spark-pro-128k", "chat/pro-128k", "pro-128k"),
    ("spark-max", "v3.5/chat", "generalv3.5"),
    ("spark-max-32k", "chat/max-32k", "max-32k"),
    ("spark-4.0-ultra", "v4.0/chat", "4.0Ultra"),
    ("spark-1.5", "v1.1/chat", "general"),
    ("spark-3", "v3.1/chat", "generalv3"),
    ("spark-3.5", "v3.5/chat", "generalv3.5"),
];

/// The credentials of Dify's form besides the API key.
const APP_ID: &str = "app_id";
const API_SECRET: &str = "api_secret";
/// Parameters sent under `parameter.chat` when the model's rules give them.
const PARAMS: &[&str] = &["temperature", "max_tokens", "top_k"];
/// The longest `uid` the API takes.
const MAX_UID_CHARS: usize = 32;

/// One answer frame, or an error in its place.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Frame {
    header: Header,
    payload: Option<Payload>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Header {
    code: i64,
    message: Option<String>,
    /// 2 on the last frame.
    status: Option<u8>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Payload {
    choices: Option<Choices>,
    usage: Option<WireUsage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Choices {
    text: Vec<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Text {
    content: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireUsage {
    text: Option<Counts>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Counts {
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// The kind of a Spark error code (iFlytek's error code table).
fn kind_of(code: i64) -> ErrorKind {
    match code {
        10013 | 10014 | 10019 => ErrorKind::ContentFiltered,
        10907 => ErrorKind::ContextWindowExceeded,
        11200 => ErrorKind::Authorization,
        11201 => ErrorKind::Quota,
        11202 | 11203 => ErrorKind::RateLimit,
        10000..=10012 | 10110 => ErrorKind::ServerUnavailable,
        _ => ErrorKind::BadRequest,
    }
}

impl Frame {
    fn error(&self, raw: &str) -> Option<Error> {
        let code = self.header.code;
        if code == 0 {
            return None;
        }
        Some(Error::from_code(
            kind_of(code),
            code,
            self.header.message.as_deref(),
            raw,
        ))
    }

    fn is_last(&self) -> bool {
        self.header.status == Some(2)
    }

    fn chunk(self) -> LlmChunk {
        let last = self.is_last();
        let payload = self.payload.unwrap_or_default();
        let content = payload
            .choices
            .map(|c| c.text.into_iter().map(|t| t.content).collect())
            .unwrap_or_default();
        LlmChunk {
            content,
            finish_reason: last.then_some(FinishReason::Stop),
            usage: payload
                .usage
                .and_then(|u| u.text)
                .map(|c| Usage::new(c.prompt_tokens, c.completion_tokens)),
            ..LlmChunk::default()
        }
    }
}

/// Frames: answers until the one with `header.status` 2; an error frame ends the exchange.
struct FrameDecoder {
    ended: bool,
}

impl ChunkDecoder for FrameDecoder {
    fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        let frame: Frame = serde_json::from_str(data).map_err(|e| {
            Error::new(
                ErrorKind::InvalidResponse,
                format!("a frame is not a Spark answer: {e}"),
            )
            .with_body(data)
        })?;
        if let Some(error) = frame.error(data) {
            return Err(error);
        }
        self.ended = frame.is_last();
        Ok(Some(frame.chunk()))
    }

    fn is_complete(&self) -> bool {
        self.ended
    }
}

fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("Spark's WebSocket chat API takes no {what}"),
    )
}

fn frame(ctx: &CallContext<'_>, app_id: &str, domain: &str, request: &LlmRequest) -> Result<Value> {
    if !request.tools.is_empty() {
        return Err(unsupported(
            "tools (iFlytek serves function calling on its HTTP API only)",
        ));
    }
    if !request.stop.is_empty() {
        return Err(unsupported("stop sequences"));
    }
    let mut text = Vec::new();
    for message in &request.messages {
        if !message.is_text_only() {
            return Err(unsupported("images, audio or documents"));
        }
        let role = match message.role {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => return Err(unsupported("tool results")),
        };
        text.push(json!({"role": role, "content": message.text()}));
    }
    let mut chat = Map::new();
    chat.insert("domain".into(), json!(domain));
    for name in PARAMS {
        if let Some(value) = ctx.params.get(name) {
            chat.insert((*name).to_owned(), value.to_json());
        }
    }
    let mut header = Map::new();
    header.insert("app_id".into(), json!(app_id));
    if let Some(user) = &request.user {
        header.insert(
            "uid".into(),
            json!(user.chars().take(MAX_UID_CHARS).collect::<String>()),
        );
    }
    Ok(json!({
        "header": header,
        "parameter": {"chat": chat},
        "payload": {"message": {"text": text}},
    }))
}

/// The socket's answer frames as chunks, and what usage is estimated from.
async fn open(ctx: &CallContext<'_>, mut request: LlmRequest) -> Result<(LlmStream, UsageBasis)> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let missing = |variable: &str| {
        in_call(Error::new(
            ErrorKind::InvalidCredentials,
            format!("the `{variable}` credential is required to sign Spark requests"),
        ))
    };
    let model = ctx.model.id;
    let (_, path, domain) = ENDPOINTS
        .iter()
        .find(|(id, _, _)| *id == model)
        .ok_or_else(|| {
            in_call(Error::new(
                ErrorKind::ModelNotFound,
                format!("iFlytek documents no WebSocket endpoint for `{model}`"),
            ))
        })?;
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let key_variable = ctx.provider.extra("api_key_variable").unwrap_or("api_key");
    let api_key = endpoint.api_key.ok_or_else(|| missing(key_variable))?;
    let api_secret = ctx.secret(API_SECRET).ok_or_else(|| missing(API_SECRET))?;
    let app_id = ctx.credential(APP_ID).ok_or_else(|| missing(APP_ID))?;
    let frame = frame(ctx, app_id, domain, &request).map_err(in_call)?;
    // `https://host` → `wss://host`, `http://` → `ws://`.
    let socket_url = format!("ws{}/{path}", &endpoint.base_url[4..]);
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let signed = signing::sign(&socket_url, api_key.expose(), api_secret.expose(), &date)
        .map_err(in_call)?;
    let secrets = Secrets::new(vec![
        api_key.expose().to_owned(),
        api_secret.expose().to_owned(),
        signed.authorization,
    ]);
    let call = ctx.http_call(no_http_errors);
    let events = match socket::exchange(&signed.url, frame.to_string(), ctx.http).await {
        Ok(events) => events,
        Err(error) => return Err(call.scrub(error, &secrets)),
    };
    let chunks = chunk_stream_scrubbed(
        events,
        FrameDecoder { ended: false },
        call,
        secrets,
        "the frame with header.status 2",
    );
    // The exchange ends with the last frame: the client closes, as iFlytek's demos do, so
    // nothing after it is read (a server may drop the connection without a close frame).
    let chunks = chunks.scan(false, |ended, item| {
        let next = (!*ended).then(|| {
            *ended = item.as_ref().is_ok_and(|c| c.finish_reason.is_some());
            item
        });
        std::future::ready(next)
    });
    let basis = UsageBasis {
        model: model.to_owned(),
        prompt: std::mem::take(&mut request.messages),
        pricing: ctx.pricing(),
    };
    Ok((Box::pin(chunks), basis))
}

/// The exchange is no HTTP call: the handshake's errors are read in [`socket`].
fn no_http_errors(_status: u16, _body: &str) -> ProviderErrorBody {
    ProviderErrorBody::default()
}

/// A whole answer: the frames added up.
pub async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    let (mut chunks, basis) = open(&ctx, request).await?;
    let mut accumulator = StreamAccumulator::new();
    let mut reported = None;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        reported = chunk.usage.or(reported);
        accumulator.push(&chunk);
    }
    Ok(basis.finish(accumulator.finish(), reported, None))
}

/// A streamed answer.
pub async fn stream(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmStream> {
    let (chunks, basis) = open(&ctx, request).await?;
    Ok(basis.finish_stream(chunks, None, None))
}
