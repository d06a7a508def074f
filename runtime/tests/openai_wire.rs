//! The OpenAI-compatible protocol against a mock server: the exact request sent for each
//! endpoint and feature, and the decoding of answers shaped like OpenAI's documented API.

mod common;

use common::{params, provider, raw_server, sse, Fixture, API_KEY};
use modelrt_runtime::catalog::{
    ConfigurateMethod, I18n, LlmMode, ModelFeature, ModelInfo, ModelProperties, ModelType, Price,
    Pricing,
};
use modelrt_runtime::embedding::EmbeddingRequest;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{
    CacheControl, ContentPart, FinishReason, ImageDetail, LlmRequest, Message, ResponseFormat,
    Tool, ToolCall, ToolChoice,
};
use modelrt_runtime::protocol::{LlmProtocol, RerankProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;
use modelrt_runtime::rerank::RerankRequest;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn chat_completion(message: Value, finish_reason: &str, usage: Value) -> Value {
    json!({
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "created": 1677652288,
        "model": "gpt-4o-mini-2024-07-18",
        "system_fingerprint": "fp_44709d6fcb",
        "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish_reason}],
        "usage": usage,
        "service_tier": "default"
    })
}

fn usage(prompt: u64, completion: u64) -> Value {
    json!({
        "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 4, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 2, "audio_tokens": 0,
            "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
    })
}

async fn mock(server: &MockServer, route: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(answer)
        .mount(server)
        .await;
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("the request body is JSON")
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn chat_request_is_exactly_the_documented_shape() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "Hello there!", "refusal": null, "annotations": []}),
        "stop",
        usage(19, 10),
    );
    mock(
        &server,
        "/v1/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;

    let mut fixture = Fixture::compat(&format!("{}/v1/", server.uri()), "gpt-4o-mini", &[]);
    fixture.params = params(json!({"temperature": 0.2, "max_tokens": 64, "seed": 7}));
    let mut request = LlmRequest::new(vec![
        Message::system("Be brief."),
        Message::user("Hello!").named("alice"),
    ])
    .with_stop(vec!["\n\n".into()]);
    request.user = Some("user-42".into());
    let response = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), request)
        .await
        .unwrap();

    let sent = only_request(&server).await;
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(sent.url.path(), "/v1/chat/completions");
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(
        body(&sent),
        json!({
            "model": "gpt-4o-mini",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hello!", "name": "alice"}
            ],
            "temperature": 0.2,
            "max_tokens": 64,
            "seed": 7,
            "stop": ["\n\n"],
            "user": "user-42"
        })
    );
    assert_eq!(response.content, "Hello there!");
    assert_eq!(response.model, "gpt-4o-mini-2024-07-18");
    assert_eq!(response.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        (
            response.usage.prompt_tokens,
            response.usage.completion_tokens,
            response.usage.total_tokens
        ),
        (19, 10, 29)
    );
    assert_eq!(response.usage.cached_prompt_tokens, Some(4));
    assert_eq!(response.usage.reasoning_tokens, Some(2));
    assert!(!response.usage.estimated);
}

fn weather_tool() -> Tool {
    Tool::new(
        "get_weather",
        "Current weather in a city",
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    )
}

/// `question`, then an earlier turn in which the assistant called `get_weather` for Rome and
/// got "sunny", with the weather tool still offered.
fn after_rome_tool_call(question: &str) -> LlmRequest {
    let earlier = ToolCall {
        id: "call_0".into(),
        name: "get_weather".into(),
        arguments: "{\"city\":\"Rome\"}".into(),
    };
    LlmRequest::new(vec![
        Message::user(question),
        Message::assistant_tool_calls(None, vec![earlier]),
        Message::tool("call_0", "sunny"),
    ])
    .with_tools(vec![weather_tool()])
    .with_tool_choice(ToolChoice::Auto)
}

