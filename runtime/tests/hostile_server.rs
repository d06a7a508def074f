//! The runtime against servers that misbehave: bodies and events past their caps, servers
//! that stall mid-body or trickle forever, connections that never complete, and callers whose
//! tokio runtimes come and go. Every case ends in a clear error within bounded time and
//! memory, after everything received before it.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{sse, Fixture};
use futures::StreamExt;
use modelrt_runtime::error::{Error, ErrorKind, MAX_ERROR_BODY_BYTES};
use modelrt_runtime::llm::{LlmRequest, Message};
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn hello() -> LlmRequest {
    LlmRequest::new(vec![Message::user("hello")])
}

fn content_chunk(text: &str) -> String {
    format!(
        r#"{{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{{"index":0,"delta":{{"content":"{text}"}},"finish_reason":null}}]}}"#
    )
}

const SSE_HEAD: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";

/// A server that reads each request, sends `head` and then `pieces` with `pause` between
/// them, and then holds the connection open without another byte. Counts connections.
async fn slow_server(
    head: String,
    pieces: Vec<Vec<u8>>,
    pause: Duration,
) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let (head, pieces) = (head.clone(), pieces.clone());
            let _ = socket.set_nodelay(true);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(head.as_bytes()).await;
                for piece in pieces {
                    if socket.write_all(&piece).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(pause).await;
                }
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    (base, connections)
}

/// The texts of the chunks before the stream's error, and the error.
async fn stream_until_error(fixture: &Fixture) -> (Vec<String>, Error) {
    let mut stream = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), hello())
        .await
        .expect("the stream starts");
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
async fn a_body_over_the_cap_is_an_invalid_response_declared_or_not() {
    // Declared: refused from its content-length.
    let server = MockServer::builder().start().await;
    let answer = json!({"choices": [], "padding": "x".repeat(4096)});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let mut fixture = Fixture::compat(&server.uri(), "m", &[]);
    fixture.http.max_body_bytes = 1024;
    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
    assert!(error.message().contains("limit of 1024 bytes"), "{error}");
    assert_eq!(error.provider(), Some("openai_api_compatible"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // Undeclared (read until close): refused once the cap is passed, without waiting for the
    // end, which this server never sends.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
    let (base, _) = slow_server(
        head.to_owned(),
        vec![vec![b' '; 512]; 8],
        Duration::from_millis(1),
    )
    .await;
    let mut fixture = Fixture::compat(&base, "m", &[]);
    fixture.http.max_body_bytes = 1024;
    let started = Instant::now();
    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_event_over_the_cap_ends_the_stream_after_the_chunks_before_it() {
    let first = sse(&[&content_chunk("Hel")]).into_bytes();
    let mut pieces = vec![first, b"data: ".to_vec()];
    // An event that never ends: far past the cap, then silence.
    pieces.extend(std::iter::repeat_n(vec![b'x'; 1024], 16));
    let (base, connections) = slow_server(SSE_HEAD.to_owned(), pieces, Duration::ZERO).await;
    let mut fixture = Fixture::compat(&base, "m", &[]);
    fixture.http.max_event_bytes = 4096;
    let (texts, error) = stream_until_error(&fixture).await;
    assert_eq!(texts, ["Hel"]);
    assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
    assert!(error.message().contains("max_event_bytes"), "{error}");
    assert!(error.body().is_some_and(|b| b.starts_with("data: xxx")));
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_error_body_is_read_to_its_cap_and_kept_to_8_kib() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string("e".repeat(1 << 20)))
        .mount(&server)
        .await;
    let fixture = Fixture::compat(&server.uri(), "m", &[]);
    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BadRequest, "{error}");
    assert_eq!(error.status(), Some(400));
    let body = error.body().expect("a body");
    assert!(body.len() < MAX_ERROR_BODY_BYTES + 64, "{}", body.len());
    assert!(
        body.ends_with(&format!("[cut from {} bytes]", 64 << 10)),
        "read only up to max_error_body_bytes: {}",
        &body[body.len() - 40..]
    );
}

#[tokio::test]
async fn a_deadline_bounds_the_whole_call() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let mut fixture = Fixture::compat(&server.uri(), "m", &[]);
    fixture.http.deadline = Some(Duration::from_millis(300));
    let started = Instant::now();
    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.message().contains("deadline of 0.300 s"), "{error}");
    assert_eq!(error.model(), Some("m"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_deadline_ends_a_trickling_stream_after_the_chunks_received() {
    let pieces = (0..100)
        .map(|i| sse(&[&content_chunk(&i.to_string())]).into_bytes())
        .collect();
    let (base, _) = slow_server(SSE_HEAD.to_owned(), pieces, Duration::from_millis(100)).await;
    let mut fixture = Fixture::compat(&base, "m", &[]);
    fixture.http.deadline = Some(Duration::from_millis(800));
    let started = Instant::now();
    let (texts, error) = stream_until_error(&fixture).await;
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.message().contains("deadline"), "{error}");
    assert!(!texts.is_empty() && texts.len() < 100, "{texts:?}");
    assert_eq!(texts[0], "0");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_stall_mid_body_is_a_read_timeout_and_a_post_is_not_sent_again() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
    let (base, connections) = slow_server(
        head.to_owned(),
        vec![b"{\"choices\": [".to_vec()],
        Duration::ZERO,
    )
    .await;
    let mut fixture = Fixture::compat(&base, "m", &[]);
    fixture.http.read_timeout = Duration::from_millis(300);
    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.is_read_timeout());
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "a POST is not retried"
    );
}

