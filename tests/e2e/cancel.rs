//! Dropping a stream cancels the call: the server sees the client leave and stops generating.
//!
//! The shared chat server runs with `--interrupt_requests false`, so a waiting request does
//! not cut a running stream short: only a closed connection stops it.

use std::time::{Duration, Instant};

use futures::StreamExt;

use crate::client::{self, ask, greedy, invoke};
use crate::serial;
use crate::server::SharedServers;

/// A prompt SmolLM2 answers at length (hundreds of tokens before it stops by itself).
const LONG_STORY: &str = "Write a long story about a dragon and a knight.";

#[tokio::test]
async fn dropping_a_stream_cancels_the_request() {
    let Some(servers) = SharedServers::get("dropping_a_stream_cancels_the_request") else {
        return;
    };
    let _turn = serial().await;
    let long = client::llm(&servers.base_url, &servers.model, greedy(1500));
    let disconnects_before = servers.disconnects_logged();

    let mut stream = long
        .stream(ask(LONG_STORY))
        .await
        .unwrap_or_else(|e| panic!("stream failed to start: {e}"));
    let mut pieces = 0;
    while pieces < 5 {
        match stream.next().await {
            Some(Ok(chunk)) if !chunk.content.is_empty() => pieces += 1,
            Some(Ok(chunk)) => assert!(chunk.finish_reason.is_none(), "ended early: {chunk:?}"),
            Some(Err(e)) => panic!("stream failed after {pieces} pieces: {e}"),
            None => panic!("stream ended after {pieces} pieces"),
        }
    }
    drop(stream);
    let dropped = Instant::now();

    // Server side: llama-cpp-python logs the disconnect when it notices it.
    match disconnects_before {
        Some(before) => {
            let noticed = wait_for(Duration::from_secs(20), || {
                servers.disconnects_logged().is_some_and(|now| now > before)
            })
            .await;
            assert!(noticed, "the server never logged the client's disconnect");
            eprintln!(
                "server logged the disconnect {:?} after the drop",
                dropped.elapsed()
            );
        }
        None => eprintln!("MODELRT_E2E_LLAMA_LOG not set: checking by timing only"),
    }

    // The server computes one request at a time: had it kept generating up to 1500 tokens,
    // a one-token request would wait many seconds behind it.
    let short = client::llm(&servers.base_url, &servers.model, greedy(1));
    let asked = Instant::now();
    invoke(&short, ask("Hi")).await;
    let waited = asked.elapsed();
    eprintln!("a one-token request after the drop took {waited:?}");
    assert!(
        waited < Duration::from_secs(5),
        "the next request waited {waited:?}: the dropped generation kept running"
    );
}

/// Polls `condition` every 100 ms until it holds or `limit` passes.
async fn wait_for(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    condition()
}
