//! Adapters every protocol's LLM stream goes through: usage (estimated when the server sends
//! none, priced always) and code-fence stripping.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::Stream;

use super::format::{strip_code_fence, FenceStripper, ResponseFormat};
use super::message::Message;
use super::response::{LlmChunk, LlmResponse, LlmStream};
use crate::catalog::Pricing;
use crate::error::{Error, Result};
use crate::tokens;
use crate::usage::Usage;

/// What is needed to estimate and price a call's usage.
#[derive(Debug, Clone)]
pub struct UsageBasis {
    /// The model id, which picks the tokenizer.
    pub model: String,
    /// The prompt, counted offline only when the server reports no usage.
    pub prompt: Vec<Message>,
    /// The model's prices, if any.
    pub pricing: Option<Pricing>,
}

impl UsageBasis {
    /// Prices reported usage, or estimates it from the prompt and the answer's text when
    /// there is none.
    pub fn complete(&self, reported: Option<Usage>, answer: &str) -> Usage {
        let usage = reported.unwrap_or_else(|| {
            Usage::estimated(
                tokens::count_messages(&self.model, &self.prompt),
                tokens::count_text(&self.model, answer),
            )
        });
        usage.priced(self.pricing.as_ref())
    }

    /// Finishes a whole (non-streamed) answer the same way for every protocol: names the
    /// model when the server did not, strips the code fence of the `JSON`/`XML` response
    /// format, and sets usage (reported and priced, or estimated offline).
    pub fn finish(
        &self,
        mut response: LlmResponse,
        reported: Option<Usage>,
        format: Option<&ResponseFormat>,
    ) -> LlmResponse {
        if response.model.is_empty() {
            response.model = self.model.clone();
        }
        if matches!(format, Some(ResponseFormat::CodeBlock(_))) {
            response.content = strip_code_fence(&response.content);
        }
        let estimate = reported.is_none().then(|| response.generated_text());
        response.usage = self.complete(reported, estimate.as_deref().unwrap_or(""));
        response
    }
}

impl UsageBasis {
    /// Finishes a streamed answer the same way for every protocol, as [`UsageBasis::finish`]
    /// does a whole one: usage priced or estimated (with `end`, an error when the server closed
    /// the stream early), and the code fence of the `JSON`/`XML` response format stripped.
    pub fn finish_stream(
        self,
        chunks: LlmStream,
        format: Option<&ResponseFormat>,
        end: Option<StreamEnd>,
    ) -> LlmStream {
        let stream = with_usage_checked(chunks, self, end);
        match format {
            Some(ResponseFormat::CodeBlock(_)) => strip_fence(stream),
            _ => stream,
        }
    }
}

/// Wraps a stream so that usage is always priced and, when the server sent none, a final chunk
/// carries usage estimated from the text that was streamed (`estimated = true`).
/// Errors pass through unchanged and end the stream without an estimate.
pub fn with_usage(stream: LlmStream, basis: UsageBasis) -> LlmStream {
    with_usage_checked(stream, basis, None)
}

/// How to tell a complete stream from one the server closed early.
#[derive(Debug)]
pub struct StreamEnd {
    /// Set by the decoder when the server sent its end marker (e.g. `data: [DONE]`).
    pub server_done: Arc<AtomicBool>,
    /// Yielded when the stream ends with neither that marker nor a finish reason.
    pub cut_error: Error,
}

/// [`with_usage`], and, with `end`, an error after the last chunk when the server closed the
/// stream cleanly but early: no end marker and no finish reason, so the answer may be cut
/// (llama.cpp does this when the prompt does not fit its context).
pub fn with_usage_checked(
    stream: LlmStream,
    basis: UsageBasis,
    end: Option<StreamEnd>,
) -> LlmStream {
    Box::pin(UsageStream {
        inner: stream,
        basis,
        answer: String::new(),
        saw_usage: false,
        saw_finish: false,
        end,
        done: false,
    })
}

struct UsageStream {
    inner: LlmStream,
    basis: UsageBasis,
    /// Everything the model produced (text, reasoning, tool arguments), for the estimate.
    answer: String,
    saw_usage: bool,
    saw_finish: bool,
    end: Option<StreamEnd>,
    done: bool,
}

impl Stream for UsageStream {
    type Item = Result<LlmChunk>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        match this.inner.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(mut chunk))) => {
                this.saw_finish |= chunk.finish_reason.is_some();
                if let Some(usage) = chunk.usage {
                    this.saw_usage = true;
                    chunk.usage = Some(this.basis.complete(Some(usage), ""));
                } else if !this.saw_usage {
                    this.answer.push_str(&chunk.reasoning);
                    this.answer.push_str(&chunk.content);
                    for call in &chunk.tool_calls {
                        this.answer.push_str(call.name.as_deref().unwrap_or(""));
                        this.answer.push_str(&call.arguments);
                    }
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.done = true;
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(None) => {
                this.done = true;
                if let Some(end) = this.end.take() {
                    if !this.saw_finish && !end.server_done.load(Ordering::Relaxed) {
                        return Poll::Ready(Some(Err(end.cut_error)));
                    }
                }
                if this.saw_usage {
                    return Poll::Ready(None);
                }
                let usage = this.basis.complete(None, &this.answer);
                Poll::Ready(Some(Ok(LlmChunk {
                    usage: Some(usage),
                    ..LlmChunk::default()
                })))
            }
        }
    }
}

/// Wraps a stream so that the answer text loses its code fence (see [`FenceStripper`]).
pub fn strip_fence(stream: LlmStream) -> LlmStream {
    use futures::StreamExt;
    let mut stripper = FenceStripper::default();
    let mut ended = false;
    let stream = stream
        .map(Some)
        .chain(futures::stream::once(async { None }))
        .filter_map(move |item| {
            let out = match item {
                Some(Ok(mut chunk)) => {
                    chunk.content = stripper.push(&chunk.content);
                    Some(Ok(chunk))
                }
                Some(Err(error)) => Some(Err(error)),
                None if !ended => {
                    ended = true;
                    let rest = stripper.finish();
                    (!rest.is_empty()).then(|| {
                        Ok(LlmChunk {
                            content: rest,
                            ..LlmChunk::default()
                        })
                    })
                }
                None => None,
            };
            futures::future::ready(out)
        });
    Box::pin(stream)
}
