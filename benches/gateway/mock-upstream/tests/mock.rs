//! The mock upstream answers in OpenAI's shapes, after its latency.

use std::time::{Duration, Instant};

use axum::serve::Listener;
use modelrt_mock_upstream::{serve, without_nagle, Settings};
use serde_json::{json, Value};

const LATENCY: Duration = Duration::from_millis(30);

/// Serves the mock on a free local port; returns its chat completions URL.
async fn start(chunks: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let settings = Settings {
        latency: LATENCY,
        chunks,
    };
    tokio::spawn(serve(listener, settings));
    format!("http://{address}/v1/chat/completions")
}

async fn post(url: &str, body: Value) -> (reqwest::StatusCode, String, Duration) {
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, text, started.elapsed())
}

#[tokio::test]
async fn a_whole_completion_after_the_latency() {
    let url = start(3).await;
    let (status, text, elapsed) = post(
        &url,
        json!({"model": "bench", "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(elapsed >= LATENCY, "answered after {elapsed:?}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "bench");
    assert_eq!(body["choices"][0]["message"]["content"], "word word word ");
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert_eq!(
        body["usage"],
        json!({"prompt_tokens": 10, "completion_tokens": 3, "total_tokens": 13})
    );
}

#[tokio::test]
async fn a_stream_of_fixed_chunks_with_usage() {
    let url = start(2).await;
    let (status, text, elapsed) = post(
        &url,
        json!({
            "model": "bench",
            "messages": [{"role": "user", "content": "hi"}],
            "stream": true,
            "stream_options": {"include_usage": true},
        }),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(elapsed >= LATENCY, "answered after {elapsed:?}");
    let events: Vec<&str> = text
        .split("\n\n")
        .filter(|event| !event.is_empty())
        .map(|event| event.strip_prefix("data: ").unwrap())
        .collect();
    assert_eq!(events.len(), 6, "{text}");
    assert_eq!(events[5], "[DONE]");
    let chunks: Vec<Value> = events[..5]
        .iter()
        .map(|event| serde_json::from_str(event).unwrap())
        .collect();
    assert!(chunks
        .iter()
        .all(|chunk| chunk["object"] == "chat.completion.chunk"));
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(chunks[1]["choices"][0]["delta"]["content"], "word ");
    assert_eq!(chunks[2]["choices"][0]["delta"]["content"], "word ");
    assert_eq!(chunks[3]["choices"][0]["finish_reason"], "stop");
    assert_eq!(chunks[4]["choices"], json!([]));
    assert_eq!(chunks[4]["usage"]["completion_tokens"], 2);
}

#[tokio::test]
async fn no_usage_event_unless_asked() {
    let url = start(1).await;
    let (_, text, _) = post(&url, json!({"model": "bench", "stream": true})).await;
    assert!(!text.contains("usage"), "{text}");
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
}

#[tokio::test]
async fn malformed_json_is_a_400_in_openai_shape() {
    let url = start(1).await;
    let response = reqwest::Client::new()
        .post(&url)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
}

/// Nagle's algorithm on the mock's connections held the end of every stream on a reused
/// connection until the client's delayed ACK, 40 ms later (BENCHMARKS.md, "Gateway"); a
/// timing test of that would be flaky on a loaded machine, so this checks the cause.
#[tokio::test]
async fn accepted_connections_have_tcp_nodelay() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let mut listener = without_nagle(listener);
    let client = tokio::net::TcpStream::connect(address).await.unwrap();
    let (accepted, _) = listener.accept().await;
    assert!(accepted.nodelay().unwrap(), "TCP_NODELAY is off");
    drop(client);
}
