//! The Anthropic Messages API against a mock server: the exact requests, documented answers
//! and streams (ping, error events, tool input split over deltas, thinking, cache usage),
//! error mapping with retries, and no key in any error.

mod common;
mod protocols_support;

use common::{raw_server, Fixture, API_KEY};
use modelrt_runtime::catalog::{ModelType, ParameterType};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{
    CacheControl, CacheTtl, ContentPart, FinishReason, LlmRequest, MediaSource, Message,
    ReasoningBlock, ResponseFormat, Tool, ToolCall, ToolChoice,
};
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::{anthropic::ANTHROPIC, by_name};
use protocols_support::{
    accumulate, assert_no_key, body, collect, fixture, header, only_request, params, requests,
    sse_answer,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MODEL: &str = "claude-sonnet-4-6";

fn anthropic(base_url: &str) -> Fixture {
    fixture(
        "anthropic",
        vec![
            ("api_key_variable", "anthropic_api_key"),
            ("base_url", "https://api.anthropic.com"),
            ("base_url_variable", "anthropic_api_url"),
            ("protocol", "anthropic"),
        ],
        MODEL,
        &["anthropic_api_key"],
        &[("anthropic_api_url", base_url)],
    )
}

const RULES: &[(&str, ParameterType)] = &[
    ("max_tokens", ParameterType::Int),
    ("temperature", ParameterType::Float),
    ("top_p", ParameterType::Float),
    ("top_k", ParameterType::Int),
    ("thinking", ParameterType::Boolean),
    ("thinking_budget", ParameterType::Int),
    ("effort", ParameterType::String),
    ("response_format", ParameterType::String),
    ("json_schema", ParameterType::Text),
];

fn message(content: Value, stop_reason: &str, usage: Value) -> Value {
    json!({
        "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": usage
    })
}

fn usage(input: u64, output: u64) -> Value {
    json!({"input_tokens": input, "output_tokens": output,
           "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0})
}

async fn answer_with(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// Formats named server-sent events as the API sends them.
fn events(list: &[Value]) -> String {
    list.iter()
        .map(|data| {
            let name = data["type"].as_str().unwrap_or("message");
            format!("event: {name}\ndata: {data}\n\n")
        })
        .collect()
}

fn message_start(input: u64, cache_write: u64, cache_read: u64) -> Value {
    json!({"type": "message_start", "message": {
        "id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant",
        "content": [], "model": MODEL, "stop_reason": null, "stop_sequence": null,
        "usage": {"input_tokens": input, "cache_creation_input_tokens": cache_write,
                  "cache_read_input_tokens": cache_read, "output_tokens": 1}}})
}

fn text_delta(index: u32, text: &str) -> Value {
    json!({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": text}})
}

fn block_start(index: u32, block: Value) -> Value {
    json!({"type": "content_block_start", "index": index, "content_block": block})
}

fn block_stop(index: u32) -> Value {
    json!({"type": "content_block_stop", "index": index})
}

fn message_delta(stop_reason: &str, output: u64) -> Value {
    json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null},
           "usage": {"output_tokens": output}})
}

fn message_stop() -> Value {
    json!({"type": "message_stop"})
}

#[tokio::test]
async fn request_is_exactly_the_documented_shape() {
    let server = MockServer::builder().start().await;
    let content = json!([{"type": "text", "text": "It is sunny in Paris."}]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(2095, 503))),
    )
    .await;
    let mut fx = anthropic(&format!("{}/", server.uri()));
    fx.params = params(
        RULES,
        json!({"max_tokens": 1024, "temperature": 0.5, "top_k": 40}),
    );
    let weather = Tool::new(
        "get_weather",
        "Current weather of a city",
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    );
    let earlier_call = ToolCall {
        id: "toolu_01A09q90qw90lq917835lq9".into(),
        name: "get_weather".into(),
        arguments: "{\"city\":\"Paris\"}".into(),
    };
    let mut request = LlmRequest::new(vec![
        Message::system("You are a weather bot."),
        Message::user_parts(vec![
            ContentPart::text("What is on these?"),
            ContentPart::image_base64("image/png", "iVBORw0KGgo=", None),
            ContentPart::image_url("https://example.com/cat.jpg", None),
            ContentPart::image_url("data:image/webp;base64,UklGRg==", None),
            ContentPart::Document {
                source: MediaSource::Base64 {
                    mime_type: "application/pdf".into(),
                    data: "JVBERi0xLjQ=".into(),
                },
                filename: Some("report.pdf".into()),
            },
            ContentPart::Document {
                source: MediaSource::Url("https://example.com/a.pdf".into()),
                filename: None,
            },
        ]),
        Message::assistant_tool_calls(Some("Let me check.".into()), vec![earlier_call]),
        Message::tool("toolu_01A09q90qw90lq917835lq9", "15 degrees, sunny"),
    ])
    .with_tools(vec![weather])
    .with_tool_choice(ToolChoice::Function("get_weather".into()))
    .with_stop(vec!["\n\nHuman:".into()]);
    request.user = Some("user-42".into());

    let response = ANTHROPIC.invoke(fx.ctx(), request).await.expect("answer");
    assert_eq!(response.content, "It is sunny in Paris.");
    assert_eq!(response.finish_reason, Some(FinishReason::Stop));
    assert_eq!(response.usage.prompt_tokens, 2095);
    assert_eq!(response.usage.completion_tokens, 503);
    assert!(!response.usage.estimated);

    let sent = only_request(&server).await;
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(sent.url.path(), "/v1/messages");
    assert_eq!(header(&sent, "x-api-key"), Some(API_KEY));
    assert_eq!(header(&sent, "anthropic-version"), Some("2023-06-01"));
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(header(&sent, "authorization"), None);
    assert_eq!(
        body(&sent),
        json!({
            "model": MODEL,
            "max_tokens": 1024,
            "system": "You are a weather bot.",
            "messages": [
                {"role": "user", "content": [
                    {"type": "text", "text": "What is on these?"},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                    {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/webp", "data": "UklGRg=="}},
                    {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQ="}, "title": "report.pdf"},
                    {"type": "document", "source": {"type": "url", "url": "https://example.com/a.pdf"}}
                ]},
                {"role": "assistant", "content": [
                    {"type": "text", "text": "Let me check."},
                    {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"city": "Paris"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9",
                     "content": [{"type": "text", "text": "15 degrees, sunny"}]}
                ]}
            ],
            "tools": [{"name": "get_weather", "description": "Current weather of a city",
                       "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}],
            "tool_choice": {"type": "tool", "name": "get_weather"},
            "temperature": 0.5,
            "top_k": 40,
            "stop_sequences": ["\n\nHuman:"],
            "metadata": {"user_id": "user-42"}
        })
    );
}

#[tokio::test]
async fn extended_thinking_keeps_reasoning_apart_and_drops_temperature() {
    let server = MockServer::builder().start().await;
    let content = json!([
        {"type": "thinking", "thinking": "Let me add 2 and 2.", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA"},
        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4a"},
        {"type": "text", "text": "4"}
    ]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(20, 40))),
    )
    .await;
    let mut fx = anthropic(&server.uri());
    fx.params = params(
        RULES,
        json!({"max_tokens": 16000, "temperature": 0.2, "top_p": 0.95, "thinking": true, "thinking_budget": 10000}),
    );
    let response = ANTHROPIC
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("2+2?")]))
        .await
        .expect("answer");
    assert_eq!(response.content, "4");
    assert_eq!(response.reasoning.as_deref(), Some("Let me add 2 and 2."));
    let sent = body(&only_request(&server).await);
    assert_eq!(
        sent["thinking"],
        json!({"type": "enabled", "budget_tokens": 10000})
    );
    assert_eq!(
        sent.get("temperature"),
        None,
        "temperature is rejected while thinking"
    );
    assert_eq!(sent["top_p"], json!(0.95));
}

#[tokio::test]
async fn adaptive_thinking_effort_and_structured_output() {
    let server = MockServer::builder().start().await;
    let content = json!([{"type": "text", "text": "{\"city\":\"Paris\"}"}]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(10, 5))),
    )
    .await;
    let mut fx = anthropic(&server.uri());
    fx.params = params(RULES, json!({"thinking": true, "effort": "low"}));
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"}},
                        "required": ["city"], "additionalProperties": false});
    let request = LlmRequest::new(vec![Message::user("Where?")]).with_response_format(
        ResponseFormat::JsonSchema {
            name: "place".into(),
            schema: schema.clone(),
            strict: Some(true),
        },
    );
    let response = ANTHROPIC.invoke(fx.ctx(), request).await.expect("answer");
    assert_eq!(response.content, "{\"city\":\"Paris\"}");
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["thinking"], json!({"type": "adaptive"}));
    assert_eq!(
        sent["output_config"],
        json!({"format": {"type": "json_schema", "schema": schema}, "effort": "low"})
    );
    assert_eq!(
        sent["max_tokens"],
        json!(4096),
        "the API requires max_tokens"
    );

    // Thinking switched off is sent as such.
    let server = MockServer::builder().start().await;
    let content = json!([{"type": "text", "text": "ok"}]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(1, 1))),
    )
    .await;
    let mut fx = anthropic(&server.uri());
    fx.params = params(RULES, json!({"thinking": false}));
    ANTHROPIC
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .expect("answer");
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["thinking"], json!({"type": "disabled"}));
}

