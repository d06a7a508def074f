//! iFlytek Spark over WebSocket against a local WebSocket server: the signed URL (checked by
//! the server the way iFlytek documents it: HMAC-SHA256 with the API secret over host, date
//! and request line), the request frame, answer frames added up or streamed, error frames by
//! code, refused handshakes by status class, a cut exchange, and requests refused before
//! connecting.

mod common;
mod protocols_support;

use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{Fixture, API_KEY};
use futures::{SinkExt, StreamExt};
use hmac::{Hmac, KeyInit, Mac};
use modelrt_runtime::catalog::ParameterType;
use modelrt_runtime::credentials::CredentialValue;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{FinishReason, LlmRequest, Message};
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::spark::SPARK;
use modelrt_runtime::secret::Secret;
use modelrt_runtime::Error;
use protocols_support::{
    accumulate, assert_code_error, assert_no_key, collect, fixture, leak, params, weather_tool,
};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::Message as Frame;

const API_SECRET: &str = "MjlmNzkzNmZkMDQ2OTc0ZDdmNGE2ZTZi";
const APP_ID: &str = "a1b2c3d4";

/// What the server saw: the handshake's path and query, and the request frame.
#[derive(Debug, Default, Clone)]
struct Seen {
    uri: String,
    frame: Option<Value>,
}

/// How the server answers.
enum Script {
    /// These frames, then a close.
    Frames(Vec<Value>),
    /// These frames, then the TCP connection dropped without a close.
    Cut(Vec<Value>),
    /// The handshake refused with this status, headers and body.
    Refuse(u16, Vec<(&'static str, &'static str)>, &'static str),
}

/// A WebSocket server on a local port answering one exchange with `script`.
// The handshake callback's error type is tungstenite's (an HTTP response), not ours to box.
#[allow(clippy::result_large_err)]
async fn server(script: Script) -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let refusal = match &script {
            Script::Refuse(status, headers, body) => Some((*status, headers.clone(), *body)),
            _ => None,
        };
        let record = log.clone();
        let callback = move |request: &Request, response: Response| {
            record.lock().unwrap().uri = request.uri().to_string();
            match refusal {
                None => Ok(response),
                Some((status, headers, body)) => {
                    let mut refused = ErrorResponse::new(Some(body.to_owned()));
                    *refused.status_mut() = StatusCode::from_u16(status).unwrap();
                    for (name, value) in headers {
                        refused.headers_mut().insert(name, value.parse().unwrap());
                    }
                    Err(refused)
                }
            }
        };
        let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else {
            return;
        };
        if let Some(Ok(Frame::Text(text))) = socket.next().await {
            log.lock().unwrap().frame = serde_json::from_str(text.as_str()).ok();
        }
        let (frames, close) = match script {
            Script::Frames(frames) => (frames, true),
            Script::Cut(frames) => (frames, false),
            Script::Refuse(..) => return,
        };
        for frame in frames {
            socket.send(Frame::text(frame.to_string())).await.unwrap();
        }
        if close {
            let _ = socket.close(None).await;
        }
    });
    (base, seen)
}

/// Dify's `spark` form (`app_id`, `api_key`, `api_secret`) with `base` as the endpoint.
fn spark(base: &str, model: &str) -> Fixture {
    let mut fx = fixture(
        "spark",
        vec![
            ("api_key_variable", "api_key"),
            ("base_url", leak(base.to_owned())),
            ("protocol", "spark"),
        ],
        model,
        &["api_key"],
        &[("app_id", APP_ID)],
    );
    fx.credentials.insert(
        "api_secret",
        CredentialValue::Secret(Secret::new(API_SECRET)),
    );
    fx
}

/// One answer frame as iFlytek documents it (`status` 2 on the last, with usage).
fn answer(seq: u64, content: &str, status: u8) -> Value {
    let mut frame = json!({
        "header": {"code": 0, "message": "Success", "sid": "cht000cb087@dx18793cd421fb894542",
                   "status": status},
        "payload": {"choices": {"status": status, "seq": seq,
                                "text": [{"content": content, "role": "assistant", "index": 0}]}}
    });
    if status == 2 {
        frame["payload"]["usage"] = json!({"text": {
            "question_tokens": 4, "prompt_tokens": 5, "completion_tokens": 9, "total_tokens": 14
        }});
    }
    frame
}

fn error_frame(code: i64, message: &str) -> Value {
    json!({"header": {"code": code, "message": message,
                      "sid": "cht000b5e72@dx18b988c77afb81b540", "status": 2}})
}

