//! The OpenAI Responses API against a mock server: the exact requests (path, headers, body),
//! documented answers and `response.*` event streams (text, streamed function-call arguments,
//! reasoning summaries), encrypted reasoning carried into the next turn, usage with cached and
//! reasoning tokens, errors of every status class, failed and cut streams, and a model whose
//! YAML routes it from the OpenAI-compatible protocol to this one.

mod common;
mod protocols_support;

use std::time::Duration;

use common::{Fixture, API_KEY};
use modelrt_runtime::catalog::{
    ConfigurateMethod, I18n, ModelInfo, ModelProperties, ModelType, ParameterRule, ParameterType,
};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{
    ContentPart, FinishReason, ImageDetail, LlmRequest, Message, ReasoningBlock, ResponseFormat,
    Tool, ToolChoice,
};
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::by_name;
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;
use modelrt_runtime::protocols::openai_responses::OPENAI_RESPONSES;
use protocols_support::{
    accumulate, assert_no_key, body, collect, fixture, header, only_request, params, requests,
    sse_answer,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The OpenAI provider as its YAML declares it, pointed at `base_url` (without `/v1`).
fn openai(base_url: &str, model: &str) -> Fixture {
    fixture(
        "openai",
        vec![
            ("api_key_variable", "openai_api_key"),
            ("base_url", "https://api.openai.com/v1"),
            ("base_url_variable", "openai_api_base"),
            ("base_url_variable_suffix", "/v1"),
            ("protocol", "openai-responses"),
        ],
        model,
        &["openai_api_key"],
        &[("openai_api_base", base_url)],
    )
}

const RULES: &[(&str, ParameterType)] = &[
    ("max_output_tokens", ParameterType::Int),
    ("temperature", ParameterType::Float),
    ("reasoning_effort", ParameterType::String),
    ("response_format", ParameterType::String),
    ("json_schema", ParameterType::Text),
];

fn usage(input: u64, cached: u64, output: u64, reasoning: u64) -> Value {
    json!({
        "input_tokens": input,
        "input_tokens_details": {"cached_tokens": cached},
        "output_tokens": output,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": input + output
    })
}

/// A response object as the API returns it.
fn response(model: &str, status: &str, output: Value, usage: Value) -> Value {
    json!({
        "id": "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
        "object": "response",
        "created_at": 1741476542,
        "status": status,
        "error": null,
        "incomplete_details": null,
        "instructions": null,
        "max_output_tokens": null,
        "model": model,
        "output": output,
        "parallel_tool_calls": true,
        "previous_response_id": null,
        "reasoning": {"effort": null, "summary": null},
        "store": false,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": usage,
        "user": null,
        "metadata": {}
    })
}

fn text_message(text: &str) -> Value {
    json!({
        "type": "message",
        "id": "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": []}]
    })
}

fn reasoning_item(summary: &[&str], encrypted: &str) -> Value {
    let summary: Vec<Value> = summary
        .iter()
        .map(|text| json!({"type": "summary_text", "text": text}))
        .collect();
    json!({
        "type": "reasoning",
        "id": "rs_6820f383d7c08191846711c5df8233bc0ac5ba57aafcbac7",
        "summary": summary,
        "encrypted_content": encrypted
    })
}

fn function_call(call_id: &str, name: &str, arguments: &str) -> Value {
    json!({
        "type": "function_call",
        "id": "fc_67ca09c6bedc8190a7abfec07b1a1332096610f474011cc0",
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
        "status": "completed"
    })
}

