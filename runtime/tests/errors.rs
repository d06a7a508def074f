//! The error matrix: every failure maps to the right kind, is retried exactly when it should
//! be (counted on the server), never panics, and in streams arrives after every complete
//! chunk received before it.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{raw_server, sse, Fixture};
use futures::StreamExt;
use modelrt_runtime::error::{Error, ErrorKind};
use modelrt_runtime::llm::{LlmRequest, Message};
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;
use serde_json::json;
use tokio::io::AsyncReadExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn hello() -> LlmRequest {
    LlmRequest::new(vec![Message::user("hello")])
}

fn openai_error(message: &str, kind: &str, code: Option<&str>) -> serde_json::Value {
    json!({"error": {"message": message, "type": kind, "param": null, "code": code}})
}

/// Answers every chat request with `answer`; returns the error and the number of requests.
async fn fail_with(answer: ResponseTemplate) -> (Error, usize) {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(answer)
        .mount(&server)
        .await;
    let fixture = Fixture::compat(&server.uri(), "gpt-4o-mini", &[]);
    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .expect_err("the call fails");
    let requests = server.received_requests().await.unwrap().len();
    (error, requests)
}

#[tokio::test]
async fn status_matrix() {
    let cases: &[(u16, serde_json::Value, ErrorKind)] = &[
        (400, openai_error("Invalid value for 'temperature'.", "invalid_request_error", None), ErrorKind::BadRequest),
        (
            400,
            openai_error(
                "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
                "invalid_request_error",
                Some("context_length_exceeded"),
            ),
            ErrorKind::ContextWindowExceeded,
        ),
        (
            400,
            openai_error("The response was filtered due to the prompt triggering content management policy.", "invalid_request_error", Some("content_filter")),
            ErrorKind::ContentFiltered,
        ),
        (
            401,
            openai_error("Incorrect API key provided: sk-test-***cdef.", "invalid_request_error", Some("invalid_api_key")),
            ErrorKind::Authorization,
        ),
        (403, openai_error("Country, region, or territory not supported", "request_forbidden", Some("unsupported_country_region_territory")), ErrorKind::Authorization),
        (
            404,
            openai_error("The model `gpt-9` does not exist or you do not have access to it.", "invalid_request_error", Some("model_not_found")),
            ErrorKind::ModelNotFound,
        ),
        (402, json!({"error": {"code": 402, "message": "Insufficient credits. Add more credits and retry the request."}}), ErrorKind::Quota),
        (404, json!({"detail": "Not Found"}), ErrorKind::BadRequest),
        (408, openai_error("Request timed out.", "timeout", None), ErrorKind::Timeout),
        (409, openai_error("The request conflicted with another request in progress.", "conflict", None), ErrorKind::ServerUnavailable),
        (413, json!({"error": {"message": "Request too large", "type": "invalid_request_error"}}), ErrorKind::BadRequest),
        (422, json!({"detail": [{"loc": ["body", "messages"], "msg": "field required", "type": "missing"}]}), ErrorKind::BadRequest),
        (
            429,
            openai_error("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", Some("insufficient_quota")),
            ErrorKind::Quota,
        ),
        (500, openai_error("The server had an error while processing your request.", "server_error", None), ErrorKind::ServerUnavailable),
        (502, json!("Bad gateway"), ErrorKind::ServerUnavailable),
        (503, openai_error("The engine is currently overloaded, please try again later.", "server_error", None), ErrorKind::ServerUnavailable),
        (529, json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}), ErrorKind::ServerUnavailable),
    ];
    for (status, body, kind) in cases {
        let answer = ResponseTemplate::new(*status)
            .set_body_json(body.clone())
            .insert_header("x-request-id", "req_abc");
        let (error, requests) = fail_with(answer).await;
        assert_eq!(error.kind(), *kind, "HTTP {status}: {error}");
        assert_eq!(error.status(), Some(*status));
        assert_eq!(error.provider(), Some("openai_api_compatible"));
        assert_eq!(error.model(), Some("gpt-4o-mini"));
        assert_eq!(error.header("x-request-id"), Some("req_abc"));
        assert!(error.body().is_some_and(|b| !b.is_empty()));
        let expected_requests = if kind.is_retryable() { 3 } else { 1 };
        assert_eq!(
            requests, expected_requests,
            "HTTP {status}: retried {requests} times"
        );
        let shown = error.to_string();
        assert!(
            shown.starts_with("openai_api_compatible/gpt-4o-mini: "),
            "{shown}"
        );
        if *status == 404 && *kind == ErrorKind::BadRequest {
            assert!(shown.contains("is the endpoint URL right?"), "{shown}");
        }
    }
}

#[tokio::test]
async fn error_codes_are_kept() {
    let answer = ResponseTemplate::new(400).set_body_json(openai_error(
        "too long",
        "invalid_request_error",
        Some("context_length_exceeded"),
    ));
    let (error, _) = fail_with(answer).await;
    assert_eq!(error.code(), Some("context_length_exceeded"));
    assert_eq!(error.message(), "too long");
}

#[tokio::test]
async fn rate_limit_honours_retry_after() {
    let answer = ResponseTemplate::new(429)
        .set_body_json(openai_error(
            "Rate limit reached for requests",
            "requests",
            Some("rate_limit_exceeded"),
        ))
        .insert_header("retry-after", "1");
    let started = Instant::now();
    let (error, requests) = fail_with(answer).await;
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(requests, 3);
    // Two waits of the server's second each, not the 10–40 ms backoff.
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_is_not_waited_for() {
    let answer = ResponseTemplate::new(429)
        .set_body_json(openai_error(
            "Rate limit reached",
            "requests",
            Some("rate_limit_exceeded"),
        ))
        .insert_header("retry-after", "3600");
    let started = Instant::now();
    let (error, requests) = fail_with(answer).await;
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(requests, 1);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn success_after_a_retryable_failure() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]
        })))
        .mount(&server)
        .await;
    let fixture = Fixture::compat(&server.uri(), "m", &[]);
    let response = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .unwrap();
    assert_eq!(response.content, "ok");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let fixture = Fixture::compat(&format!("http://{address}"), "m", &[]);
    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
}

