//! `POST /v1/messages`, whole and streamed, and the credential check.

use serde_json::json;

use super::cache;
use super::decode::{response_from_wire, StreamDecoder, WireMessage};
use super::encode::{messages_body, BodySettings, Thinking, DEFAULT_MAX_TOKENS};
use super::endpoint;
use super::error::parse_error_body;
use crate::error::{Error, Result};
use crate::http::{HttpCall, HttpRequest};
use crate::llm::{LlmRequest, LlmResponse, LlmStream, Message, ResponseFormat, UsageBasis};
use crate::params::ValidatedParams;
use crate::protocol::CallContext;
use crate::protocols::llm_events::{chunk_stream, ChunkDecoder};
use crate::sse::Framing;

/// Output tokens asked for by a credential check.
const PROBE_TOKENS: i64 = 1;

struct Prepared {
    call: HttpCall,
    http_request: HttpRequest,
    format: Option<ResponseFormat>,
    basis: UsageBasis,
}

/// The default of a model's parameter rule, as an integer.
fn rule_default(ctx: &CallContext<'_>, name: &str) -> Option<i64> {
    let rule = ctx.model.info?.parameter_rule(name)?;
    match rule.default? {
        crate::catalog::DefaultValue::Int(value) => Some(value),
        _ => None,
    }
}

fn prepare(
    ctx: &CallContext<'_>,
    mut request: LlmRequest,
    stream: bool,
    max_tokens: Option<i64>,
) -> Result<Prepared> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let format = match request.response_format.take() {
        Some(format) => Some(format),
        None => ResponseFormat::from_params(ctx.params).map_err(in_call)?,
    };
    if let Some(ResponseFormat::CodeBlock(language)) = &format {
        language.apply(&mut request);
    }
    let settings = BodySettings {
        model: ctx.model.id,
        format: format.as_ref(),
        thinking: Thinking::from_params(ctx.params, rule_default(ctx, "thinking_budget")),
        default_max_tokens: max_tokens
            .or_else(|| rule_default(ctx, "max_tokens"))
            .unwrap_or(DEFAULT_MAX_TOKENS),
        stream,
    };
    let mut body = messages_body(&request, ctx.params, &settings).map_err(in_call)?;
    if let Some(limit) = max_tokens {
        body["max_tokens"] = json!(limit);
    }
    let mut http_request =
        endpoint::request(&ctx.provider_context(), "v1/messages", Some(&body)).map_err(in_call)?;
    if cache::needs_extended_ttl(&request) {
        http_request = http_request
            .header("anthropic-beta", cache::EXTENDED_TTL_BETA)
            .map_err(in_call)?;
    }
    Ok(Prepared {
        call: ctx.http_call(parse_error_body),
        http_request,
        format,
        basis: UsageBasis {
            model: ctx.model.id.to_owned(),
            prompt: std::mem::take(&mut request.messages),
            pricing: ctx.pricing(),
        },
    })
}

async fn complete(prepared: Prepared) -> Result<LlmResponse> {
    let Prepared {
        call,
        http_request,
        format,
        basis,
    } = prepared;
    let message: WireMessage = call.send_json(&http_request).await?;
    let (response, usage) = response_from_wire(message);
    Ok(basis.finish(response, usage, format.as_ref()))
}

/// A whole answer.
pub async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    complete(prepare(&ctx, request, false, None)?).await
}

impl ChunkDecoder for StreamDecoder {
    fn decode(&mut self, data: &str) -> Result<Option<crate::llm::LlmChunk>> {
        StreamDecoder::decode(self, data)
    }

    fn is_complete(&self) -> bool {
        StreamDecoder::is_complete(self)
    }
}

/// A streamed answer.
pub async fn stream(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmStream> {
    let Prepared {
        call,
        http_request,
        format,
        basis,
    } = prepare(&ctx, request, true, None)?;
    let events = call.send_events(&http_request, Framing::Sse).await?;
    let chunks = chunk_stream(
        events,
        StreamDecoder::new(),
        call,
        &http_request,
        "message_stop",
    );
    Ok(basis.finish_stream(chunks, format.as_ref(), None))
}

/// A minimal real call: a one-token answer to "ping", without the call's parameters.
pub async fn validate_credentials(ctx: CallContext<'_>) -> Result<()> {
    let params = ValidatedParams::default();
    let probe = CallContext {
        params: &params,
        ..ctx
    };
    let request = LlmRequest::new(vec![Message::user("ping")]);
    complete(prepare(&probe, request, false, Some(PROBE_TOKENS))?)
        .await
        .map(drop)
}