#[tokio::test]
async fn tool_use_answer_and_unknown_stop_reason() {
    let server = MockServer::builder().start().await;
    let content = json!([
        {"type": "text", "text": "I'll check."},
        {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather",
         "input": {"location": "San Francisco, CA", "unit": "celsius"}}
    ]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "tool_use", usage(30, 12))),
    )
    .await;
    let fx = anthropic(&server.uri());
    let response = ANTHROPIC
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Weather?")]))
        .await
        .expect("answer");
    assert_eq!(response.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(response.tool_calls.len(), 1);
    assert_eq!(response.tool_calls[0].id, "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assert_eq!(
        response.tool_calls[0].arguments_json().unwrap(),
        json!({"location": "San Francisco, CA", "unit": "celsius"})
    );

    let server = MockServer::builder().start().await;
    let content = json!([{"type": "text", "text": "..."}]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "some_new_reason", usage(1, 1))),
    )
    .await;
    let fx = anthropic(&server.uri());
    let response = ANTHROPIC
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("x")]))
        .await
        .expect("answer");
    assert_eq!(
        response.finish_reason,
        Some(FinishReason::Other("some_new_reason".into()))
    );
}

#[tokio::test]
async fn text_stream_with_ping_and_cache_usage() {
    let server = MockServer::builder().start().await;
    let stream = events(&[
        message_start(25, 1200, 3000),
        block_start(0, json!({"type": "text", "text": ""})),
        json!({"type": "ping"}),
        text_delta(0, "Hello"),
        text_delta(0, " world"),
        block_stop(0),
        message_delta("end_turn", 15),
        message_stop(),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = anthropic(&server.uri());
    let (chunks, error) =
        collect(&ANTHROPIC, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert!(error.is_none(), "{error:?}");
    let response = accumulate(&chunks);
    assert_eq!(response.content, "Hello world");
    assert_eq!(response.model, MODEL);
    assert_eq!(response.finish_reason, Some(FinishReason::Stop));
    let usage = response.usage;
    assert_eq!(usage.prompt_tokens, 25 + 1200 + 3000);
    assert_eq!(usage.completion_tokens, 15);
    assert_eq!(usage.cached_prompt_tokens, Some(3000));
    assert_eq!(usage.cache_creation_tokens, Some(1200));
    assert!(!usage.estimated);
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["stream"], json!(true));
}

#[tokio::test]
async fn streamed_tool_input_split_across_deltas_with_thinking() {
    let server = MockServer::builder().start().await;
    let input_delta = |part: &str| {
        json!({"type": "content_block_delta", "index": 2,
               "delta": {"type": "input_json_delta", "partial_json": part}})
    };
    let stream = events(&[
        message_start(472, 0, 0),
        block_start(0, json!({"type": "thinking", "thinking": ""})),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "The user wants "}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "the weather."}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA"}}),
        block_stop(0),
        block_start(1, json!({"type": "text", "text": ""})),
        text_delta(1, "Checking."),
        block_stop(1),
        block_start(
            2,
            json!({"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather", "input": {}}),
        ),
        input_delta(""),
        input_delta("{\"location\": \"San Fra"),
        input_delta("ncisco, CA\", \"unit\": \"fah"),
        input_delta("renheit\"}"),
        block_stop(2),
        message_delta("tool_use", 89),
        message_stop(),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = anthropic(&server.uri());
    let (chunks, error) = collect(
        &ANTHROPIC,
        &fx,
        LlmRequest::new(vec![Message::user("Weather?")]),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    let response = accumulate(&chunks);
    assert_eq!(
        response.reasoning.as_deref(),
        Some("The user wants the weather.")
    );
    assert_eq!(response.content, "Checking.");
    assert_eq!(response.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(response.tool_calls.len(), 1);
    let call = &response.tool_calls[0];
    assert_eq!(call.id, "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assert_eq!(call.name, "get_weather");
    assert_eq!(
        call.arguments_json().unwrap(),
        json!({"location": "San Francisco, CA", "unit": "fahrenheit"})
    );
    assert_eq!(response.usage.completion_tokens, 89);

    // The next turn sends the signed thinking back first, then the text and the tool call,
    // then the tool result: what the API requires while thinking is on.
    let server = MockServer::builder().start().await;
    let content = json!([{"type": "text", "text": "It is 15 degrees."}]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(600, 9))),
    )
    .await;
    let fx = anthropic(&server.uri());
    let follow_up = LlmRequest::new(vec![
        Message::user("Weather?"),
        response.to_message(),
        Message::tool("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "15 degrees"),
    ]);
    ANTHROPIC.invoke(fx.ctx(), follow_up).await.expect("answer");
    let sent = body(&only_request(&server).await);
    assert_eq!(
        sent["messages"][1]["content"],
        json!([
            {"type": "thinking", "thinking": "The user wants the weather.",
             "signature": "EqQBCgIYAhIM1gbcDa9GJwZA"},
            {"type": "text", "text": "Checking."},
            {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather",
             "input": {"location": "San Francisco, CA", "unit": "fahrenheit"}}
        ])
    );
}

#[tokio::test]
async fn whole_answer_keeps_signed_and_redacted_thinking_for_the_next_turn() {
    let server = MockServer::builder().start().await;
    let content = json!([
        {"type": "thinking", "thinking": "Add them.", "signature": "sig-1"},
        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"},
        {"type": "text", "text": "4"}
    ]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(20, 40))),
    )
    .await;
    let fx = anthropic(&server.uri());
    let response = ANTHROPIC
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("2+2?")]))
        .await
        .expect("answer");
    assert_eq!(
        response.reasoning_blocks,
        vec![
            ReasoningBlock::Thinking {
                text: "Add them.".into(),
                signature: Some("sig-1".into())
            },
            ReasoningBlock::Redacted {
                data: "EmwKAhgBEgy3va3pzix".into()
            },
        ]
    );
    // Unsigned reasoning (as another provider would produce) is not sent to Anthropic.
    let mut foreign = Message::assistant("4");
    foreign.reasoning_blocks = vec![ReasoningBlock::Thinking {
        text: "from elsewhere".into(),
        signature: None,
    }];
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(
            json!([{"type": "text", "text": "ok"}]),
            "end_turn",
            usage(5, 1),
        )),
    )
    .await;
    let fx = anthropic(&server.uri());
    let request = LlmRequest::new(vec![Message::user("2+2?"), foreign, Message::user("sure?")]);
    ANTHROPIC.invoke(fx.ctx(), request).await.expect("answer");
    let sent = body(&only_request(&server).await);
    assert_eq!(
        sent["messages"][1]["content"],
        json!([{"type": "text", "text": "4"}])
    );
}

