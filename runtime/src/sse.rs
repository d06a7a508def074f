//! Decoding of streamed responses into events: server-sent events, or records separated by a
//! fixed delimiter (JSON lines, or the custom delimiters some OpenAI-compatible servers use).
//!
//! Decoding works on bytes, so a chunk boundary may fall anywhere: inside a UTF-8 character,
//! between `\r` and `\n`, inside `data:`. Only complete events are produced; a stream that ends
//! inside an event is an error (after every complete event before it was produced).

use crate::error::{Error, ErrorKind, Result};

/// One decoded event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, when the server named the event type.
    pub event: Option<String>,
    /// The `data:` lines joined by `\n` (for delimited framing: the record, without a
    /// leading `data:`).
    pub data: String,
}

impl SseEvent {
    /// Whether this is the `[DONE]` sentinel OpenAI-style servers send last.
    pub fn is_done(&self) -> bool {
        self.data.trim() == "[DONE]"
    }
}

/// How a stream's bytes are split into events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// Server-sent events (`text/event-stream`).
    Sse,
    /// Records separated by a delimiter (e.g. `"\n"` for JSON lines); an optional `data:`
    /// prefix is removed and blank records are skipped.
    Delimited(String),
}

/// An incremental decoder: feed it bytes, collect complete events.
#[derive(Debug)]
pub struct EventDecoder {
    framing: Framing,
    buffer: Vec<u8>,
    /// How much of `buffer` has been searched for a line end already.
    scanned: usize,
    /// The event being assembled (SSE framing).
    event: Option<String>,
    data: String,
    has_data: bool,
    /// Whether any field of an unfinished SSE event has been seen.
    in_event: bool,
}

fn utf8(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::InvalidResponse,
            format!("stream is not UTF-8: {e}"),
        )
        .with_body(String::from_utf8_lossy(bytes).into_owned())
    })
}

impl EventDecoder {
    /// A decoder for `framing`.
    pub fn new(framing: Framing) -> Self {
        EventDecoder {
            framing,
            buffer: Vec::new(),
            scanned: 0,
            event: None,
            data: String::new(),
            has_data: false,
            in_event: false,
        }
    }

    /// Adds bytes and appends every event they complete to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<SseEvent>) -> Result<()> {
        self.buffer.extend_from_slice(bytes);
        match self.framing.clone() {
            Framing::Sse => self.drain_sse_lines(out),
            Framing::Delimited(delimiter) => self.drain_records(delimiter.as_bytes(), out),
        }
    }

    /// Ends the stream. A complete trailing record (delimited framing) or a pending `[DONE]`
    /// is accepted; anything else left over means the stream was cut mid-event: an error of
    /// kind [`ErrorKind::Connection`] keeping the partial payload.
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) -> Result<()> {
        match self.framing.clone() {
            Framing::Delimited(_) => {
                let rest = std::mem::take(&mut self.buffer);
                self.scanned = 0;
                self.push_record(&rest, out)
            }
            Framing::Sse => {
                // A final line without its line end still counts as a line.
                let leftover = std::mem::take(&mut self.buffer);
                self.scanned = 0;
                let line = leftover.strip_suffix(b"\r").unwrap_or(&leftover);
                let cut_line = !line.is_empty();
                if !leftover.is_empty() {
                    self.sse_line(line, out)?;
                }
                if !self.in_event && !cut_line {
                    return Ok(());
                }
                if self.has_data && self.data.trim() == "[DONE]" {
                    self.dispatch(out);
                    return Ok(());
                }
                let partial = if self.has_data {
                    std::mem::take(&mut self.data)
                } else {
                    String::from_utf8_lossy(line).into_owned()
                };
                self.in_event = false;
                Err(Error::new(
                    ErrorKind::Connection,
                    "stream ended in the middle of an event",
                )
                .with_body(partial))
            }
        }
    }

    fn drain_sse_lines(&mut self, out: &mut Vec<SseEvent>) -> Result<()> {
        let mut start = 0;
        let mut i = self.scanned;
        while let Some(offset) = find_line_end(&self.buffer[i..]) {
            let end = i + offset;
            let terminator_len = if self.buffer[end] == b'\r' {
                match self.buffer.get(end + 1) {
                    Some(b'\n') => 2,
                    Some(_) => 1,
                    // A `\r` at the end of the buffer may be the first half of `\r\n`.
                    None => break,
                }
            } else {
                1
            };
            let line = std::mem::take(&mut self.buffer);
            let result = self.sse_line(&line[start..end], out);
            self.buffer = line;
            result?;
            start = end + terminator_len;
            i = start;
        }
        self.buffer.drain(..start);
        // Skip what was searched next time, except a trailing `\r` (it may precede `\n`).
        self.scanned = self.buffer.len() - usize::from(self.buffer.last() == Some(&b'\r'));
        Ok(())
    }

    fn sse_line(&mut self, line: &[u8], out: &mut Vec<SseEvent>) -> Result<()> {
        if line.is_empty() {
            if self.in_event {
                self.dispatch(out);
            }
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(()); // a comment (keep-alive)
        }
        let line = utf8(line)?;
        let (field, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
                self.in_event = true;
            }
            "event" => {
                self.event = Some(value.to_owned());
                self.in_event = true;
            }
            // `id` and `retry` concern reconnection, which a model call never does.
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        let event = self.event.take();
        let data = std::mem::take(&mut self.data);
        if self.has_data {
            out.push(SseEvent { event, data });
        }
        self.has_data = false;
        self.in_event = false;
    }

    fn drain_records(&mut self, delimiter: &[u8], out: &mut Vec<SseEvent>) -> Result<()> {
        if delimiter.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidParams,
                "empty stream delimiter",
            ));
        }
        let mut start = 0;
        let mut search_from = self.scanned;
        while let Some(offset) = find(&self.buffer[search_from..], delimiter) {
            let end = search_from + offset;
            let record = std::mem::take(&mut self.buffer);
            let result = self.push_record(&record[start..end], out);
            self.buffer = record;
            result?;
            start = end + delimiter.len();
            search_from = start;
        }
        self.buffer.drain(..start);
        // The delimiter may straddle the next chunk boundary: re-search its length minus one.
        self.scanned = self.buffer.len().saturating_sub(delimiter.len() - 1);
        Ok(())
    }

    fn push_record(&mut self, record: &[u8], out: &mut Vec<SseEvent>) -> Result<()> {
        let text = utf8(record)?.trim();
        let text = text.strip_prefix("data:").map_or(text, str::trim_start);
        if !text.is_empty() {
            out.push(SseEvent {
                event: None,
                data: text.to_owned(),
            });
        }
        Ok(())
    }
}

