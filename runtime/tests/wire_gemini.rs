//! The Gemini API against a mock server: the exact requests, documented answers and SSE
//! streams (thought summaries and signatures, function calls, usage with cached and thinking
//! tokens), error bodies of every status class with the retry delay of `RetryInfo`, a cut
//! stream, embeddings, and no key in any error.

mod common;
mod protocols_support;

use std::time::Duration;

use common::{raw_server, Fixture, API_KEY};
use modelrt_runtime::catalog::ModelType;
use modelrt_runtime::catalog::ParameterType;
use modelrt_runtime::embedding::{EmbeddingInputType, EmbeddingRequest};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{
    ContentPart, FinishReason, LlmRequest, Message, ResponseFormat, Tool, ToolCall, ToolChoice,
};
use modelrt_runtime::protocol::{LlmProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::by_name;
use modelrt_runtime::protocols::gemini::{self, GEMINI};
use protocols_support::{
    accumulate, assert_no_key, body, collect, fixture, header, only_request, params, requests,
    sse_answer,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MODEL: &str = "gemini-2.5-flash";
const GENERATE: &str = "/v1beta/models/gemini-2.5-flash:generateContent";
const STREAM: &str = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";

const RULES: &[(&str, ParameterType)] = &[
    ("temperature", ParameterType::Float),
    ("top_p", ParameterType::Float),
    ("top_k", ParameterType::Int),
    ("max_output_tokens", ParameterType::Int),
    ("thinking_budget", ParameterType::Int),
    ("include_thoughts", ParameterType::Boolean),
    ("response_format", ParameterType::String),
    ("json_schema", ParameterType::Text),
];

/// The `google` provider as its YAML declares it, its base URL on the mock server.
fn google(server_uri: &str, model: &str) -> Fixture {
    let base_url: &'static str = Box::leak(format!("{server_uri}/v1beta").into_boxed_str());
    fixture(
        "google",
        vec![
            ("api_key_variable", "google_api_key"),
            ("base_url", base_url),
            ("protocol", "gemini"),
        ],
        model,
        &["google_api_key"],
        &[],
    )
}

fn answer(parts: Value, finish_reason: &str, usage: Value) -> Value {
    json!({
        "candidates": [{
            "content": {"parts": parts, "role": "model"},
            "finishReason": finish_reason,
            "index": 0
        }],
        "usageMetadata": usage,
        "modelVersion": MODEL,
        "responseId": "mDxcaJ_3A4-nz7IPqYfIqQ0"
    })
}

fn usage(prompt: u64, candidates: u64) -> Value {
    json!({"promptTokenCount": prompt, "candidatesTokenCount": candidates,
           "totalTokenCount": prompt + candidates,
           "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}]})
}

async fn answer_with(server: &MockServer, route: &str, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(template)
        .mount(server)
        .await;
}

/// Server-sent events as the API frames them (CRLF line ends).
fn events(list: &[Value]) -> String {
    list.iter()
        .map(|data| format!("data: {data}\r\n\r\n"))
        .collect()
}

fn weather_tool() -> Tool {
    Tool::new(
        "get_weather",
        "Current weather of a city",
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
               "additionalProperties": false}),
    )
}

#[tokio::test]
async fn request_is_exactly_the_documented_shape() {
    let server = MockServer::builder().start().await;
    let parts = json!([{"text": "It is sunny in Paris."}]);
    let metered = json!({"promptTokenCount": 2095, "candidatesTokenCount": 503,
                         "thoughtsTokenCount": 120, "cachedContentTokenCount": 1024,
                         "totalTokenCount": 2718});
    answer_with(
        &server,
        GENERATE,
        ResponseTemplate::new(200).set_body_json(answer(parts, "STOP", metered)),
    )
    .await;
    let mut fx = google(&server.uri(), MODEL);
    fx.params = params(
        RULES,
        json!({"temperature": 0.5, "top_p": 0.9, "top_k": 40, "max_output_tokens": 1024,
               "thinking_budget": 512, "include_thoughts": true}),
    );
    let earlier_call = ToolCall {
        id: "call_0".into(),
        name: "get_weather".into(),
        arguments: "{\"city\":\"Paris\"}".into(),
    };
    let request = LlmRequest::new(vec![
        Message::system("You are a weather bot."),
        Message::user_parts(vec![
            ContentPart::text("What is on these?"),
            ContentPart::image_base64("image/png", "iVBORw0KGgo=", None),
            ContentPart::image_url("data:image/webp;base64,UklGRg==", None),
            ContentPart::image_url("https://example.com/cat.jpg", None),
            ContentPart::Audio {
                data: "UklGRiQ=".into(),
                format: "wav".into(),
            },
        ]),
        Message::assistant_tool_calls(Some("Let me check.".into()), vec![earlier_call]),
        Message::tool("call_0", "15 degrees, sunny"),
    ])
    .with_tools(vec![weather_tool()])
    .with_tool_choice(ToolChoice::Function("get_weather".into()))
    .with_stop(vec!["END".into()]);

    let response = GEMINI.invoke(fx.ctx(), request).await.expect("answer");
    assert_eq!(response.content, "It is sunny in Paris.");
    assert_eq!(response.model, MODEL);
    assert_eq!(response.finish_reason, Some(FinishReason::Stop));
    let usage = response.usage;
    assert_eq!(usage.prompt_tokens, 2095);
    assert_eq!(usage.completion_tokens, 503 + 120);
    assert_eq!(usage.total_tokens, 2718);
    assert_eq!(usage.cached_prompt_tokens, Some(1024));
    assert_eq!(usage.reasoning_tokens, Some(120));
    assert!(!usage.estimated);

    let sent = only_request(&server).await;
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(sent.url.path(), GENERATE);
    assert_eq!(sent.url.query(), None);
    assert_eq!(header(&sent, "x-goog-api-key"), Some(API_KEY));
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(header(&sent, "authorization"), None);
    assert_eq!(
        body(&sent),
        json!({
            "contents": [
                {"role": "user", "parts": [
                    {"text": "What is on these?"},
                    {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
                    {"inlineData": {"mimeType": "image/webp", "data": "UklGRg=="}},
                    {"fileData": {"fileUri": "https://example.com/cat.jpg"}},
                    {"inlineData": {"mimeType": "audio/wav", "data": "UklGRiQ="}}
                ]},
                {"role": "model", "parts": [
                    {"text": "Let me check."},
                    {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}
                ]},
                {"role": "user", "parts": [
                    {"functionResponse": {"name": "get_weather", "response": {"result": "15 degrees, sunny"}}}
                ]}
            ],
            "systemInstruction": {"parts": [{"text": "You are a weather bot."}]},
            "tools": [{"functionDeclarations": [{
                "name": "get_weather",
                "description": "Current weather of a city",
                "parametersJsonSchema": {"type": "object", "properties": {"city": {"type": "string"}},
                                         "required": ["city"], "additionalProperties": false}
            }]}],
            "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}},
            "generationConfig": {
                "temperature": 0.5,
                "topP": 0.9,
                "topK": 40,
                "maxOutputTokens": 1024,
                "stopSequences": ["END"],
                "thinkingConfig": {"thinkingBudget": 512, "includeThoughts": true}
            }
        })
    );
}

#[tokio::test]
async fn structured_output_sends_the_json_schema() {
    let server = MockServer::builder().start().await;
    let parts = json!([{"text": "{\"city\":\"Paris\"}"}]);
    answer_with(
        &server,
        GENERATE,
        ResponseTemplate::new(200).set_body_json(answer(parts, "STOP", usage(10, 5))),
    )
    .await;
    let fx = google(&server.uri(), MODEL);
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"}},
                        "required": ["city"]});
    let request = LlmRequest::new(vec![Message::user("Where?")]).with_response_format(
        ResponseFormat::JsonSchema {
            name: "place".into(),
            schema: schema.clone(),
            strict: Some(true),
        },
    );
    let response = GEMINI.invoke(fx.ctx(), request).await.expect("answer");
    assert_eq!(response.content, "{\"city\":\"Paris\"}");
    assert_eq!(
        body(&only_request(&server).await)["generationConfig"],
        json!({"responseMimeType": "application/json", "responseJsonSchema": schema})
    );
}

#[tokio::test]
async fn streamed_thoughts_answer_and_usage() {
    let server = MockServer::builder().start().await;
    let thought = |text: &str| {
        json!({"candidates": [{"content": {"parts": [{"text": text, "thought": true}], "role": "model"}, "index": 0}],
               "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 40, "thoughtsTokenCount": 28},
               "modelVersion": MODEL})
    };
    let text = |text: &str, finish: Option<&str>, candidates: u64| {
        let mut event = json!({"candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}],
               "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": candidates,
                                 "totalTokenCount": 40 + candidates, "thoughtsTokenCount": 28,
                                 "cachedContentTokenCount": 8},
               "modelVersion": MODEL});
        if let Some(reason) = finish {
            event["candidates"][0]["finishReason"] = json!(reason);
        }
        event
    };
    let stream = events(&[
        thought("**Adding numbers** "),
        thought("Two plus two is four."),
        text("The answer", None, 2),
        text(" is 4.", Some("STOP"), 5),
    ]);
    Mock::given(method("POST"))
        .and(path(STREAM))
        .and(query_param("alt", "sse"))
        .respond_with(sse_answer(stream))
        .mount(&server)
        .await;
    let mut fx = google(&server.uri(), MODEL);
    fx.params = params(RULES, json!({"include_thoughts": true}));
    let (chunks, error) = collect(&GEMINI, &fx, LlmRequest::new(vec![Message::user("2+2?")])).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        chunks.iter().filter(|c| c.usage.is_some()).count(),
        1,
        "usage comes once, with the finish reason"
    );
    let response = accumulate(&chunks);
    assert_eq!(response.content, "The answer is 4.");
    assert_eq!(
        response.reasoning.as_deref(),
        Some("**Adding numbers** Two plus two is four.")
    );
    assert_eq!(response.model, MODEL);
    assert_eq!(response.finish_reason, Some(FinishReason::Stop));
    let usage = response.usage;
    assert_eq!(usage.prompt_tokens, 12);
    assert_eq!(usage.completion_tokens, 5 + 28);
    assert_eq!(usage.cached_prompt_tokens, Some(8));
    assert_eq!(usage.reasoning_tokens, Some(28));
    assert!(!usage.estimated);
    let sent = only_request(&server).await;
    assert_eq!(sent.url.query(), Some("alt=sse"));
    assert_eq!(header(&sent, "x-goog-api-key"), Some(API_KEY));
    assert_eq!(
        body(&sent)["generationConfig"],
        json!({"thinkingConfig": {"includeThoughts": true}})
    );
}