#[tokio::test]
async fn error_event_ends_the_stream_after_the_deltas_before_it() {
    let server = MockServer::builder().start().await;
    let stream = events(&[
        message_start(10, 0, 0),
        block_start(0, json!({"type": "text", "text": ""})),
        text_delta(0, "Partial "),
        text_delta(0, "answer"),
        json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        text_delta(0, "never delivered"),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = anthropic(&server.uri());
    let (chunks, error) =
        collect(&ANTHROPIC, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Partial answer");
    let error = error.expect("the error event ends the stream");
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
    assert_eq!(error.code(), Some("overloaded_error"));
    assert_eq!(error.message(), "Overloaded");
    assert_eq!(error.provider(), Some("anthropic"));
    assert_no_key(&error);
}

#[tokio::test]
async fn stream_cut_before_message_stop_is_a_connection_error() {
    let server = MockServer::builder().start().await;
    let stream = events(&[
        message_start(10, 0, 0),
        block_start(0, json!({"type": "text", "text": ""})),
        text_delta(0, "Half"),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = anthropic(&server.uri());
    let (chunks, error) =
        collect(&ANTHROPIC, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Half");
    let error = error.expect("a cut stream is an error");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.message().contains("message_stop"), "{error}");
}

#[tokio::test]
async fn utf8_split_inside_a_character_over_tcp() {
    let stream = events(&[
        message_start(5, 0, 0),
        block_start(0, json!({"type": "text", "text": ""})),
        text_delta(0, "héllo 🌍"),
        block_stop(0),
        message_delta("end_turn", 3),
        message_stop(),
    ]);
    // One byte per write: every boundary, including inside 'é' and '🌍', is exercised.
    let pieces = stream.into_bytes().into_iter().map(|b| vec![b]).collect();
    let base = raw_server("HTTP/1.1 200 OK", pieces, false).await;
    let fx = anthropic(&base);
    let (chunks, error) =
        collect(&ANTHROPIC, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(accumulate(&chunks).content, "héllo 🌍");
}

fn error_body(kind: &str, message: &str) -> Value {
    json!({"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"})
}

#[tokio::test]
async fn overloaded_is_retried_then_reported() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        ResponseTemplate::new(529).set_body_json(error_body("overloaded_error", "Overloaded")),
    )
    .await;
    let fx = anthropic(&server.uri());
    let error = ANTHROPIC
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("always overloaded");
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
    assert_eq!(error.status(), Some(529));
    assert_eq!(
        requests(&server).await.len(),
        3,
        "first attempt and two retries"
    );
    assert_no_key(&error);
}

#[tokio::test]
async fn rate_limit_is_retried_after_the_servers_delay() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(error_body(
                    "rate_limit_error",
                    "Number of requests has exceeded your rate limit",
                )),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let content = json!([{"type": "text", "text": "fine"}]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(1, 1))),
    )
    .await;
    let fx = anthropic(&server.uri());
    let response = ANTHROPIC
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect("the retry succeeds");
    assert_eq!(response.content, "fine");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn client_errors_are_mapped_and_not_retried() {
    let cases = [
        (
            401,
            "authentication_error",
            "invalid x-api-key",
            ErrorKind::Authorization,
        ),
        (
            403,
            "permission_error",
            "Your API key does not have permission",
            ErrorKind::Authorization,
        ),
        (
            404,
            "not_found_error",
            "model: claude-nonexistent",
            ErrorKind::ModelNotFound,
        ),
        (
            413,
            "request_too_large",
            "Request exceeds the maximum allowed number of bytes",
            ErrorKind::BadRequest,
        ),
        (
            400,
            "invalid_request_error",
            "prompt is too long: 215000 tokens > 200000 maximum",
            ErrorKind::ContextWindowExceeded,
        ),
        (
            400,
            "invalid_request_error",
            "messages.0.content: Field required",
            ErrorKind::BadRequest,
        ),
    ];
    for (status, kind, text, expected) in cases {
        let server = MockServer::builder().start().await;
        answer_with(
            &server,
            ResponseTemplate::new(status).set_body_json(error_body(kind, text)),
        )
        .await;
        let fx = anthropic(&server.uri());
        let error = ANTHROPIC
            .stream(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .err()
            .expect("the call fails before streaming");
        assert_eq!(error.kind(), expected, "{status} {kind}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.code(), Some(kind));
        assert_eq!(error.message(), text);
        assert!(!error.is_retryable());
        assert_eq!(requests(&server).await.len(), 1, "{kind} is not retried");
        assert_no_key(&error);
    }
}

#[tokio::test]
async fn credential_check_is_a_one_token_call_without_params() {
    let server = MockServer::builder().start().await;
    let content = json!([{"type": "text", "text": "P"}]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "max_tokens", usage(8, 1))),
    )
    .await;
    let mut fx = anthropic(&server.uri());
    fx.params = params(RULES, json!({"temperature": 0.3}));
    ANTHROPIC
        .validate_credentials(fx.ctx())
        .await
        .expect("valid");
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": MODEL, "max_tokens": 1, "messages": [{"role": "user", "content": [{"type": "text", "text": "ping"}]}]})
    );
}

#[tokio::test]
async fn remote_models_are_read_page_by_page() {
    let server = MockServer::builder().start().await;
    let model = |id: &str| json!({"type": "model", "id": id, "display_name": id, "created_at": "2025-02-19T00:00:00Z"});
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(wiremock::matchers::query_param("after_id", "claude-b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [model("claude-c")], "has_more": false, "first_id": "claude-c", "last_id": "claude-c"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [model("claude-a"), model("claude-b")], "has_more": true, "first_id": "claude-a", "last_id": "claude-b"})))
        .mount(&server)
        .await;
    let fx = anthropic(&server.uri());
    let models = ANTHROPIC
        .remote_models(fx.ctx().provider_context())
        .await
        .expect("listing");
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["claude-a", "claude-b", "claude-c"]);
    assert!(models.iter().all(|m| m.model_type == ModelType::Llm));
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(header(&sent[0], "x-api-key"), Some(API_KEY));
    assert_eq!(sent[0].url.query(), Some("limit=1000"));
}

#[tokio::test]
async fn bad_input_is_an_error_before_sending() {
    let fx = anthropic("http://127.0.0.1:9");
    let audio = Message::user_parts(vec![ContentPart::Audio {
        data: "AAAA".into(),
        format: "wav".into(),
    }]);
    let error = ANTHROPIC
        .invoke(fx.ctx(), LlmRequest::new(vec![audio]))
        .await
        .expect_err("audio is not accepted");
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    let error = ANTHROPIC
        .invoke(
            fx.ctx(),
            LlmRequest::new(vec![Message::system("only a system prompt")]),
        )
        .await
        .expect_err("no turn");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    let bad_url = anthropic("ftp://nowhere");
    let error = ANTHROPIC
        .invoke(bad_url.ctx(), LlmRequest::new(vec![Message::user("x")]))
        .await
        .expect_err("bad base URL");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert_no_key(&error);
}

#[test]
fn registered_under_its_name() {
    let set = by_name("anthropic").expect("registered");
    assert_eq!(set.model_types().collect::<Vec<_>>(), [ModelType::Llm]);
}

#[tokio::test]
async fn a_key_echoed_by_the_server_is_redacted_and_a_v1_base_url_works() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        ResponseTemplate::new(401).set_body_json(error_body(
            "authentication_error",
            &format!("invalid x-api-key {API_KEY}"),
        )),
    )
    .await;
    let fx = anthropic(&format!("{}/v1/", server.uri()));
    let error = ANTHROPIC
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("rejected");
    assert_eq!(error.kind(), ErrorKind::Authorization);
    assert_eq!(error.message(), "invalid x-api-key [REDACTED]");
    assert_no_key(&error);
    assert_eq!(only_request(&server).await.url.path(), "/v1/messages");
}

