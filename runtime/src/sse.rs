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

/// An event borrowed from the decoder's buffer: no copy for the common case of one `data:`
/// line received within one read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseEventRef<'a> {
    /// The `event:` field, when the server named the event type.
    pub event: Option<&'a str>,
    /// The data (see [`SseEvent::data`]), not yet checked to be UTF-8.
    pub data: &'a [u8],
}

impl SseEventRef<'_> {
    /// Whether this is the `[DONE]` sentinel OpenAI-style servers send last.
    pub fn is_done(&self) -> bool {
        self.data.trim_ascii() == b"[DONE]"
    }

    /// An owned copy; fails if the data is not UTF-8.
    pub fn to_event(&self) -> Result<SseEvent> {
        Ok(SseEvent {
            event: self.event.map(str::to_owned),
            data: utf8(self.data)?.to_owned(),
        })
    }
}

/// The data of the event being assembled.
#[derive(Debug, Default)]
enum PendingData {
    /// No `data:` line yet.
    #[default]
    None,
    /// One `data:` line, at this range of the buffer (valid during one `feed`).
    InBuffer(std::ops::Range<usize>),
    /// Several lines, or one that must outlive the buffer it was read into.
    Owned(Vec<u8>),
}

/// An incremental decoder: feed it bytes, receive complete events.
#[derive(Debug)]
pub struct EventDecoder {
    framing: Framing,
    buffer: Vec<u8>,
    /// How much of `buffer` has been searched for a line end already.
    scanned: usize,
    /// The event being assembled (SSE framing).
    event: Option<String>,
    data: PendingData,
    /// Whether any field of an unfinished SSE event has been seen.
    in_event: bool,
    /// Largest event (its data, or a line or record still incomplete) accepted.
    max_event_bytes: usize,
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
            data: PendingData::None,
            in_event: false,
            max_event_bytes: usize::MAX,
        }
    }

    /// Refuses events larger than `max` bytes with an [`ErrorKind::InvalidResponse`], so a
    /// server that never ends an event cannot make the decoder hold unbounded memory.
    pub fn with_max_event_bytes(mut self, max: usize) -> Self {
        self.max_event_bytes = max;
        self
    }

    /// Adds bytes and appends every event they complete to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<SseEvent>) -> Result<()> {
        self.feed_with(bytes, |event| {
            out.push(event.to_event()?);
            Ok(())
        })
    }

    /// Ends the stream (see [`EventDecoder::finish_with`]), appending a last event to `out`.
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) -> Result<()> {
        self.finish_with(|event| {
            out.push(event.to_event()?);
            Ok(())
        })
    }

    /// Adds bytes and passes every event they complete to `on_event`, in order. An error
    /// from `on_event` stops decoding and is returned.
    pub fn feed_with<F>(&mut self, bytes: &[u8], mut on_event: F) -> Result<()>
    where
        F: FnMut(SseEventRef<'_>) -> Result<()>,
    {
        self.buffer.extend_from_slice(bytes);
        let mut buffer = std::mem::take(&mut self.buffer);
        let consumed = match self.framing.clone() {
            Framing::Sse => self.sse_lines(&buffer, &mut on_event),
            Framing::Delimited(delimiter) => {
                self.records(&buffer, delimiter.as_bytes(), &mut on_event)
            }
        };
        // A pending data line is about to leave the buffer: keep a copy.
        if let PendingData::InBuffer(range) = &self.data {
            self.data = PendingData::Owned(buffer[range.clone()].to_vec());
        }
        let result = consumed.and_then(|consumed| {
            buffer.drain(..consumed);
            let pending = match &self.data {
                PendingData::Owned(data) => data.len(),
                PendingData::None | PendingData::InBuffer(_) => 0,
            };
            self.check_size(pending + buffer.len(), &buffer)
        });
        self.buffer = buffer;
        result
    }

    /// Fails when an event of `size` bytes (starting with `start`) is over the limit.
    fn check_size(&self, size: usize, start: &[u8]) -> Result<()> {
        if size <= self.max_event_bytes {
            return Ok(());
        }
        let start = &start[..start.len().min(crate::error::MAX_ERROR_BODY_BYTES)];
        Err(Error::new(
            ErrorKind::InvalidResponse,
            format!(
                "an event of the stream is larger than the limit of {} bytes \
                 (HttpSettings::max_event_bytes)",
                self.max_event_bytes
            ),
        )
        .with_body(String::from_utf8_lossy(start).into_owned()))
    }

    /// Ends the stream. A complete trailing record (delimited framing) or a pending `[DONE]`
    /// is accepted; anything else left over means the stream was cut mid-event: an error of
    /// kind [`ErrorKind::Connection`] keeping the partial payload.
    pub fn finish_with<F>(&mut self, mut on_event: F) -> Result<()>
    where
        F: FnMut(SseEventRef<'_>) -> Result<()>,
    {
        let leftover = std::mem::take(&mut self.buffer);
        self.scanned = 0;
        if let Framing::Delimited(_) = self.framing {
            self.check_size(leftover.len(), &leftover)?;
            return push_record(&leftover, &mut on_event);
        }
        // A final line without its line end still counts as a line.
        let line_len = leftover.len() - usize::from(leftover.last() == Some(&b'\r'));
        let cut_line = line_len > 0;
        if !leftover.is_empty() {
            self.sse_line(&leftover, 0..line_len, &mut on_event)?;
        }
        if !self.in_event && !cut_line {
            return Ok(());
        }
        let done = match &self.data {
            PendingData::InBuffer(range) => leftover[range.clone()].trim_ascii() == b"[DONE]",
            PendingData::Owned(data) => data.trim_ascii() == b"[DONE]",
            PendingData::None => false,
        };
        if done {
            return self.dispatch(&leftover, &mut on_event);
        }
        let partial = match std::mem::take(&mut self.data) {
            PendingData::InBuffer(range) => &leftover[range],
            PendingData::Owned(data) => return Err(cut_off(&data)),
            PendingData::None => &leftover[..line_len],
        };
        self.in_event = false;
        Err(cut_off(partial))
    }

    /// Handles every complete line of `buffer`; returns how many bytes were consumed.
    fn sse_lines<F>(&mut self, buffer: &[u8], on_event: &mut F) -> Result<usize>
    where
        F: FnMut(SseEventRef<'_>) -> Result<()>,
    {
        let mut start = 0;
        let mut i = self.scanned;
        while let Some(offset) = find_line_end(&buffer[i..]) {
            let end = i + offset;
            let terminator_len = if buffer[end] == b'\r' {
                match buffer.get(end + 1) {
                    Some(b'\n') => 2,
                    Some(_) => 1,
                    // A `\r` at the end of the buffer may be the first half of `\r\n`.
                    None => break,
                }
            } else {
                1
            };
            self.sse_line(buffer, start..end, on_event)?;
            start = end + terminator_len;
            i = start;
        }
        // Skip what was searched next time, except a trailing `\r` (it may precede `\n`).
        let rest = buffer.len() - start;
        self.scanned = rest - usize::from(rest > 0 && buffer.last() == Some(&b'\r'));
        Ok(start)
    }

    /// Handles the line at `range` of `buffer`.
    fn sse_line<F>(
        &mut self,
        buffer: &[u8],
        range: std::ops::Range<usize>,
        on_event: &mut F,
    ) -> Result<()>
    where
        F: FnMut(SseEventRef<'_>) -> Result<()>,
    {
        let line = &buffer[range.clone()];
        if line.is_empty() {
            return if self.in_event {
                self.dispatch(buffer, on_event)
            } else {
                Ok(())
            };
        }
        if line[0] == b':' {
            return Ok(()); // a comment (keep-alive)
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let mut value = range.start + colon + 1;
                if value < range.end && buffer[value] == b' ' {
                    value += 1;
                }
                (&line[..colon], value..range.end)
            }
            None => (line, range.end..range.end),
        };
        match field {
            b"data" => {
                self.data = match std::mem::take(&mut self.data) {
                    PendingData::None => PendingData::InBuffer(value),
                    PendingData::InBuffer(first) => {
                        let mut data = buffer[first].to_vec();
                        data.push(b'\n');
                        data.extend_from_slice(&buffer[value]);
                        PendingData::Owned(data)
                    }
                    PendingData::Owned(mut data) => {
                        data.push(b'\n');
                        data.extend_from_slice(&buffer[value]);
                        PendingData::Owned(data)
                    }
                };
                self.in_event = true;
            }
            b"event" => {
                self.event = Some(utf8(&buffer[value])?.to_owned());
                self.in_event = true;
            }
            // `id` and `retry` concern reconnection, which a model call never does.
            _ => {}
        }
        Ok(())
    }

    fn dispatch<F>(&mut self, buffer: &[u8], on_event: &mut F) -> Result<()>
    where
        F: FnMut(SseEventRef<'_>) -> Result<()>,
    {
        let event = self.event.take();
        self.in_event = false;
        let data = std::mem::take(&mut self.data);
        let data: &[u8] = match &data {
            // An event without data is not delivered (SSE rule).
            PendingData::None => return Ok(()),
            PendingData::InBuffer(range) => &buffer[range.clone()],
            PendingData::Owned(data) => data,
        };
        self.check_size(data.len(), data)?;
        on_event(SseEventRef {
            event: event.as_deref(),
            data,
        })
    }

    /// Handles every complete record of `buffer`; returns how many bytes were consumed.
    fn records<F>(&mut self, buffer: &[u8], delimiter: &[u8], on_event: &mut F) -> Result<usize>
    where
        F: FnMut(SseEventRef<'_>) -> Result<()>,
    {
        if delimiter.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidParams,
                "empty stream delimiter",
            ));
        }
        let mut start = 0;
        let mut search_from = self.scanned;
        while let Some(offset) = find(&buffer[search_from..], delimiter) {
            let end = search_from + offset;
            self.check_size(end - start, &buffer[start..end])?;
            push_record(&buffer[start..end], on_event)?;
            start = end + delimiter.len();
            search_from = start;
        }
        // The delimiter may straddle the next chunk boundary: re-search its length minus one.
        self.scanned = (buffer.len() - start).saturating_sub(delimiter.len() - 1);
        Ok(start)
    }
}

/// The error for a stream that ended inside an event.
fn cut_off(partial: &[u8]) -> Error {
    Error::new(
        ErrorKind::Connection,
        "stream ended in the middle of an event",
    )
    .with_body(String::from_utf8_lossy(partial).into_owned())
}

/// Delivers one delimited record: trimmed, without a leading `data:`; blank ones are skipped.
fn push_record<F>(record: &[u8], on_event: &mut F) -> Result<()>
where
    F: FnMut(SseEventRef<'_>) -> Result<()>,
{
    let text = record.trim_ascii();
    let text = text
        .strip_prefix(b"data:")
        .map_or(text, <[u8]>::trim_ascii_start);
    if text.is_empty() {
        return Ok(());
    }
    on_event(SseEventRef {
        event: None,
        data: text,
    })
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
    fn events_over_the_limit_are_refused_whole_or_in_pieces() {
        let big = format!("data: {}\n\n", "x".repeat(100));
        let small = "data: ok\n\n";
        for framing in [Framing::Sse, Framing::Delimited("\n\n".into())] {
            for size in [1, 7, 64, 1000] {
                let mut decoder = EventDecoder::new(framing.clone()).with_max_event_bytes(64);
                let mut out = Vec::new();
                let input = format!("{small}{big}{small}");
                let error = input
                    .as_bytes()
                    .chunks(size)
                    .try_for_each(|piece| decoder.feed(piece, &mut out))
                    .and_then(|()| decoder.finish(&mut out))
                    .expect_err("an event over the limit");
                assert_eq!(
                    error.kind(),
                    ErrorKind::InvalidResponse,
                    "{framing:?} {size}"
                );
                assert!(error.message().contains("limit of 64 bytes"), "{error}");
                assert_eq!(data(&out), ["ok"], "{framing:?} {size}");
            }
        }
    }

    #[test]
    fn a_line_that_never_ends_is_refused_once_over_the_limit() {
        let mut decoder = EventDecoder::new(Framing::Sse).with_max_event_bytes(1024);
        let mut out = Vec::new();
        let piece = [b'x'; 100];
        let fed = (0..1000).position(|_| decoder.feed(&piece, &mut out).is_err());
        // The line (after `data: ` would be) passes 1024 bytes at the eleventh piece.
        assert_eq!(fed, Some(10));
        assert!(decoder.buffer.len() <= 1100);
    }

    #[test]
    fn many_data_lines_count_as_one_event() {
        let mut decoder = EventDecoder::new(Framing::Sse).with_max_event_bytes(50);
        let mut out = Vec::new();
        let error = (0..20)
            .try_for_each(|_| decoder.feed(b"data: 0123456789\n", &mut out))
            .expect_err("the event grows past the limit");
        assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    }

    #[test]
    fn invalid_utf8_is_a_decode_error() {
        let err = decode_in_pieces(Framing::Sse, b"data: \xff\xfe\n\n", 4).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    }
}
