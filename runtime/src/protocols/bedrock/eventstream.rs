//! The binary event-stream framing of streamed Bedrock answers
//! (`application/vnd.amazon.eventstream`), decoded with `aws-smithy-eventstream`.
//!
//! Each frame carries headers and a JSON payload. An event frame (`:message-type: event`)
//! becomes an [`SseEvent`] whose data is `{"<:event-type>": <payload>}`, the shape the
//! API documents for the stream's union of events. An exception frame (`:message-type:
//! exception`, type in `:exception-type`) or an error frame (`:error-code`,
//! `:error-message`) ends the stream with the error it reports. A body that ends inside a
//! frame ends the stream with a connection error, after every complete frame before it.

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::Message;
use bytes::{Buf, BytesMut};
use futures::StreamExt;

use super::error::exception;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{ByteStream, EventStream};
use crate::sse::SseEvent;

/// Bytes of the total-length field that starts every frame.
const LENGTH_FIELD: usize = 4;

struct Frames {
    body: ByteStream,
    decoder: MessageFrameDecoder,
    buffer: BytesMut,
    finished: bool,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidResponse, message)
}

/// The string value of header `name`, when the frame has one.
fn header<'m>(message: &'m Message, name: &str) -> Option<&'m str> {
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .and_then(|h| h.value().as_string().ok())
        .map(|v| v.as_str())
}

/// What one decoded frame means: an event, or the error that ends the stream.
fn frame_to_event(message: &Message) -> Result<Option<SseEvent>> {
    let payload = std::str::from_utf8(message.payload())
        .map_err(|_| invalid("an event-stream frame's payload is not UTF-8 text"))?;
    match header(message, ":message-type").unwrap_or("event") {
        "event" => {
            let Some(event_type) = header(message, ":event-type") else {
                return Ok(None);
            };
            // Event types are plain names; anything else would break the JSON built here.
            if !event_type.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(invalid(format!(
                    "unexpected event type `{event_type}` in the event stream"
                )));
            }
            let payload = if payload.trim().is_empty() {
                "{}"
            } else {
                payload
            };
            Ok(Some(SseEvent {
                event: Some(event_type.to_owned()),
                data: format!("{{\"{event_type}\":{payload}}}"),
            }))
        }
        "exception" => Err(exception(
            header(message, ":exception-type").unwrap_or("exception"),
            payload,
        )),
        "error" => {
            let code = header(message, ":error-code").unwrap_or("error");
            let text = header(message, ":error-message").unwrap_or(payload);
            Err(exception(
                code,
                &serde_json::json!({"message": text}).to_string(),
            ))
        }
        other => Err(invalid(format!(
            "unexpected message type `{other}` in the event stream"
        ))),
    }
}

impl Frames {
    /// The length of the frame at the start of the buffer, once its length field arrived.
    fn frame_length(&self) -> Option<usize> {
        let field = self.buffer.get(..LENGTH_FIELD)?;
        let length = u32::from_be_bytes(field.try_into().ok()?);
        usize::try_from(length).ok()
    }

    /// The next complete frame in the buffer, if there is one.
    fn next_frame(&mut self) -> Result<Option<Message>> {
        match self.frame_length() {
            Some(length) if self.buffer.len() >= length => {}
            _ => return Ok(None),
        }
        match self.decoder.decode_frame(&mut self.buffer) {
            Ok(DecodedFrame::Complete(message)) => Ok(Some(message)),
            Ok(DecodedFrame::Incomplete) => Ok(None),
            Err(e) => Err(invalid(format!("malformed event-stream frame: {e}"))),
        }
    }

    async fn next_event(&mut self) -> Option<Result<SseEvent>> {
        while !self.finished {
            let failure = match self.next_frame() {
                Ok(Some(message)) => match frame_to_event(&message) {
                    Ok(Some(event)) => return Some(Ok(event)),
                    Ok(None) => continue,
                    Err(error) => error,
                },
                Ok(None) => match self.body.next().await {
                    Some(Ok(bytes)) => {
                        self.buffer.extend_from_slice(&bytes);
                        continue;
                    }
                    Some(Err(error)) => error,
                    None if !self.buffer.has_remaining() => return None,
                    None => Error::new(
                        ErrorKind::Connection,
                        "the stream was cut inside an event-stream frame",
                    ),
                },
                Err(error) => error,
            };
            self.finished = true;
            return Some(Err(failure));
        }
        None
    }
}

/// The events of a streamed body.
pub fn events(body: ByteStream) -> EventStream {
    let frames = Frames {
        body,
        decoder: MessageFrameDecoder::new(),
        buffer: BytesMut::new(),
        finished: false,
    };
    Box::pin(futures::stream::unfold(frames, |mut frames| async move {
        let event = frames.next_event().await?;
        Some((event, frames))
    }))
}
