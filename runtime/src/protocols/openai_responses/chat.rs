//! `POST /responses`, whole and streamed, and the credential check.

use serde_json::json;

use super::decode::{response_from_wire, StreamDecoder};
use super::encode::{responses_body, BodySettings};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{decode_json, HttpCall, HttpRequest};
use crate::llm::{
    LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, ResponseFormat, UsageBasis,
};
use crate::params::ValidatedParams;
use crate::protocol::CallContext;
use crate::protocols::llm_events::{chunk_stream, ChunkDecoder};
use crate::protocols::openai_compatible::config::{is_reasoning_model, Endpoint};
use crate::protocols::openai_compatible::parse_error_body;
use crate::sse::Framing;

/// Output tokens asked for by a credential check (the API's minimum).
const PROBE_TOKENS: u32 = 16;

struct Prepared {
    call: HttpCall,
    http_request: HttpRequest,
    format: Option<ResponseFormat>,
    basis: UsageBasis,
}

/// Whether the model reasons: its YAML has a `reasoning_effort` rule, or its id is one of
/// OpenAI's reasoning families.
fn reasons(ctx: &CallContext<'_>) -> bool {
    ctx.model
        .info
        .is_some_and(|info| info.parameter_rule("reasoning_effort").is_some())
        || is_reasoning_model(ctx.model.id)
}

fn prepare(
    ctx: &CallContext<'_>,
    mut request: LlmRequest,
    stream: bool,
    probe: bool,
) -> Result<Prepared> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    if !request.stop.is_empty() {
        return Err(ctx.error(
            ErrorKind::Unsupported,
            "the Responses API takes no stop sequences",
        ));
    }
    let format = match request.response_format.take() {
        Some(format) => Some(format),
        None => ResponseFormat::from_params(ctx.params).map_err(in_call)?,
    };
    if let Some(ResponseFormat::CodeBlock(language)) = &format {
        language.apply(&mut request);
        // The fence is stripped from the answer instead of stopping at it.
        request.stop.clear();
    }
    let settings = BodySettings {
        model: ctx.model.id,
        reasoning: reasons(ctx),
        stream,
    };
    let mut body =
        responses_body(&request, format.as_ref(), ctx.params, settings).map_err(in_call)?;
    if probe {
        body["max_output_tokens"] = json!(PROBE_TOKENS);
    }
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let http_request = endpoint
        .request(HttpRequest::post_json(endpoint.url("responses"), &body)?)
        .map_err(in_call)?;
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
    let (response, usage) = call
        .send_with(&http_request, |answer| {
            let raw = String::from_utf8_lossy(&answer.body);
            response_from_wire(decode_json(&answer.body)?, &raw)
        })
        .await?;
    Ok(basis.finish(response, usage, format.as_ref()))
}

/// A whole answer.
pub async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    complete(prepare(&ctx, request, false, false)?).await
}

impl ChunkDecoder for StreamDecoder {
    fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
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
    } = prepare(&ctx, request, true, false)?;
    let events = call.send_events(&http_request, Framing::Sse).await?;
    let chunks = chunk_stream(
        events,
        StreamDecoder::new(),
        call,
        &http_request,
        "response.completed",
    );
    Ok(basis.finish_stream(chunks, format.as_ref(), None))
}

/// A minimal real call: a short answer to "ping", without the call's parameters.
pub async fn validate_credentials(ctx: CallContext<'_>) -> Result<()> {
    let params = ValidatedParams::default();
    let probe = CallContext {
        params: &params,
        ..ctx
    };
    let request = LlmRequest::new(vec![Message::user("ping")]);
    complete(prepare(&probe, request, false, true)?)
        .await
        .map(drop)
}