async fn answer_with(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// Named server-sent events as the API sends them, numbered in order.
fn events(list: &[Value]) -> String {
    list.iter()
        .enumerate()
        .map(|(number, data)| {
            let mut data = data.clone();
            data["sequence_number"] = json!(number);
            let name = data["type"].as_str().unwrap_or("message").to_owned();
            format!("event: {name}\ndata: {data}\n\n")
        })
        .collect()
}

fn weather_tool() -> Tool {
    Tool::new(
        "get_weather",
        "Get current temperature for a given location.",
        json!({
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
            "additionalProperties": false
        }),
    )
}

#[test]
fn the_protocol_is_registered_for_llms_only() {
    let set = by_name("openai-responses").expect("registered");
    let served: Vec<ModelType> = set.model_types().collect();
    assert_eq!(served, [ModelType::Llm]);
}

#[tokio::test]
async fn a_whole_answer_with_structured_output_and_the_exact_request() {
    let server = MockServer::builder().start().await;
    let answer = response(
        "gpt-4.1-2025-04-14",
        "completed",
        json!([text_message("{\"city\":\"Paris\"}")]),
        usage(36, 0, 87, 0),
    );
    answer_with(&server, ResponseTemplate::new(200).set_body_json(answer)).await;
    let mut fx = openai(&server.uri(), "gpt-4.1");
    fx.params = params(RULES, json!({"temperature": 0.2, "max_output_tokens": 300}));
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"}},
                        "required": ["city"], "additionalProperties": false});
    let mut request = LlmRequest::new(vec![
        Message::system("Answer in JSON."),
        Message::user("Which city is the capital of France?"),
    ])
    .with_response_format(ResponseFormat::JsonSchema {
        name: "city".into(),
        schema: schema.clone(),
        strict: Some(true),
    });
    request.user = Some("user-1234".into());
    let got = OPENAI_RESPONSES.invoke(fx.ctx(), request).await.unwrap();

    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/v1/responses");
    assert_eq!(sent.url.query(), None);
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(
        body(&sent),
        json!({
            "model": "gpt-4.1",
            "input": [
                {"role": "system", "content": "Answer in JSON."},
                {"role": "user", "content": "Which city is the capital of France?"}
            ],
            "text": {"format": {"type": "json_schema", "name": "city", "schema": schema, "strict": true}},
            "temperature": 0.2,
            "max_output_tokens": 300,
            "store": false,
            "user": "user-1234"
        })
    );
    assert_eq!(got.content, "{\"city\":\"Paris\"}");
    assert_eq!(got.model, "gpt-4.1-2025-04-14");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert_eq!(got.reasoning, None);
    assert!(got.reasoning_blocks.is_empty());
    assert_eq!(
        (
            got.usage.prompt_tokens,
            got.usage.completion_tokens,
            got.usage.total_tokens
        ),
        (36, 87, 123)
    );
    assert!(!got.usage.estimated);
}

#[tokio::test]
async fn images_go_as_input_image_parts() {
    let server = MockServer::builder().start().await;
    let answer = response(
        "gpt-4.1",
        "completed",
        json!([text_message("A cat.")]),
        usage(800, 0, 3, 0),
    );
    answer_with(&server, ResponseTemplate::new(200).set_body_json(answer)).await;
    let fx = openai(&server.uri(), "gpt-4.1");
    let request = LlmRequest::new(vec![Message::user_parts(vec![
        ContentPart::text("What is in these images?"),
        ContentPart::image_url("https://example.com/cat.jpg", Some(ImageDetail::High)),
        ContentPart::image_base64("image/png", "iVBORw0KGgo=", None),
    ])]);
    OPENAI_RESPONSES.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(
        body(&only_request(&server).await)["input"],
        json!([{"role": "user", "content": [
            {"type": "input_text", "text": "What is in these images?"},
            {"type": "input_image", "image_url": "https://example.com/cat.jpg", "detail": "high"},
            {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "auto"}
        ]}])
    );
}

