//! `POST /model/{modelId}/converse` and `/converse-stream`, and the credential check.

use super::decode::{response_from_wire, ConverseResponse, StreamDecoder};
use super::encode::converse_body;
use super::error::{parse_error_body, with_error_type};
use super::{events, model_url, SERVICE};
use crate::catalog::DefaultValue;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{HttpCall, HttpRequest};
use crate::llm::{
    LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, ResponseFormat, UsageBasis,
};
use crate::params::ValidatedParams;
use crate::protocol::CallContext;
use crate::protocols::aws::Target;
use crate::protocols::llm_events::{chunk_stream, ChunkDecoder};

/// Output tokens asked for by a credential check.
const PROBE_TOKENS: i64 = 1;

/// The event that ends every ConverseStream answer.
const END_EVENT: &str = "metadata";

struct Prepared<'a> {
    target: Target<'a>,
    call: HttpCall,
    http_request: HttpRequest,
    format: Option<ResponseFormat>,
    basis: UsageBasis,
}

/// The default of a model's integer parameter rule.
fn rule_default(ctx: &CallContext<'_>, name: &str) -> Option<i64> {
    match ctx.model.info?.parameter_rule(name)?.default? {
        DefaultValue::Int(value) => Some(value),
        _ => None,
    }
}

fn prepare<'a>(
    ctx: &CallContext<'a>,
    mut request: LlmRequest,
    action: &str,
    max_tokens: Option<i64>,
) -> Result<Prepared<'a>> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let format = match request.response_format.take() {
        Some(format) => Some(format),
        None => ResponseFormat::from_params(ctx.params).map_err(in_call)?,
    };
    match &format {
        Some(ResponseFormat::CodeBlock(language)) => language.apply(&mut request),
        Some(ResponseFormat::JsonObject | ResponseFormat::JsonSchema { .. }) => {
            return Err(ctx.error(
                ErrorKind::Unsupported,
                "the Bedrock Converse protocol has no structured output: ask for JSON in the \
                 prompt or use response_format JSON",
            ))
        }
        Some(ResponseFormat::Text) | None => {}
    }
    let body = converse_body(
        &request,
        ctx.params,
        max_tokens,
        rule_default(ctx, "thinking_budget"),
    )
    .map_err(in_call)?;
    let target = Target::resolve(&ctx.provider_context(), SERVICE).map_err(in_call)?;
    let http_request = target
        .post(model_url(&target, ctx.model.id, action), &body)
        .map_err(in_call)?;
    Ok(Prepared {
        target,
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

async fn complete(prepared: Prepared<'_>) -> Result<LlmResponse> {
    let Prepared {
        target,
        call,
        http_request,
        format,
        basis,
    } = prepared;
    let answer: ConverseResponse = call
        .send_json(&http_request)
        .await
        .map_err(|e| target.redact(with_error_type(e)))?;
    let (mut response, usage) = response_from_wire(answer);
    response.model = call.model().to_owned();
    Ok(basis.finish(response, usage, format.as_ref()))
}

/// A whole answer.
pub async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    complete(prepare(&ctx, request, "converse", None)?).await
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
        target,
        call,
        http_request,
        format,
        basis,
    } = prepare(&ctx, request, "converse-stream", None)?;
    let body = call
        .send_bytes(&http_request)
        .await
        .map_err(|e| target.redact(with_error_type(e)))?;
    let chunks = chunk_stream(
        events::events(body),
        StreamDecoder::new(),
        call,
        &http_request,
        END_EVENT,
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
    complete(prepare(&probe, request, "converse", Some(PROBE_TOKENS))?)
        .await
        .map(drop)
}
