//! `generateContent` and `streamGenerateContent?alt=sse`, and the credential check, against a
//! resolved [`ModelEndpoint`] (Gemini API or Vertex AI).

use super::decode::{response_from_wire, Decoder, WireResponse};
use super::encode::generate_body;
use super::endpoint::ModelEndpoint;
use super::error::parse_error_body;
use crate::error::{Error, Result};
use crate::http::{HttpCall, HttpRequest};
use crate::llm::{
    LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, ResponseFormat, UsageBasis,
};
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

fn prepare(
    ctx: &CallContext<'_>,
    endpoint: &ModelEndpoint,
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
    let mut body = generate_body(&request, ctx.params, format.as_ref()).map_err(in_call)?;
    if let Some(limit) = max_tokens {
        body["generationConfig"]["maxOutputTokens"] = limit.into();
    }
    let http_request = if stream {
        endpoint.post("streamGenerateContent", Some("alt=sse"), &body)
    } else {
        endpoint.post("generateContent", None, &body)
    }
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
    let wire: WireResponse = call.send_json(&http_request).await?;
    let (response, usage) =
        response_from_wire(wire).map_err(|e| e.in_call(call.provider(), call.model()))?;
    Ok(basis.finish(response, usage, format.as_ref()))
}

/// A whole answer.
pub async fn invoke(
    ctx: CallContext<'_>,
    endpoint: &ModelEndpoint,
    request: LlmRequest,
) -> Result<LlmResponse> {
    complete(prepare(&ctx, endpoint, request, false, None)?).await
}

impl ChunkDecoder for Decoder {
    fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        Decoder::decode(self, data)
    }

    fn is_complete(&self) -> bool {
        Decoder::is_complete(self)
    }

    fn pending(&mut self) -> Option<LlmChunk> {
        Decoder::pending(self)
    }
}

/// A streamed answer. The API sends no end marker: the event with a finish reason ends it.
pub async fn stream(
    ctx: CallContext<'_>,
    endpoint: &ModelEndpoint,
    request: LlmRequest,
) -> Result<LlmStream> {
    let Prepared {
        call,
        http_request,
        format,
        basis,
    } = prepare(&ctx, endpoint, request, true, None)?;
    let events = call.send_events(&http_request, Framing::Sse).await?;
    let chunks = chunk_stream(
        events,
        Decoder::new(),
        call,
        &http_request,
        "a finishReason",
    );
    Ok(basis.finish_stream(chunks, format.as_ref(), None))
}

/// A minimal real call: a one-token answer to "ping", without the call's parameters.
pub async fn validate_credentials(ctx: CallContext<'_>, endpoint: &ModelEndpoint) -> Result<()> {
    let params = ValidatedParams::default();
    let probe = CallContext {
        params: &params,
        ..ctx
    };
    let request = LlmRequest::new(vec![Message::user("ping")]);
    complete(prepare(
        &probe,
        endpoint,
        request,
        false,
        Some(PROBE_TOKENS),
    )?)
    .await
    .map(drop)
}
