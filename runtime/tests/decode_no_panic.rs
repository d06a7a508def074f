//! Property tests: stream decoding never panics, whatever the bytes and however they are
//! split, and splitting never changes the events produced.

use modelrt_runtime::sse::{EventDecoder, Framing, SseEvent};
use proptest::prelude::*;

/// Decodes `bytes` cut at `cuts`; returns the events and whether decoding ended in an error.
fn decode(framing: Framing, bytes: &[u8], cuts: &[usize]) -> (Vec<SseEvent>, bool) {
    let mut decoder = EventDecoder::new(framing);
    let mut events = Vec::new();
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    for pair in points.windows(2) {
        if decoder.feed(&bytes[pair[0]..pair[1]], &mut events).is_err() {
            return (events, true);
        }
    }
    let failed = decoder.finish(&mut events).is_err();
    (events, failed)
}

/// Bytes that look like a stream: SSE field names, separators and JSON-ish text, plus noise.
fn stream_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"data: ".to_vec()),
        Just(b"data:".to_vec()),
        Just(b"event: delta".to_vec()),
        Just(b": ping".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(b"[DONE]".to_vec()),
        Just("{\"content\":\"é🌍\"}".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn sse_never_panics_and_splits_do_not_matter(
        bytes in stream_bytes(),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let whole = decode(Framing::Sse, &bytes, &[]);
        let split = decode(Framing::Sse, &bytes, &cuts);
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn delimited_never_panics_and_splits_do_not_matter(
        bytes in stream_bytes(),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
        delimiter in prop_oneof![Just("\n"), Just("\n\n"), Just("\r\n"), Just("||")],
    ) {
        let framing = Framing::Delimited(delimiter.to_owned());
        let whole = decode(framing.clone(), &bytes, &[]);
        let split = decode(framing, &bytes, &cuts);
        prop_assert_eq!(whole, split);
    }
}
