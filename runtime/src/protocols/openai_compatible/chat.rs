//! `/chat/completions` and `/completions`, whole and streamed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::json;

use super::config::{Dialect, Endpoint, LlmSettings};
use super::decode::{
    chunk_from_wire, error_value, parse_error_body, response_from_wire, Completion,
};
use super::encode::llm_body;
use crate::catalog::LlmMode;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{classify, HttpCall, HttpRequest, Parsed};
use crate::llm::{
    LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, ResponseFormat, StreamEnd,
    ToolCallDelta, UsageBasis,
};
use crate::params::ValidatedParams;
use crate::protocol::CallContext;

/// Everything prepared before sending.
struct Prepared {
    call: HttpCall,
    http_request: HttpRequest,
    settings: LlmSettings,
    format: Option<ResponseFormat>,
    basis: UsageBasis,
}

/// Output tokens asked for by a credential check.
const PROBE_TOKENS: u32 = 5;

fn path(mode: LlmMode) -> &'static str {
    match mode {
        LlmMode::Chat => "chat/completions",
        LlmMode::Completion => "completions",
    }
}

/// How a request is sent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Whole,
    Streamed,
    /// A credential check: a whole answer of at most a few tokens.
    Probe,
}

async fn prepare(
    ctx: &CallContext<'_>,
    dialect: Dialect,
    settings: LlmSettings,
    mut request: LlmRequest,
    shape: Shape,
) -> Result<Prepared> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::for_call(ctx, dialect).await.map_err(in_call)?;
    let format = match request.response_format.take() {
        Some(format) => Some(format),
        None => ResponseFormat::from_params(ctx.params).map_err(in_call)?,
    };
    if let Some(ResponseFormat::CodeBlock(language)) = &format {
        language.apply(&mut request);
    }
    let streamed = shape == Shape::Streamed;
    let mut body =
        llm_body(&request, format.as_ref(), ctx.params, &settings, streamed).map_err(in_call)?;
    if shape == Shape::Probe {
        body[settings.token_limit.as_str()] = json!(PROBE_TOKENS);
    }
    let http_request = endpoint
        .request(HttpRequest::post_json(
            endpoint.url(path(settings.mode)),
            &body,
        )?)
        .map_err(in_call)?;
    let basis = UsageBasis {
        model: settings.wire_model.clone(),
        prompt: std::mem::take(&mut request.messages),
        pricing: ctx.pricing(),
    };
    Ok(Prepared {
        call: ctx.http_call(parse_error_body),
        http_request,
        settings,
        format,
        basis,
    })
}

/// An error the server reported inside a 200 body or a stream event.
pub(crate) fn reported_error(error: &serde_json::Value, raw: &str) -> Error {
    let parsed = error_value(error);
    let kind = classify(200, &parsed);
    let mut err = Error::new(
        kind,
        parsed
            .message
            .unwrap_or_else(|| "the server reported an error".to_owned()),
    )
    .with_body(raw);
    if let Some(code) = parsed.code {
        err = err.with_code(code);
    }
    err
}

async fn complete(prepared: Prepared) -> Result<LlmResponse> {
    let Prepared {
        call,
        http_request,
        settings: _,
        format,
        basis,
    } = prepared;
    let (response, usage) = call
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
        .await?;
    Ok(basis.finish(response, usage, format.as_ref()))
}

/// A whole answer.
pub async fn invoke(
    ctx: CallContext<'_>,
    request: LlmRequest,
    dialect: Dialect,
) -> Result<LlmResponse> {
    complete(
        prepare(
            &ctx,
            dialect,
            LlmSettings::resolve(&ctx),
            request,
            Shape::Whole,
        )
        .await?,
    )
    .await
}

/// A complete answer replayed as a one-chunk stream (for servers that cannot stream tool calls).
fn replay(response: LlmResponse) -> LlmStream {
    let tool_calls = response
        .tool_calls
        .into_iter()
        .enumerate()
        .map(|(index, call)| ToolCallDelta {
            index: u32::try_from(index).ok(),
            id: Some(call.id),
            name: Some(call.name),
            arguments: call.arguments,
        })
        .collect();
    let chunk = LlmChunk {
        model: Some(response.model),
        content: response.content,
        reasoning: response.reasoning.unwrap_or_default(),
        tool_calls,
        finish_reason: response.finish_reason,
        usage: Some(response.usage),
        ..LlmChunk::default()
    };
    Box::pin(futures::stream::once(async move { Ok(chunk) }))
}

/// A streamed answer.
pub async fn stream(
    ctx: CallContext<'_>,
    request: LlmRequest,
    dialect: Dialect,
) -> Result<LlmStream> {
    let has_tools = !request.tools.is_empty();
    let settings = LlmSettings::resolve(&ctx);
    if has_tools && !settings.stream_tool_calls {
        return Ok(replay(invoke(ctx, request, dialect).await?));
    }
    let Prepared {
        call,
        http_request,
        settings,
        format,
        basis,
    } = prepare(&ctx, dialect, settings, request, Shape::Streamed).await?;
    let (provider, model) = (call.provider().to_owned(), call.model().to_owned());
    let cut_error = Error::new(
        ErrorKind::Connection,
        "the stream ended before the answer was complete (no finish reason and no [DONE])",
    )
    .in_call(&provider, &model);
    let saw_done = Arc::new(AtomicBool::new(false));
    let done_flag = Arc::clone(&saw_done);
    let mut named_model = false;
    let chunks = call
        .send_events_with(&http_request, settings.framing.clone(), move |event| {
            if event.is_done() {
                done_flag.store(true, Ordering::Relaxed);
                return Ok(Parsed::End);
            }
            let mut completion = Completion::default();
            completion
                .read(event.data)
                .map_err(|e| e.in_call(&provider, &model))?;
            if let Some(error) = &completion.error {
                let raw = String::from_utf8_lossy(event.data);
                return Err(reported_error(error, &raw).in_call(&provider, &model));
            }
            // The model is named once, on the first chunk that carries it.
            let chunk = chunk_from_wire(&mut completion, !named_model);
            named_model |= chunk.model.is_some();
            Ok(Parsed::Item(chunk))
        })
        .await?;
    let end = StreamEnd {
        server_done: saw_done,
        cut_error,
    };
    Ok(basis.finish_stream(Box::pin(chunks), format.as_ref(), Some(end)))
}

/// A minimal real call: a five-token answer to "ping", without the call's parameters.
pub async fn validate_credentials(ctx: CallContext<'_>, dialect: Dialect) -> Result<()> {
    let params = ValidatedParams::default();
    let probe = CallContext {
        params: &params,
        ..ctx
    };
    let request = LlmRequest::new(vec![Message::user("ping")]);
    complete(
        prepare(
            &probe,
            dialect,
            LlmSettings::resolve(&probe),
            request,
            Shape::Probe,
        )
        .await?,
    )
    .await
    .map(drop)
}