#[tokio::test]
async fn an_empty_tool_result_has_no_empty_text_block() {
    let server = MockServer::builder().start().await;
    let content = json!([{"type": "text", "text": "done"}]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(1, 1))),
    )
    .await;
    let fx = anthropic(&server.uri());
    let call = ToolCall {
        id: "toolu_9".into(),
        name: "noop".into(),
        arguments: "{}".into(),
    };
    let request = LlmRequest::new(vec![
        Message::user("Run noop"),
        Message::assistant_tool_calls(None, vec![call]),
        Message::tool("toolu_9", ""),
    ]);
    ANTHROPIC.invoke(fx.ctx(), request).await.expect("answer");
    let sent = body(&only_request(&server).await);
    assert_eq!(
        sent["messages"][2],
        json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_9"}]})
    );
}

#[tokio::test]
async fn sequential_tool_use_rides_on_tool_choice() {
    let tool = Tool::new("get_weather", "Weather", json!({"type": "object"}));
    for (choice, expected) in [
        (
            None,
            json!({"type": "auto", "disable_parallel_tool_use": true}),
        ),
        (
            Some(ToolChoice::Required),
            json!({"type": "any", "disable_parallel_tool_use": true}),
        ),
        (Some(ToolChoice::None), json!({"type": "none"})),
    ] {
        let server = MockServer::builder().start().await;
        let content = json!([{"type": "text", "text": "ok"}]);
        answer_with(
            &server,
            ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(5, 1))),
        )
        .await;
        let fx = anthropic(&server.uri());
        let mut request =
            LlmRequest::new(vec![Message::user("Weather?")]).with_tools(vec![tool.clone()]);
        request.tool_choice = choice;
        request.parallel_tool_calls = Some(false);
        ANTHROPIC.invoke(fx.ctx(), request).await.expect("answer");
        assert_eq!(body(&only_request(&server).await)["tool_choice"], expected);
    }
}

