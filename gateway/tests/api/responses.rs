//! `POST /v1/responses`: the Responses API over a chat model, plain and streamed.

use serde_json::{json, Value};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, sse_data, upstream_sse, MODEL};

#[tokio::test]
async fn a_response_is_translated_to_a_chat_call_and_back() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(json!({
            "model": "local-model",
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "hi"}
            ],
            "max_tokens": 30
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "local-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
        })))
        .expect(1)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let request =
        json!({"model": MODEL, "instructions": "be brief", "input": "hi", "max_output_tokens": 30});
    let response = gateway.post("/v1/responses", &request).await;
    let answer = support::json_ok(response).await;
    assert_eq!(answer["object"], "response");
    assert_eq!(answer["status"], "completed");
    assert_eq!(answer["model"], MODEL);
    assert_eq!(answer["output"][0]["type"], "message");
    assert_eq!(answer["output"][0]["content"][0]["type"], "output_text");
    assert_eq!(answer["output"][0]["content"][0]["text"], "Hello!");
    assert_eq!(answer["usage"]["input_tokens"], 5);
    assert_eq!(answer["usage"]["output_tokens"], 2);
    assert_eq!(answer["usage"]["total_tokens"], 7);
}

#[tokio::test]
async fn a_streamed_response_sends_typed_events_in_order() {
    let upstream = MockServer::start().await;
    let body = upstream_sse(&[
        json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}, "finish_reason": null}]}),
        json!({"choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}]}),
        json!({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}),
    ]);
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .expect(1)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let request =
        json!({"model": MODEL, "input": [{"role": "user", "content": "hi"}], "stream": true});
    let response = gateway.post("/v1/responses", &request).await;
    let text = support::text_ok(response).await;
    let names: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("event: "))
        .collect();
    assert_eq!(
        names,
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed",
        ]
    );
    let events: Vec<Value> = sse_data(&text)
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let numbers: Vec<u64> = events
        .iter()
        .map(|e| e["sequence_number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (0..10).collect::<Vec<u64>>());
    let completed = &events[9]["response"];
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["output"][0]["content"][0]["text"], "Hello");
    assert_eq!(completed["usage"]["total_tokens"], 5);
}