#[tokio::test]
async fn tools_parallel_calls_and_tool_results() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
            {"id": "call_b", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}
        ]}),
        "tool_calls",
        usage(80, 30),
    );
    mock(
        &server,
        "/v1/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fixture = Fixture::compat(
        &format!("{}/v1", server.uri()),
        "gpt-4o",
        &[("function_calling_type", "tool_call")],
    );
    let request = after_rome_tool_call("Weather in Rome, Paris and Oslo?");
    let response = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), request)
        .await
        .unwrap();

    assert_eq!(
        body(&only_request(&server).await),
        json!({
            "model": "gpt-4o",
            "messages": [
                {"role": "user", "content": "Weather in Rome, Paris and Oslo?"},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "call_0", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}]},
                {"role": "tool", "content": "sunny", "tool_call_id": "call_0"}
            ],
            "tools": [{"type": "function", "function": {"name": "get_weather",
                "description": "Current weather in a city",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
            "tool_choice": "auto"
        })
    );
    assert_eq!(response.finish_reason, Some(FinishReason::ToolCalls));
    let names: Vec<(&str, &str)> = response
        .tool_calls
        .iter()
        .map(|c| (c.id.as_str(), c.arguments.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("call_a", "{\"city\":\"Paris\"}"),
            ("call_b", "{\"city\":\"Oslo\"}")
        ]
    );
}

#[tokio::test]
async fn cache_breakpoints_are_ignored_since_openai_caches_on_its_own() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "ok"}),
        "stop",
        usage(9, 1),
    );
    mock(
        &server,
        "/v1/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fixture = Fixture::compat(
        &format!("{}/v1", server.uri()),
        "gpt-4o",
        &[("function_calling_type", "tool_call")],
    );
    let plain = after_rome_tool_call("Weather?");
    // More breakpoints than Anthropic's limit: nothing checks or sends them here.
    let mut cached = plain.clone();
    cached.messages.insert(0, Message::system("Be brief."));
    cached
        .messages
        .iter_mut()
        .for_each(|m| m.cache = Some(CacheControl::ephemeral()));
    cached.tools = cached.tools.into_iter().map(Tool::cached).collect();
    let mut plain = plain;
    plain.messages.insert(0, Message::system("Be brief."));
    for request in [plain, cached] {
        OPENAI_COMPATIBLE
            .invoke(fixture.ctx(), request)
            .await
            .expect("answer");
    }
    let sent = server.received_requests().await.expect("recording is on");
    assert_eq!(sent.len(), 2);
    assert_eq!(body(&sent[1]), body(&sent[0]));
    assert!(!body(&sent[1]).to_string().contains("cache_control"));
}

#[tokio::test]
async fn no_call_models_reject_tools_and_images_before_sending() {
    let server = MockServer::builder().start().await;
    let fixture = Fixture::compat(
        &server.uri(),
        "m",
        &[
            ("function_calling_type", "no_call"),
            ("vision_support", "no_support"),
        ],
    );
    let with_tools = LlmRequest::new(vec![Message::user("hi")]).with_tools(vec![weather_tool()]);
    let err = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), with_tools)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    let image = Message::user_parts(vec![ContentPart::image_url("https://x/y.png", None)]);
    let err = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), LlmRequest::new(vec![image]))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert_eq!(err.provider(), Some("openai_api_compatible"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn vision_parts_and_json_schema() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "{\"n\":2}"}),
        "stop",
        usage(5, 3),
    );
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let mut fixture = Fixture::compat(&server.uri(), "gpt-4o", &[("vision_support", "support")]);
    fixture.params = params(json!({
        "response_format": "json_schema",
        "json_schema": "{\"name\":\"count\",\"schema\":{\"type\":\"object\"},\"strict\":true}"
    }));
    let request = LlmRequest::new(vec![Message::user_parts(vec![
        ContentPart::text("How many cats?"),
        ContentPart::image_url("https://example.com/cats.jpg", Some(ImageDetail::High)),
        ContentPart::image_base64("image/png", "iVBORw0KGgo=", None),
    ])]);
    OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), request)
        .await
        .unwrap();
    assert_eq!(
        body(&only_request(&server).await),
        json!({
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "How many cats?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/cats.jpg", "detail": "high"}},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
            ]}],
            "response_format": {"type": "json_schema",
                "json_schema": {"name": "count", "schema": {"type": "object"}, "strict": true}}
        })
    );
}