#[tokio::test]
async fn encrypted_reasoning_and_tool_calls_are_carried_into_the_next_turn() {
    let server = MockServer::builder().start().await;
    let first = response(
        "o3-pro-2025-06-10",
        "completed",
        json!([
            reasoning_item(
                &["**Checking the weather**", "I should call the tool."],
                "gAAAAABoISQ24OyVRYbkYfukQ"
            ),
            function_call(
                "call_12345xyz",
                "get_weather",
                "{\"location\":\"Paris, France\"}"
            )
        ]),
        usage(320, 256, 190, 128),
    );
    answer_with(&server, ResponseTemplate::new(200).set_body_json(first)).await;
    let mut fx = openai(&server.uri(), "o3-pro");
    fx.params = params(RULES, json!({"reasoning_effort": "high"}));
    let question = Message::user("What is the weather like in Paris today?");
    let request = LlmRequest::new(vec![question.clone()])
        .with_tools(vec![weather_tool()])
        .with_tool_choice(ToolChoice::Required);
    let got = OPENAI_RESPONSES.invoke(fx.ctx(), request).await.unwrap();

    assert_eq!(
        body(&only_request(&server).await),
        json!({
            "model": "o3-pro",
            "input": [{"role": "user", "content": "What is the weather like in Paris today?"}],
            "tools": [{
                "type": "function",
                "name": "get_weather",
                "parameters": weather_tool().parameters,
                "description": "Get current temperature for a given location."
            }],
            "tool_choice": "required",
            "reasoning": {"effort": "high", "summary": "auto"},
            "include": ["reasoning.encrypted_content"],
            "store": false
        })
    );
    assert_eq!(got.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(
        got.reasoning.as_deref(),
        Some("**Checking the weather**\n\nI should call the tool.")
    );
    assert_eq!(got.tool_calls.len(), 1);
    assert_eq!(got.tool_calls[0].id, "call_12345xyz");
    assert_eq!(
        got.tool_calls[0].arguments,
        "{\"location\":\"Paris, France\"}"
    );
    assert_eq!(got.usage.cached_prompt_tokens, Some(256));
    assert_eq!(got.usage.reasoning_tokens, Some(128));
    assert_eq!(
        (got.usage.prompt_tokens, got.usage.completion_tokens),
        (320, 190)
    );

    // The next turn sends the reasoning item back as it came, then the call and its output.
    server.reset().await;
    let second = response(
        "o3-pro-2025-06-10",
        "completed",
        json!([text_message("It is 14°C in Paris.")]),
        usage(400, 384, 20, 0),
    );
    answer_with(&server, ResponseTemplate::new(200).set_body_json(second)).await;
    let request = LlmRequest::new(vec![
        question,
        got.to_message(),
        Message::tool("call_12345xyz", "{\"temperature\":14}"),
    ])
    .with_tools(vec![weather_tool()]);
    let next = OPENAI_RESPONSES.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(
        body(&only_request(&server).await)["input"],
        json!([
            {"role": "user", "content": "What is the weather like in Paris today?"},
            {
                "type": "reasoning",
                "id": "rs_6820f383d7c08191846711c5df8233bc0ac5ba57aafcbac7",
                "summary": [
                    {"type": "summary_text", "text": "**Checking the weather**"},
                    {"type": "summary_text", "text": "I should call the tool."}
                ],
                "encrypted_content": "gAAAAABoISQ24OyVRYbkYfukQ"
            },
            {"type": "function_call", "call_id": "call_12345xyz", "name": "get_weather",
             "arguments": "{\"location\":\"Paris, France\"}"},
            {"type": "function_call_output", "call_id": "call_12345xyz", "output": "{\"temperature\":14}"}
        ])
    );
    assert_eq!(next.content, "It is 14°C in Paris.");
}

fn created(model: &str) -> Value {
    json!({"type": "response.created",
           "response": response(model, "in_progress", json!([]), Value::Null)})
}

fn completed(model: &str, output: Value, usage: Value) -> Value {
    json!({"type": "response.completed", "response": response(model, "completed", output, usage)})
}

#[tokio::test]
async fn a_streamed_text_answer() {
    let server = MockServer::builder().start().await;
    let message_id = "msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654";
    let stream = events(&[
        created("gpt-4.1-2025-04-14"),
        json!({"type": "response.in_progress",
               "response": response("gpt-4.1-2025-04-14", "in_progress", json!([]), Value::Null)}),
        json!({"type": "response.output_item.added", "output_index": 0,
               "item": {"id": message_id, "status": "in_progress", "type": "message", "role": "assistant", "content": []}}),
        json!({"type": "response.content_part.added", "item_id": message_id, "output_index": 0, "content_index": 0,
               "part": {"type": "output_text", "text": "", "annotations": []}}),
        json!({"type": "response.output_text.delta", "item_id": message_id, "output_index": 0, "content_index": 0, "delta": "Hi"}),
        json!({"type": "response.output_text.delta", "item_id": message_id, "output_index": 0, "content_index": 0, "delta": " there!"}),
        json!({"type": "response.output_text.done", "item_id": message_id, "output_index": 0, "content_index": 0, "text": "Hi there!"}),
        json!({"type": "response.content_part.done", "item_id": message_id, "output_index": 0, "content_index": 0,
               "part": {"type": "output_text", "text": "Hi there!", "annotations": []}}),
        json!({"type": "response.output_item.done", "output_index": 0, "item": text_message("Hi there!")}),
        completed(
            "gpt-4.1-2025-04-14",
            json!([text_message("Hi there!")]),
            usage(37, 0, 11, 0),
        ),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = openai(&server.uri(), "gpt-4.1");
    let (chunks, error) = collect(
        &OPENAI_RESPONSES,
        &fx,
        LlmRequest::new(vec![Message::user("Say hi")]),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    let got = accumulate(&chunks);
    assert_eq!(got.content, "Hi there!");
    assert_eq!(got.model, "gpt-4.1-2025-04-14");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        (got.usage.prompt_tokens, got.usage.completion_tokens),
        (37, 11)
    );
    assert_eq!(
        chunks.iter().filter(|c| c.model.is_some()).count(),
        1,
        "the model is named once"
    );
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": "gpt-4.1", "input": [{"role": "user", "content": "Say hi"}],
               "store": false, "stream": true})
    );
}