fn one_hour() -> CacheControl {
    CacheControl::ephemeral().with_ttl(CacheTtl::OneHour)
}

#[tokio::test]
async fn cache_breakpoints_on_tool_system_and_turns_are_sent_as_documented() {
    let server = MockServer::builder().start().await;
    let content = json!([{"type": "text", "text": "It is sunny."}]);
    let cache_usage = json!({"input_tokens": 21, "output_tokens": 7,
                             "cache_creation_input_tokens": 1500, "cache_read_input_tokens": 800});
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", cache_usage)),
    )
    .await;
    let fx = anthropic(&server.uri());
    let weather =
        Tool::new("get_weather", "Weather", json!({"type": "object"})).with_cache(one_hour());
    let call = ToolCall {
        id: "toolu_1".into(),
        name: "get_weather".into(),
        arguments: "{}".into(),
    };
    let report = ContentPart::Document {
        source: MediaSource::Base64 {
            mime_type: "application/pdf".into(),
            data: "JVBERi0xLjQ=".into(),
        },
        filename: None,
    };
    let request = LlmRequest::new(vec![
        Message::system("You are a weather bot.").with_cache(one_hour()),
        Message::system("Answer in one line."),
        // A breakpoint inside a turn: the document is cached, the question after it is not.
        Message::user_parts(vec![report]).cached(),
        Message::user("Is it sunny?"),
        Message::assistant_tool_calls(None, vec![call]),
        Message::tool("toolu_1", "sunny")
            .with_cache(CacheControl::ephemeral().with_ttl(CacheTtl::FiveMinutes)),
    ])
    .with_tools(vec![weather]);

    let response = ANTHROPIC.invoke(fx.ctx(), request).await.expect("answer");
    assert_eq!(response.usage.prompt_tokens, 21 + 1500 + 800);
    assert_eq!(response.usage.cache_creation_tokens, Some(1500));
    assert_eq!(response.usage.cached_prompt_tokens, Some(800));

    let sent = only_request(&server).await;
    assert_eq!(
        header(&sent, "anthropic-beta"),
        Some("extended-cache-ttl-2025-04-11"),
        "one-hour entries need the beta"
    );
    assert_eq!(
        body(&sent),
        json!({
            "model": MODEL,
            "max_tokens": 4096,
            "system": [
                {"type": "text", "text": "You are a weather bot.",
                 "cache_control": {"type": "ephemeral", "ttl": "1h"}},
                {"type": "text", "text": "Answer in one line."}
            ],
            "messages": [
                {"role": "user", "content": [
                    {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQ="},
                     "cache_control": {"type": "ephemeral"}},
                    {"type": "text", "text": "Is it sunny?"}
                ]},
                {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1",
                     "content": [{"type": "text", "text": "sunny"}],
                     "cache_control": {"type": "ephemeral", "ttl": "5m"}}
                ]}
            ],
            "tools": [{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object"},
                       "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
        })
    );
}

