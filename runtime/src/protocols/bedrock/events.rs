//! ConverseStream's event-stream frames as events: each event frame becomes an [`SseEvent`]
//! whose data is `{"<:event-type>": <payload>}`, the shape the API documents for the
//! stream's union of events; an exception frame becomes the error it reports.

use futures::StreamExt;

use super::error::exception;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{ByteStream, EventStream};
use crate::protocols::aws::eventstream::{frames, Frame};
use crate::sse::SseEvent;

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidResponse, message)
}

fn event_of(frame: Frame) -> Result<SseEvent> {
    let (event_type, payload) = match frame {
        Frame::Event {
            event_type,
            payload,
        } => (event_type, payload),
        Frame::Exception {
            error_type,
            payload,
        } => return Err(exception(&error_type, &payload)),
    };
    // Event types are plain names; anything else would break the JSON built here.
    if !event_type.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid(format!(
            "unexpected event type `{event_type}` in the event stream"
        )));
    }
    let payload = String::from_utf8(payload)
        .map_err(|_| invalid("an event-stream frame's payload is not UTF-8 text"))?;
    let payload = if payload.trim().is_empty() {
        "{}"
    } else {
        &payload
    };
    Ok(SseEvent {
        data: format!("{{\"{event_type}\":{payload}}}"),
        event: Some(event_type),
    })
}

/// The events of a streamed ConverseStream body.
pub fn events(body: ByteStream) -> EventStream {
    Box::pin(frames(body).map(|frame| frame.and_then(event_of)))
}