/// A server that reads each request and resets the connection; counts connections.
async fn resetting_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 8192];
            let _ = socket.read(&mut buf).await;
            let _ = socket.set_zero_linger();
            drop(socket);
        }
    });
    (base, count)
}

#[tokio::test]
async fn connection_reset_is_retried() {
    let (base, connections) = resetting_server().await;
    let fixture = Fixture::compat(&base, "m", &[]);
    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_read_timeout_on_a_post_is_retried_only_when_asked() {
    for (opt_in, expected_requests) in [(false, 1), (true, 3)] {
        let server = MockServer::builder().start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
            .mount(&server)
            .await;
        let mut fixture = Fixture::compat(&server.uri(), "m", &[]);
        fixture.http.read_timeout = Duration::from_millis(200);
        fixture.http.retry_read_timeouts = opt_in;
        let error = OPENAI_COMPATIBLE
            .invoke(fixture.ctx(), hello())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
        assert!(error.is_read_timeout(), "{error}");
        let requests = server.received_requests().await.unwrap().len();
        assert_eq!(
            requests, expected_requests,
            "retry_read_timeouts = {opt_in}"
        );
    }
}

#[tokio::test]
async fn malformed_json_keeps_the_payload_and_is_not_retried() {
    let answer = ResponseTemplate::new(200).set_body_raw("{\"choices\": [oops", "application/json");
    let (error, requests) = fail_with(answer).await;
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert_eq!(error.body(), Some("{\"choices\": [oops"));
    assert_eq!(requests, 1);
}

fn content_chunk(text: &str) -> String {
    format!(
        r#"{{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{{"index":0,"delta":{{"content":"{text}"}},"finish_reason":null}}]}}"#
    )
}

/// Streams `pieces` from a raw server; returns the chunks' texts before the error, the error,
/// and how many connections were made.
async fn stream_failure(pieces: Vec<Vec<u8>>, reset: bool) -> (Vec<String>, Error) {
    let base = raw_server("HTTP/1.1 200 OK", pieces, reset).await;
    let fixture = Fixture::compat(&base, "m", &[]);
    let mut stream = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), hello())
        .await
        .unwrap();
    let mut texts = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => texts.push(chunk.content),
            Err(error) => {
                assert!(
                    stream.next().await.is_none(),
                    "the stream ends after an error"
                );
                return (texts, error);
            }
        }
    }
    panic!("the stream ended without an error: {texts:?}");
}

#[tokio::test]
async fn stream_cut_mid_event_delivers_complete_chunks_first() {
    let complete = sse(&[&content_chunk("Hel"), &content_chunk("lo")]);
    let partial = format!("data: {}", &content_chunk(" world")[..40]);
    let (texts, error) = stream_failure(
        vec![complete.into_bytes(), partial.clone().into_bytes()],
        false,
    )
    .await;
    assert_eq!(texts, ["Hel", "lo"]);
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert_eq!(error.body(), Some(&partial["data: ".len()..]));
    assert_eq!(error.provider(), Some("openai_api_compatible"));
}

#[tokio::test]
async fn stream_reset_delivers_complete_chunks_first() {
    let complete = sse(&[&content_chunk("a"), &content_chunk("b")]);
    let (texts, error) = stream_failure(vec![complete.into_bytes()], true).await;
    assert_eq!(texts, ["a", "b"]);
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
}

#[tokio::test]
async fn stream_with_malformed_json_event() {
    let body = sse(&[&content_chunk("ok"), "{\"choices\": [", "[DONE]"]);
    let (texts, error) = stream_failure(vec![body.into_bytes()], false).await;
    assert_eq!(texts, ["ok"]);
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert_eq!(error.body(), Some("{\"choices\": ["));
}

#[tokio::test]
async fn error_event_inside_a_stream() {
    let error_event = r#"{"error":{"message":"The server had an error while processing your request.","type":"server_error","code":null}}"#;
    let body = sse(&[&content_chunk("partial"), error_event]);
    let (texts, error) = stream_failure(vec![body.into_bytes()], false).await;
    assert_eq!(texts, ["partial"]);
    assert_eq!(
        error.message(),
        "The server had an error while processing your request."
    );
}

#[tokio::test]
async fn streams_are_not_retried_once_started_but_are_before() {
    // Before the answer starts: a 503 is retried.
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let fixture = Fixture::compat(&server.uri(), "m", &[]);
    let error = match OPENAI_COMPATIBLE.stream(fixture.ctx(), hello()).await {
        Ok(_) => panic!("a 503 must fail the call"),
        Err(error) => error,
    };
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // After it started: a cut is reported once, with no new request.
    let (base, connections) = counting_raw_server(sse(&[&content_chunk("x")]) + "data: {").await;
    let fixture = Fixture::compat(&base, "m", &[]);
    let items: Vec<_> = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), hello())
        .await
        .unwrap()
        .collect()
        .await;
    assert!(items.last().is_some_and(Result::is_err));
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

/// A server answering 200 with `body` and closing, counting connections.
async fn counting_raw_server(body: String) -> (String, Arc<AtomicUsize>) {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 8192];
            let _ = socket.read(&mut buf).await;
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
        }
    });
    (base, count)
}
