//! Cohere's v2 rerank and embed endpoints against a mock server: exact requests, documented
//! answers, batching by max_chunks, model listing and error mapping with retries.

mod common;
mod protocols_support;

use common::{Fixture, API_KEY};
use modelrt_runtime::catalog::ModelType;
use modelrt_runtime::embedding::{EmbeddingInputType, EmbeddingRequest};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::protocol::{RerankProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::{by_name, cohere::COHERE};
use modelrt_runtime::rerank::RerankRequest;
use protocols_support::{assert_no_key, body, fixture, header, only_request, requests};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn cohere(base_url: &str, model: &str, texts: &[(&'static str, &str)]) -> Fixture {
    let mut all = vec![("base_url", base_url)];
    all.extend_from_slice(texts);
    fixture(
        "cohere",
        vec![
            ("api_key_variable", "api_key"),
            ("base_url", "https://api.cohere.com"),
            ("base_url_variable", "base_url"),
            ("protocol", "cohere"),
        ],
        model,
        &["api_key"],
        &all,
    )
}

async fn answer_with(server: &MockServer, route: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(answer)
        .mount(server)
        .await;
}

fn documents() -> Vec<String> {
    [
        "Carson City is the capital city of the American state of Nevada.",
        "The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean. Its capital is Saipan.",
        "Washington, D.C. is the capital of the United States.",
        "Capital punishment has existed in the United States since before it was a country.",
    ]
    .map(String::from)
    .to_vec()
}

fn rerank_answer(results: Value) -> Value {
    json!({
        "results": results,
        "id": "07734bd2-2473-4f07-94e1-0d9f0e6843cf",
        "meta": {"api_version": {"version": "2", "is_experimental": false}, "billed_units": {"search_units": 1}}
    })
}

#[tokio::test]
async fn rerank_request_and_documented_answer() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/v2/rerank",
        ResponseTemplate::new(200).set_body_json(rerank_answer(json!([
            {"index": 2, "relevance_score": 0.999071},
            {"index": 0, "relevance_score": 0.32713068},
            {"index": 3, "relevance_score": 0.1}
        ]))),
    )
    .await;
    // A base URL written with a version path still reaches /v2/rerank.
    let fx = cohere(&format!("{}/v1/", server.uri()), "rerank-v3.5", &[]);
    let request = RerankRequest {
        query: "What is the capital of the United States?".into(),
        documents: documents(),
        top_n: Some(3),
        score_threshold: Some(0.2),
    };
    let response = COHERE.rerank(fx.ctx(), request).await.expect("ranked");
    let ranked: Vec<(usize, f64)> = response
        .results
        .iter()
        .map(|r| (r.index, r.score))
        .collect();
    assert_eq!(
        ranked,
        [(2, 0.999071), (0, 0.32713068)],
        "threshold applied"
    );
    assert_eq!(response.results[0].document, documents()[2]);
    assert_eq!(response.usage, None, "billed in searches, not tokens");

    let sent = only_request(&server).await;
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(sent.url.path(), "/v2/rerank");
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(
        body(&sent),
        json!({"model": "rerank-v3.5", "query": "What is the capital of the United States?",
               "documents": documents(), "top_n": 3})
    );
}

#[tokio::test]
async fn rerank_without_documents_sends_nothing_and_bad_indexes_are_errors() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/v2/rerank",
        ResponseTemplate::new(200)
            .set_body_json(rerank_answer(json!([{"index": 9, "relevance_score": 0.5}]))),
    )
    .await;
    let fx = cohere(&server.uri(), "rerank-v3.5", &[]);
    let empty = RerankRequest {
        query: "q".into(),
        ..RerankRequest::default()
    };
    assert!(COHERE
        .rerank(fx.ctx(), empty)
        .await
        .expect("empty")
        .results
        .is_empty());
    assert!(requests(&server).await.is_empty());
    let request = RerankRequest {
        query: "q".into(),
        documents: vec!["only one".into()],
        ..RerankRequest::default()
    };
    let error = COHERE
        .rerank(fx.ctx(), request)
        .await
        .expect_err("index 9 of 1");
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert_eq!(body(&only_request(&server).await)["top_n"], json!(1));
}

