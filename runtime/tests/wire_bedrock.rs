//! AWS Bedrock against a mock server: signed Converse, ConverseStream and InvokeModel
//! requests (path, SigV4 headers re-checked with `aws-sigv4`, body), documented answers,
//! event-stream frames built with `aws-smithy-eventstream` (text, tool input fragments,
//! reasoning, cache usage, exceptions, a cut frame), error types for each status class, and
//! Titan and Cohere embeddings.

mod common;
mod protocols_support;

use std::time::Duration;

use common::{raw_server, Fixture, API_KEY};
use modelrt_runtime::catalog::ModelType;
use modelrt_runtime::catalog::ParameterType;
use modelrt_runtime::credentials::CredentialValue;
use modelrt_runtime::embedding::{EmbeddingInputType, EmbeddingRequest};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{
    ContentPart, FinishReason, LlmRequest, Message, ReasoningBlock, Tool, ToolCall, ToolChoice,
};
use modelrt_runtime::protocol::{LlmProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::{bedrock::BEDROCK, by_name};
use modelrt_runtime::secret::Secret;
use protocols_support::aws::{assert_signed, event_frame, exception_frame, SECRET_KEY};
use protocols_support::{
    accumulate, assert_no_key, body, collect, fixture, header, only_request, params, requests,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MODEL: &str = "anthropic.claude-sonnet-4-20250514-v1:0";
const MODEL_PATH: &str = "/model/anthropic.claude-sonnet-4-20250514-v1%3A0";
const REGION: &str = "us-west-2";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEXAMPLE-session-token";

/// A fixture for `model` of a provider declared as `providers/bedrock` declares it, at
/// `base_url`; the access key id is [`API_KEY`], so any leak of it is caught.
fn bedrock_model(base_url: &str, model: &str) -> Fixture {
    let mut fixture = fixture(
        "bedrock",
        vec![
            ("base_url", "https://bedrock-runtime.{region}.amazonaws.com"),
            ("base_url_variable", "bedrock_endpoint_url"),
            ("protocol", "bedrock"),
        ],
        model,
        &["aws_access_key_id"],
        &[("aws_region", REGION), ("bedrock_endpoint_url", base_url)],
    );
    fixture.credentials.insert(
        "aws_secret_access_key",
        CredentialValue::Secret(Secret::new(SECRET_KEY)),
    );
    fixture
}

fn bedrock(base_url: &str) -> Fixture {
    bedrock_model(base_url, MODEL)
}

const RULES: &[(&str, ParameterType)] = &[
    ("max_tokens", ParameterType::Int),
    ("temperature", ParameterType::Float),
    ("top_p", ParameterType::Float),
    ("top_k", ParameterType::Int),
    ("thinking", ParameterType::Boolean),
    ("thinking_budget", ParameterType::Int),
];

async fn answer_with(server: &MockServer, route: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(format!("{MODEL_PATH}/{route}")))
        .respond_with(answer)
        .mount(server)
        .await;
}

fn converse_answer(content: Value, stop_reason: &str, usage: Value) -> Value {
    json!({
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop_reason,
        "usage": usage,
        "metrics": {"latencyMs": 412}
    })
}

fn usage(input: u64, output: u64) -> Value {
    json!({"inputTokens": input, "outputTokens": output, "totalTokens": input + output})
}

fn stream_answer(frames: &[Vec<u8>]) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(frames.concat(), "application/vnd.amazon.eventstream")
}

fn message_start() -> Vec<u8> {
    event_frame(
        "messageStart",
        &json!({"p": "abcdefghij", "role": "assistant"}),
    )
}

fn text_delta(index: u32, text: &str) -> Vec<u8> {
    event_frame(
        "contentBlockDelta",
        &json!({"contentBlockIndex": index, "delta": {"text": text}, "p": "abcd"}),
    )
}

fn block_stop(index: u32) -> Vec<u8> {
    event_frame(
        "contentBlockStop",
        &json!({"contentBlockIndex": index, "p": "ab"}),
    )
}

fn message_stop(reason: &str) -> Vec<u8> {
    event_frame("messageStop", &json!({"p": "abc", "stopReason": reason}))
}

fn metadata(usage: Value) -> Vec<u8> {
    event_frame(
        "metadata",
        &json!({"metrics": {"latencyMs": 623}, "p": "abcdef", "usage": usage}),
    )
}