#[tokio::test]
async fn streamed_function_calls_and_their_signature_go_back_on_the_next_turn() {
    let server = MockServer::builder().start().await;
    let stream = events(&[
        json!({"candidates": [{"content": {"parts": [
            {"text": "Both cities are needed.", "thought": true}
        ], "role": "model"}, "index": 0}], "modelVersion": MODEL}),
        json!({"candidates": [{"content": {"parts": [{"text": "Checking both."}], "role": "model"}, "index": 0}]}),
        json!({"candidates": [{"content": {"parts": [
            {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "EqoECqcEAdHtim9"},
            {"functionCall": {"name": "get_weather", "args": {"city": "London"}}}
        ], "role": "model"}, "finishReason": "STOP", "index": 0}],
               "usageMetadata": {"promptTokenCount": 70, "candidatesTokenCount": 30, "totalTokenCount": 100},
               "modelVersion": MODEL}),
    ]);
    answer_with(&server, STREAM, sse_answer(stream)).await;
    let fx = google(&server.uri(), MODEL);
    let request = LlmRequest::new(vec![Message::user("Weather in Paris and London?")])
        .with_tools(vec![weather_tool()]);
    let (chunks, error) = collect(&GEMINI, &fx, request).await;
    assert!(error.is_none(), "{error:?}");
    let response = accumulate(&chunks);
    assert_eq!(response.content, "Checking both.");
    assert_eq!(
        response.reasoning.as_deref(),
        Some("Both cities are needed.")
    );
    assert_eq!(response.finish_reason, Some(FinishReason::ToolCalls));
    let calls: Vec<(&str, Value)> = response
        .tool_calls
        .iter()
        .map(|c| (c.name.as_str(), c.arguments_json().unwrap()))
        .collect();
    assert_eq!(
        calls,
        [
            ("get_weather", json!({"city": "Paris"})),
            ("get_weather", json!({"city": "London"}))
        ]
    );
    assert_ne!(response.tool_calls[0].id, response.tool_calls[1].id);
    assert_eq!(response.usage.prompt_tokens, 70);

    // The next turn: the signature goes back on the first call (where the API requires it),
    // the thought summary does not, and both results share one user turn.
    let server = MockServer::builder().start().await;
    let parts = json!([{"text": "Sunny in Paris, rain in London."}]);
    answer_with(
        &server,
        GENERATE,
        ResponseTemplate::new(200).set_body_json(answer(parts, "STOP", usage(120, 9))),
    )
    .await;
    let fx = google(&server.uri(), MODEL);
    let follow_up = LlmRequest::new(vec![
        Message::user("Weather in Paris and London?"),
        response.to_message(),
        Message::tool(response.tool_calls[0].id.clone(), "{\"sky\":\"sunny\"}"),
        Message::tool(response.tool_calls[1].id.clone(), "rain"),
    ]);
    GEMINI.invoke(fx.ctx(), follow_up).await.expect("answer");
    let sent = body(&only_request(&server).await);
    assert_eq!(
        sent["contents"][1],
        json!({"role": "model", "parts": [
            {"text": "Checking both."},
            {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}, "thoughtSignature": "EqoECqcEAdHtim9"},
            {"functionCall": {"name": "get_weather", "args": {"city": "London"}}}
        ]})
    );
    assert_eq!(
        sent["contents"][2],
        json!({"role": "user", "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"sky": "sunny"}}},
            {"functionResponse": {"name": "get_weather", "response": {"result": "rain"}}}
        ]})
    );
}

