//! Reading response bodies within bounds: whole bodies up to a size cap, streamed bodies up to
//! the call's deadline.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use tokio::time::{Instant, Sleep};

use crate::error::{Error, ErrorKind, Result};

/// The first bytes of a body, and whether that was all of it.
pub(super) struct Prefix {
    pub bytes: Vec<u8>,
    pub complete: bool,
}

/// Reads `response`'s body until its end or until `limit` bytes are in hand; whatever lies
/// beyond the limit is never read into memory.
pub(super) async fn read_prefix(
    mut response: reqwest::Response,
    limit: usize,
) -> reqwest::Result<Prefix> {
    let expected = response.content_length().unwrap_or(0);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(limit).min(limit));
    while let Some(chunk) = response.chunk().await? {
        let room = limit - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(Prefix {
                bytes,
                complete: false,
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Prefix {
        bytes,
        complete: true,
    })
}

/// The error for a body larger than `HttpSettings::max_body_bytes`.
pub(super) fn too_large(limit: usize) -> Error {
    Error::new(
        ErrorKind::InvalidResponse,
        format!(
            "the response body is larger than the limit of {limit} bytes \
             (HttpSettings::max_body_bytes)"
        ),
    )
}

/// The error for a call that outlived `HttpSettings::deadline`.
pub(super) fn deadline_passed(deadline: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "the call did not finish within its deadline of {:.3} s",
            deadline.as_secs_f64()
        ),
    )
}

/// A streamed body: chunks with transport errors mapped by `map_error`, ended by a
/// [`deadline_passed`] error when the call's deadline strikes first.
pub(super) struct BodyStream {
    chunks: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    map_error: fn(reqwest::Error) -> Error,
    deadline: Option<(Pin<Box<Sleep>>, Duration)>,
    ended: bool,
}

impl BodyStream {
    /// The body of `response`; `deadline` is the instant the call must end by and the
    /// configured duration (for the message).
    pub fn new(
        response: reqwest::Response,
        map_error: fn(reqwest::Error) -> Error,
        deadline: Option<(Instant, Duration)>,
    ) -> Self {
        BodyStream {
            chunks: Box::pin(response.bytes_stream()),
            map_error,
            deadline: deadline.map(|(at, d)| (Box::pin(tokio::time::sleep_until(at)), d)),
            ended: false,
        }
    }
}

impl Stream for BodyStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        match this.chunks.as_mut().poll_next(cx) {
            Poll::Ready(item) => Poll::Ready(item.map(|chunk| chunk.map_err(this.map_error))),
            Poll::Pending => match &mut this.deadline {
                Some((sleep, deadline)) => {
                    if sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    this.ended = true;
                    Poll::Ready(Some(Err(deadline_passed(*deadline))))
                }
                None => Poll::Pending,
            },
        }
    }
}