#[tokio::test]
async fn json_object_and_reasoning_model_token_field() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "{}"}),
        "stop",
        usage(5, 3),
    );
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let mut fixture = Fixture::compat(&server.uri(), "o3-mini", &[]);
    fixture.params = params(json!({"max_tokens": 500, "reasoning_effort": "low"}));
    let request = LlmRequest::new(vec![Message::user("Give JSON")])
        .with_response_format(ResponseFormat::JsonObject);
    OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), request)
        .await
        .unwrap();
    assert_eq!(
        body(&only_request(&server).await),
        json!({
            "model": "o3-mini",
            "messages": [{"role": "user", "content": "Give JSON"}],
            "response_format": {"type": "json_object"},
            "reasoning_effort": "low",
            "max_completion_tokens": 500
        })
    );
}

#[tokio::test]
async fn code_block_format_adds_instructions_and_strips_the_fence() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "```json\n{\"answer\": 42}\n"}),
        "stop",
        usage(50, 9),
    );
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let mut fixture = Fixture::compat(&server.uri(), "m", &[]);
    fixture.params = params(json!({"response_format": "JSON"}));
    let response = OPENAI_COMPATIBLE
        .invoke(
            fixture.ctx(),
            LlmRequest::new(vec![Message::user("The answer?")]),
        )
        .await
        .unwrap();
    assert_eq!(response.content, "{\"answer\": 42}");
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["messages"][0]["role"], "system");
    assert!(sent["messages"][0]["content"]
        .as_str()
        .unwrap()
        .contains("```json"));
    assert_eq!(sent["stop"], json!(["\n```\n"]));
    assert!(
        sent.get("response_format").is_none(),
        "JSON/XML are not sent"
    );
}

#[tokio::test]
async fn completion_mode_uses_completions() {
    let server = MockServer::builder().start().await;
    let answer = json!({
        "id": "cmpl-1", "object": "text_completion", "created": 1, "model": "gpt-3.5-turbo-instruct",
        "choices": [{"text": " world", "index": 0, "logprobs": null, "finish_reason": "length"}],
        "usage": {"prompt_tokens": 2, "completion_tokens": 1, "total_tokens": 3}
    });
    mock(
        &server,
        "/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fixture = Fixture::compat(
        &server.uri(),
        "gpt-3.5-turbo-instruct",
        &[("mode", "completion")],
    );
    let response = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), LlmRequest::new(vec![Message::user("Hello")]))
        .await
        .unwrap();
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": "gpt-3.5-turbo-instruct", "prompt": "Hello"})
    );
    assert_eq!(response.content, " world");
    assert_eq!(response.finish_reason, Some(FinishReason::Length));
}

#[tokio::test]
async fn vendor_settings_base_url_key_variable_and_headers() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "ok"}),
        "stop",
        usage(1, 1),
    );
    mock(
        &server,
        "/api/v1/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let base: &'static str = Box::leak(format!("{}/api/v1", server.uri()).into_boxed_str());
    let vendor = provider(
        "acme",
        vec![
            ("protocol", "openai-compatible"),
            ("base_url", base),
            ("api_key_variable", "acme_api_key"),
            ("headers.HTTP-Referer", "https://modelrt.example"),
            ("headers.X-Title", "modelrt"),
        ],
    );
    let mut credentials = modelrt_runtime::credentials::ValidatedCredentials::default();
    credentials.insert(
        "acme_api_key",
        modelrt_runtime::credentials::CredentialValue::Secret(API_KEY.into()),
    );
    let fixture = Fixture {
        provider: vendor,
        credentials,
        ..Fixture::compat("unused", "acme/model-1", &[])
    };
    OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap();
    let sent = only_request(&server).await;
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(
        header(&sent, "http-referer"),
        Some("https://modelrt.example")
    );
    assert_eq!(header(&sent, "x-title"), Some("modelrt"));
    assert_eq!(body(&sent)["model"], "acme/model-1");
}

#[tokio::test]
async fn without_api_key_no_authorization_header_is_sent() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "ok"}),
        "stop",
        usage(1, 1),
    );
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let mut credentials = modelrt_runtime::credentials::ValidatedCredentials::default();
    credentials.insert(
        "endpoint_url",
        modelrt_runtime::credentials::CredentialValue::Text(server.uri()),
    );
    let fixture = Fixture {
        credentials,
        ..Fixture::compat("unused", "local", &[])
    };
    OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap();
    assert_eq!(header(&only_request(&server).await, "authorization"), None);
}

