//! No log line of the gateway shows the upstream key. A test binary of its own: the log sink
//! is the process's global subscriber, so every task's lines reach it.

#[allow(dead_code)] // Only part of the shared helpers is used here.
#[path = "api/support.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;
use support::{MODEL, UPSTREAM_KEY};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A log sink the test reads back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The status of a chat call through a gateway whose upstream answers `status` with `body`.
async fn status_through(status: u16, body: serde_json::Value) -> u16 {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let request = json!({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]});
    let response = gateway.post("/v1/chat/completions", &request).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert!(!text.contains(UPSTREAM_KEY), "{text}");
    status
}

#[tokio::test]
async fn no_log_line_shows_the_upstream_key() {
    let captured = Captured::default();
    let sink = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .init();
    let rejected =
        json!({"error": {"message": format!("bad key {UPSTREAM_KEY}"), "code": "invalid_api_key"}});
    assert_eq!(status_through(401, rejected).await, 502);
    let failing = json!({"error": {"message": UPSTREAM_KEY}});
    assert_eq!(status_through(500, failing).await, 503);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("authorization failed"),
        "the failure is logged: {logs}"
    );
    assert!(
        logs.contains("server unavailable"),
        "the failure is logged: {logs}"
    );
    assert!(!logs.contains(UPSTREAM_KEY), "{logs}");
}