#[test]
fn the_protocol_is_registered_for_chat_and_embeddings() {
    let set = by_name("bedrock").expect("registered");
    let served: Vec<ModelType> = set.model_types().collect();
    assert_eq!(served, [ModelType::Llm, ModelType::TextEmbedding]);
}

#[tokio::test]
async fn converse_request_is_signed_and_exactly_the_documented_shape() {
    let server = MockServer::start().await;
    answer_with(
        &server,
        "converse",
        ResponseTemplate::new(200).set_body_json(converse_answer(
            json!([{"text": "Paris."}]),
            "end_turn",
            json!({"inputTokens": 12, "outputTokens": 3, "totalTokens": 1215,
                   "cacheReadInputTokens": 1000, "cacheWriteInputTokens": 200}),
        )),
    )
    .await;
    let mut fx = bedrock(&server.uri());
    fx.params = params(
        RULES,
        json!({"max_tokens": 300, "temperature": 0.2, "top_p": 0.9, "top_k": 40}),
    );
    let request = LlmRequest::new(vec![
        Message::system("Answer in one word."),
        Message::user_parts(vec![
            ContentPart::text("Capital of France?"),
            ContentPart::image_base64("image/png", "iVBORw0KGgo=", None),
        ]),
    ])
    .with_stop(vec!["END".into()]);
    let answer = BEDROCK.invoke(fx.ctx(), request).await.expect("answer");
    assert_eq!(answer.content, "Paris.");
    assert_eq!(answer.model, MODEL);
    assert_eq!(answer.finish_reason, Some(FinishReason::Stop));
    assert_eq!(answer.usage.prompt_tokens, 1212);
    assert_eq!(answer.usage.completion_tokens, 3);
    assert_eq!(answer.usage.cached_prompt_tokens, Some(1000));
    assert_eq!(answer.usage.cache_creation_tokens, Some(200));
    assert!(!answer.usage.estimated);

    let received = only_request(&server).await;
    assert_eq!(received.url.path(), format!("{MODEL_PATH}/converse"));
    assert_eq!(header(&received, "content-type"), Some("application/json"));
    assert_signed(&received, REGION, "bedrock", None);
    assert_eq!(
        body(&received),
        json!({
            "messages": [{"role": "user", "content": [
                {"text": "Capital of France?"},
                {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}
            ]}],
            "system": [{"text": "Answer in one word."}],
            "inferenceConfig": {"maxTokens": 300, "temperature": 0.2, "topP": 0.9,
                                "stopSequences": ["END"]},
            "additionalModelRequestFields": {"top_k": 40}
        })
    );
}

#[tokio::test]
async fn a_session_token_is_sent_and_signed() {
    let server = MockServer::start().await;
    answer_with(
        &server,
        "converse",
        ResponseTemplate::new(200).set_body_json(converse_answer(
            json!([{"text": "ok"}]),
            "end_turn",
            usage(1, 1),
        )),
    )
    .await;
    let mut fx = bedrock(&server.uri());
    fx.credentials.insert(
        "aws_session_token",
        CredentialValue::Secret(Secret::new(SESSION_TOKEN)),
    );
    BEDROCK
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect("answer");
    assert_signed(
        &only_request(&server).await,
        REGION,
        "bedrock",
        Some(SESSION_TOKEN),
    );
}

#[tokio::test]
async fn tools_are_declared_called_and_answered() {
    let server = MockServer::start().await;
    answer_with(
        &server,
        "converse",
        ResponseTemplate::new(200).set_body_json(converse_answer(
            json!([
                {"text": "Let me check."},
                {"toolUse": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
                             "name": "top_song", "input": {"sign": "WZPZ"}}}
            ]),
            "tool_use",
            usage(50, 20),
        )),
    )
    .await;
    let fx = bedrock(&server.uri());
    let schema = json!({"type": "object", "properties": {"sign": {"type": "string"}},
                        "required": ["sign"]});
    let history = vec![
        Message::user("Most popular song on WZPZ?"),
        Message::assistant_tool_calls(
            None,
            vec![ToolCall {
                id: "tooluse_1".into(),
                name: "top_song".into(),
                arguments: "{\"sign\":\"WZPZ\"}".into(),
            }],
        ),
        Message::tool("tooluse_1", "Elemental Hotel"),
    ];
    let request = LlmRequest::new(history)
        .with_tools(vec![Tool::new(
            "top_song",
            "The most popular song",
            schema.clone(),
        )])
        .with_tool_choice(ToolChoice::Required);
    let answer = BEDROCK.invoke(fx.ctx(), request).await.expect("answer");
    assert_eq!(answer.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(
        answer.tool_calls,
        vec![ToolCall {
            id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q".into(),
            name: "top_song".into(),
            arguments: "{\"sign\":\"WZPZ\"}".into(),
        }]
    );
    let sent = body(&only_request(&server).await);
    assert_eq!(
        sent["toolConfig"],
        json!({"tools": [{"toolSpec": {"name": "top_song", "description": "The most popular song",
                                       "inputSchema": {"json": schema}}}],
               "toolChoice": {"any": {}}})
    );
    assert_eq!(
        sent["messages"][1],
        json!({"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "tooluse_1", "name": "top_song", "input": {"sign": "WZPZ"}}}
        ]})
    );
    assert_eq!(
        sent["messages"][2],
        json!({"role": "user", "content": [
            {"toolResult": {"toolUseId": "tooluse_1", "content": [{"text": "Elemental Hotel"}]}}
        ]})
    );
}

