//! Amazon SageMaker endpoints against a mock server: SigV4-signed InvokeEndpoint requests
//! for the `sagemaker` service (re-checked with `aws-sigv4`) with the bodies Dify sends for
//! LLM, embedding and rerank endpoints; OpenAI-style answers; InvokeEndpointWithResponseStream
//! answers whose `data:` events are split across `PayloadPart` frames; `ModelStreamError`
//! frames, a cut frame and a stream without its end; error types of every status class;
//! and credentials refused before sending.

mod common;
mod protocols_support;

use common::{raw_server, Fixture, API_KEY};
use modelrt_runtime::catalog::{ModelType, ParameterType};
use modelrt_runtime::credentials::CredentialValue;
use modelrt_runtime::embedding::{EmbeddingInputType, EmbeddingRequest};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{FinishReason, LlmRequest, Message};
use modelrt_runtime::protocol::{LlmProtocol, RerankProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::{by_name, sagemaker::SAGEMAKER};
use modelrt_runtime::rerank::RerankRequest;
use modelrt_runtime::secret::Secret;
use protocols_support::aws::{assert_signed, exception_body_frame, raw_event_frame, SECRET_KEY};
use protocols_support::{
    accumulate, assert_no_key, body, collect, fixture, only_request, params, requests,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REGION: &str = "us-west-2";
const ENDPOINT: &str = "qwen2-7b-instruct-2024-07-01";

/// Dify's `sagemaker` model form for `model` at `base_url` (the overlay's base URL with the
/// mock server in place of `runtime.sagemaker.{region}.amazonaws.com`).
fn sagemaker(base_url: &str, model: &str) -> Fixture {
    let base: &'static str = Box::leak(base_url.to_owned().into_boxed_str());
    let mut fixture = fixture(
        "sagemaker",
        vec![("base_url", base), ("protocol", "sagemaker")],
        model,
        &["aws_access_key_id"],
        &[("aws_region", REGION), ("sagemaker_endpoint", ENDPOINT)],
    );
    fixture.credentials.insert(
        "aws_secret_access_key",
        CredentialValue::Secret(Secret::new(SECRET_KEY)),
    );
    fixture
}

async fn answer(server: &MockServer, action: &str, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(format!("/endpoints/{ENDPOINT}/{action}")))
        .respond_with(template)
        .mount(server)
        .await;
}

/// A chat completion as an OpenAI-style container (vLLM, LMI, TGI's Messages API) answers.
fn completion(text: &str) -> Value {
    json!({
        "id": "chatcmpl-5d3b2a1c", "object": "chat.completion", "created": 1719792000,
        "model": "Qwen/Qwen2-7B-Instruct",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "logprobs": null, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 21, "completion_tokens": 6, "total_tokens": 27}
    })
}

#[test]
fn the_protocol_is_registered_for_chat_embeddings_and_rerank() {
    let set = by_name("sagemaker").expect("registered");
    let served: Vec<ModelType> = set.model_types().collect();
    assert_eq!(
        served,
        [ModelType::Llm, ModelType::TextEmbedding, ModelType::Rerank]
    );
}

#[tokio::test]
async fn chat_is_signed_for_sagemaker_and_sends_difys_body() {
    let server = MockServer::start().await;
    answer(
        &server,
        "invocations",
        ResponseTemplate::new(200).set_body_json(completion("Paris.")),
    )
    .await;
    let mut fx = sagemaker(&server.uri(), "qwen2-7b");
    fx.params = params(
        &[("temperature", ParameterType::Float)],
        json!({"temperature": 0.7}),
    );
    let request = LlmRequest::new(vec![
        Message::system("Answer briefly."),
        Message::user("Capital of France?"),
    ])
    .with_stop(vec!["\n\n".into()]);
    let got = SAGEMAKER.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(got.content, "Paris.");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        (got.usage.prompt_tokens, got.usage.completion_tokens),
        (21, 6)
    );
    let sent = only_request(&server).await;
    assert_signed(&sent, REGION, "sagemaker", None);
    assert_eq!(
        body(&sent),
        json!({
            "messages": [{"role": "system", "content": "Answer briefly."},
                         {"role": "user", "content": "Capital of France?"}],
            "stop": ["\n\n"],
            "stream": false,
            "max_tokens": 2048,
            "temperature": 0.7,
            "top_p": 0.9
        })
    );
}

