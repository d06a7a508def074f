//! `POST /20231130/actions/chat`: the chat request in the format the model takes (Cohere's
//! `COHERE` for `cohere.*` models, `GENERIC` for the others, Meta's Llama among them), the
//! whole answer, and the stream of `data:` events (`isStream`), the last one carrying a
//! `finishReason`.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::account::Account;
use super::error::parse_error_body;
use crate::error::{Error, ErrorKind, Result};
use crate::http::HttpRequest;
use crate::llm::{
    FinishReason, LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, Role, StreamAccumulator,
    UsageBasis,
};
use crate::params::ValidatedParams;
use crate::protocol::CallContext;
use crate::protocols::llm_events::{chunk_stream, line_payload, ChunkDecoder};
use crate::sse::Framing;
use crate::usage::Usage;

/// The output limit Dify sends when the call sets none.
const DEFAULT_MAX_TOKENS: u32 = 600;

/// Output tokens asked for by a credential check.
const PROBE_TOKENS: u32 = 5;

/// What ends a stream.
const END_MARKER: &str = "an event with a finishReason";

/// The request format a model takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Cohere,
    Generic,
}

impl Format {
    fn of(model: &str) -> Self {
        if model.starts_with("cohere.") {
            Format::Cohere
        } else {
            Format::Generic
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Cohere => "COHERE",
            Format::Generic => "GENERIC",
        }
    }
}

fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("OCI chat as called here takes no {what}"),
    )
}

/// A message's text; images, audio and documents are refused.
fn text_of(message: &Message) -> Result<String> {
    if message.content.iter().any(|part| part.as_text().is_none()) {
        return Err(unsupported("images, audio or documents"));
    }
    Ok(message.text())
}

/// Cohere's format: the last message as `message`, the others as `chatHistory`, system
/// prompts as `preambleOverride`.
fn cohere_fields(request: &LlmRequest, chat: &mut Map<String, Value>) -> Result<()> {
    let positive = |name: &str| {
        chat.get(name)
            .and_then(Value::as_f64)
            .is_some_and(|v| v > 0.0)
    };
    if positive("frequencyPenalty") && positive("presencePenalty") {
        return Err(Error::new(
            ErrorKind::InvalidParams,
            "Cohere models on OCI take a frequency penalty or a presence penalty, not both",
        ));
    }
    let Some((last, earlier)) = request.messages.split_last() else {
        return Err(Error::new(ErrorKind::InvalidParams, "no messages to send"));
    };
    if last.role != Role::User {
        return Err(Error::new(
            ErrorKind::InvalidParams,
            "Cohere models on OCI answer a user message: the last message must be the user's",
        ));
    }
    let mut preamble = Vec::new();
    let mut history = Vec::new();
    for message in earlier {
        let text = text_of(message)?;
        match message.role {
            Role::System => preamble.push(text),
            Role::User => history.push(json!({"role": "USER", "message": text})),
            Role::Assistant => history.push(json!({"role": "CHATBOT", "message": text})),
            Role::Tool => return Err(unsupported("tool results")),
        }
    }
    chat.insert("message".into(), json!(text_of(last)?));
    chat.insert("chatHistory".into(), Value::Array(history));
    if !preamble.is_empty() {
        chat.insert("preambleOverride".into(), json!(preamble.join("\n")));
    }
    if !request.stop.is_empty() {
        chat.insert("stopSequences".into(), json!(request.stop));
    }
    Ok(())
}

/// The generic format: every message with its role and text content.
fn generic_fields(request: &LlmRequest, chat: &mut Map<String, Value>) -> Result<()> {
    let mut messages = Vec::new();
    for message in &request.messages {
        let role = match message.role {
            Role::System => "SYSTEM",
            Role::User => "USER",
            Role::Assistant => "ASSISTANT",
            Role::Tool => return Err(unsupported("tool results")),
        };
        messages.push(json!({
            "role": role,
            "content": [{"type": "TEXT", "text": text_of(message)?}],
        }));
    }
    chat.insert("messages".into(), Value::Array(messages));
    chat.insert("numGenerations".into(), json!(1));
    if !request.stop.is_empty() {
        chat.insert("stop".into(), json!(request.stop));
    }
    Ok(())
}