#[tokio::test]
async fn reasoning_is_kept_apart_and_sent_back_signed() {
    let server = MockServer::start().await;
    answer_with(
        &server,
        "converse",
        ResponseTemplate::new(200).set_body_json(converse_answer(
            json!([
                {"reasoningContent": {"reasoningText": {"text": "2 and 2 make 4.",
                                                        "signature": "EqoBCkgIARABGAIiQ"}}},
                {"reasoningContent": {"redactedContent": "ZW5jcnlwdGVk"}},
                {"text": "4"}
            ]),
            "end_turn",
            usage(30, 40),
        )),
    )
    .await;
    let mut fx = bedrock(&server.uri());
    fx.params = params(
        RULES,
        json!({"max_tokens": 2048, "thinking": true, "thinking_budget": 1024}),
    );
    let answer = BEDROCK
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("2+2?")]))
        .await
        .expect("answer");
    assert_eq!(answer.content, "4");
    assert_eq!(answer.reasoning.as_deref(), Some("2 and 2 make 4."));
    assert_eq!(
        answer.reasoning_blocks,
        vec![
            ReasoningBlock::Thinking {
                text: "2 and 2 make 4.".into(),
                signature: Some("EqoBCkgIARABGAIiQ".into()),
            },
            ReasoningBlock::Redacted {
                data: "ZW5jcnlwdGVk".into()
            },
        ]
    );
    let first = body(&requests(&server).await[0]);
    assert_eq!(
        first["additionalModelRequestFields"],
        json!({"thinking": {"type": "enabled", "budget_tokens": 1024}})
    );

    // The next turn carries the reasoning back first, unchanged.
    let follow_up = LlmRequest::new(vec![
        Message::user("2+2?"),
        answer.to_message(),
        Message::user("And 3+3?"),
    ]);
    BEDROCK.invoke(fx.ctx(), follow_up).await.expect("answer");
    let second = body(&requests(&server).await[1]);
    assert_eq!(
        second["messages"][1]["content"],
        json!([
            {"reasoningContent": {"reasoningText": {"text": "2 and 2 make 4.",
                                                    "signature": "EqoBCkgIARABGAIiQ"}}},
            {"reasoningContent": {"redactedContent": "ZW5jcnlwdGVk"}},
            {"text": "4"}
        ])
    );
}

#[tokio::test]
async fn text_stream_with_cache_usage() {
    let server = MockServer::start().await;
    answer_with(
        &server,
        "converse-stream",
        stream_answer(&[
            message_start(),
            text_delta(0, "Hello"),
            text_delta(0, ", world"),
            block_stop(0),
            message_stop("end_turn"),
            metadata(
                json!({"inputTokens": 5, "outputTokens": 4, "totalTokens": 2109,
                            "cacheReadInputTokens": 2048, "cacheWriteInputTokens": 52}),
            ),
        ]),
    )
    .await;
    let fx = bedrock(&server.uri());
    let (chunks, error) = collect(&BEDROCK, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert!(error.is_none(), "{error:?}");
    let answer = accumulate(&chunks);
    assert_eq!(answer.content, "Hello, world");
    assert_eq!(answer.finish_reason, Some(FinishReason::Stop));
    let usage = chunks.last().and_then(|c| c.usage).expect("usage last");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (2105, 4));
    assert_eq!(usage.cached_prompt_tokens, Some(2048));
    assert_eq!(usage.cache_creation_tokens, Some(52));
    assert!(!usage.estimated);

    let received = only_request(&server).await;
    assert_eq!(received.url.path(), format!("{MODEL_PATH}/converse-stream"));
    assert_signed(&received, REGION, "bedrock", None);
    assert_eq!(
        body(&received),
        json!({"messages": [{"role": "user", "content": [{"text": "Hi"}]}]})
    );
}

