//! `POST /v1/chat/completions`: plain, streamed with tool-call fragments and usage, images and
//! JSON schema output, parameter validation.

use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, sse_data, upstream_sse, MODEL, UPSTREAM_KEY};

fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "local-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    })
}

#[tokio::test]
async fn a_plain_completion_is_sent_exactly_and_answered_in_openai_shape() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header(
            "authorization",
            format!("Bearer {UPSTREAM_KEY}").as_str(),
        ))
        .and(body_json(json!({
            "model": "local-model",
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "hi"}
            ],
            "temperature": 0.5,
            "max_tokens": 20,
            "stop": ["END"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("Hello!")))
        .expect(1)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let response = gateway
        .post(
            "/v1/chat/completions",
            &json!({
                "model": MODEL,
                "messages": [
                    {"role": "system", "content": "be brief"},
                    {"role": "user", "content": "hi"}
                ],
                "temperature": 0.5,
                "max_completion_tokens": 20,
                "stop": "END"
            }),
        )
        .await;
    let answer = support::json_ok(response).await;
    assert_eq!(answer["object"], "chat.completion");
    assert_eq!(answer["model"], MODEL);
    assert_eq!(answer["choices"][0]["message"]["role"], "assistant");
    assert_eq!(answer["choices"][0]["message"]["content"], "Hello!");
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
    assert_eq!(
        answer["usage"],
        json!({"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7})
    );
}

#[tokio::test]
async fn a_stream_passes_text_tool_call_fragments_and_usage_on() {
    let upstream = MockServer::start().await;
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "local-model",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    let body = upstream_sse(&[
        chunk(json!({"role": "assistant", "content": ""}), Value::Null),
        chunk(json!({"content": "Let me "}), Value::Null),
        chunk(json!({"content": "check."}), Value::Null),
        chunk(
            json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                   "function": {"name": "get_weather", "arguments": ""}}]}),
            Value::Null,
        ),
        chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
            Value::Null,
        ),
        chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}),
            Value::Null,
        ),
        chunk(json!({}), json!("tool_calls")),
        json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "local-model",
               "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}}),
    ]);
    let tools = json!([{"type": "function", "function": {
        "name": "get_weather", "description": "Weather of a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}
    }}]);
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(json!({
            "model": "local-model",
            "messages": [{"role": "user", "content": "weather in Paris?"}],
            "tools": tools,
            "stream": true,
            "stream_options": {"include_usage": true}
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(body),
        )
        .expect(1)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let response = gateway
        .post(
            "/v1/chat/completions",
            &json!({
                "model": MODEL,
                "messages": [{"role": "user", "content": "weather in Paris?"}],
                "tools": tools,
                "stream": true,
                "stream_options": {"include_usage": true}
            }),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let data = sse_data(&response.text().await.unwrap());
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert!(chunks
        .iter()
        .all(|c| c["object"] == "chat.completion.chunk" && c["model"] == MODEL));
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Let me check.");
    let fragments: Vec<&Value> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["tool_calls"].as_array())
        .flatten()
        .collect();
    assert!(
        fragments.len() >= 2,
        "arguments arrive in fragments: {fragments:?}"
    );
    assert_eq!(fragments[0]["id"], "call_1");
    assert_eq!(fragments[0]["function"]["name"], "get_weather");
    assert!(fragments.iter().all(|f| f["index"] == 0));
    let arguments: String = fragments
        .iter()
        .filter_map(|f| f["function"]["arguments"].as_str())
        .collect();
    assert_eq!(arguments, "{\"city\":\"Paris\"}");
    let finish: Vec<&Value> = chunks
        .iter()
        .map(|c| &c["choices"][0]["finish_reason"])
        .filter(|f| !f.is_null())
        .collect();
    assert_eq!(finish, [&json!("tool_calls")]);
    let last = chunks.last().unwrap();
    assert_eq!(last["choices"], json!([]));
    assert_eq!(
        last["usage"],
        json!({"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13})
    );
}

#[tokio::test]
async fn without_include_usage_no_usage_chunk_is_sent() {
    let upstream = MockServer::start().await;
    let body = upstream_sse(&[
        json!({"choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": "stop"}]}),
        json!({"choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}),
    ]);
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let response = gateway
        .post(
            "/v1/chat/completions",
            &json!({"model": MODEL, "messages": [{"role": "user", "content": "x"}], "stream": true}),
        )
        .await;
    let data = sse_data(&response.text().await.unwrap());
    assert_eq!(data.len(), 2, "{data:?}");
    assert!(!data[0].contains("usage"), "{}", data[0]);
    assert_eq!(data[1], "[DONE]");
}

#[tokio::test]
async fn image_parts_and_a_json_schema_reach_the_provider() {
    let upstream = MockServer::start().await;
    let schema = json!({"type": "object", "properties": {"animal": {"type": "string"}}});
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(json!({
            "model": "local-model",
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "what is it?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}}
            ]}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "animal", "schema": schema, "strict": true}}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("{\"animal\":\"cat\"}")))
        .expect(1)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let response = gateway
        .post(
            "/v1/chat/completions",
            &json!({
                "model": MODEL,
                "messages": [{"role": "user", "content": [
                    {"type": "text", "text": "what is it?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}}
                ]}],
                "response_format": {"type": "json_schema", "json_schema": {"name": "animal", "schema": schema, "strict": true}}
            }),
        )
        .await;
    let answer = support::json_ok(response).await;
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        "{\"animal\":\"cat\"}"
    );
}

#[tokio::test]
async fn an_out_of_range_or_undeclared_parameter_is_a_400_naming_it_and_nothing_is_sent() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("x")))
        .expect(0)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    // `logprobs` is no rule of the model: an error, not dropped.
    let cases = [
        ("temperature", json!(5)),
        ("top_p", json!("high")),
        ("logprobs", json!(true)),
    ];
    for (name, value) in cases {
        let mut body = json!({"model": MODEL, "messages": [{"role": "user", "content": "x"}]});
        body[name] = value;
        let response = gateway.post("/v1/chat/completions", &body).await;
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["type"], "invalid_request_error");
        assert_eq!(error["error"]["param"], name);
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("openai_api_compatible/local-model: invalid parameters: `"),
            "{message}"
        );
    }
}