#[tokio::test]
async fn streamed_reasoning_summary_and_function_call_arguments() {
    let server = MockServer::builder().start().await;
    let rs = "rs_6820f383d7c08191846711c5df8233bc0ac5ba57aafcbac7";
    let fc = "fc_67ca09c6bedc8190a7abfec07b1a1332096610f474011cc0";
    let reasoning_done = reasoning_item(&["Thinking about", "the weather."], "gAAAAABoISQ24");
    let call_done = function_call("call_abc", "get_weather", "{\"location\":\"Paris\"}");
    let stream = events(&[
        created("o3-pro-2025-06-10"),
        json!({"type": "response.output_item.added", "output_index": 0,
               "item": {"id": rs, "type": "reasoning", "summary": []}}),
        json!({"type": "response.reasoning_summary_part.added", "item_id": rs, "output_index": 0, "summary_index": 0,
               "part": {"type": "summary_text", "text": ""}}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": rs, "output_index": 0, "summary_index": 0, "delta": "Thinking "}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": rs, "output_index": 0, "summary_index": 0, "delta": "about"}),
        json!({"type": "response.reasoning_summary_text.done", "item_id": rs, "output_index": 0, "summary_index": 0, "text": "Thinking about"}),
        json!({"type": "response.reasoning_summary_part.done", "item_id": rs, "output_index": 0, "summary_index": 0,
               "part": {"type": "summary_text", "text": "Thinking about"}}),
        json!({"type": "response.reasoning_summary_part.added", "item_id": rs, "output_index": 0, "summary_index": 1,
               "part": {"type": "summary_text", "text": ""}}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": rs, "output_index": 0, "summary_index": 1, "delta": "the weather."}),
        json!({"type": "response.output_item.done", "output_index": 0, "item": reasoning_done}),
        json!({"type": "response.output_item.added", "output_index": 1,
               "item": {"type": "function_call", "id": fc, "call_id": "call_abc", "name": "get_weather", "arguments": "", "status": "in_progress"}}),
        json!({"type": "response.function_call_arguments.delta", "item_id": fc, "output_index": 1, "delta": "{\"loca"}),
        json!({"type": "response.function_call_arguments.delta", "item_id": fc, "output_index": 1, "delta": "tion\":\"Pa"}),
        json!({"type": "response.function_call_arguments.delta", "item_id": fc, "output_index": 1, "delta": "ris\"}"}),
        json!({"type": "response.function_call_arguments.done", "item_id": fc, "output_index": 1, "arguments": "{\"location\":\"Paris\"}"}),
        json!({"type": "response.output_item.done", "output_index": 1, "item": call_done}),
        completed(
            "o3-pro-2025-06-10",
            json!([reasoning_done, call_done]),
            usage(90, 64, 140, 96),
        ),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = openai(&server.uri(), "o3-pro");
    let request =
        LlmRequest::new(vec![Message::user("Weather in Paris?")]).with_tools(vec![weather_tool()]);
    let (chunks, error) = collect(&OPENAI_RESPONSES, &fx, request).await;
    assert!(error.is_none(), "{error:?}");
    let got = accumulate(&chunks);
    assert_eq!(
        got.reasoning.as_deref(),
        Some("Thinking about\n\nthe weather.")
    );
    assert_eq!(got.content, "");
    assert_eq!(got.tool_calls.len(), 1);
    assert_eq!(
        (
            got.tool_calls[0].id.as_str(),
            got.tool_calls[0].name.as_str()
        ),
        ("call_abc", "get_weather")
    );
    assert_eq!(got.tool_calls[0].arguments, "{\"location\":\"Paris\"}");
    assert_eq!(got.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(got.usage.cached_prompt_tokens, Some(64));
    assert_eq!(got.usage.reasoning_tokens, Some(96));
    // The summary is shown as reasoning; the item itself is kept to be sent back.
    let kept: Vec<&ReasoningBlock> = got
        .reasoning_blocks
        .iter()
        .filter(|b| matches!(b, ReasoningBlock::Redacted { .. }))
        .collect();
    assert_eq!(kept.len(), 1);
    let ReasoningBlock::Redacted { data } = kept[0] else {
        unreachable!()
    };
    let item: Value = serde_json::from_str(data).unwrap();
    assert_eq!(item["id"], rs);
    assert_eq!(item["encrypted_content"], "gAAAAABoISQ24");
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["stream"], json!(true));
    assert_eq!(sent["include"], json!(["reasoning.encrypted_content"]));
    assert_eq!(sent["reasoning"], json!({"summary": "auto"}));
}

#[tokio::test]
async fn an_incomplete_answer_stops_for_length() {
    let server = MockServer::builder().start().await;
    let mut answer = response(
        "gpt-4.1",
        "incomplete",
        json!([text_message("The answer is")]),
        usage(10, 0, 16, 0),
    );
    answer["incomplete_details"] = json!({"reason": "max_output_tokens"});
    answer_with(&server, ResponseTemplate::new(200).set_body_json(answer)).await;
    let fx = openai(&server.uri(), "gpt-4.1");
    let got = OPENAI_RESPONSES
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .unwrap();
    assert_eq!(got.finish_reason, Some(FinishReason::Length));
    assert_eq!(got.content, "The answer is");
}

#[tokio::test]
async fn a_failed_response_ends_the_stream_after_the_deltas_before_it() {
    let server = MockServer::builder().start().await;
    let mut failed = response("gpt-4.1", "failed", json!([]), Value::Null);
    failed["error"] =
        json!({"code": "server_error", "message": "The model failed to generate a response."});
    let stream = events(&[
        created("gpt-4.1"),
        json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Partial "}),
        json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "answer"}),
        json!({"type": "response.failed", "response": failed}),
        json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "never"}),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = openai(&server.uri(), "gpt-4.1");
    let (chunks, error) = collect(
        &OPENAI_RESPONSES,
        &fx,
        LlmRequest::new(vec![Message::user("Hi")]),
    )
    .await;
    assert_eq!(accumulate(&chunks).content, "Partial answer");
    let error = error.expect("a failed response is an error");
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
    assert_eq!(error.code(), Some("server_error"));
    assert_eq!(error.message(), "The model failed to generate a response.");
    assert_eq!(error.provider(), Some("openai"));
    assert_no_key(&error);
}

