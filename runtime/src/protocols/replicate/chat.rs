//! Language models: the conversation becomes the model's `prompt` (system text its
//! `system_prompt` when the model takes one), the call's parameters further inputs; the
//! output is the list of strings the model produced, or the `output` events of its stream.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::api::{Client, Version};
use super::error::{prediction_error, problem_message};
use crate::error::{Error, ErrorKind, Result};
use crate::http::Parsed;
use crate::llm::{
    FinishReason, LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, Role, StreamEnd,
    UsageBasis,
};
use crate::protocol::CallContext;
use crate::sse::{Framing, SseEventRef};
use crate::usage::Usage;

fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!("Replicate language models as called here take no {what}"),
    )
}

/// The prompt: a single user message as it is, a longer conversation as a transcript that
/// ends where the assistant's turn begins.
fn prompt(messages: &[&Message]) -> String {
    if let [only] = messages {
        if only.role == Role::User {
            return only.text();
        }
    }
    let mut transcript = String::new();
    for message in messages {
        let speaker = if message.role == Role::Assistant {
            "Assistant"
        } else {
            "Human"
        };
        transcript.push_str(&format!("\n\n{speaker}: {}", message.text()));
    }
    transcript.push_str("\n\nAssistant:");
    transcript.trim_start().to_owned()
}

/// The prediction's input.
fn input(
    ctx: &CallContext<'_>,
    version: &Version,
    request: &LlmRequest,
) -> Result<Map<String, Value>> {
    if !request.tools.is_empty() {
        return Err(unsupported("tools"));
    }
    let mut system = Vec::new();
    let mut turns = Vec::new();
    for message in &request.messages {
        if message.content.iter().any(|part| part.as_text().is_none()) {
            return Err(unsupported("images, audio or documents"));
        }
        match message.role {
            Role::System => system.push(message.text()),
            Role::Tool => return Err(unsupported("tool results")),
            Role::User | Role::Assistant => turns.push(message),
        }
    }
    let mut input: Map<String, Value> = ctx
        .params
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_json()))
        .collect();
    let mut prompt = prompt(&turns);
    if !system.is_empty() {
        let system = system.join("\n\n");
        if version.takes("system_prompt") {
            input.insert("system_prompt".into(), json!(system));
        } else {
            prompt = format!("{system}\n\n{prompt}");
        }
    }
    input.insert("prompt".into(), json!(prompt));
    if !request.stop.is_empty() {
        if !version.takes("stop_sequences") {
            return Err(unsupported(
                "stop sequences (its inputs have no `stop_sequences`)",
            ));
        }
        input.insert("stop_sequences".into(), json!(request.stop.join(",")));
    }
    Ok(input)
}

/// The text of a language model's output: its strings joined.
fn output_text(output: &Value) -> Result<String> {
    match output {
        Value::Array(parts) => parts
            .iter()
            .map(|part| {
                part.as_str().ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidResponse,
                        "the output is not a list of strings",
                    )
                    .with_body(output.to_string())
                })
            })
            .collect(),
        Value::String(text) => Ok(text.clone()),
        Value::Null => Ok(String::new()),
        other => Err(
            Error::new(ErrorKind::InvalidResponse, "the output is not text")
                .with_body(other.to_string()),
        ),
    }
}

fn basis(ctx: &CallContext<'_>, request: &mut LlmRequest) -> UsageBasis {
    UsageBasis {
        model: ctx.model.id.to_owned(),
        prompt: std::mem::take(&mut request.messages),
        pricing: ctx.pricing(),
    }
}

/// A whole answer.
pub async fn invoke(ctx: CallContext<'_>, mut request: LlmRequest) -> Result<LlmResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let client = Client::new(&ctx)?;
    let version = client.version().await?;
    let input = input(&ctx, &version, &request).map_err(in_call)?;
    let prediction = client.run(&version, input).await?;
    let content = output_text(&prediction.output).map_err(in_call)?;
    let metrics = &prediction.metrics;
    let usage = metrics
        .input_token_count
        .zip(metrics.output_token_count)
        .map(|(prompt, completion)| Usage::new(prompt, completion));
    let response = LlmResponse {
        model: ctx.model.id.to_owned(),
        content,
        finish_reason: Some(FinishReason::Stop),
        ..LlmResponse::default()
    };
    Ok(basis(&ctx, &mut request).finish(response, usage, None))
}

/// What one stream event means: text (`output`), the end (`done`), or a failure (`error`,
/// or a `done` whose reason is not success).
fn stream_event(event: SseEventRef<'_>, done: &AtomicBool) -> Result<Parsed<LlmChunk>> {
    let data = String::from_utf8_lossy(event.data);
    match event.event {
        Some("output") => Ok(Parsed::Item(LlmChunk {
            content: data.into_owned(),
            ..LlmChunk::default()
        })),
        Some("error") => Err(Error::new(
            ErrorKind::BadRequest,
            problem_message(&data).unwrap_or_else(|| data.clone().into_owned()),
        )
        .with_code("prediction_failed")
        .with_body(data.into_owned())),
        Some("done") => {
            let reason = serde_json::from_str::<Value>(&data)
                .ok()
                .and_then(|v| v.get("reason").and_then(Value::as_str).map(str::to_owned));
            if let Some(reason) = reason.filter(|r| !r.is_empty()) {
                return Err(prediction_error(&reason, None));
            }
            done.store(true, Ordering::Relaxed);
            Ok(Parsed::Item(LlmChunk {
                finish_reason: Some(FinishReason::Stop),
                ..LlmChunk::default()
            }))
        }
        _ => Ok(Parsed::Skip),
    }
}

/// A streamed answer, read from the prediction's `urls.stream`.
pub async fn stream(ctx: CallContext<'_>, mut request: LlmRequest) -> Result<LlmStream> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let client = Client::new(&ctx)?;
    let version = client.version().await?;
    let input = input(&ctx, &version, &request).map_err(in_call)?;
    let events = client.start_stream(&version, input).await?;
    let done = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&done);
    let chunks = client
        .call()
        .send_events_with(&events, Framing::Sse, move |event| {
            stream_event(event, &flag)
        })
        .await?;
    let end = StreamEnd {
        server_done: done,
        cut_error: ctx.error(
            ErrorKind::Connection,
            "the stream ended before its `done` event",
        ),
    };
    Ok(basis(&ctx, &mut request).finish_stream(chunks, None, Some(end)))
}

/// Checks the token and the model with the cheapest call that proves both: reading the
/// model's version (no prediction is run, so nothing is billed).
pub async fn validate_credentials(ctx: CallContext<'_>) -> Result<()> {
    Client::new(&ctx)?.version().await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_and_outputs() {
        let user = Message::user("Hi");
        assert_eq!(prompt(&[&user]), "Hi");
        let answer = Message::assistant("Hello!");
        let again = Message::user("How are you?");
        assert_eq!(
            prompt(&[&user, &answer, &again]),
            "Human: Hi\n\nAssistant: Hello!\n\nHuman: How are you?\n\nAssistant:"
        );
        assert_eq!(output_text(&json!(["Hel", "lo"])).unwrap(), "Hello");
        assert_eq!(output_text(&json!("Hello")).unwrap(), "Hello");
        assert!(output_text(&json!([1, 2])).is_err());
    }
}