#[tokio::test]
async fn a_stream_cut_before_the_finish_reason_is_a_connection_error() {
    let server = MockServer::builder().start().await;
    let stream = events(&[
        json!({"candidates": [{"content": {"parts": [{"text": "Half"}], "role": "model"}, "index": 0}],
                                 "modelVersion": MODEL}),
    ]);
    answer_with(&server, STREAM, sse_answer(stream)).await;
    let fx = google(&server.uri(), MODEL);
    let (chunks, error) = collect(&GEMINI, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Half");
    let error = error.expect("a cut stream is an error");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.message().contains("finishReason"), "{error}");
    assert_eq!(error.provider(), Some("google"));
}

#[tokio::test]
async fn an_error_event_ends_the_stream_after_what_came_before() {
    let server = MockServer::builder().start().await;
    let stream = events(&[
        json!({"candidates": [{"content": {"parts": [{"text": "Partial "}], "role": "model"}, "index": 0}]}),
        json!({"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}),
        json!({"candidates": [{"content": {"parts": [{"text": "never"}], "role": "model"}, "finishReason": "STOP"}]}),
    ]);
    answer_with(&server, STREAM, sse_answer(stream)).await;
    let fx = google(&server.uri(), MODEL);
    let (chunks, error) = collect(&GEMINI, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Partial ");
    let error = error.expect("the error event ends the stream");
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
    assert_eq!(error.code(), Some("UNAVAILABLE"));
    assert_no_key(&error);
}

#[tokio::test]
async fn utf8_split_inside_a_character_over_tcp() {
    let stream = events(&[
        json!({"candidates": [{"content": {"parts": [{"text": "héllo 🌍"}], "role": "model"},
                                                 "finishReason": "STOP", "index": 0}],
                                 "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 3, "totalTokenCount": 6}}),
    ]);
    let pieces = stream.into_bytes().into_iter().map(|b| vec![b]).collect();
    let base = raw_server("HTTP/1.1 200 OK", pieces, false).await;
    let fx = google(&base, MODEL);
    let (chunks, error) = collect(&GEMINI, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(accumulate(&chunks).content, "héllo 🌍");
}

#[tokio::test]
async fn safety_stops_and_blocked_prompts_are_content_filtering() {
    let server = MockServer::builder().start().await;
    let parts = json!([{"text": "I can"}]);
    answer_with(
        &server,
        GENERATE,
        ResponseTemplate::new(200).set_body_json(answer(parts, "SAFETY", usage(5, 2))),
    )
    .await;
    let fx = google(&server.uri(), MODEL);
    let response = GEMINI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("x")]))
        .await
        .expect("a filtered answer is still an answer");
    assert_eq!(response.content, "I can");
    assert_eq!(response.finish_reason, Some(FinishReason::ContentFilter));

    let server = MockServer::builder().start().await;
    let blocked = json!({"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
                         "usageMetadata": {"promptTokenCount": 5, "totalTokenCount": 5},
                         "modelVersion": MODEL});
    answer_with(
        &server,
        GENERATE,
        ResponseTemplate::new(200).set_body_json(blocked),
    )
    .await;
    let fx = google(&server.uri(), MODEL);
    let error = GEMINI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("x")]))
        .await
        .expect_err("a blocked prompt has no answer");
    assert_eq!(error.kind(), ErrorKind::ContentFiltered);
    assert_eq!(error.code(), Some("PROHIBITED_CONTENT"));
    assert_eq!(error.provider(), Some("google"));
    assert_eq!(error.model(), Some(MODEL));
}