#[tokio::test]
async fn an_error_event_is_an_error_of_its_code() {
    let server = MockServer::builder().start().await;
    let stream = events(&[
        created("gpt-4.1"),
        json!({"type": "error", "code": "rate_limit_exceeded",
               "message": "Rate limit reached for gpt-4.1 on tokens per min.", "param": null}),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = openai(&server.uri(), "gpt-4.1");
    let (_, error) = collect(
        &OPENAI_RESPONSES,
        &fx,
        LlmRequest::new(vec![Message::user("Hi")]),
    )
    .await;
    let error = error.expect("the error event ends the stream");
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(error.code(), Some("rate_limit_exceeded"));
}

#[tokio::test]
async fn a_stream_cut_before_response_completed_is_a_connection_error() {
    let server = MockServer::builder().start().await;
    let stream = events(&[
        created("gpt-4.1"),
        json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Half"}),
    ]);
    answer_with(&server, sse_answer(stream)).await;
    let fx = openai(&server.uri(), "gpt-4.1");
    let (chunks, error) = collect(
        &OPENAI_RESPONSES,
        &fx,
        LlmRequest::new(vec![Message::user("Hi")]),
    )
    .await;
    assert_eq!(accumulate(&chunks).content, "Half");
    let error = error.expect("a cut stream is an error");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.message().contains("response.completed"), "{error}");
}

fn error_body(message: &str, kind: &str, code: Option<&str>) -> Value {
    json!({"error": {"message": message, "type": kind, "param": null, "code": code}})
}

#[tokio::test]
async fn client_errors_are_mapped_and_not_retried() {
    let cases = [
        (
            400,
            error_body(
                "Your input exceeds the context window of this model.",
                "invalid_request_error",
                Some("context_length_exceeded"),
            ),
            ErrorKind::ContextWindowExceeded,
        ),
        (
            401,
            error_body(
                "Incorrect API key provided: sk-test-****cdef.",
                "invalid_request_error",
                Some("invalid_api_key"),
            ),
            ErrorKind::Authorization,
        ),
        (
            404,
            error_body(
                "The model `o9` does not exist or you do not have access to it.",
                "invalid_request_error",
                Some("model_not_found"),
            ),
            ErrorKind::ModelNotFound,
        ),
        (
            429,
            error_body(
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota",
                Some("insufficient_quota"),
            ),
            ErrorKind::Quota,
        ),
    ];
    for (status, answer, expected) in cases {
        let server = MockServer::builder().start().await;
        answer_with(&server, ResponseTemplate::new(status).set_body_json(answer)).await;
        let fx = openai(&server.uri(), "gpt-4.1");
        let error = OPENAI_RESPONSES
            .stream(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .err()
            .expect("the call fails before streaming");
        assert_eq!(error.kind(), expected, "{status}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.model(), Some("gpt-4.1"));
        assert!(!error.is_retryable(), "{status}");
        assert_eq!(requests(&server).await.len(), 1, "{status} is not retried");
        assert_no_key(&error);
    }
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let server = MockServer::builder().start().await;
    let answer = error_body(
        "The server had an error while processing your request.",
        "server_error",
        None,
    );
    answer_with(&server, ResponseTemplate::new(500).set_body_json(answer)).await;
    let fx = openai(&server.uri(), "gpt-4.1");
    let error = OPENAI_RESPONSES
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("always failing");
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
    assert_eq!(error.status(), Some(500));
    assert_eq!(
        requests(&server).await.len(),
        3,
        "first attempt and two retries"
    );
}

#[tokio::test]
async fn a_rate_limit_keeps_the_servers_delay() {
    let server = MockServer::builder().start().await;
    let answer = error_body(
        "Rate limit reached for o3-pro in organization org-123 on requests per min (RPM).",
        "requests",
        Some("rate_limit_exceeded"),
    );
    answer_with(
        &server,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "30")
            .set_body_json(answer),
    )
    .await;
    let fx = openai(&server.uri(), "o3-pro");
    let error = OPENAI_RESPONSES
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("rate limited");
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert!(error.is_retryable());
    assert_eq!(
        requests(&server).await.len(),
        1,
        "a delay longer than allowed is left to the caller"
    );
}

#[tokio::test]
async fn stop_sequences_and_audio_are_refused_before_sending() {
    let server = MockServer::builder().start().await;
    let fx = openai(&server.uri(), "gpt-4.1");
    let request = LlmRequest::new(vec![Message::user("Count")]).with_stop(vec!["5".to_owned()]);
    let error = OPENAI_RESPONSES
        .invoke(fx.ctx(), request)
        .await
        .expect_err("no stop sequences");
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    assert_eq!(error.provider(), Some("openai"));
    let audio = LlmRequest::new(vec![Message::user_parts(vec![ContentPart::Audio {
        data: "UklGRg==".into(),
        format: "wav".into(),
    }])]);
    let error = OPENAI_RESPONSES
        .invoke(fx.ctx(), audio)
        .await
        .expect_err("no audio");
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn the_credential_check_asks_for_sixteen_tokens_without_params() {
    let server = MockServer::builder().start().await;
    let answer = response(
        "gpt-4.1",
        "incomplete",
        json!([text_message("Pong")]),
        usage(8, 0, 16, 0),
    );
    answer_with(&server, ResponseTemplate::new(200).set_body_json(answer)).await;
    let mut fx = openai(&server.uri(), "gpt-4.1");
    fx.params = params(RULES, json!({"temperature": 0.9}));
    OPENAI_RESPONSES
        .validate_credentials(fx.ctx())
        .await
        .unwrap();
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": "gpt-4.1", "input": [{"role": "user", "content": "ping"}],
               "max_output_tokens": 16, "store": false})
    );
}