/// `data:` events as the container writes them, cut into pieces at arbitrary points (inside
/// an event, inside a UTF-8 character) and wrapped in `PayloadPart` frames.
fn payload_parts(sse: &str, cuts: &[usize]) -> Vec<Vec<u8>> {
    let bytes = sse.as_bytes();
    let mut frames = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain([bytes.len()].iter()) {
        frames.push(raw_event_frame(
            "PayloadPart",
            &bytes[start..cut],
            "application/octet-stream",
        ));
        start = cut;
    }
    frames
}

fn delta(text: &str, finish: Option<&str>) -> String {
    let event = json!({
        "id": "chatcmpl-7f", "object": "chat.completion.chunk", "created": 1719792001,
        "model": "Qwen/Qwen2-7B-Instruct",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]
    });
    format!("data: {event}\n\n")
}

fn streamed(frames: Vec<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(frames.concat(), "application/vnd.amazon.eventstream")
}

#[tokio::test]
async fn a_stream_split_across_payload_parts_is_reassembled() {
    let server = MockServer::start().await;
    let sse = format!(
        "{}{}{}data: [DONE]\n\n",
        delta("Bonjour", None),
        delta(" à tous", None),
        delta("", Some("stop"))
    );
    // One cut inside the first event, one inside the two bytes of `à`.
    let accent = sse.find('à').unwrap();
    let frames = payload_parts(&sse, &[10, accent + 1]);
    answer(&server, "invocations-response-stream", streamed(frames)).await;
    let fx = sagemaker(&server.uri(), "qwen2-7b");
    let (chunks, error) =
        collect(&SAGEMAKER, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert!(error.is_none(), "{error:?}");
    let whole = accumulate(&chunks);
    assert_eq!(whole.content, "Bonjour à tous");
    assert_eq!(whole.finish_reason, Some(FinishReason::Stop));
    assert!(
        whole.usage.estimated,
        "containers report no usage in streams"
    );
    let sent = only_request(&server).await;
    assert_signed(&sent, REGION, "sagemaker", None);
    assert_eq!(body(&sent)["stream"], json!(true));
}

#[tokio::test]
async fn a_model_stream_error_ends_the_stream_after_what_came_before() {
    let server = MockServer::start().await;
    let mut frames = payload_parts(&delta("Partial", None), &[]);
    frames.push(exception_body_frame(
        "ModelStreamError",
        &json!({"Message": "CUDA out of memory", "ErrorCode": "ModelError"}),
    ));
    answer(&server, "invocations-response-stream", streamed(frames)).await;
    let fx = sagemaker(&server.uri(), "qwen2-7b");
    let (chunks, error) =
        collect(&SAGEMAKER, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Partial");
    let error = error.expect("the exception is reported");
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
    assert_eq!(error.code(), Some("ModelError"));
    assert_eq!(error.message(), "CUDA out of memory");
    assert_eq!(error.provider(), Some("sagemaker"));
    assert_eq!(error.model(), Some("qwen2-7b"));
}

#[tokio::test]
async fn a_cut_frame_and_a_stream_without_its_end_are_connection_errors() {
    let mut frames = payload_parts(&delta("Hel", None), &[]);
    let last = payload_parts(&delta("lo", None), &[]).remove(0);
    frames.push(last[..last.len() - 5].to_vec());
    let base = raw_server("HTTP/1.1 200 OK", frames, false).await;
    let fx = sagemaker(&base, "qwen2-7b");
    let (chunks, error) =
        collect(&SAGEMAKER, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Hel");
    let error = error.expect("the cut is reported");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.message().contains("cut inside"), "{error}");

    let server = MockServer::start().await;
    let frames = payload_parts(&delta("Hi", None), &[]);
    answer(&server, "invocations-response-stream", streamed(frames)).await;
    let fx = sagemaker(&server.uri(), "qwen2-7b");
    let (chunks, error) =
        collect(&SAGEMAKER, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Hi");
    let error = error.expect("the early end is reported");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.message().contains("[DONE]"), "{error}");
}

fn aws_error(status: u16, error_type: &str, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-amzn-errortype", error_type)
        .insert_header("x-amzn-requestid", "8c0e6b4e-2f1d-4b8e-9a63-3c1e2d4f5a6b")
        .set_body_json(body)
}

#[tokio::test]
async fn error_types_of_every_status_class_are_mapped() {
    let model_error = json!({
        "ErrorCode": "CLIENT_ERROR_FROM_MODEL",
        "LogStreamArn": "arn:aws:logs:us-west-2:123456789012:log-group:/aws/sagemaker/Endpoints/x",
        "Message": "Received client error (400) from primary with message \"prompt too long\".",
        "OriginalMessage": "prompt too long",
        "OriginalStatusCode": 400
    });
    let cases = [
        (
            400,
            "ValidationError",
            json!({"message": "Endpoint x of account 123 not found."}),
            ErrorKind::BadRequest,
            1,
        ),
        (
            403,
            "AccessDeniedException",
            json!({"message": "not authorized"}),
            ErrorKind::Authorization,
            1,
        ),
        (424, "ModelError", model_error, ErrorKind::BadRequest, 1),
        (
            429,
            "ModelNotReadyException",
            json!({"message": "Model is not ready"}),
            ErrorKind::ServerUnavailable,
            3,
        ),
        (
            500,
            "InternalFailure",
            json!({"message": "Internal failure"}),
            ErrorKind::ServerUnavailable,
            3,
        ),
        (
            503,
            "ServiceUnavailable",
            json!({"message": "Service is unavailable"}),
            ErrorKind::ServerUnavailable,
            3,
        ),
    ];
    for (status, error_type, error_body, kind, attempts) in cases {
        let server = MockServer::start().await;
        answer(
            &server,
            "invocations",
            aws_error(status, error_type, error_body),
        )
        .await;
        let fx = sagemaker(&server.uri(), "qwen2-7b");
        let error = SAGEMAKER
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .expect_err("an error");
        assert_eq!(error.kind(), kind, "{error_type}: {error}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.code(), Some(error_type));
        assert_eq!(error.provider(), Some("sagemaker"));
        assert_eq!(requests(&server).await.len(), attempts, "{error_type}");
        assert_no_key(&error);
    }
}

#[tokio::test]
async fn embeddings_send_difys_body_in_batches() {
    let server = MockServer::start().await;
    answer(
        &server,
        "invocations",
        ResponseTemplate::new(200)
            .set_body_json(json!({"embeddings": [[0.25, -0.5], [0.125, 1.0]]})),
    )
    .await;
    let mut fx = sagemaker(&server.uri(), "bge-m3");
    fx.credentials
        .insert("max_chunks", CredentialValue::Text("2".into()));
    let mut request = EmbeddingRequest::new(vec!["a".into(), "b".into(), "c".into(), "d".into()]);
    request.input_type = EmbeddingInputType::Query;
    let got = SAGEMAKER.embed(fx.ctx(), request).await.unwrap();
    assert_eq!(got.embeddings.len(), 4);
    assert_eq!(got.embeddings[3], vec![0.125, 1.0]);
    assert!(got.usage.estimated);
    let all = requests(&server).await;
    assert_eq!(all.len(), 2);
    assert_eq!(
        body(&all[1]),
        json!({"inputs": ["c", "d"], "parameters": {}, "is_query": true, "instruction": ""})
    );
    assert_signed(&all[0], REGION, "sagemaker", None);
}

#[tokio::test]
async fn rerank_scores_every_document_against_the_query() {
    let server = MockServer::start().await;
    answer(
        &server,
        "invocations",
        ResponseTemplate::new(200).set_body_json(json!({"scores": [0.02, 0.91, 0.4]})),
    )
    .await;
    let fx = sagemaker(&server.uri(), "bge-reranker-v2-m3");
    let request = RerankRequest {
        query: "capital of the United States".into(),
        documents: vec![
            "Carson City".into(),
            "Washington, D.C.".into(),
            "Saipan".into(),
        ],
        top_n: Some(2),
        score_threshold: None,
    };
    let got = SAGEMAKER.rerank(fx.ctx(), request).await.unwrap();
    let order: Vec<(usize, f64)> = got.results.iter().map(|r| (r.index, r.score)).collect();
    assert_eq!(order, [(1, 0.91), (2, 0.4)]);
    assert_eq!(got.results[0].document, "Washington, D.C.");
    assert_eq!(
        body(&only_request(&server).await),
        json!({
            "inputs": vec!["capital of the United States"; 3],
            "docs": ["Carson City", "Washington, D.C.", "Saipan"]
        })
    );
}

#[tokio::test]
async fn missing_credentials_fail_before_any_request() {
    let server = MockServer::start().await;
    let mut fx = sagemaker(&server.uri(), "qwen2-7b");
    fx.credentials = Default::default();
    fx.credentials
        .insert("aws_region", CredentialValue::Text(REGION.into()));
    let error = SAGEMAKER
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.message().contains("sagemaker_endpoint"), "{error}");
    let mut fx = sagemaker(&server.uri(), "qwen2-7b");
    fx.credentials.insert(
        "aws_secret_access_key",
        CredentialValue::Secret(Secret::new("")),
    );
    let error = SAGEMAKER
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert!(error.message().contains("aws_secret_access_key"), "{error}");
    assert!(!format!("{error:?}").contains(API_KEY));
    assert!(requests(&server).await.is_empty());
}