fn error_body(code: u16, status: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message, "status": status}})
}

#[tokio::test]
async fn client_errors_are_mapped_and_not_retried() {
    let invalid_key = json!({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
        "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID", "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"}}]}});
    let cases = [
        (
            400,
            error_body(400, "INVALID_ARGUMENT", "Invalid JSON payload received."),
            ErrorKind::BadRequest,
        ),
        (
            400,
            error_body(
                400,
                "INVALID_ARGUMENT",
                "The input token count (1500000) exceeds the maximum number of tokens allowed (1048576).",
            ),
            ErrorKind::ContextWindowExceeded,
        ),
        (400, invalid_key, ErrorKind::Authorization),
        (
            403,
            error_body(
                403,
                "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers.",
            ),
            ErrorKind::Authorization,
        ),
        (
            404,
            error_body(
                404,
                "NOT_FOUND",
                "models/gemini-9.9 is not found for API version v1beta, or is not supported for generateContent.",
            ),
            ErrorKind::ModelNotFound,
        ),
    ];
    for (status, error_json, expected) in cases {
        let server = MockServer::builder().start().await;
        answer_with(
            &server,
            STREAM,
            ResponseTemplate::new(status).set_body_json(error_json.clone()),
        )
        .await;
        let fx = google(&server.uri(), MODEL);
        let error = GEMINI
            .stream(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .err()
            .expect("the call fails before streaming");
        assert_eq!(error.kind(), expected, "{error_json}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(
            error.code(),
            error_json["error"]["status"].as_str(),
            "{error_json}"
        );
        assert_eq!(
            Some(error.message()),
            error_json["error"]["message"].as_str()
        );
        assert!(!error.is_retryable());
        assert_eq!(
            requests(&server).await.len(),
            1,
            "{error_json} is not retried"
        );
        assert_no_key(&error);
    }
}