/// A model of the OpenAI provider whose YAML says `extra.modelrt.api: responses`.
static RESPONSES_ONLY: ModelInfo =
    responses_first("o3-pro", 200_000, &[], "openai/llm/o3-pro.yaml");

#[tokio::test]
async fn a_model_declared_responses_first_goes_through_the_responses_api() {
    let server = MockServer::builder().start().await;
    let answer = response(
        "o3-pro-2025-06-10",
        "completed",
        json!([text_message("Hello.")]),
        usage(5, 0, 40, 32),
    );
    answer_with(&server, ResponseTemplate::new(200).set_body_json(answer)).await;
    let mut fx = openai(&server.uri(), "o3-pro");
    fx.info = Some(&RESPONSES_ONLY);
    let got = OPENAI_COMPATIBLE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hello")]))
        .await
        .unwrap();
    assert_eq!(got.content, "Hello.");
    assert_eq!(got.usage.reasoning_tokens, Some(32));
    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/v1/responses");
    assert_eq!(
        body(&sent)["include"],
        json!(["reasoning.encrypted_content"])
    );
}

/// A GPT-6 model, whose tool calls OpenAI serves on the Responses API only; its YAML's
/// `reasoning_effort` rule is what makes it a reasoning model.
static GPT6: ModelInfo = responses_first(
    "gpt-6.1-terra",
    1_050_000,
    &[ParameterRule {
        name: "reasoning_effort",
        use_template: None,
        label: I18n {
            en_us: "Reasoning Effort",
            others: &[],
        },
        param_type: ParameterType::String,
        help: None,
        required: false,
        default: None,
        min: None,
        max: None,
        precision: None,
        options: &["none", "low", "medium", "high", "xhigh", "max"],
    }],
    "openai/llm/gpt-6.1-terra.yaml",
);

