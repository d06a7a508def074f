//! The typed-SDK examples (examples/typed_chat.rs, stream_tools.rs, embedding.rs), run against a
//! local mock of the OpenAI API: their core functions are compiled in here as modules.

use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[allow(dead_code)] // its `main` and environment helper are for `cargo run`
#[path = "../examples/typed_chat.rs"]
mod typed_chat;

#[allow(dead_code)]
#[path = "../examples/stream_tools.rs"]
mod stream_tools;

#[allow(dead_code)]
#[path = "../examples/embedding.rs"]
mod embedding;

/// A client of the mock. The base ends in `/v1` already, which the `/v1` suffix rule of openai.yaml leaves alone.
fn client(server: &MockServer) -> modelrt::openai::Client {
    typed_chat::client("sk-test".into(), Some(format!("{}/v1", server.uri())))
}

#[tokio::test]
async fn typed_chat_sends_typed_params_and_prints_usage() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-test"))
        .and(body_partial_json(json!({
            "model": "gpt-5.4-mini",
            "temperature": 0.2,
            "max_completion_tokens": 300,
            "messages": [
                {"role": "system", "content": "Answer in one short paragraph."},
                {"role": "user", "content": "Why is the sky blue?"}
            ]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-5.4-mini",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "Rayleigh scattering."}}],
            "usage": {"prompt_tokens": 21, "completion_tokens": 4, "total_tokens": 25}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let text = typed_chat::ask(&client(&server), "Why is the sky blue?")
        .await
        .unwrap();
    assert_eq!(
        text,
        "Rayleigh scattering.\n[21 prompt + 4 completion tokens]"
    );
}

#[tokio::test]
async fn stream_tools_reassembles_a_streamed_tool_call() {
    let server = MockServer::builder().start().await;
    let events = [
        json!({"id": "c", "model": "gpt-5.4-mini", "choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}}]}),
        json!({"id": "c", "model": "gpt-5.4-mini", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}}]}),
        json!({"id": "c", "model": "gpt-5.4-mini", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}}]}),
        json!({"id": "c", "model": "gpt-5.4-mini", "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}),
    ];
    let mut body: String = events.iter().map(|e| format!("data: {e}\n\n")).collect();
    body.push_str("data: [DONE]\n\n");
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({
            "stream": true,
            "tools": [{"type": "function", "function": {"name": "get_weather"}}]
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(body),
        )
        .expect(1)
        .mount(&server)
        .await;
    let answer = stream_tools::ask(&client(&server), "What's the weather in Paris?")
        .await
        .unwrap();
    assert_eq!(answer.tool_calls.len(), 1);
    assert_eq!(answer.tool_calls[0].name, "get_weather");
    assert_eq!(answer.tool_calls[0].arguments, "{\"city\":\"Paris\"}");
}

#[tokio::test]
async fn embedding_compares_vectors() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_partial_json(json!({
            "model": "text-embedding-3-small",
            "input": ["a cat", "a kitten", "a tax form"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "model": "text-embedding-3-small",
            "data": [
                {"object": "embedding", "index": 0, "embedding": [1.0, 0.0]},
                {"object": "embedding", "index": 1, "embedding": [0.6, 0.8]},
                {"object": "embedding", "index": 2, "embedding": [0.0, 1.0]}
            ],
            "usage": {"prompt_tokens": 7, "total_tokens": 7}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let texts: Vec<String> = ["a cat", "a kitten", "a tax form"]
        .map(String::from)
        .to_vec();
    let scores = embedding::similarities(&client(&server), &texts)
        .await
        .unwrap();
    let rounded: Vec<i32> = scores.iter().map(|s| (s * 1000.0).round() as i32).collect();
    assert_eq!(rounded, [1000, 600, 0]);
}