#[tokio::test]
async fn streamed_request_asks_for_usage() {
    let body_text = sse(&[
        r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}"#,
        r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}"#,
        "[DONE]",
    ]);
    let server = MockServer::builder().start().await;
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_raw(body_text, "text/event-stream"),
    )
    .await;
    let fixture = Fixture::compat(&server.uri(), "m", &[]);
    let stream = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap();
    let response = collect(stream).await.unwrap();
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": "m", "messages": [{"role": "user", "content": "hi"}],
               "stream": true, "stream_options": {"include_usage": true}})
    );
    assert_eq!(response.content, "Hi");
    assert_eq!(response.usage.total_tokens, 10);
    assert!(!response.usage.estimated);
}

async fn collect(
    stream: modelrt_runtime::llm::LlmStream,
) -> modelrt_runtime::Result<modelrt_runtime::llm::LlmResponse> {
    use futures::StreamExt;
    let mut acc = modelrt_runtime::llm::StreamAccumulator::new();
    let mut stream = stream;
    while let Some(chunk) = stream.next().await {
        acc.push(&chunk?);
    }
    Ok(acc.finish())
}

#[tokio::test]
async fn custom_stream_delimiter() {
    let body_text = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}|\
                     {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}|data: [DONE]|";
    let base = raw_server(
        "HTTP/1.1 200 OK",
        vec![body_text.as_bytes().to_vec()],
        false,
    )
    .await;
    let fixture = Fixture::compat(&base, "m", &[("stream_mode_delimiter", "|")]);
    let stream = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap();
    let response = collect(stream).await.unwrap();
    assert_eq!(response.content, "ab");
    assert!(response.usage.estimated);
}

#[tokio::test]
async fn tools_without_stream_support_are_replayed_as_one_chunk() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}),
        "tool_calls",
        usage(10, 5),
    );
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fixture = Fixture::compat(
        &server.uri(),
        "m",
        &[
            ("function_calling_type", "tool_call"),
            ("stream_function_calling", "not_supported"),
        ],
    );
    let request = LlmRequest::new(vec![Message::user("hi")]).with_tools(vec![weather_tool()]);
    let response = collect(
        OPENAI_COMPATIBLE
            .stream(fixture.ctx(), request)
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    assert!(body(&only_request(&server).await).get("stream").is_none());
    assert_eq!(response.tool_calls.len(), 1);
    assert_eq!(response.usage.total_tokens, 15);
}

#[tokio::test]
async fn credential_check_is_a_five_token_ping() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "pong"}),
        "length",
        usage(8, 5),
    );
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let mut fixture = Fixture::compat(&server.uri(), "m", &[]);
    fixture.params = params(json!({"temperature": 0.5}));
    LlmProtocol::validate_credentials(&OPENAI_COMPATIBLE, fixture.ctx())
        .await
        .unwrap();
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": "m", "messages": [{"role": "user", "content": "ping"}], "max_tokens": 5})
    );
}

#[tokio::test]
async fn embeddings_are_batched_by_max_chunks_and_ordered_by_index() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/embeddings"))
        .respond_with(|request: &Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            let inputs = body["input"].as_array().unwrap().len();
            // Answer in reverse index order: the client must sort.
            let data: Vec<Value> = (0..inputs)
                .rev()
                .map(|i| json!({"object": "embedding", "index": i, "embedding": [i as f32, 0.5]}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({
                "object": "list", "data": data, "model": "text-embedding-3-small",
                "usage": {"prompt_tokens": 3 * inputs, "total_tokens": 3 * inputs}
            }))
        })
        .mount(&server)
        .await;
    let fixture = Fixture::compat(
        &server.uri(),
        "text-embedding-3-small",
        &[("max_chunks", "2"), ("encoding_format", "float")],
    );
    let texts: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
    let response = OPENAI_COMPATIBLE
        .embed(fixture.ctx(), EmbeddingRequest::new(texts))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let inputs: Vec<Value> = requests.iter().map(body).collect();
    assert_eq!(
        inputs,
        [
            json!({"model": "text-embedding-3-small", "input": ["a", "b"], "encoding_format": "float"}),
            json!({"model": "text-embedding-3-small", "input": ["c", "d"], "encoding_format": "float"}),
            json!({"model": "text-embedding-3-small", "input": ["e"], "encoding_format": "float"}),
        ]
    );
    let firsts: Vec<f32> = response.embeddings.iter().map(|v| v[0]).collect();
    assert_eq!(firsts, [0.0, 1.0, 0.0, 1.0, 0.0]);
    assert_eq!(response.usage.tokens, 15);
    assert!(!response.usage.estimated);
}

