//! With the `otel` feature: the spans a request produces reach a local OTLP/HTTP receiver,
//! named and attributed after the GenAI semantic conventions.
#![cfg(feature = "otel")]

#[allow(dead_code)] // Only part of the shared helpers is used here.
#[path = "api/support.rs"]
mod support;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::routing::post;
use axum::Router;
use serde_json::json;
use support::{MODEL, UPSTREAM_KEY};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A value of an OTLP attribute as protobuf encodes it right after its key: an `AnyValue`
/// (field 2) holding a string (field 1) or an int (field 3).
#[derive(Debug, PartialEq)]
enum Attribute {
    Text(String),
    Int(u64),
}

fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// The value of the attribute `key` in an OTLP protobuf body.
fn attribute(body: &[u8], key: &str) -> Option<Attribute> {
    let needle = [&[0x0a, key.len() as u8][..], key.as_bytes()].concat();
    let at = body.windows(needle.len()).position(|w| w == needle)? + needle.len();
    let rest = body.get(at..)?;
    if rest.first() != Some(&0x12) {
        return None;
    }
    let (_, used) = varint(&rest[1..])?;
    let value = &rest[1 + used..];
    match value.first()? {
        0x0a => {
            let (len, used) = varint(&value[1..])?;
            let text = value.get(1 + used..1 + used + len as usize)?;
            Some(Attribute::Text(String::from_utf8(text.to_vec()).ok()?))
        }
        0x18 => varint(&value[1..]).map(|(n, _)| Attribute::Int(n)),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_call_is_exported_as_a_genai_span() {
    let received: Arc<Mutex<Vec<Bytes>>> = Arc::default();
    let sink = received.clone();
    let receiver = Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| async move {
            sink.lock().unwrap().push(body);
            ""
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let collector = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    let exporter = modelrt_gateway::otel::install(Some(&collector)).unwrap();

    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "c1", "object": "chat.completion", "created": 1, "model": "local-model-2025",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi!"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 4, "total_tokens": 15}
        })))
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let request = json!({"model": MODEL, "messages": [{"role": "user", "content": "secret prompt"}],
                         "max_tokens": 50, "temperature": 0.25});
    support::json_ok(gateway.post("/v1/chat/completions", &request).await).await;

    // Flushes the batch; the exporter's HTTP client blocks, so off the async threads.
    tokio::task::spawn_blocking(move || drop(exporter))
        .await
        .unwrap();
    let bodies = received.lock().unwrap().clone();
    let body: Vec<u8> = bodies.concat();
    assert!(!body.is_empty(), "no span reached the collector");
    let text = |value: &str| Some(Attribute::Text(value.to_owned()));
    assert_eq!(attribute(&body, "gen_ai.operation.name"), text("chat"));
    assert_eq!(
        attribute(&body, "gen_ai.provider.name"),
        text("openai_api_compatible")
    );
    assert_eq!(
        attribute(&body, "gen_ai.system"),
        text("openai_api_compatible")
    );
    assert_eq!(
        attribute(&body, "gen_ai.request.model"),
        text("local-model")
    );
    assert_eq!(
        attribute(&body, "gen_ai.response.model"),
        text("local-model-2025")
    );
    assert_eq!(
        attribute(&body, "gen_ai.usage.input_tokens"),
        Some(Attribute::Int(11))
    );
    assert_eq!(
        attribute(&body, "gen_ai.usage.output_tokens"),
        Some(Attribute::Int(4))
    );
    assert_eq!(
        attribute(&body, "gen_ai.request.max_tokens"),
        Some(Attribute::Int(50))
    );
    assert!(
        body.windows(b"gen_ai.request.temperature".len())
            .any(|w| w == b"gen_ai.request.temperature"),
        "the temperature is an attribute"
    );
    let span_name = b"chat local-model";
    assert!(body.windows(span_name.len()).any(|w| w == span_name));
    for leaked in [UPSTREAM_KEY.as_bytes(), b"secret prompt"] {
        assert!(!body.windows(leaked.len()).any(|w| w == leaked));
    }
}