#[tokio::test]
async fn a_streamed_cached_turn_reports_cache_usage_without_the_beta() {
    let server = MockServer::builder().start().await;
    let stream = events(&[
        message_start(4, 0, 2048),
        block_start(0, json!({"type": "text", "text": ""})),
        text_delta(0, "Yes."),
        block_stop(0),
        message_delta("end_turn", 2),
        message_stop(),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = anthropic(&server.uri());
    let request = LlmRequest::new(vec![
        Message::user("A long shared context").cached(),
        Message::assistant("Noted."),
        Message::user("Still there?"),
    ]);
    let (chunks, error) = collect(&ANTHROPIC, &fx, request).await;
    assert!(error.is_none(), "{error:?}");
    let usage = accumulate(&chunks).usage;
    assert_eq!(usage.cached_prompt_tokens, Some(2048));
    assert_eq!(usage.cache_creation_tokens, Some(0));
    assert_eq!(usage.prompt_tokens, 4 + 2048);
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "anthropic-beta"), None);
    assert_eq!(
        body(&sent)["messages"][0],
        json!({"role": "user", "content": [
            {"type": "text", "text": "A long shared context", "cache_control": {"type": "ephemeral"}}
        ]})
    );
}

#[tokio::test]
async fn a_fifth_breakpoint_is_rejected_before_sending() {
    let server = MockServer::builder().start().await;
    let content = json!([{"type": "text", "text": "ok"}]);
    answer_with(
        &server,
        ResponseTemplate::new(200).set_body_json(message(content, "end_turn", usage(1, 1))),
    )
    .await;
    let fx = anthropic(&server.uri());
    let tool = Tool::new("t", "d", json!({"type": "object"})).cached();
    let five = LlmRequest::new(vec![
        Message::system("s").cached(),
        Message::user("a").cached(),
        Message::assistant("b").cached(),
        Message::user("c").cached(),
    ])
    .with_tools(vec![tool]);
    let four = LlmRequest {
        tools: Vec::new(),
        ..five.clone()
    };

    let error = ANTHROPIC
        .invoke(fx.ctx(), five.clone())
        .await
        .expect_err("five breakpoints");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!("anthropic/{MODEL}: ")),
        "{shown}"
    );
    assert!(shown.contains("5 cache breakpoints"), "{shown}");
    assert!(shown.contains("at most 4"), "{shown}");
    let Err(error) = ANTHROPIC.stream(fx.ctx(), five).await else {
        panic!("a stream with five breakpoints starts");
    };
    assert_eq!(error.kind(), ErrorKind::InvalidParams);

    // A one-hour entry after a five-minute one is refused too.
    let misordered = LlmRequest::new(vec![
        Message::system("s").cached(),
        Message::user("a").with_cache(one_hour()),
    ]);
    let error = ANTHROPIC
        .invoke(fx.ctx(), misordered)
        .await
        .expect_err("one hour after five minutes");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    assert!(
        requests(&server).await.is_empty(),
        "nothing reaches the server"
    );

    // Four are fine.
    ANTHROPIC
        .invoke(fx.ctx(), four)
        .await
        .expect("four breakpoints");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_malformed_stream_event_echoing_the_key_is_redacted() {
    let server = MockServer::start().await;
    let broken = format!(
        "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\
         \"delta\":{{\"type\":\"text_delta\",\"text\":\"{}\"\n\n",
        API_KEY
    );
    let body = events(&[
        message_start(5, 0, 0),
        block_start(0, json!({"type": "text", "text": ""})),
    ]) + &broken;
    answer_with(&server, sse_answer(body)).await;
    let fx = anthropic(&server.uri());
    let (_, error) = collect(&ANTHROPIC, &fx, LlmRequest::new(vec![Message::user("hi")])).await;
    let error = error.expect("the malformed event fails the stream");
    assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
    assert!(
        error.body().is_some_and(|b| b.contains("[REDACTED]")),
        "{error:?}"
    );
    assert_no_key(&error);
}
