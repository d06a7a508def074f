//! `POST /api/chat` (chat mode) and `POST /api/generate` (completion mode), whole and
//! streamed as JSON lines.

use super::decode::RecordDecoder;
use super::encode::{chat_body, generate_body, BodySettings, Capabilities};
use super::error::parse_error_body;
use crate::catalog::{LlmMode, ModelFeature};
use crate::error::{Error, Result};
use crate::http::{decode_json, HttpCall, HttpRequest};
use crate::llm::{
    LlmRequest, LlmResponse, LlmStream, ResponseFormat, StreamAccumulator, UsageBasis,
};
use crate::protocol::CallContext;
use crate::protocols::llm_events::chunk_stream;
use crate::protocols::openai_compatible::config::Endpoint;
use crate::sse::Framing;

struct Prepared {
    call: HttpCall,
    http_request: HttpRequest,
    format: Option<ResponseFormat>,
    basis: UsageBasis,
}

/// What the model accepts: the `vision_support` / `function_call_support` credentials of a
/// customizable model, else its declared features, else everything.
fn capabilities(ctx: &CallContext<'_>) -> Capabilities {
    let has = |feature| ctx.model.info.is_none_or(|info| info.has_feature(feature));
    let switch = |variable: &str| ctx.credential(variable).map(|v| v == "true");
    Capabilities {
        vision: switch("vision_support").unwrap_or_else(|| has(ModelFeature::Vision)),
        tools: switch("function_call_support").unwrap_or_else(|| has(ModelFeature::ToolCall)),
    }
}

fn prepare(ctx: &CallContext<'_>, mut request: LlmRequest, stream: bool) -> Result<Prepared> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let format = match request.response_format.take() {
        Some(format) => Some(format),
        None => ResponseFormat::from_params(ctx.params).map_err(in_call)?,
    };
    if let Some(ResponseFormat::CodeBlock(language)) = &format {
        language.apply(&mut request);
    }
    let settings = BodySettings {
        model: ctx.model.id,
        capabilities: capabilities(ctx),
        format: format.as_ref(),
        context_size: ctx.credential_number("context_size")?,
        stream,
    };
    let (path, body) = match ctx.llm_mode() {
        LlmMode::Chat => ("api/chat", chat_body(&request, ctx.params, &settings)),
        LlmMode::Completion => (
            "api/generate",
            generate_body(&request, ctx.params, &settings),
        ),
    };
    let body = body.map_err(in_call)?;
    let http_request = endpoint
        .request(HttpRequest::post_json(endpoint.url(path), &body)?)
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

/// A whole answer.
pub async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    let Prepared {
        call,
        http_request,
        format,
        basis,
    } = prepare(&ctx, request, false)?;
    let chunk = call
        .send_with(&http_request, |answer| {
            RecordDecoder::new().chunk(decode_json(&answer.body)?)
        })
        .await?;
    let reported = chunk.usage;
    let mut accumulator = StreamAccumulator::new();
    accumulator.push(&chunk);
    Ok(basis.finish(accumulator.finish(), reported, format.as_ref()))
}

/// A streamed answer (one JSON object per line; `done` marks the end).
pub async fn stream(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmStream> {
    let Prepared {
        call,
        http_request,
        format,
        basis,
    } = prepare(&ctx, request, true)?;
    let events = call
        .send_events(&http_request, Framing::Delimited("\n".to_owned()))
        .await?;
    let chunks = chunk_stream(
        events,
        RecordDecoder::new(),
        call,
        &http_request,
        "the `done` record",
    );
    Ok(basis.finish_stream(chunks, format.as_ref(), None))
}

/// Checks that the server answers and has the model, without running it:
/// `POST /api/show`.
pub async fn validate_credentials(ctx: CallContext<'_>) -> Result<()> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let body = serde_json::json!({"model": ctx.model.id});
    let request = endpoint
        .request(HttpRequest::post_json(endpoint.url("api/show"), &body)?)
        .map_err(in_call)?;
    ctx.http_call(parse_error_body)
        .send_json::<serde_json::Value>(&request)
        .await
        .map(drop)
}
