//! No secret escapes: with a recognisable API key, nothing a caller or a log can see —
//! `Debug`/`Display` of requests, responses, contexts and errors, and every tracing span field
//! and event recorded during real calls — contains the key.

mod common;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use common::{sse, Fixture, API_KEY};
use futures::StreamExt;
use modelrt_runtime::http::HttpRequest;
use modelrt_runtime::llm::{LlmRequest, Message};
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;
use modelrt_runtime::secret::Secret;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Records every span field and event field as text.
#[derive(Clone, Default)]
struct Capture {
    log: Arc<Mutex<String>>,
    next_id: Arc<AtomicU64>,
}

struct Writer<'a>(&'a mut String);

impl Visit for Writer<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, "{}={} ", field.name(), value);
    }
}

impl Capture {
    fn text(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut log = self.log.lock().unwrap();
        let _ = write!(log, "\nspan {} ", span.metadata().name());
        span.record(&mut Writer(&mut log));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Writer(&mut self.log.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut log = self.log.lock().unwrap();
        let _ = write!(log, "\nevent {} ", event.metadata().level());
        event.record(&mut Writer(&mut log));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(API_KEY), "{what} shows the API key:\n{text}");
    assert!(
        !text.contains("SECRET-0123"),
        "{what} shows part of the API key:\n{text}"
    );
}

#[tokio::test]
async fn the_api_key_appears_nowhere() {
    let capture = Capture::default();
    tracing::subscriber::set_global_default(capture.clone()).expect("one subscriber per binary");

    let server = MockServer::builder().start().await;
    let bearer = format!("Bearer {API_KEY}");
    // The first attempt fails (logged retry), the second answers.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    // Then a stream, then a 401 whose body echoes the key (some servers do).
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            sse(&[
                r#"{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}"#,
                "[DONE]",
            ]),
            "text/event-stream",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {
                    "message": format!("Incorrect API key provided: {API_KEY}."),
                    "type": "invalid_request_error", "code": "invalid_api_key"}}))
                .insert_header(
                    "www-authenticate",
                    format!("Bearer realm=\"{API_KEY}\"").as_str(),
                ),
        )
        .mount(&server)
        .await;

    let fixture = Fixture::compat(&server.uri(), "m", &[]);
    let mut shown = String::new();
    let request = LlmRequest::new(vec![Message::user("hello")]);
    let _ = write!(
        shown,
        "{:?} {:?} {:?}",
        fixture.ctx(),
        fixture.credentials,
        request
    );

    let response = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), request.clone())
        .await
        .unwrap();
    let _ = write!(shown, "{response:?}");

    let stream = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), request.clone())
        .await
        .unwrap();
    for item in stream.collect::<Vec<_>>().await {
        let _ = write!(shown, "{item:?}");
    }

    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), request.clone())
        .await
        .unwrap_err();
    let _ = write!(shown, "{error} {error:?} {:?}", error.headers());
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&error);
    while let Some(cause) = source {
        let _ = write!(shown, "{cause} {cause:?}");
        source = cause.source();
    }
    assert!(error.message().contains("[REDACTED]"), "{error}");

    // A request built with the key, and a connection failure to a URL.
    let http_request = HttpRequest::get(format!("{}/models", server.uri()))
        .bearer(&Secret::new(API_KEY))
        .unwrap();
    let _ = write!(shown, "{http_request:?}");
    let refused = Fixture::compat("http://127.0.0.1:1", "m", &[]);
    let error = OPENAI_COMPATIBLE
        .invoke(refused.ctx(), request)
        .await
        .unwrap_err();
    let _ = write!(shown, "{error} {error:?}");

    assert_clean("Debug/Display output", &shown);
    let log = capture.text();
    assert!(
        log.contains("modelrt.http"),
        "the calls were traced:\n{log}"
    );
    assert!(log.contains("retrying"), "the retry was logged:\n{log}");
    assert_clean("the tracing log", &log);
}

#[tokio::test]
async fn decode_errors_are_redacted_like_transport_errors() {
    let unparsable = format!("{{\"echo\": \"Bearer {API_KEY}\", oops");
    let reported =
        json!({"error": {"message": format!("bad key {API_KEY}"), "type": "x"}}).to_string();
    for answer in [unparsable, reported] {
        let server = MockServer::builder().start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(answer, "application/json"))
            .mount(&server)
            .await;
        let fixture = Fixture::compat(&server.uri(), "m", &[]);
        let error = OPENAI_COMPATIBLE
            .invoke(fixture.ctx(), LlmRequest::new(vec![Message::user("hello")]))
            .await
            .unwrap_err();
        assert_eq!(error.provider(), Some("openai_api_compatible"));
        assert_clean("a decode error", &format!("{error} {error:?}"));
    }
}