#[tokio::test]
async fn per_token_embeddings_are_a_clear_error() {
    let server = MockServer::builder().start().await;
    let answer = json!({"object": "list", "model": "smollm",
        "data": [{"object": "embedding", "index": 0, "embedding": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]}]});
    mock(
        &server,
        "/v1/embeddings",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fixture = Fixture::compat(&format!("{}/v1", server.uri()), "smollm", &[]);
    let err = OPENAI_COMPATIBLE
        .embed(fixture.ctx(), EmbeddingRequest::new(vec!["hello".into()]))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.message().contains("one per token"), "{err}");
    assert!(err.message().contains("3 vectors"), "{err}");
}

#[tokio::test]
async fn rerank_request_and_result_order() {
    let server = MockServer::builder().start().await;
    let answer = json!({
        "model": "jina-reranker-v2-base-multilingual",
        "usage": {"total_tokens": 38},
        "results": [
            {"index": 2, "relevance_score": 0.91},
            {"index": 0, "relevance_score": 0.12},
            {"index": 1, "relevance_score": 0.55}
        ]
    });
    mock(
        &server,
        "/v1/rerank",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fixture = Fixture::compat(
        &format!("{}/v1", server.uri()),
        "jina-reranker-v2-base-multilingual",
        &[],
    );
    let request = RerankRequest {
        query: "capital of France".into(),
        documents: vec!["Berlin".into(), "Lyon".into(), "Paris".into()],
        top_n: Some(2),
        score_threshold: Some(0.5),
    };
    let response = OPENAI_COMPATIBLE
        .rerank(fixture.ctx(), request)
        .await
        .unwrap();
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": "jina-reranker-v2-base-multilingual", "query": "capital of France",
               "documents": ["Berlin", "Lyon", "Paris"], "top_n": 2})
    );
    let ranked: Vec<(usize, &str)> = response
        .results
        .iter()
        .map(|r| (r.index, r.document.as_str()))
        .collect();
    assert_eq!(ranked, [(2, "Paris"), (1, "Lyon")]);
    assert_eq!(response.usage.map(|u| u.tokens), Some(38));
}

#[tokio::test]
async fn remote_models_are_listed_with_guessed_types() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [
                {"id": "gpt-4o", "object": "model", "created": 1686935002, "owned_by": "openai"},
                {"id": "text-embedding-3-large", "object": "model", "created": 1, "owned_by": "system"}
            ]
        })))
        .mount(&server)
        .await;
    let fixture = Fixture::compat(&format!("{}/v1", server.uri()), "m", &[]);
    let models = LlmProtocol::remote_models(&OPENAI_COMPATIBLE, fixture.ctx().provider_context())
        .await
        .unwrap();
    assert_eq!(models.len(), 1);
    assert_eq!(
        (models[0].id.as_str(), models[0].model_type),
        ("gpt-4o", ModelType::Llm)
    );
    assert_eq!(models[0].owned_by.as_deref(), Some("openai"));
    let sent = only_request(&server).await;
    assert_eq!(sent.method.as_str(), "GET");
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test]
async fn unknown_fields_and_enum_values_are_tolerated() {
    let server = MockServer::builder().start().await;
    let answer = json!({
        "id": "x", "object": "chat.completion", "model": "m", "brand_new_field": {"a": [1]},
        "choices": [{"index": 0, "finish_reason": "eos_token_reached", "message": {
            "role": "assistant", "content": "hi", "reasoning_content": "thinking...", "future": true}}]
    });
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fixture = Fixture::compat(&server.uri(), "m", &[]);
    let response = OPENAI_COMPATIBLE
        .invoke(
            fixture.ctx(),
            LlmRequest::new(vec![Message::user("hello world")]),
        )
        .await
        .unwrap();
    assert_eq!(
        response.finish_reason,
        Some(FinishReason::Other("eos_token_reached".into()))
    );
    assert_eq!(response.reasoning.as_deref(), Some("thinking..."));
    assert_eq!(response.content, "hi");
    assert!(
        response.usage.estimated,
        "no usage in the answer: estimated"
    );
    assert!(response.usage.prompt_tokens > 0 && response.usage.completion_tokens > 0);
}