fn rate_limited(delay: &str) -> Value {
    json!({"error": {"code": 429,
    "message": "You exceeded your current quota, please check your plan and billing details.",
    "status": "RESOURCE_EXHAUSTED",
    "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
        {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}
    ]}})
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_delay_in_the_body() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(GENERATE))
        .respond_with(ResponseTemplate::new(429).set_body_json(rate_limited("0.2s")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let parts = json!([{"text": "fine"}]);
    answer_with(
        &server,
        GENERATE,
        ResponseTemplate::new(200).set_body_json(answer(parts, "STOP", usage(1, 1))),
    )
    .await;
    let fx = google(&server.uri(), MODEL);
    let started = std::time::Instant::now();
    let response = GEMINI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect("the retry succeeds");
    assert_eq!(response.content, "fine");
    assert_eq!(requests(&server).await.len(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "waited the body's delay, not the short test backoff"
    );

    // A delay longer than the client waits for is reported, with the delay.
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        GENERATE,
        ResponseTemplate::new(429).set_body_json(rate_limited("37s")),
    )
    .await;
    let fx = google(&server.uri(), MODEL);
    let error = GEMINI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("too long to wait");
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(37)));
    assert_eq!(error.code(), Some("RESOURCE_EXHAUSTED"));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    for (status, name, message) in [
        (500, "INTERNAL", "An internal error has occurred."),
        (
            503,
            "UNAVAILABLE",
            "The model is overloaded. Please try again later.",
        ),
    ] {
        let server = MockServer::builder().start().await;
        answer_with(
            &server,
            GENERATE,
            ResponseTemplate::new(status).set_body_json(error_body(status, name, message)),
        )
        .await;
        let fx = google(&server.uri(), MODEL);
        let error = GEMINI
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .expect_err("always failing");
        assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.code(), Some(name));
        assert_eq!(
            requests(&server).await.len(),
            3,
            "first attempt and two retries"
        );
        assert_no_key(&error);
    }
}

