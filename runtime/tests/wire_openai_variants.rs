//! The OpenAI-compatible protocol with the settings that make four Dify providers callable
//! (codegen's Dify overlay): Xinference (the URL in a secret field, the model uid as the
//! model), Volcengine Ark (the endpoint id as the model), Lepton (one host per model) and
//! Azure AI model inference (`api-version` on every path). Payloads follow each vendor's
//! documented shapes; errors, a cut stream and configuration errors that send nothing.

mod common;
mod protocols_support;

use common::{Fixture, API_KEY};
use futures::StreamExt;
use modelrt_runtime::credentials::CredentialValue;
use modelrt_runtime::embedding::EmbeddingRequest;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{LlmChunk, LlmRequest, Message, StreamAccumulator};
use modelrt_runtime::protocol::{LlmProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::openai_compatible::OPENAI_COMPATIBLE;
use modelrt_runtime::secret::Secret;
use modelrt_runtime::Error;
use protocols_support::{assert_no_key, body, fixture, header, only_request, requests};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answer_at(server: &MockServer, route: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// A chat completion as OpenAI documents it (the servers below copy the shape).
fn completion(model: &str, content: &str) -> Value {
    json!({
        "id": "chatcmpl-3f4b1e", "object": "chat.completion", "created": 1742631811,
        "model": model,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 19, "completion_tokens": 9, "total_tokens": 28}
    })
}

fn sse(payloads: &[Value], done: bool) -> ResponseTemplate {
    let mut text: String = payloads.iter().map(|p| format!("data: {p}\n\n")).collect();
    if done {
        text.push_str("data: [DONE]\n\n");
    }
    ResponseTemplate::new(200).set_body_raw(text, "text/event-stream")
}

async fn collect(fixture: &Fixture, request: LlmRequest) -> (String, Option<Error>) {
    let mut stream = OPENAI_COMPATIBLE
        .stream(fixture.ctx(), request)
        .await
        .expect("stream starts");
    let mut chunks: Vec<LlmChunk> = Vec::new();
    let mut error = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => chunks.push(chunk),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let mut acc = StreamAccumulator::new();
    chunks.iter().for_each(|c| acc.push(c));
    (acc.finish().content, error)
}

// Xinference ------------------------------------------------------------------------------

/// Dify's `xinference` form: `server_url` (a secret), `model_uid`, optional `api_key`.
fn xinference(server_url: &str, model_uid: &str) -> Fixture {
    let mut fx = fixture(
        "xinference",
        vec![
            ("api_key_variable", "api_key"),
            ("base_url_variable", "server_url"),
            ("base_url_variable_suffix", "/v1"),
            ("model_variable", "model_uid"),
            ("protocol", "openai-compatible"),
        ],
        "my-qwen",
        &["api_key"],
        &[("model_uid", model_uid)],
    );
    fx.credentials.insert(
        "server_url",
        CredentialValue::Secret(Secret::new(server_url)),
    );
    fx
}

#[tokio::test]
async fn xinference_takes_the_url_from_its_secret_field_and_sends_the_model_uid() {
    let server = MockServer::builder().start().await;
    let answer = ResponseTemplate::new(200).set_body_json(completion("qwen2.5-instruct", "Hi!"));
    answer_at(&server, "/v1/chat/completions", answer).await;
    let fx = xinference(&format!("{}/", server.uri()), "qwen2.5-instruct-uid");
    let got = OPENAI_COMPATIBLE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hello")]))
        .await
        .unwrap();
    assert_eq!(got.content, "Hi!");
    assert_eq!(got.usage.total_tokens, 28);
    let sent = only_request(&server).await;
    assert_eq!(body(&sent)["model"], json!("qwen2.5-instruct-uid"));
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test]
async fn xinference_embeddings_send_the_model_uid() {
    let server = MockServer::builder().start().await;
    // Xinference answers /v1/embeddings in OpenAI's shape.
    let answer = json!({
        "object": "list", "model": "bge-m3-uid",
        "data": [{"index": 0, "object": "embedding", "embedding": [0.0125, -0.5]}],
        "usage": {"prompt_tokens": 5, "total_tokens": 5}
    });
    answer_at(
        &server,
        "/v1/embeddings",
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fx = xinference(&server.uri(), "bge-m3-uid");
    let got = OPENAI_COMPATIBLE
        .embed(
            fx.ctx(),
            EmbeddingRequest::new(vec!["what is xinference".into()]),
        )
        .await
        .unwrap();
    assert_eq!(got.embeddings, vec![vec![0.0125_f32, -0.5]]);
    assert_eq!(
        body(&only_request(&server).await)["model"],
        json!("bge-m3-uid")
    );
}

#[tokio::test]
async fn a_secret_url_that_is_no_url_is_not_shown() {
    let fx = xinference("internal-host:9997?token=SECRET-URL-PART", "uid");
    let error = OPENAI_COMPATIBLE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hello")]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("SECRET-URL-PART"), "{shown}");
    assert_no_key(&error);
}

// Volcengine Ark --------------------------------------------------------------------------

/// Dify's `volcengine_maas` form with API-key auth: `volc_api_key`, `api_endpoint_host`,
/// `endpoint_id`.
fn ark(server: &MockServer, endpoint_id: &str) -> Fixture {
    let base = format!("{}/api/v3", server.uri());
    fixture(
        "volcengine_maas",
        vec![
            ("api_key_variable", "volc_api_key"),
            ("base_url", "https://ark.cn-beijing.volces.com/api/v3"),
            ("base_url_variable", "api_endpoint_host"),
            ("model_variable", "endpoint_id"),
            ("protocol", "openai-compatible"),
        ],
        "doubao-pro-32k",
        &["volc_api_key"],
        &[("api_endpoint_host", &base), ("endpoint_id", endpoint_id)],
    )
}

fn ark_chunk(delta: Value, finish: Value) -> Value {
    json!({
        "id": "021718067849899d92fcbe0865fdffdde0", "object": "chat.completion.chunk",
        "created": 1718067849, "model": "doubao-pro-32k-240515",
        "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]
    })
}

#[tokio::test]
async fn ark_streams_to_the_endpoint_id_with_usage() {
    let server = MockServer::builder().start().await;
    let usage = json!({
        "id": "021718067849899d92fcbe0865fdffdde0", "object": "chat.completion.chunk",
        "created": 1718067849, "model": "doubao-pro-32k-240515", "choices": [],
        "usage": {"prompt_tokens": 28, "completion_tokens": 9, "total_tokens": 37}
    });
    let stream = sse(
        &[
            ark_chunk(json!({"role": "assistant", "content": "你好"}), Value::Null),
            ark_chunk(json!({"content": "！"}), json!("stop")),
            usage,
        ],
        true,
    );
    answer_at(&server, "/api/v3/chat/completions", stream).await;
    let fx = ark(&server, "ep-20240611104225-abcde");
    let (content, error) = collect(&fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(content, "你好！");
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["model"], json!("ep-20240611104225-abcde"));
    assert_eq!(sent["stream"], json!(true));
}

#[tokio::test]
async fn a_cut_ark_stream_is_a_connection_error() {
    let server = MockServer::builder().start().await;
    let stream = sse(
        &[ark_chunk(
            json!({"role": "assistant", "content": "Half"}),
            Value::Null,
        )],
        false,
    );
    answer_at(&server, "/api/v3/chat/completions", stream).await;
    let fx = ark(&server, "ep-20240611104225-abcde");
    let (content, error) = collect(&fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(content, "Half");
    let error = error.expect("a cut stream is an error");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert_eq!(error.provider(), Some("volcengine_maas"));
}

#[tokio::test]
async fn ark_errors_keep_their_code_and_message() {
    let server = MockServer::builder().start().await;
    // Ark's error body, as its SDKs surface it.
    let not_found = json!({"error": {
        "code": "InvalidEndpointOrModel.NotFound",
        "message": "The model or endpoint ep-missing does not exist or you do not have access to it. Request id: 0217186",
        "param": "", "type": "NotFound"
    }});
    answer_at(
        &server,
        "/api/v3/chat/completions",
        ResponseTemplate::new(404).set_body_json(not_found),
    )
    .await;
    let fx = ark(&server, "ep-missing");
    let error = OPENAI_COMPATIBLE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert!(
        error.to_string().contains("ep-missing does not exist"),
        "{error}"
    );
    assert_eq!(error.code(), Some("InvalidEndpointOrModel.NotFound"));
    assert_eq!(error.provider(), Some("volcengine_maas"));
    assert_no_key(&error);
}

#[tokio::test]
async fn without_an_endpoint_id_ark_gets_the_model_name() {
    let server = MockServer::builder().start().await;
    let answer = ResponseTemplate::new(200).set_body_json(completion("doubao-pro-32k", "ok"));
    answer_at(&server, "/api/v3/chat/completions", answer).await;
    let fx = ark(&server, "");
    OPENAI_COMPATIBLE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .unwrap();
    assert_eq!(
        body(&only_request(&server).await)["model"],
        json!("doubao-pro-32k")
    );
}

// Lepton ----------------------------------------------------------------------------------

/// Dify's `leptonai`: one host per model, written `https://{model}.lepton.run/api/v1`; the
/// mock puts the model in the path instead, which the same substitution fills.
fn lepton(server: &MockServer, model: &str) -> Fixture {
    let template: &'static str = Box::leak(format!("{}/{{model}}/api/v1", server.uri()).into());
    fixture(
        "leptonai",
        vec![
            ("api_key_variable", "api_key"),
            ("base_url", template),
            ("protocol", "openai-compatible"),
        ],
        model,
        &["api_key"],
        &[],
    )
}

#[tokio::test]
async fn lepton_calls_the_models_own_url() {
    let server = MockServer::builder().start().await;
    let answer = ResponseTemplate::new(200).set_body_json(completion("llama3-70b", "Hello"));
    answer_at(&server, "/llama3-70b/api/v1/chat/completions", answer).await;
    let fx = lepton(&server, "llama3-70b");
    let got = OPENAI_COMPATIBLE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .unwrap();
    assert_eq!(got.content, "Hello");
    assert_eq!(
        body(&only_request(&server).await)["model"],
        json!("llama3-70b")
    );
}

#[tokio::test]
async fn a_model_name_that_cannot_be_a_host_sends_nothing() {
    let server = MockServer::builder().start().await;
    for model in ["evil.example.com/x", "a.b"] {
        let fx = lepton(&server, model);
        let error = OPENAI_COMPATIBLE
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BadRequest, "{model}");
        assert!(error.to_string().contains(model), "{error}");
    }
    assert!(requests(&server).await.is_empty());
}

// Azure AI model inference ----------------------------------------------------------------

/// Dify's `azure_ai_studio` form: `endpoint` and `api_key`.
fn azure_ai(server: &MockServer) -> Fixture {
    fixture(
        "azure_ai_studio",
        vec![
            ("api_key_variable", "api_key"),
            ("api_version", "2024-05-01-preview"),
            ("base_url_variable", "endpoint"),
            ("protocol", "openai-compatible"),
        ],
        "Mistral-large",
        &["api_key"],
        &[("endpoint", &server.uri())],
    )
}

#[tokio::test]
async fn azure_ai_inference_takes_the_api_version_and_a_bearer_key() {
    let server = MockServer::builder().start().await;
    let answer = ResponseTemplate::new(200).set_body_json(completion("mistral-large", "Bonjour"));
    answer_at(&server, "/chat/completions", answer).await;
    let fx = azure_ai(&server);
    let got = OPENAI_COMPATIBLE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Salut")]))
        .await
        .unwrap();
    assert_eq!(got.content, "Bonjour");
    let sent = only_request(&server).await;
    assert_eq!(sent.url.query(), Some("api-version=2024-05-01-preview"));
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test]
async fn azure_ai_inference_errors_by_status_class() {
    // Azure.Core's error response: `{"error": {"code", "message"}}`.
    let cases = [
        (401, "Unauthorized", ErrorKind::Authorization),
        (429, "TooManyRequests", ErrorKind::RateLimit),
        (400, "BadRequest", ErrorKind::BadRequest),
        (503, "ServiceUnavailable", ErrorKind::ServerUnavailable),
    ];
    for (status, code, kind) in cases {
        let server = MockServer::builder().start().await;
        let error_body =
            json!({"error": {"code": code, "message": format!("{code} from the endpoint")}});
        answer_at(
            &server,
            "/chat/completions",
            ResponseTemplate::new(status)
                .set_body_json(error_body)
                .insert_header("retry-after", "0"),
        )
        .await;
        let mut fx = azure_ai(&server);
        fx.http.max_retries = 0;
        let error = OPENAI_COMPATIBLE
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.code(), Some(code));
        assert_no_key(&error);
    }
}

// Voyage ----------------------------------------------------------------------------------

/// Voyage as Dify's `voyage` (and the bundled `voyage`) declare it.
fn voyage(server: &MockServer, model: &str) -> Fixture {
    let base: &'static str = Box::leak(format!("{}/v1", server.uri()).into_boxed_str());
    fixture(
        "voyage",
        vec![
            ("api_key_variable", "api_key"),
            ("base_url", base),
            ("embedding_input_type_field", "input_type"),
            ("protocol", "openai-compatible"),
            ("rerank_top_field", "top_k"),
        ],
        model,
        &["api_key"],
        &[],
    )
}

#[tokio::test]
async fn voyage_embeddings_say_what_the_texts_are_for() {
    let server = MockServer::builder().start().await;
    let documented = json!({
        "object": "list",
        "data": [{"object": "embedding", "embedding": [-0.013, 0.042], "index": 0}],
        "model": "voyage-3.5",
        "usage": {"total_tokens": 10}
    });
    answer_at(
        &server,
        "/v1/embeddings",
        ResponseTemplate::new(200).set_body_json(documented),
    )
    .await;
    let fx = voyage(&server, "voyage-3.5");
    let request = EmbeddingRequest {
        texts: vec!["When is Apple's conference call scheduled?".into()],
        input_type: modelrt_runtime::embedding::EmbeddingInputType::Query,
    };
    let got = OPENAI_COMPATIBLE.embed(fx.ctx(), request).await.unwrap();
    assert_eq!(got.embeddings, vec![vec![-0.013_f32, 0.042]]);
    assert_eq!(got.usage.tokens, 10);
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": "voyage-3.5", "input": ["When is Apple's conference call scheduled?"],
               "input_type": "query"})
    );
}