fn query(uri: &str, name: &str) -> String {
    let query = uri.split_once('?').unwrap().1;
    let raw = query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no `{name}` in {uri}"));
    let mut out = Vec::new();
    let mut bytes = raw.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: String = [bytes.next().unwrap(), bytes.next().unwrap()]
                .iter()
                .map(|&c| char::from(c))
                .collect();
            out.push(u8::from_str_radix(&hex, 16).unwrap());
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).unwrap()
}

/// Checks the URL's signature as iFlytek's server does, with the API secret.
fn assert_signed(uri: &str, path: &str) {
    assert!(uri.starts_with(&format!("{path}?")), "{uri}");
    let host = query(uri, "host");
    let date = query(uri, "date");
    assert!(date.ends_with(" GMT"), "RFC 1123 date: {date}");
    let authorization = String::from_utf8(STANDARD.decode(query(uri, "authorization")).unwrap())
        .expect("base64 of text");
    let mut mac = Hmac::<Sha256>::new_from_slice(API_SECRET.as_bytes()).unwrap();
    mac.update(format!("host: {host}\ndate: {date}\nGET {path} HTTP/1.1").as_bytes());
    let signature = STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(
        authorization,
        format!(
            "api_key=\"{API_KEY}\", algorithm=\"hmac-sha256\", \
             headers=\"host date request-line\", signature=\"{signature}\""
        )
    );
    assert!(!uri.contains(API_SECRET));
}

#[tokio::test]
async fn a_signed_exchange_adds_up_the_frames_and_reads_usage_from_the_last() {
    let (base, seen) = server(Script::Frames(vec![
        answer(0, "我是", 0),
        answer(1, "星火", 1),
        answer(2, "认知大模型。", 2),
    ]))
    .await;
    let mut fx = spark(&base, "spark-max");
    fx.params = params(
        &[
            ("temperature", ParameterType::Float),
            ("max_tokens", ParameterType::Int),
            ("top_k", ParameterType::Int),
        ],
        json!({"temperature": 0.5, "max_tokens": 1024, "top_k": 4}),
    );
    let mut request = LlmRequest::new(vec![
        Message::system("你是知识渊博的助理"),
        Message::user("你是谁"),
    ]);
    request.user = Some("u".repeat(40));
    let got = SPARK.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(got.content, "我是星火认知大模型。");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        (got.usage.prompt_tokens, got.usage.completion_tokens),
        (5, 9)
    );
    assert!(!got.usage.estimated);

    let seen = seen.lock().unwrap().clone();
    assert_signed(&seen.uri, "/v3.5/chat");
    assert_eq!(
        seen.frame.unwrap(),
        json!({
            "header": {"app_id": APP_ID, "uid": "u".repeat(32)},
            "parameter": {"chat": {"domain": "generalv3.5", "temperature": 0.5,
                                   "max_tokens": 1024, "top_k": 4}},
            "payload": {"message": {"text": [
                {"role": "system", "content": "你是知识渊博的助理"},
                {"role": "user", "content": "你是谁"}
            ]}}
        })
    );
}

#[tokio::test]
async fn each_model_goes_to_its_documented_path_and_domain() {
    for (model, path, domain) in [
        ("spark-lite", "/v1.1/chat", "lite"),
        ("spark-pro-128k", "/chat/pro-128k", "pro-128k"),
        ("spark-4.0-ultra", "/v4.0/chat", "4.0Ultra"),
    ] {
        let (base, seen) = server(Script::Frames(vec![answer(0, "好", 2)])).await;
        let fx = spark(&base, model);
        SPARK
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
            .await
            .unwrap();
        let seen = seen.lock().unwrap().clone();
        assert_signed(&seen.uri, path);
        assert_eq!(
            seen.frame.unwrap()["parameter"]["chat"]["domain"],
            json!(domain)
        );
    }
}

#[tokio::test]
async fn a_stream_yields_each_frame_and_a_cut_one_is_an_error() {
    let (base, _) = server(Script::Frames(vec![
        answer(0, "你好", 1),
        answer(1, "！", 2),
    ]))
    .await;
    let fx = spark(&base, "spark-pro");
    let request = LlmRequest::new(vec![Message::user("你好")]);
    let (chunks, error) = collect(&SPARK, &fx, request.clone()).await;
    assert!(error.is_none(), "{error:?}");
    let whole = accumulate(&chunks);
    assert_eq!(whole.content, "你好！");
    assert_eq!(whole.finish_reason, Some(FinishReason::Stop));
    assert_eq!(whole.usage.completion_tokens, 9);

    let (base, _) = server(Script::Cut(vec![answer(0, "你好", 1)])).await;
    let (chunks, error) = collect(&SPARK, &spark(&base, "spark-pro"), request).await;
    assert_eq!(accumulate(&chunks).content, "你好");
    let error = error.expect("a cut exchange is an error");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.to_string().contains("header.status 2"), "{error}");
    assert_eq!(error.provider(), Some("spark"));
}

