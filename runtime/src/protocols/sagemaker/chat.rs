//! LLM endpoints: Dify's OpenAI-style chat body, answered with a chat completion, whole or as
//! `data:` events inside the response stream's payload parts.

use serde_json::{json, Value};

use super::endpoint::Invocation;
use super::error::parse_error_body;
use super::payload;
use crate::error::{Error, Result};
use crate::http::HttpRequest;
use crate::llm::{
    LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, ResponseFormat, UsageBasis,
};
use crate::params::ValidatedParams;
use crate::protocol::CallContext;
use crate::protocols::llm_events::{chunk_stream, ChunkDecoder};
use crate::protocols::openai_compatible::chat::reported_error;
use crate::protocols::openai_compatible::config::LlmSettings;
use crate::protocols::openai_compatible::decode::{
    chunk_from_wire, response_from_wire, Completion,
};
use crate::protocols::openai_compatible::encode::llm_body;

/// What Dify sends when the call does not say.
fn defaults() -> [(&'static str, Value); 3] {
    [
        ("max_tokens", json!(2048)),
        ("temperature", json!(0.1)),
        ("top_p", json!(0.9)),
    ]
}

/// Output tokens asked for by a credential check.
const PROBE_TOKENS: u32 = 5;

/// What a stream must end with.
const END_MARKER: &str = "a finish reason or [DONE]";

struct Prepared<'a> {
    invocation: Invocation<'a>,
    http_request: HttpRequest,
    format: Option<ResponseFormat>,
    basis: UsageBasis,
}

/// The body: the OpenAI chat body without `model` (the endpoint serves one model) and
/// without stream options, with Dify's defaults for the sampling fields.
fn body(
    ctx: &CallContext<'_>,
    request: &LlmRequest,
    format: Option<&ResponseFormat>,
    stream: bool,
) -> Result<Value> {
    let settings = LlmSettings::resolve(ctx);
    let mut body = llm_body(request, format, ctx.params, &settings, false)?;
    if let Value::Object(fields) = &mut body {
        fields.remove("model");
        for (field, value) in defaults() {
            fields.entry(field).or_insert(value);
        }
        fields.insert("stream".into(), json!(stream));
    }
    Ok(body)
}

fn prepare<'a>(
    ctx: &CallContext<'a>,
    mut request: LlmRequest,
    stream: bool,
    max_tokens: Option<u32>,
) -> Result<Prepared<'a>> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let format = match request.response_format.take() {
        Some(format) => Some(format),
        None => ResponseFormat::from_params(ctx.params).map_err(in_call)?,
    };
    if let Some(ResponseFormat::CodeBlock(language)) = &format {
        language.apply(&mut request);
    }
    let invocation = Invocation::resolve(ctx)?;
    let mut body = body(ctx, &request, format.as_ref(), stream).map_err(in_call)?;
    if let Some(limit) = max_tokens {
        body["max_tokens"] = json!(limit);
    }
    let http_request = invocation.post(&body, stream).map_err(in_call)?;
    Ok(Prepared {
        invocation,
        http_request,
        format,
        basis: UsageBasis {
            model: ctx.model.id.to_owned(),
            prompt: std::mem::take(&mut request.messages),
            pricing: ctx.pricing(),
        },
    })
}

async fn complete(ctx: &CallContext<'_>, prepared: Prepared<'_>) -> Result<LlmResponse> {
    let Prepared {
        invocation,
        http_request,
        format,
        basis,
    } = prepared;
    let (mut response, usage) = ctx
        .http_call(parse_error_body)
        .send_with(&http_request, |answer| {
            let mut completion = Completion::default();
            completion.read(&answer.body)?;
            match &completion.error {
                Some(error) => Err(reported_error(
                    error,
                    &String::from_utf8_lossy(&answer.body),
                )),
                None => Ok(response_from_wire(completion)),
            }
        })
        .await
        .map_err(|e| invocation.finish_error(e))?;
    if response.model.is_empty() {
        response.model = ctx.model.id.to_owned();
    }
    Ok(basis.finish(response, usage, format.as_ref()))
}

/// A whole answer.
pub async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    let prepared = prepare(&ctx, request, false, None)?;
    complete(&ctx, prepared).await
}

/// Chat-completion chunks, one per `data:` event, up to a finish reason or `[DONE]`.
#[derive(Default)]
struct ChunkEvents {
    ended: bool,
    named_model: bool,
}

impl ChunkDecoder for ChunkEvents {
    fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        if data.trim() == "[DONE]" {
            self.ended = true;
            return Ok(None);
        }
        let mut completion = Completion::default();
        completion.read(data.as_bytes())?;
        if let Some(error) = &completion.error {
            return Err(reported_error(error, data));
        }
        let chunk = chunk_from_wire(&mut completion, !self.named_model);
        self.named_model |= chunk.model.is_some();
        self.ended |= chunk.finish_reason.is_some();
        Ok(Some(chunk))
    }

    fn is_complete(&self) -> bool {
        self.ended
    }
}

/// A streamed answer.
pub async fn stream(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmStream> {
    let Prepared {
        invocation,
        http_request,
        format,
        basis,
    } = prepare(&ctx, request, true, None)?;
    let call = ctx.http_call(parse_error_body);
    let body = call
        .send_bytes(&http_request)
        .await
        .map_err(|e| invocation.finish_error(e))?;
    let chunks = chunk_stream(
        payload::events(body, ctx.http.max_event_bytes),
        ChunkEvents::default(),
        call,
        &http_request,
        END_MARKER,
    );
    Ok(basis.finish_stream(chunks, format.as_ref(), None))
}

/// A minimal real call: a five-token answer to "ping", without the call's parameters.
pub async fn validate_credentials(ctx: CallContext<'_>) -> Result<()> {
    let params = ValidatedParams::default();
    let probe = CallContext {
        params: &params,
        ..ctx
    };
    let request = LlmRequest::new(vec![Message::user("ping")]);
    let prepared = prepare(&probe, request, false, Some(PROBE_TOKENS))?;
    complete(&probe, prepared).await.map(drop)
}