#[tokio::test]
async fn voyage_rerank_sends_top_k_and_reads_data() {
    use modelrt_runtime::protocol::RerankProtocol;
    use modelrt_runtime::rerank::RerankRequest;
    let server = MockServer::builder().start().await;
    let documented = json!({
        "object": "list",
        "data": [{"relevance_score": 0.4375, "index": 1}, {"relevance_score": 0.421875, "index": 0}],
        "model": "rerank-2.5",
        "usage": {"total_tokens": 26}
    });
    answer_at(
        &server,
        "/v1/rerank",
        ResponseTemplate::new(200).set_body_json(documented),
    )
    .await;
    let fx = voyage(&server, "rerank-2.5");
    let request = RerankRequest {
        query: "When is Apple's conference call scheduled?".into(),
        documents: vec![
            "Apple's earnings call is on Thursday.".into(),
            "Bananas.".into(),
        ],
        top_n: Some(2),
        score_threshold: None,
    };
    let got = OPENAI_COMPATIBLE.rerank(fx.ctx(), request).await.unwrap();
    let order: Vec<usize> = got.results.iter().map(|r| r.index).collect();
    assert_eq!(order, [1, 0]);
    assert_eq!(got.usage.map(|u| u.tokens), Some(26));
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["top_k"], json!(2));
    assert!(sent.get("top_n").is_none(), "{sent}");
}

#[tokio::test]
async fn voyage_errors_carry_their_detail() {
    let server = MockServer::builder().start().await;
    answer_at(
        &server,
        "/v1/embeddings",
        ResponseTemplate::new(401).set_body_json(json!({"detail": "Provided API key is invalid."})),
    )
    .await;
    let fx = voyage(&server, "voyage-3.5");
    let error = OPENAI_COMPATIBLE
        .embed(fx.ctx(), EmbeddingRequest::new(vec!["x".into()]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authorization);
    assert!(
        error.to_string().contains("Provided API key is invalid."),
        "{error}"
    );
    assert_no_key(&error);
}