fn embed_answer(texts: &[String], tokens: u64) -> Value {
    let vectors: Vec<Vec<f32>> = texts.iter().map(|t| vec![t.len() as f32, 0.25]).collect();
    json!({
        "id": "da6e531f-54c6-4a73-bf92-f60566d8d753",
        "embeddings": {"float": vectors},
        "texts": texts,
        "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": tokens}},
        "response_type": "embeddings_by_type"
    })
}

#[tokio::test]
async fn embed_request_and_documented_answer() {
    let server = MockServer::builder().start().await;
    let texts: Vec<String> = vec!["hello".into(), "goodbye".into()];
    answer_with(
        &server,
        "/v2/embed",
        ResponseTemplate::new(200).set_body_json(embed_answer(&texts, 2)),
    )
    .await;
    let fx = cohere(&server.uri(), "embed-v4.0", &[]);
    let request = EmbeddingRequest {
        texts: texts.clone(),
        input_type: EmbeddingInputType::Query,
    };
    let response = COHERE.embed(fx.ctx(), request).await.expect("embeddings");
    assert_eq!(response.embeddings, vec![vec![5.0, 0.25], vec![7.0, 0.25]]);
    assert_eq!(response.usage.tokens, 2);
    assert!(!response.usage.estimated);
    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/v2/embed");
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(
        body(&sent),
        json!({"model": "embed-v4.0", "texts": ["hello", "goodbye"],
               "input_type": "search_query", "embedding_types": ["float"]})
    );
}

#[tokio::test]
async fn embeddings_are_batched_96_at_a_time_in_order() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v2/embed"))
        .respond_with(|request: &wiremock::Request| {
            let sent: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let texts: Vec<String> =
                serde_json::from_value(sent["texts"].clone()).unwrap_or_default();
            let count = texts.len() as u64;
            ResponseTemplate::new(200).set_body_json(embed_answer(&texts, count))
        })
        .mount(&server)
        .await;
    let fx = cohere(&server.uri(), "embed-v4.0", &[]);
    let texts: Vec<String> = (0..200).map(|i| "x".repeat(i + 1)).collect();
    let response = COHERE
        .embed(fx.ctx(), EmbeddingRequest::new(texts))
        .await
        .expect("embeddings");
    assert_eq!(response.embeddings.len(), 200);
    let lengths: Vec<f32> = response.embeddings.iter().map(|v| v[0]).collect();
    assert_eq!(
        lengths,
        (1..=200).map(|n| n as f32).collect::<Vec<_>>(),
        "input order kept"
    );
    assert_eq!(response.usage.tokens, 200);
    let sizes: Vec<usize> = requests(&server)
        .await
        .iter()
        .map(|r| body(r)["texts"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [96, 96, 8]);
    assert!(requests(&server)
        .await
        .iter()
        .all(|r| body(r)["input_type"] == "search_document"));

    // A declared max_chunks wins.
    let server2 = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v2/embed"))
        .respond_with(|request: &wiremock::Request| {
            let sent: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let texts: Vec<String> =
                serde_json::from_value(sent["texts"].clone()).unwrap_or_default();
            ResponseTemplate::new(200).set_body_json(embed_answer(&texts, 1))
        })
        .mount(&server2)
        .await;
    let fx = cohere(&server2.uri(), "embed-v4.0", &[("max_chunks", "2")]);
    let texts: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    COHERE
        .embed(fx.ctx(), EmbeddingRequest::new(texts))
        .await
        .expect("embeddings");
    assert_eq!(requests(&server2).await.len(), 2);
}