fn tool_stream() -> Vec<Vec<u8>> {
    vec![
        message_start(),
        text_delta(0, "Checking."),
        block_stop(0),
        event_frame(
            "contentBlockStart",
            &json!({"contentBlockIndex": 1, "p": "abc", "start": {"toolUse": {
                "toolUseId": "tooluse_eD8Hwq9ZQoK1sUQd0bfQpA", "name": "top_song"}}}),
        ),
        event_frame(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 1, "delta": {"toolUse": {"input": "{\"sign\": "}}}),
        ),
        event_frame(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 1, "delta": {"toolUse": {"input": "\"WZPZ\"}"}}}),
        ),
        block_stop(1),
        message_stop("tool_use"),
        metadata(usage(80, 30)),
    ]
}

#[tokio::test]
async fn streamed_tool_input_fragments_are_reassembled_across_split_frames() {
    // Every frame is cut in two, so frame boundaries never match the body's chunks.
    let pieces: Vec<Vec<u8>> = tool_stream()
        .into_iter()
        .flat_map(|frame| {
            let (a, b) = frame.split_at(frame.len() / 2);
            [a.to_vec(), b.to_vec()]
        })
        .collect();
    let base = raw_server("HTTP/1.1 200 OK", pieces, false).await;
    let fx = bedrock(&base);
    let request =
        LlmRequest::new(vec![Message::user("Most popular song on WZPZ?")]).with_tools(vec![
            Tool::new("top_song", "The most popular song", json!({})),
        ]);
    let (chunks, error) = collect(&BEDROCK, &fx, request).await;
    assert!(error.is_none(), "{error:?}");
    let answer = accumulate(&chunks);
    assert_eq!(answer.content, "Checking.");
    assert_eq!(answer.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(
        answer.tool_calls,
        vec![ToolCall {
            id: "tooluse_eD8Hwq9ZQoK1sUQd0bfQpA".into(),
            name: "top_song".into(),
            arguments: "{\"sign\": \"WZPZ\"}".into(),
        }]
    );
}

#[tokio::test]
async fn streamed_reasoning_keeps_text_signature_and_redacted_content() {
    let server = MockServer::start().await;
    let reasoning = |delta: Value| {
        event_frame(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 0, "delta": {"reasoningContent": delta}}),
        )
    };
    answer_with(
        &server,
        "converse-stream",
        stream_answer(&[
            message_start(),
            reasoning(json!({"text": "Two and two "})),
            reasoning(json!({"text": "make four."})),
            reasoning(json!({"signature": "EqoBCkgIARAB"})),
            block_stop(0),
            event_frame(
                "contentBlockDelta",
                &json!({"contentBlockIndex": 1,
                        "delta": {"reasoningContent": {"redactedContent": "ZW5j"}}}),
            ),
            block_stop(1),
            text_delta(2, "4"),
            block_stop(2),
            message_stop("end_turn"),
            metadata(usage(10, 25)),
        ]),
    )
    .await;
    let fx = bedrock(&server.uri());
    let (chunks, error) =
        collect(&BEDROCK, &fx, LlmRequest::new(vec![Message::user("2+2?")])).await;
    assert!(error.is_none(), "{error:?}");
    let answer = accumulate(&chunks);
    assert_eq!(answer.content, "4");
    assert_eq!(answer.reasoning.as_deref(), Some("Two and two make four."));
    assert_eq!(
        answer.reasoning_blocks,
        vec![
            ReasoningBlock::Thinking {
                text: "Two and two make four.".into(),
                signature: Some("EqoBCkgIARAB".into()),
            },
            ReasoningBlock::Redacted {
                data: "ZW5j".into()
            },
        ]
    );
}

