//! The events of a streamed SageMaker answer. InvokeEndpointWithResponseStream wraps the
//! container's output in `PayloadPart` frames whose payload is raw bytes, split wherever the
//! container flushed; the bytes are joined and decoded as SSE here (an OpenAI-style container
//! sends `data: {...}` events). A `ModelStreamError` or `InternalStreamFailure` frame ends
//! the stream with its error.

use std::collections::VecDeque;

use futures::StreamExt;

use super::error::exception;
use crate::error::Result;
use crate::http::{ByteStream, EventStream, ParsedStream};
use crate::protocols::aws::eventstream::{frames, Frame};
use crate::sse::{EventDecoder, Framing, SseEvent};

/// The event type of the frames carrying output.
const PAYLOAD_PART: &str = "PayloadPart";

struct Payloads {
    frames: ParsedStream<Frame>,
    decoder: EventDecoder,
    ready: VecDeque<SseEvent>,
    finished: bool,
}

impl Payloads {
    /// The events the next frame completes (every remaining one at the end of the body).
    async fn next_events(&mut self) -> Result<()> {
        let mut out = Vec::new();
        match self.frames.next().await {
            Some(Ok(Frame::Event {
                event_type,
                payload,
            })) if event_type == PAYLOAD_PART => self.decoder.feed(&payload, &mut out)?,
            Some(Ok(Frame::Event { .. })) => {}
            Some(Ok(Frame::Exception {
                error_type,
                payload,
            })) => return Err(exception(&error_type, &payload)),
            Some(Err(error)) => return Err(error),
            None => {
                self.finished = true;
                self.decoder.finish(&mut out)?;
            }
        }
        self.ready.extend(out);
        Ok(())
    }
}

/// The SSE events carried by a streamed body's `PayloadPart` frames.
pub fn events(body: ByteStream, max_event_bytes: usize) -> EventStream {
    let payloads = Payloads {
        frames: frames(body),
        decoder: EventDecoder::new(Framing::Sse).with_max_event_bytes(max_event_bytes),
        ready: VecDeque::new(),
        finished: false,
    };
    Box::pin(futures::stream::unfold(payloads, |mut p| async move {
        loop {
            if let Some(event) = p.ready.pop_front() {
                return Some((Ok(event), p));
            }
            if p.finished {
                return None;
            }
            if let Err(error) = p.next_events().await {
                p.finished = true;
                return Some((Err(error), p));
            }
        }
    }))
}