#[tokio::test]
async fn a_key_echoed_by_the_server_is_redacted() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        GENERATE,
        ResponseTemplate::new(400).set_body_json(error_body(
            400,
            "INVALID_ARGUMENT",
            &format!("API key {API_KEY} not valid."),
        )),
    )
    .await;
    let fx = google(&server.uri(), MODEL);
    let error = GEMINI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("rejected");
    assert_eq!(error.message(), "API key [REDACTED] not valid.");
    assert_no_key(&error);
}

#[tokio::test]
async fn credential_check_is_a_one_token_call_without_params() {
    let server = MockServer::builder().start().await;
    let parts = json!([{"text": "P"}]);
    answer_with(
        &server,
        GENERATE,
        ResponseTemplate::new(200).set_body_json(answer(parts, "MAX_TOKENS", usage(2, 1))),
    )
    .await;
    let mut fx = google(&server.uri(), MODEL);
    fx.params = params(RULES, json!({"temperature": 0.3}));
    LlmProtocol::validate_credentials(&GEMINI, fx.ctx())
        .await
        .expect("valid");
    assert_eq!(
        body(&only_request(&server).await),
        json!({"contents": [{"role": "user", "parts": [{"text": "ping"}]}],
               "generationConfig": {"maxOutputTokens": 1}})
    );
}