/// The position of the first `\n` or `\r`. Scans a word (8 bytes) at a time, since lines
/// in model streams are long (whole JSON chunks) and this runs over every byte received.
fn find_line_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS != 0;
    let mut start = 0;
    for word in bytes.chunks_exact(8) {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or_default());
        if has_zero_byte(word ^ (ONES * u64::from(b'\n')))
            || has_zero_byte(word ^ (ONES * u64::from(b'\r')))
        {
            break;
        }
        start += 8;
    }
    bytes[start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|offset| start + offset)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() == 1 {
        return haystack.iter().position(|&b| b == needle[0]);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(framing: Framing, input: &[u8], size: usize) -> Result<Vec<SseEvent>> {
        let mut decoder = EventDecoder::new(framing);
        let mut out = Vec::new();
        for piece in input.chunks(size) {
            decoder.feed(piece, &mut out)?;
        }
        decoder.finish(&mut out)?;
        Ok(out)
    }

    fn data(events: &[SseEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn any_chunk_boundary_gives_the_same_events() {
        let input = ": keep-alive\r\nevent: message\r\ndata: {\"t\":\"héllo 🌍\"}\r\n\r\n\
                     data: line1\ndata:line2\n\ndata: {\"x\":1}\r\rdata: [DONE]\n\n"
            .as_bytes();
        for size in 1..=input.len() {
            let events = decode_in_pieces(Framing::Sse, input, size).unwrap();
            assert_eq!(
                data(&events),
                [
                    "{\"t\":\"héllo 🌍\"}",
                    "line1\nline2",
                    "{\"x\":1}",
                    "[DONE]"
                ],
                "piece size {size}"
            );
            assert_eq!(events[0].event.as_deref(), Some("message"));
            assert!(events[3].is_done());
        }
    }

    #[test]
    fn cut_mid_event_is_an_error_after_complete_events() {
        let mut decoder = EventDecoder::new(Framing::Sse);
        let mut out = Vec::new();
        decoder
            .feed(b"data: {\"a\":1}\n\ndata: {\"b\":", &mut out)
            .unwrap();
        assert_eq!(data(&out), ["{\"a\":1}"]);
        let err = decoder.finish(&mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection);
        assert_eq!(err.body(), Some("{\"b\":"));
    }

    #[test]
    fn done_without_blank_line_is_accepted() {
        let events = decode_in_pieces(Framing::Sse, b"data: 1\n\ndata: [DONE]\n", 3).unwrap();
        assert_eq!(data(&events), ["1", "[DONE]"]);
    }

    #[test]
    fn delimited_records_with_multi_byte_delimiter() {
        let input = "data: {\"a\":1}\n\n{\"b\":\"é\"}\n\n\n\n{\"c\":3}".as_bytes();
        for size in 1..=input.len() {
            let events = decode_in_pieces(Framing::Delimited("\n\n".into()), input, size).unwrap();
            assert_eq!(
                data(&events),
                ["{\"a\":1}", "{\"b\":\"é\"}", "{\"c\":3}"],
                "size {size}"
            );
        }
    }

    #[test]
    fn invalid_utf8_is_a_decode_error() {
        let err = decode_in_pieces(Framing::Sse, b"data: \xff\xfe\n\n", 4).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    }
}