static PRICED: ModelInfo = ModelInfo {
    id: "gpt-4o-mini",
    label: I18n {
        en_us: "GPT-4o mini",
        others: &[],
    },
    model_type: ModelType::Llm,
    features: &[ModelFeature::ToolCall, ModelFeature::Vision],
    fetch_from: ConfigurateMethod::PredefinedModel,
    properties: ModelProperties {
        mode: Some(LlmMode::Chat),
        context_size: Some(128_000),
        ..ModelProperties::NONE
    },
    parameter_rules: &[],
    pricing: Some(Pricing {
        input: Price {
            declared: "0.15",
            mantissa: 15,
            scale: 2,
        },
        output: Some(Price {
            declared: "0.60",
            mantissa: 60,
            scale: 2,
        }),
        unit: Price {
            declared: "0.000001",
            mantissa: 1,
            scale: 6,
        },
        currency: "USD",
    }),
    deprecated: false,
    extra: &[],
    source: "test",
};

#[tokio::test]
async fn usage_is_priced_exactly_and_organization_is_sent() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "hi"}),
        "stop",
        usage(1_000, 2_000),
    );
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let mut fixture = Fixture::compat(
        &server.uri(),
        "gpt-4o-mini",
        &[("openai_organization", "org-123")],
    );
    fixture.info = Some(&PRICED);
    let response = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap();
    let cost = response.usage.cost.expect("the model has prices");
    // 1000 × 0.15 / 1e6 and 2000 × 0.60 / 1e6, exactly.
    assert_eq!(cost.input.to_string(), "0.0001500");
    assert_eq!(cost.output.to_string(), "0.0012000");
    assert_eq!(cost.total.to_string(), "0.0013500");
    assert_eq!(cost.currency, "USD");
    assert_eq!(
        header(&only_request(&server).await, "openai-organization"),
        Some("org-123")
    );
}

#[tokio::test]
async fn legacy_function_calling() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": null,
               "function_call": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}),
        "function_call",
        usage(20, 8),
    );
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fixture = Fixture::compat(
        &server.uri(),
        "m",
        &[("function_calling_type", "function_call")],
    );
    let request = after_rome_tool_call("Weather?");
    let response = OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), request)
        .await
        .unwrap();
    assert_eq!(
        body(&only_request(&server).await),
        json!({
            "model": "m",
            "messages": [
                {"role": "user", "content": "Weather?"},
                {"role": "assistant", "content": null,
                 "function_call": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}},
                {"role": "function", "content": "sunny", "name": "get_weather"}
            ],
            "functions": [{"name": "get_weather", "description": "Current weather in a city",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}],
            "function_call": "auto"
        })
    );
    assert_eq!(response.finish_reason, Some(FinishReason::FunctionCall));
    assert_eq!(response.tool_calls.len(), 1);
    assert_eq!(response.tool_calls[0].name, "get_weather");
}

#[tokio::test]
async fn parallel_tool_calls_switch_is_sent_with_tools() {
    let server = MockServer::builder().start().await;
    let answer = chat_completion(
        json!({"role": "assistant", "content": "ok"}),
        "stop",
        usage(5, 1),
    );
    mock(
        &server,
        "/chat/completions",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fixture = Fixture::compat(
        &server.uri(),
        "gpt-4o",
        &[("function_calling_type", "tool_call")],
    );
    let mut request =
        LlmRequest::new(vec![Message::user("Weather?")]).with_tools(vec![weather_tool()]);
    request.parallel_tool_calls = Some(false);
    OPENAI_COMPATIBLE
        .invoke(fixture.ctx(), request)
        .await
        .unwrap();
    assert_eq!(
        body(&only_request(&server).await)["parallel_tool_calls"],
        json!(false)
    );
}
