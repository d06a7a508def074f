//! The binary event-stream framing of streamed AWS answers
//! (`application/vnd.amazon.eventstream`), decoded with `aws-smithy-eventstream`.
//!
//! Each frame carries headers and a payload. An event frame (`:message-type: event`) becomes
//! a [`Frame::Event`] named by its `:event-type`; an exception frame (`:message-type:
//! exception`, type in `:exception-type`) or an error frame (`:error-code`,
//! `:error-message`) becomes a [`Frame::Exception`], which the protocol turns into the
//! error that ends its stream. A body that ends inside a frame ends the stream with a
//! connection error, after every complete frame before it.

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::Message;
use bytes::{Buf, BytesMut};
use futures::StreamExt;

use crate::error::{Error, ErrorKind, Result};
use crate::http::{ByteStream, ParsedStream};

/// Bytes of the total-length field that starts every frame.
const LENGTH_FIELD: usize = 4;

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// An event: its `:event-type` and its payload.
    Event {
        /// The event type (`chunk`, `PayloadPart`, `contentBlockDelta`...).
        event_type: String,
        /// The payload as sent.
        payload: Vec<u8>,
    },
    /// A failure the service reported in the stream: its type (or error code) and payload
    /// (the JSON error body; for error frames, `{"message": <:error-message>}`).
    Exception {
        /// The `:exception-type` or `:error-code`.
        error_type: String,
        /// The error body.
        payload: String,
    },
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

/// What one decoded frame is; `None` for an event frame without a type.
fn frame_of(message: &Message) -> Result<Option<Frame>> {
    let text = || String::from_utf8_lossy(message.payload()).into_owned();
    match header(message, ":message-type").unwrap_or("event") {
        "event" => Ok(
            header(message, ":event-type").map(|event_type| Frame::Event {
                event_type: event_type.to_owned(),
                payload: message.payload().to_vec(),
            }),
        ),
        "exception" => Ok(Some(Frame::Exception {
            error_type: header(message, ":exception-type")
                .unwrap_or("exception")
                .to_owned(),
            payload: text(),
        })),
        "error" => {
            let message_text = header(message, ":error-message")
                .map(str::to_owned)
                .unwrap_or_else(text);
            Ok(Some(Frame::Exception {
                error_type: header(message, ":error-code").unwrap_or("error").to_owned(),
                payload: serde_json::json!({ "message": message_text }).to_string(),
            }))
        }
        other => Err(invalid(format!(
            "unexpected message type `{other}` in the event stream"
        ))),
    }
}

struct Frames {
    body: ByteStream,
    decoder: MessageFrameDecoder,
    buffer: BytesMut,
    finished: bool,
}

impl Frames {
    /// The length of the frame at the start of the buffer, once its length field arrived.
    fn frame_length(&self) -> Option<usize> {
        let field = self.buffer.get(..LENGTH_FIELD)?;
        let length = u32::from_be_bytes(field.try_into().ok()?);
        usize::try_from(length).ok()
    }

    /// The next complete frame in the buffer, if there is one.
    fn next_message(&mut self) -> Result<Option<Message>> {
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

    async fn next_frame(&mut self) -> Option<Result<Frame>> {
        while !self.finished {
            let failure = match self.next_message() {
                Ok(Some(message)) => match frame_of(&message) {
                    Ok(Some(frame)) => return Some(Ok(frame)),
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

/// The frames of a streamed body; the first error ends it.
pub fn frames(body: ByteStream) -> ParsedStream<Frame> {
    let frames = Frames {
        body,
        decoder: MessageFrameDecoder::new(),
        buffer: BytesMut::new(),
        finished: false,
    };
    Box::pin(futures::stream::unfold(frames, |mut frames| async move {
        let frame = frames.next_frame().await?;
        Some((frame, frames))
    }))
}
