//! A server that dies mid-stream: the deltas already received stay received, then the stream
//! ends with a connection error (not a clean, truncated answer).

use futures::StreamExt;
use modelrt::runtime::ErrorKind;

use crate::client::{self, ask, greedy};
use crate::serial;
use crate::server::{DedicatedServer, SharedServers};

#[tokio::test]
async fn killing_the_server_mid_stream_is_a_connection_error() {
    const TEST: &str = "killing_the_server_mid_stream_is_a_connection_error";
    let Some(servers) = SharedServers::get(TEST) else {
        return;
    };
    let _turn = serial().await;
    let Some(mut server) = DedicatedServer::start(TEST, &servers.model).await else {
        return;
    };
    let handle = client::llm(&server.base_url, &servers.model, greedy(1500));
    let mut stream = handle
        .stream(ask("Write a long story about a dragon and a knight."))
        .await
        .unwrap_or_else(|e| panic!("stream failed to start: {e}"));

    let mut received = String::new();
    let mut pieces = 0;
    while pieces < 5 {
        match stream.next().await {
            Some(Ok(chunk)) => {
                assert!(chunk.finish_reason.is_none(), "ended early: {chunk:?}");
                if !chunk.content.is_empty() {
                    pieces += 1;
                    received.push_str(&chunk.content);
                }
            }
            Some(Err(e)) => panic!("stream failed before the kill, after {pieces} pieces: {e}"),
            None => panic!("stream ended before the kill, after {pieces} pieces"),
        }
    }
    server.kill();

    // Chunks already in flight may still arrive; then the stream must fail.
    let mut after_kill = 0;
    let error = loop {
        match stream.next().await {
            Some(Ok(chunk)) => {
                assert!(
                    chunk.finish_reason.is_none() && chunk.usage.is_none(),
                    "a killed server's stream must not end like a complete answer: {chunk:?}"
                );
                after_kill += 1;
            }
            Some(Err(error)) => break error,
            None => panic!(
                "the stream ended cleanly after the server was killed ({after_kill} chunks \
                 after the kill); expected a connection error"
            ),
        }
    };
    eprintln!("received {received:?} (+{after_kill} chunks in flight), then: {error}");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert!(!received.is_empty());
    assert!(stream.next().await.is_none(), "nothing after the error");
}