#[tokio::test]
async fn count_tokens_sends_the_whole_request_wrapped() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/v1beta/models/gemini-2.5-flash:countTokens",
        ResponseTemplate::new(200).set_body_json(json!({
            "totalTokens": 31,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 31}]
        })),
    )
    .await;
    let fx = google(&server.uri(), MODEL);
    let request = LlmRequest::new(vec![
        Message::system("Be brief."),
        Message::user("The quick brown fox jumps over the lazy dog."),
    ])
    .with_tools(vec![weather_tool()]);
    let count = gemini::count_tokens(fx.ctx(), &request)
        .await
        .expect("a count");
    assert_eq!(count, 31);
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "x-goog-api-key"), Some(API_KEY));
    assert_eq!(
        body(&sent),
        json!({"generateContentRequest": {
            "model": "models/gemini-2.5-flash",
            "contents": [{"role": "user", "parts": [{"text": "The quick brown fox jumps over the lazy dog."}]}],
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "tools": [{"functionDeclarations": [{
                "name": "get_weather",
                "description": "Current weather of a city",
                "parametersJsonSchema": {"type": "object", "properties": {"city": {"type": "string"}},
                                         "required": ["city"], "additionalProperties": false}
            }]}]
        }})
    );
}

#[tokio::test]
async fn embeddings_are_batched_with_their_task_type() {
    let server = MockServer::builder().start().await;
    let route = "/v1beta/models/gemini-embedding-001:batchEmbedContents";
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "embeddings": [{"values": [0.1, -0.2, 0.3]}, {"values": [0.4, 0.5, -0.6]}]
        })))
        .mount(&server)
        .await;
    let fx = google(&server.uri(), "gemini-embedding-001");
    let request = EmbeddingRequest {
        texts: vec![
            "What is the meaning of life?".into(),
            "How much wood?".into(),
        ],
        input_type: EmbeddingInputType::Query,
    };
    let response = GEMINI.embed(fx.ctx(), request).await.expect("embeddings");
    assert_eq!(
        response.embeddings,
        vec![vec![0.1, -0.2, 0.3], vec![0.4, 0.5, -0.6]]
    );
    assert!(response.usage.estimated, "the API reports no usage");
    assert!(response.usage.tokens > 0);
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "x-goog-api-key"), Some(API_KEY));
    assert_eq!(
        body(&sent),
        json!({"requests": [
            {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "What is the meaning of life?"}]},
             "taskType": "RETRIEVAL_QUERY"},
            {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "How much wood?"}]},
             "taskType": "RETRIEVAL_QUERY"}
        ]})
    );

    // A short answer is an error, not a silent gap.
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"embeddings": [{"values": [0.1]}]})),
        )
        .mount(&server)
        .await;
    let fx = google(&server.uri(), "gemini-embedding-001");
    let error = GEMINI
        .embed(
            fx.ctx(),
            EmbeddingRequest::new(vec!["a".into(), "b".into()]),
        )
        .await
        .expect_err("one vector for two texts");
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
}

#[tokio::test]
async fn bad_input_is_an_error_before_sending() {
    let fx = google("http://127.0.0.1:9", MODEL);
    let error = GEMINI
        .invoke(
            fx.ctx(),
            LlmRequest::new(vec![Message::system("only a system prompt")]),
        )
        .await
        .expect_err("no turn");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    let error = GEMINI
        .invoke(
            fx.ctx(),
            LlmRequest::new(vec![Message::user("x"), Message::tool("unknown", "1")]),
        )
        .await
        .expect_err("a result for no call");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    let sneaky = google("http://127.0.0.1:9", "../files/x");
    let error = GEMINI
        .invoke(sneaky.ctx(), LlmRequest::new(vec![Message::user("x")]))
        .await
        .expect_err("a model id that changes the path");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    assert_no_key(&error);
}

#[test]
fn registered_under_its_name() {
    let set = by_name("gemini").expect("registered");
    let served: Vec<ModelType> = set.model_types().collect();
    assert_eq!(served, [ModelType::Llm, ModelType::TextEmbedding]);
}