#[tokio::test]
async fn a_short_answer_is_an_invalid_response() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/v2/embed",
        ResponseTemplate::new(200).set_body_json(embed_answer(&["only".into()], 1)),
    )
    .await;
    let fx = cohere(&server.uri(), "embed-v4.0", &[]);
    let texts: Vec<String> = vec!["a".into(), "b".into()];
    let error = COHERE
        .embed(fx.ctx(), EmbeddingRequest::new(texts))
        .await
        .expect_err("one vector for two texts");
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert_eq!(error.provider(), Some("cohere"));
}

#[tokio::test]
async fn error_bodies_are_mapped_and_retried_only_when_retryable() {
    let cases = [
        (401, "invalid api token", ErrorKind::Authorization, 1),
        (402, "Please add a payment method", ErrorKind::Quota, 1),
        (404, "model 'embed-v9' not found, make sure the correct model ID was used", ErrorKind::ModelNotFound, 1),
        (400, "too many tokens: size limit exceeded by 11326 tokens. Try using shorter or fewer inputs", ErrorKind::ContextWindowExceeded, 1),
        (400, "invalid request: valid input_type must be provided with the provided model", ErrorKind::BadRequest, 1),
        (429, "You are past the per minute request limit, please wait and try again later.", ErrorKind::RateLimit, 3),
        (500, "internal server error, this has been reported to our developers", ErrorKind::ServerUnavailable, 3),
    ];
    for (status, message, expected, attempts) in cases {
        let server = MockServer::builder().start().await;
        answer_with(
            &server,
            "/v2/embed",
            ResponseTemplate::new(status).set_body_json(json!({"id": "e1", "message": message})),
        )
        .await;
        let fx = cohere(&server.uri(), "embed-v4.0", &[]);
        let error = COHERE
            .embed(fx.ctx(), EmbeddingRequest::new(vec!["x".into()]))
            .await
            .expect_err("fails");
        assert_eq!(error.kind(), expected, "{status} {message}");
        assert_eq!(error.message(), message);
        assert_eq!(error.status(), Some(status));
        assert_eq!(requests(&server).await.len(), attempts, "{status}");
        assert_no_key(&error);
    }
}

#[tokio::test]
async fn remote_models_are_typed_by_endpoint() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
            {"name": "embed-v4.0", "endpoints": ["embed"], "finetuned": false, "context_length": 128000},
            {"name": "rerank-v3.5", "endpoints": ["rerank"], "finetuned": false, "context_length": 4096},
            {"name": "command-a-03-2025", "endpoints": ["chat"], "finetuned": false, "context_length": 256000}
        ]})))
        .mount(&server)
        .await;
    let fx = cohere(&server.uri(), "embed-v4.0", &[]);
    let models = COHERE
        .remote_models(fx.ctx().provider_context())
        .await
        .expect("listing");
    let typed: Vec<(&str, ModelType)> = models
        .iter()
        .map(|m| (m.id.as_str(), m.model_type))
        .collect();
    assert_eq!(
        typed,
        [
            ("embed-v4.0", ModelType::TextEmbedding),
            ("rerank-v3.5", ModelType::Rerank)
        ]
    );
    let sent = only_request(&server).await;
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test]
async fn credential_checks_make_the_smallest_calls() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/v2/rerank",
        ResponseTemplate::new(200)
            .set_body_json(rerank_answer(json!([{"index": 0, "relevance_score": 0.1}]))),
    )
    .await;
    let fx = cohere(&server.uri(), "rerank-v3.5", &[]);
    RerankProtocol::validate_credentials(&COHERE, fx.ctx())
        .await
        .expect("valid");
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": "rerank-v3.5", "query": "ping", "documents": ["pong"], "top_n": 1})
    );
}

#[test]
fn registered_under_its_name() {
    let set = by_name("cohere").expect("registered");
    let types: Vec<_> = set.model_types().collect();
    assert_eq!(types, [ModelType::TextEmbedding, ModelType::Rerank]);
}
