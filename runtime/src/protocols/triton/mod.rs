//! Triton Inference Server's generate extension: `POST {server}/v2/models/{model}/generate`
//! (one JSON answer) and `.../generate_stream` (Server-Sent Events), both taking
//! `{"text_input", "max_tokens", "parameters": {...}}` and answering
//! `{"model_name", "model_version", "text_output"}`; errors are `{"error": "message"}`, also
//! inside a stream whose status was already 200.
//!
//! The endpoint takes one text, so the conversation is flattened: `Role: text` lines in chat
//! mode (the `completion_type` credential of Dify's form, else the model's mode), the texts
//! alone in completion mode. Tools, images and stop sequences have no standard field and are
//! refused before sending. The server reports no usage, so usage is estimated. Its streams
//! carry no end marker: a stream ends when the server closes it, and a broken connection is
//! an error.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::catalog::LlmMode;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{decode_json, HttpRequest};
use crate::llm::{
    FinishReason, LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, Role, StreamAccumulator,
    UsageBasis,
};
use crate::protocol::{protocol_impl, CallContext};
use crate::protocols::azure_openai::url_safe;
use crate::protocols::llm_events::{chunk_stream, ChunkDecoder};
use crate::protocols::openai_compatible::config::Endpoint;
use crate::protocols::openai_compatible::encode::completion_prompt;
use crate::protocols::openai_compatible::parse_error_body;
use crate::sse::Framing;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::TRITON;

/// The output limit when the parameters give none (what Dify sends).
const DEFAULT_MAX_TOKENS: u64 = 512;

/// Sampling parameters passed under `parameters` when given.
const SAMPLING: &[&str] = &[
    "temperature",
    "top_p",
    "top_k",
    "presence_penalty",
    "frequency_penalty",
];

/// The Triton protocol (stateless; use [`TRITON`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Triton;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static TRITON: Triton = Triton;

protocol_impl! {
    impl LlmProtocol for Triton {
        fn invoke(self, ctx, request) => invoke(ctx, request);
        fn stream(self, ctx, request) => stream(ctx, request);
        fn validate_credentials(self, ctx) => async move {
            let request = LlmRequest::new(vec![Message::user("ping")]);
            invoke(ctx, request).await.map(drop)
        };
    }
}

/// One answer of `generate`, or one event of `generate_stream`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Generated {
    model_name: Option<String>,
    text_output: Option<String>,
    error: Option<Value>,
}

impl Generated {
    fn chunk(self, raw: &str) -> Result<LlmChunk> {
        if let Some(error) = self.error {
            let message = match error {
                Value::String(text) => text,
                other => other.to_string(),
            };
            // Reported after a 200 status: the server failed while generating.
            return Err(Error::new(ErrorKind::ServerUnavailable, message).with_body(raw));
        }
        Ok(LlmChunk {
            model: self.model_name,
            content: self.text_output.unwrap_or_default(),
            ..LlmChunk::default()
        })
    }
}

struct EventDecoder;

impl ChunkDecoder for EventDecoder {
    fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        let event: Generated = serde_json::from_str(data).map_err(|e| {
            Error::new(
                ErrorKind::InvalidResponse,
                format!("a stream event is not a generate response: {e}"),
            )
            .with_body(data)
        })?;
        event.chunk(data).map(Some)
    }

    /// There is no end marker: the server closing the stream ends it.
    fn is_complete(&self) -> bool {
        true
    }
}

fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("Triton's generate endpoint takes one text: {what} cannot be sent"),
    )
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::System => "System",
        Role::User => "User",
        Role::Assistant => "Assistant",
        Role::Tool => "Tool",
    }
}

/// The one text sent: `Role: text` lines in chat mode, the texts alone in completion mode.
fn text_input(ctx: &CallContext<'_>, request: &LlmRequest) -> Result<String> {
    if !request.tools.is_empty() {
        return Err(unsupported("tools"));
    }
    if !request.stop.is_empty() {
        return Err(unsupported("stop sequences"));
    }
    if request
        .messages
        .iter()
        .any(|m| m.content.iter().any(|part| part.as_text().is_none()))
    {
        return Err(unsupported("images, audio or documents"));
    }
    let chat = match ctx.credential("completion_type") {
        Some(kind) => kind != "completion",
        None => ctx.llm_mode() == LlmMode::Chat,
    };
    if !chat {
        return Ok(completion_prompt(&request.messages));
    }
    let lines: Vec<String> = request
        .messages
        .iter()
        .map(|m| format!("{}: {}", role_label(m.role), m.text()))
        .collect();
    Ok(lines.join("\n"))
}

fn body(ctx: &CallContext<'_>, request: &LlmRequest, stream: bool) -> Result<Value> {
    let mut parameters = Map::new();
    parameters.insert("stream".into(), json!(stream));
    for name in SAMPLING {
        if let Some(value) = ctx.params.get(name) {
            parameters.insert((*name).to_owned(), value.to_json());
        }
    }
    let max_tokens = ctx
        .params
        .get("max_tokens")
        .map_or(json!(DEFAULT_MAX_TOKENS), |v| v.to_json());
    Ok(json!({
        "text_input": text_input(ctx, request)?,
        "max_tokens": max_tokens,
        "parameters": parameters,
    }))
}

/// The request to `generate` or `generate_stream`, and what usage is estimated from.
fn prepare(
    ctx: &CallContext<'_>,
    mut request: LlmRequest,
    stream: bool,
) -> Result<(HttpRequest, UsageBasis)> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    if stream && ctx.credential("stream") == Some("false") {
        return Err(in_call(Error::new(
            ErrorKind::Unsupported,
            "the model is configured without streaming (`stream` is false)",
        )));
    }
    let model = ctx.model.id;
    if !url_safe(model) {
        return Err(in_call(Error::new(
            ErrorKind::BadRequest,
            format!("`{model}` is not a Triton model name (letters, digits, `-`, `_`, `.`)"),
        )));
    }
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let operation = if stream {
        "generate_stream"
    } else {
        "generate"
    };
    let url = endpoint.url(&format!("v2/models/{model}/{operation}"));
    let body = body(ctx, &request, stream).map_err(in_call)?;
    let http_request = endpoint
        .request(HttpRequest::post_json(url, &body)?)
        .map_err(in_call)?;
    let basis = UsageBasis {
        model: model.to_owned(),
        prompt: std::mem::take(&mut request.messages),
        pricing: ctx.pricing(),
    };
    Ok((http_request, basis))
}

async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    let (http_request, basis) = prepare(&ctx, request, false)?;
    let mut chunk = ctx
        .http_call(parse_error_body)
        .send_with(&http_request, |answer| {
            let raw = String::from_utf8_lossy(&answer.body);
            decode_json::<Generated>(&answer.body)?.chunk(&raw)
        })
        .await?;
    chunk.finish_reason = Some(FinishReason::Stop);
    let mut accumulator = StreamAccumulator::new();
    accumulator.push(&chunk);
    Ok(basis.finish(accumulator.finish(), None, None))
}

async fn stream(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmStream> {
    let (http_request, basis) = prepare(&ctx, request, true)?;
    let call = ctx.http_call(parse_error_body);
    let events = call.send_events(&http_request, Framing::Sse).await?;
    let chunks = chunk_stream(events, EventDecoder, call, &http_request, "its end");
    Ok(basis.finish_stream(chunks, None, None))
}
