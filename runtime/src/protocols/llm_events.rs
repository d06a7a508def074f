//! Turning a protocol's decoded stream events into LLM chunks, for protocols whose events
//! are stateful (usage split over events) and whose streams end with an explicit marker, so
//! that a stream cut before the marker is an error rather than a silently short answer.

use futures::StreamExt;

use crate::error::{Error, ErrorKind, Result};
use crate::http::{EventStream, HttpCall, HttpRequest, Secrets};
use crate::llm::{LlmChunk, LlmStream};

/// The JSON payload of one line of a stream whose events are `data: {...}` lines but whose
/// errors may come as a bare JSON line in their place; `None` for a blank line. `what` names
/// the expected payload in the error ("a Hunyuan answer").
pub(crate) fn line_payload<'l, T: serde::de::DeserializeOwned>(
    line: &'l str,
    what: &str,
) -> Result<Option<(T, &'l str)>> {
    let line = line.trim();
    let payload = line.strip_prefix("data:").unwrap_or(line).trim();
    if payload.is_empty() {
        return Ok(None);
    }
    let value = serde_json::from_str(payload).map_err(|e| {
        Error::new(
            ErrorKind::InvalidResponse,
            format!("a stream event is not {what}: {e}"),
        )
        .with_body(payload)
    })?;
    Ok(Some((value, payload)))
}

/// Decodes one protocol's stream events.
pub(crate) trait ChunkDecoder: Send + 'static {
    /// Decodes one event's payload; `None` for events that carry nothing for the caller.
    fn decode(&mut self, data: &str) -> Result<Option<LlmChunk>>;

    /// Whether the end-of-answer marker was seen.
    fn is_complete(&self) -> bool;

    /// A further chunk of the last event, for protocols whose one event may hold several
    /// (delivered before the next event is read).
    fn pending(&mut self) -> Option<LlmChunk> {
        None
    }
}

struct State<D> {
    events: EventStream,
    decoder: D,
    call: HttpCall,
    secrets: Secrets,
    end_marker: &'static str,
    finished: bool,
}

/// The chunks of `events`. Every chunk decoded before a failure reaches the caller, then the
/// error ends the stream; events after the end marker are ignored; a stream that ends before
/// the marker ends with an [`ErrorKind::Connection`] error naming `end_marker`. Errors carry
/// provider and model and have `request`'s secrets redacted, as the HTTP layer's do.
pub(crate) fn chunk_stream<D: ChunkDecoder>(
    events: EventStream,
    decoder: D,
    call: HttpCall,
    request: &HttpRequest,
    end_marker: &'static str,
) -> LlmStream {
    chunk_stream_scrubbed(events, decoder, call, request.secrets(), end_marker)
}

/// [`chunk_stream`] for events that did not come from an [`HttpRequest`] (a WebSocket's
/// frames): its errors have `secrets` redacted.
pub(crate) fn chunk_stream_scrubbed<D: ChunkDecoder>(
    events: EventStream,
    decoder: D,
    call: HttpCall,
    secrets: Secrets,
    end_marker: &'static str,
) -> LlmStream {
    let state = State {
        events,
        decoder,
        call,
        secrets,
        end_marker,
        finished: false,
    };
    Box::pin(futures::stream::unfold(state, |mut state| async move {
        if state.finished {
            return None;
        }
        if let Some(chunk) = state.decoder.pending() {
            return Some((Ok(chunk), state));
        }
        loop {
            let failure = match state.events.next().await {
                Some(Ok(event)) => match state.decoder.decode(&event.data) {
                    Ok(Some(chunk)) => return Some((Ok(chunk), state)),
                    Ok(None) if state.decoder.is_complete() => return None,
                    Ok(None) => continue,
                    Err(error) => error,
                },
                Some(Err(error)) => error,
                None if state.decoder.is_complete() => return None,
                None => Error::new(
                    ErrorKind::Connection,
                    format!("the stream ended before {}", state.end_marker),
                ),
            };
            state.finished = true;
            let error = state.call.scrub(failure, &state.secrets);
            return Some((Err(error), state));
        }
    }))
}

#[cfg(test)]
mod line_payload_tests {
    use serde_json::Value;

    use super::line_payload;
    use crate::error::ErrorKind;

    #[test]
    fn events_and_bare_error_lines_both_decode_and_bad_json_is_named() {
        assert!(line_payload::<Value>("  ", "an answer").unwrap().is_none());
        let (event, _) = line_payload::<Value>("data: {\"a\":1}", "an answer")
            .unwrap()
            .unwrap();
        assert_eq!(event["a"], 1);
        let (bare, raw) = line_payload::<Value>("{\"error_code\":17}", "an answer")
            .unwrap()
            .unwrap();
        assert_eq!(bare["error_code"], 17);
        assert_eq!(raw, "{\"error_code\":17}");
        let error = line_payload::<Value>("data: {oops", "an ERNIE answer").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidResponse);
        assert!(error.to_string().contains("not an ERNIE answer"), "{error}");
    }
}