#[tokio::test]
async fn an_exception_frame_ends_the_stream_after_what_came_before() {
    let server = MockServer::start().await;
    answer_with(
        &server,
        "converse-stream",
        stream_answer(&[
            message_start(),
            text_delta(0, "Partial"),
            exception_frame("throttlingException", "Too many tokens, please wait."),
        ]),
    )
    .await;
    let fx = bedrock(&server.uri());
    let (chunks, error) = collect(&BEDROCK, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Partial");
    let error = error.expect("the exception is reported");
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(error.code(), Some("throttlingException"));
    assert_eq!(error.message(), "Too many tokens, please wait.");
    assert_eq!(error.provider(), Some("bedrock"));
    assert_eq!(error.model(), Some(MODEL));
}

#[tokio::test]
async fn a_cut_frame_is_a_connection_error_after_the_complete_ones() {
    let mut frames = vec![message_start(), text_delta(0, "Hel")];
    let last = text_delta(0, "lo");
    frames.push(last[..last.len() - 5].to_vec());
    let base = raw_server("HTTP/1.1 200 OK", frames, false).await;
    let fx = bedrock(&base);
    let (chunks, error) = collect(&BEDROCK, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Hel");
    let error = error.expect("the cut is reported");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.message().contains("cut inside"), "{error}");
}

#[tokio::test]
async fn a_stream_without_metadata_is_cut() {
    let server = MockServer::start().await;
    answer_with(
        &server,
        "converse-stream",
        stream_answer(&[
            message_start(),
            text_delta(0, "Hi"),
            message_stop("end_turn"),
        ]),
    )
    .await;
    let fx = bedrock(&server.uri());
    let (chunks, error) = collect(&BEDROCK, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Hi");
    let error = error.expect("the cut is reported");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.message().contains("metadata"), "{error}");
}

fn aws_error(status: u16, error_type: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header(
            "x-amzn-errortype",
            format!("{error_type}:http://internal.amazon.com/coral/com.amazon.bedrock/").as_str(),
        )
        .insert_header("x-amzn-requestid", "3f1b5b1e-1d4e-4a5e-9c55-1b2f1e6c2a10")
        .set_body_json(json!({"message": message}))
}

#[tokio::test]
async fn error_types_of_every_status_class_are_mapped() {
    let cases = [
        (
            400,
            "ValidationException",
            "Malformed input request, please reformat your input and try again.",
            ErrorKind::BadRequest,
            1,
        ),
        (
            400,
            "ValidationException",
            "Input is too long for requested model.",
            ErrorKind::ContextWindowExceeded,
            1,
        ),
        (
            403,
            "AccessDeniedException",
            "You don't have access to the model with the specified model ID.",
            ErrorKind::Authorization,
            1,
        ),
        (
            404,
            "ResourceNotFoundException",
            "Could not resolve the foundation model from the provided model identifier.",
            ErrorKind::ModelNotFound,
            1,
        ),
        (
            429,
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
            ErrorKind::RateLimit,
            3,
        ),
        (
            429,
            "ModelNotReadyException",
            "Model is not ready for inference.",
            ErrorKind::ServerUnavailable,
            3,
        ),
        (
            500,
            "InternalServerException",
            "Internal server error",
            ErrorKind::ServerUnavailable,
            3,
        ),
        (
            503,
            "ServiceUnavailableException",
            "Bedrock is unable to process your request.",
            ErrorKind::ServerUnavailable,
            3,
        ),
    ];
    for (status, error_type, message, kind, attempts) in cases {
        let server = MockServer::start().await;
        answer_with(&server, "converse", aws_error(status, error_type, message)).await;
        let fx = bedrock(&server.uri());
        let error = BEDROCK
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .expect_err("an error");
        assert_eq!(error.kind(), kind, "{error_type}: {error}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.code(), Some(error_type));
        assert_eq!(error.message(), message);
        assert_eq!(error.provider(), Some("bedrock"));
        assert_eq!(requests(&server).await.len(), attempts, "{error_type}");
        assert_no_key(&error);
    }
}

#[tokio::test]
async fn throttling_honours_retry_after_and_errors_before_a_stream_are_mapped() {
    let server = MockServer::start().await;
    answer_with(
        &server,
        "converse-stream",
        aws_error(429, "ThrottlingException", "Too many requests")
            .insert_header("retry-after", "1"),
    )
    .await;
    let mut fx = bedrock(&server.uri());
    fx.http.max_retries = 0;
    let error = match BEDROCK
        .stream(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
    {
        Ok(_) => panic!("the stream must not start"),
        Err(error) => error,
    };
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(error.code(), Some("ThrottlingException"));
}

#[tokio::test]
async fn an_error_echoing_the_key_id_or_token_never_shows_them() {
    let server = MockServer::start().await;
    let echo = format!("The security token {SESSION_TOKEN} for {API_KEY} is invalid.");
    answer_with(
        &server,
        "converse",
        aws_error(403, "UnrecognizedClientException", &echo),
    )
    .await;
    let mut fx = bedrock(&server.uri());
    fx.credentials.insert(
        "aws_session_token",
        CredentialValue::Secret(Secret::new(SESSION_TOKEN)),
    );
    let error = BEDROCK
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.kind(), ErrorKind::Authorization);
    let shown = format!("{error} {error:?} {}", error.body().unwrap_or_default());
    assert!(
        !shown.contains(SESSION_TOKEN) && !shown.contains(SECRET_KEY),
        "{shown}"
    );
    assert_no_key(&error);
}

#[tokio::test]
async fn missing_credentials_fail_before_any_request() {
    let server = MockServer::start().await;
    let mut fx = bedrock(&server.uri());
    fx.credentials = Default::default();
    fx.credentials
        .insert("bedrock_endpoint_url", CredentialValue::Text(server.uri()));
    let error = BEDROCK
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.message().contains("aws_region"), "{error}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn titan_embeds_one_text_per_request() {
    let server = MockServer::start().await;
    let model = "amazon.titan-embed-text-v2:0";
    Mock::given(method("POST"))
        .and(path("/model/amazon.titan-embed-text-v2%3A0/invoke"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-amzn-bedrock-input-token-count", "4")
                .set_body_json(json!({"embedding": [0.25, -0.5, 0.125],
                                      "embeddingsByType": {"float": [0.25, -0.5, 0.125]},
                                      "inputTextTokenCount": 4})),
        )
        .mount(&server)
        .await;
    let fx = bedrock_model(&server.uri(), model);
    let answer = BEDROCK
        .embed(
            fx.ctx(),
            EmbeddingRequest::new(vec!["first text".into(), "second text".into()]),
        )
        .await
        .expect("embeddings");
    assert_eq!(answer.embeddings, vec![vec![0.25, -0.5, 0.125]; 2]);
    assert_eq!(answer.usage.tokens, 8);
    assert!(!answer.usage.estimated);
    let all = requests(&server).await;
    assert_eq!(all.len(), 2);
    assert_eq!(body(&all[0]), json!({"inputText": "first text"}));
    assert_eq!(body(&all[1]), json!({"inputText": "second text"}));
    assert_signed(&all[0], REGION, "bedrock", None);
}

#[tokio::test]
async fn cohere_embeds_texts_in_one_request() {
    let server = MockServer::start().await;
    let model = "cohere.embed-english-v3";
    Mock::given(method("POST"))
        .and(path("/model/cohere.embed-english-v3/invoke"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-amzn-bedrock-input-token-count", "7")
                .set_body_json(json!({
                    "embeddings": {"float": [[0.5, 0.25], [-0.5, 1.0]]},
                    "id": "c7a5d8e4-6a2b-4f0e-9b3f-2f1c2b7a9d10",
                    "response_type": "embeddings_by_type",
                    "texts": ["what is bedrock?", "a managed service"]
                })),
        )
        .mount(&server)
        .await;
    let fx = bedrock_model(&server.uri(), model);
    let request = EmbeddingRequest {
        texts: vec!["What is Bedrock?".into(), "A managed service".into()],
        input_type: EmbeddingInputType::Query,
    };
    let answer = BEDROCK.embed(fx.ctx(), request).await.expect("embeddings");
    assert_eq!(answer.embeddings, vec![vec![0.5, 0.25], vec![-0.5, 1.0]]);
    assert_eq!(answer.usage.tokens, 7);
    assert_eq!(
        body(&only_request(&server).await),
        json!({"texts": ["What is Bedrock?", "A managed service"],
               "input_type": "search_query", "embedding_types": ["float"]})
    );
}

#[tokio::test]
async fn embeddings_of_other_families_are_refused() {
    let fx = bedrock_model("http://127.0.0.1:9", "mistral.mistral-embed");
    let error = BEDROCK
        .embed(fx.ctx(), EmbeddingRequest::new(vec!["x".into()]))
        .await
        .expect_err("unsupported");
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    assert_eq!(error.model(), Some("mistral.mistral-embed"));
}