#[tokio::test]
async fn error_frames_map_by_code_without_showing_keys() {
    let cases = [
        (
            11200,
            "AppIdNoAuthError:(12:17:04.432) tokens.total",
            ErrorKind::Authorization,
        ),
        (11202, "AppIdQpsOverFlowError", ErrorKind::RateLimit),
        (
            10013,
            "输入内容审核不通过，涉嫌违规，请重新调整输入内容",
            ErrorKind::ContentFiltered,
        ),
        (10907, "token数量超过上限", ErrorKind::ContextWindowExceeded),
        (10163, "请求参数错误", ErrorKind::BadRequest),
    ];
    for (code, message, kind) in cases {
        let (base, _) = server(Script::Frames(vec![error_frame(code, message)])).await;
        let fx = spark(&base, "spark-max");
        let error = SPARK
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
            .await
            .unwrap_err();
        assert_code_error(
            &error,
            (kind, &code.to_string(), message),
            ("spark", "spark-max"),
        );
        assert_no_secrets(&error);
    }
}

fn assert_no_secrets(error: &Error) {
    assert_no_key(error);
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(API_SECRET), "the secret leaked: {shown}");
}

#[tokio::test]
async fn refused_handshakes_map_by_status() {
    let cases = [
        (
            401,
            vec![],
            r#"{"message":"HMAC signature does not match"}"#,
            ErrorKind::Authorization,
        ),
        (
            403,
            vec![],
            r#"{"message":"HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication"}"#,
            ErrorKind::Authorization,
        ),
        (
            429,
            vec![("retry-after", "7")],
            r#"{"message":"API rate limit exceeded"}"#,
            ErrorKind::RateLimit,
        ),
        (
            503,
            vec![],
            r#"{"message":"service unavailable"}"#,
            ErrorKind::ServerUnavailable,
        ),
    ];
    for (status, headers, body, kind) in cases {
        let (base, _) = server(Script::Refuse(status, headers, body)).await;
        let fx = spark(&base, "spark-max");
        let error = SPARK
            .stream(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
            .await
            .err()
            .expect("a refused handshake fails the call");
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert_eq!(error.status(), Some(status));
        let message: Value = serde_json::from_str(body).unwrap();
        assert!(
            error
                .to_string()
                .contains(message["message"].as_str().unwrap()),
            "{error}"
        );
        if status == 429 {
            assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(7)));
        }
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn what_spark_cannot_take_is_refused_before_connecting() {
    // Nothing listens on this base: a request that got as far as connecting would fail
    // with a connection error instead.
    let fx = spark("http://127.0.0.1:9", "spark-max");
    let tools = LlmRequest::new(vec![Message::user("weather?")]).with_tools(vec![weather_tool()]);
    let error = SPARK.invoke(fx.ctx(), tools).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unsupported);

    let unknown = spark("http://127.0.0.1:9", "spark-9");
    let error = SPARK
        .invoke(unknown.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ModelNotFound);
    assert!(error.to_string().contains("spark-9"), "{error}");

    let mut no_app = spark("http://127.0.0.1:9", "spark-max");
    no_app.credentials = Default::default();
    no_app
        .credentials
        .insert("api_key", CredentialValue::Secret(Secret::new(API_KEY)));
    no_app.credentials.insert(
        "api_secret",
        CredentialValue::Secret(Secret::new(API_SECRET)),
    );
    let error = SPARK
        .invoke(no_app.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.to_string().contains("app_id"), "{error}");
}

#[tokio::test]
async fn a_tls_base_url_opens_a_tls_socket() {
    // A plain TCP listener cannot complete a TLS handshake: the call fails with a
    // connection error (not a panic over a missing TLS provider).
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut tcp, _) = listener.accept().await.unwrap();
        use tokio::io::AsyncWriteExt;
        let _ = tcp.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    });
    let fx = spark(&base, "spark-max");
    let error = SPARK
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_no_secrets(&error);
}