/// The row of an LLM whose YAML says `api: responses`, with only what these tests read.
const fn responses_first(
    id: &'static str,
    context_size: u32,
    parameter_rules: &'static [ParameterRule],
    source: &'static str,
) -> ModelInfo {
    ModelInfo {
        id,
        label: I18n {
            en_us: id,
            others: &[],
        },
        model_type: ModelType::Llm,
        features: &[],
        fetch_from: ConfigurateMethod::PredefinedModel,
        properties: ModelProperties {
            mode: None,
            context_size: Some(context_size),
            ..ModelProperties::NONE
        },
        parameter_rules,
        pricing: None,
        deprecated: false,
        extra: &[("api", "responses")],
        source,
    }
}

#[tokio::test]
async fn verbosity_goes_under_text_beside_the_format_and_tools_reach_a_gpt6_model() {
    let server = MockServer::builder().start().await;
    let answer = response(
        "gpt-6.1-terra",
        "completed",
        json!([function_call(
            "call_1",
            "get_weather",
            "{\"location\":\"Paris, France\"}"
        )]),
        usage(80, 0, 24, 0),
    );
    answer_with(&server, ResponseTemplate::new(200).set_body_json(answer)).await;
    let mut fx = openai(&server.uri(), "gpt-6.1-terra");
    fx.info = Some(&GPT6);
    fx.params = params(
        &[
            ("max_output_tokens", ParameterType::Int),
            ("reasoning_effort", ParameterType::String),
            ("verbosity", ParameterType::String),
            ("response_format", ParameterType::String),
        ],
        json!({"max_output_tokens": 500, "reasoning_effort": "none", "verbosity": "low",
               "response_format": "json_object"}),
    );
    let request = LlmRequest::new(vec![Message::user("Weather in Paris? Answer in JSON.")])
        .with_tools(vec![weather_tool()]);
    let got = OPENAI_COMPATIBLE.invoke(fx.ctx(), request).await.unwrap();

    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/v1/responses");
    assert_eq!(
        body(&sent),
        json!({
            "model": "gpt-6.1-terra",
            "input": [{"role": "user", "content": "Weather in Paris? Answer in JSON."}],
            "tools": [{
                "type": "function",
                "name": "get_weather",
                "parameters": weather_tool().parameters,
                "description": "Get current temperature for a given location."
            }],
            "text": {"format": {"type": "json_object"}, "verbosity": "low"},
            "max_output_tokens": 500,
            "reasoning": {"effort": "none", "summary": "auto"},
            "include": ["reasoning.encrypted_content"],
            "store": false
        })
    );
    assert_eq!(got.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(got.tool_calls[0].name, "get_weather");
    assert_eq!(
        got.tool_calls[0].arguments,
        "{\"location\":\"Paris, France\"}"
    );
}