#[tokio::test]
async fn a_stall_mid_stream_is_a_timeout_after_the_chunks_received() {
    let first = sse(&[&content_chunk("Hel"), &content_chunk("lo")]).into_bytes();
    let (base, connections) = slow_server(SSE_HEAD.to_owned(), vec![first], Duration::ZERO).await;
    let mut fixture = Fixture::compat(&base, "m", &[]);
    fixture.http.read_timeout = Duration::from_millis(300);
    let (texts, error) = stream_until_error(&fixture).await;
    assert_eq!(texts, ["Hel", "lo"]);
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

/// A listener whose accept queue is full, so a new connection never completes; the
/// connections that fill it are returned with it, to be held.
fn unanswered_listener() -> (tokio::net::TcpListener, Vec<std::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = socket.local_addr().unwrap();
    // Never accepted: connections pile up in the queue until the kernel drops new ones.
    let listener = socket.listen(0).unwrap();
    let mut held = Vec::new();
    for _ in 0..64 {
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => held.push(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return (listener, held),
            Err(e) => panic!("unexpected connect error: {e}"),
        }
    }
    panic!("the accept queue never filled");
}

#[tokio::test]
async fn a_connect_timeout_is_reported_as_such_and_retried() {
    let (listener, _held) = unanswered_listener();
    let address = listener.local_addr().unwrap();
    let mut fixture = Fixture::compat(&format!("http://{address}"), "m", &[]);
    fixture.http.connect_timeout = Duration::from_millis(200);
    fixture.http.max_retries = 1;
    let started = Instant::now();
    let error = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), hello())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.message().contains("connect timeout"), "{error}");
    assert!(!error.is_read_timeout());
    // Nothing was sent, so the attempt is safely repeated: two timeouts in all.
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}

/// One small call on whatever runtime runs it, bounded so that a hang fails the test.
async fn call_once(base: &str) {
    let fixture = Fixture::compat(base, "m", &[]);
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        OPENAI_COMPATIBLE.invoke(fixture.ctx(), hello()),
    )
    .await
    .expect("the call does not hang");
    let response = answer.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.content, "pong");
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn calls_work_from_runtimes_that_come_and_go() {
    // The server runs on a thread of its own; this runtime only sets it up.
    let setup = current_thread_runtime();
    let server = setup.block_on(async {
        let server = MockServer::builder().start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "model": "m",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
            })))
            .mount(&server)
            .await;
        server
    });
    let base = server.uri();

    // In sequence: the first runtime stays alive but idle while the second calls (its
    // pooled connections are not driven), then it is dropped before the third calls.
    let first = current_thread_runtime();
    first.block_on(call_once(&base));
    let second = current_thread_runtime();
    second.block_on(call_once(&base));
    drop(first);
    second.block_on(call_once(&base));
    drop(second);
    current_thread_runtime().block_on(call_once(&base));

    // Several at once, each on its own runtime, some multi-threaded.
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let base = base.clone();
            std::thread::spawn(move || {
                let runtime = if i % 2 == 0 {
                    current_thread_runtime()
                } else {
                    tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(2)
                        .enable_all()
                        .build()
                        .unwrap()
                };
                for _ in 0..3 {
                    runtime.block_on(call_once(&base));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no call failed");
    }
    setup.block_on(async move { drop(server) });
}
