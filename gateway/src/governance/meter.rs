//! What each kind of answer used, for [`super::Ticket::settle`]: known at once for whole
//! answers, at the end for streams (whose ticket rides along and settles when the stream
//! ends or is dropped).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use modelrt::runtime::embedding::EmbeddingResponse;
use modelrt::runtime::llm::{LlmChunk, LlmResponse};
use modelrt::runtime::moderation::ModerationResult;
use modelrt::runtime::rerank::RerankResponse;
use modelrt::runtime::speech2text::Transcription;
use modelrt::runtime::usage::Usage;
use modelrt::runtime::Result;

use super::{Outcome, Ticket};
use crate::error::ApiError;

/// An answer whose usage settles its [`Ticket`].
pub trait Metered: Sized {
    /// Settles `ticket` with this answer's usage now, or hands it to the answer (a stream)
    /// to settle when it ends.
    fn settle_with(self, ticket: Ticket) -> impl std::future::Future<Output = Self> + Send
    where
        Self: Send,
    {
        async move {
            let usage = self.usage();
            ticket.settle(Outcome::Answered(usage)).await;
            self
        }
    }

    /// The tokens the answer used (zero where the API reports none).
    fn usage(&self) -> Usage;
}

impl Metered for LlmResponse {
    fn usage(&self) -> Usage {
        self.usage
    }
}

impl Metered for EmbeddingResponse {
    fn usage(&self) -> Usage {
        Usage::new(self.usage.tokens, 0)
    }
}

impl Metered for RerankResponse {
    fn usage(&self) -> Usage {
        Usage::new(self.usage.map_or(0, |u| u.tokens), 0)
    }
}

impl Metered for Transcription {
    fn usage(&self) -> Usage {
        Usage::default()
    }
}

impl Metered for Vec<ModerationResult> {
    fn usage(&self) -> Usage {
        Usage::default()
    }
}

// Implemented for every lifetime of the boxed streams: the compiler's `Send` check of the
// handlers' futures asks for the impl at an arbitrary lifetime.
impl<'a> Metered for Pin<Box<dyn Stream<Item = Result<Vec<u8>>> + Send + 'a>> {
    fn usage(&self) -> Usage {
        Usage::default()
    }
}

impl<'a> Metered for Pin<Box<dyn Stream<Item = Result<LlmChunk>> + Send + 'a>> {
    fn settle_with(self, ticket: Ticket) -> impl std::future::Future<Output = Self> + Send {
        let stream: Self = Box::pin(Settling {
            inner: self,
            ticket: Some(ticket),
            usage: None,
        });
        std::future::ready(stream)
    }

    fn usage(&self) -> Usage {
        Usage::default()
    }
}

/// A streamed answer that settles its ticket at its end with the usage it carried.
struct Settling<'a> {
    inner: Pin<Box<dyn Stream<Item = Result<LlmChunk>> + Send + 'a>>,
    ticket: Option<Ticket>,
    usage: Option<Usage>,
}

impl Settling<'_> {
    fn settle(&mut self, outcome: Outcome) {
        if let Some(ticket) = self.ticket.take() {
            tokio::spawn(ticket.settle(outcome));
        }
    }
}

impl Stream for Settling<'_> {
    type Item = Result<LlmChunk>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        match &polled {
            Poll::Ready(Some(Ok(piece))) => {
                if let Some(ticket) = self.ticket.as_mut() {
                    ticket.first_piece();
                }
                if piece.usage.is_some() {
                    self.usage = piece.usage;
                }
            }
            Poll::Ready(Some(Err(error))) => {
                let kind = format!("{:?}", error.kind());
                self.settle(Outcome::Failed(ApiError::status_of(error), kind));
            }
            Poll::Ready(None) => {
                let usage = self.usage.unwrap_or_default();
                self.settle(Outcome::Answered(usage));
            }
            Poll::Pending => {}
        }
        polled
    }
}