/// The `ChatDetails` body. Parameters go into `chatRequest` under their rule names, which
/// Dify's OCI models spell as OCI does (`maxTokens`, `topP`, `topK`, `frequencyPenalty`...).
fn body(
    ctx: &CallContext<'_>,
    account: &Account,
    request: &LlmRequest,
    stream: bool,
) -> Result<Value> {
    if !request.tools.is_empty() {
        return Err(unsupported("tools"));
    }
    let format = Format::of(ctx.model.id);
    let mut chat = Map::new();
    chat.insert("apiFormat".into(), json!(format.name()));
    chat.insert("maxTokens".into(), json!(DEFAULT_MAX_TOKENS));
    for (name, value) in ctx.params.iter() {
        chat.insert(name.to_owned(), value.to_json());
    }
    match format {
        Format::Cohere => cohere_fields(request, &mut chat)?,
        Format::Generic => generic_fields(request, &mut chat)?,
    }
    chat.insert("isStream".into(), json!(stream));
    Ok(json!({
        "compartmentId": account.compartment_id(),
        "servingMode": {"servingType": "ON_DEMAND", "modelId": ctx.model.id},
        "chatRequest": chat,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WireContent {
    text: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WireMessage {
    content: Option<Vec<WireContent>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WireChoice {
    message: Option<WireMessage>,
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct WireUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// A whole `chatResponse` or one stream event, in either format: Cohere's carry `text`,
/// generic ones `choices` (whole) or `message` (streamed).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Part {
    text: Option<String>,
    choices: Vec<WireChoice>,
    message: Option<WireMessage>,
    finish_reason: Option<String>,
    usage: Option<WireUsage>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChatResult {
    model_id: Option<String>,
    chat_response: Part,
}

/// Cohere's finish reasons in OpenAI's terms; generic models already use those.
fn finish_reason(value: &str) -> Option<FinishReason> {
    match value {
        "COMPLETE" => Some(FinishReason::Stop),
        "MAX_TOKENS" => Some(FinishReason::Length),
        "ERROR_TOXIC" => Some(FinishReason::ContentFilter),
        other => other.to_ascii_lowercase().parse().ok(),
    }
}

fn message_text(message: Option<WireMessage>) -> String {
    message
        .and_then(|m| m.content)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| c.text)
        .collect()
}

impl Part {
    /// The chunk this part is. `streamed`: Cohere's last event repeats the answer rather than
    /// adding to it, so its text is left out (as Dify does).
    fn chunk(self, streamed: bool) -> LlmChunk {
        let choice = self.choices.into_iter().next().unwrap_or_default();
        let finish = self.finish_reason.or(choice.finish_reason);
        let content = match self.text {
            Some(_) if streamed && finish.is_some() => String::new(),
            Some(text) => text,
            None => message_text(self.message.or(choice.message)),
        };
        LlmChunk {
            content,
            finish_reason: finish.as_deref().and_then(finish_reason),
            usage: self
                .usage
                .map(|u| Usage::new(u.prompt_tokens, u.completion_tokens)),
            ..LlmChunk::default()
        }
    }
}

struct Prepared {
    http_request: HttpRequest,
    basis: UsageBasis,
}

fn prepare(
    ctx: &CallContext<'_>,
    mut request: LlmRequest,
    stream: bool,
    max_tokens: Option<u32>,
) -> Result<Prepared> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let account = Account::resolve(&ctx.provider_context()).map_err(in_call)?;
    let mut body = body(ctx, &account, &request, stream).map_err(in_call)?;
    if let Some(limit) = max_tokens {
        body["chatRequest"]["maxTokens"] = json!(limit);
    }
    let http_request = account.post("chat", &body).map_err(in_call)?;
    Ok(Prepared {
        http_request,
        basis: UsageBasis {
            model: ctx.model.id.to_owned(),
            prompt: std::mem::take(&mut request.messages),
            pricing: ctx.pricing(),
        },
    })
}

async fn complete(ctx: &CallContext<'_>, prepared: Prepared) -> Result<LlmResponse> {
    let Prepared {
        http_request,
        basis,
    } = prepared;
    let result: ChatResult = ctx
        .http_call(parse_error_body)
        .send_json(&http_request)
        .await?;
    let mut chunk = result.chat_response.chunk(false);
    chunk.model = result.model_id;
    let reported = chunk.usage;
    let mut accumulator = StreamAccumulator::new();
    accumulator.push(&chunk);
    let mut response = accumulator.finish();
    if response.model.is_empty() {
        response.model = ctx.model.id.to_owned();
    }
    Ok(basis.finish(response, reported, None))
}

/// A whole answer.
pub async fn invoke(ctx: CallContext<'_>, request: LlmRequest) -> Result<LlmResponse> {
    let prepared = prepare(&ctx, request, false, None)?;
    complete(&ctx, prepared).await
}

/// Stream events, up to the one with a `finishReason`.
#[derive(Default)]
struct Events {
    ended: bool,
}

impl ChunkDecoder for Events {
    fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>> {
        let Some((part, _)) = line_payload::<Part>(data, "an OCI chat event")? else {
            return Ok(None);
        };
        let chunk = part.chunk(true);
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
        http_request,
        basis,
    } = prepare(&ctx, request, true, None)?;
    let call = ctx.http_call(parse_error_body);
    let events = call.send_events(&http_request, Framing::Sse).await?;
    let chunks = chunk_stream(events, Events::default(), call, &http_request, END_MARKER);
    Ok(basis.finish_stream(chunks, None, None))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_finish_reasons() {
        assert_eq!(Format::of("cohere.command-r-plus"), Format::Cohere);
        assert_eq!(Format::of("meta.llama-3-70b-instruct"), Format::Generic);
        assert_eq!(finish_reason("COMPLETE"), Some(FinishReason::Stop));
        assert_eq!(finish_reason("MAX_TOKENS"), Some(FinishReason::Length));
        assert_eq!(finish_reason("stop"), Some(FinishReason::Stop));
        assert_eq!(finish_reason("length"), Some(FinishReason::Length));
    }
}
