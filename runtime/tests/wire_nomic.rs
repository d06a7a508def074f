//! Nomic's embedding API against a mock server: the documented request (`texts`,
//! `task_type`, Bearer key), the answer's vectors and usage, batching by `max_chunks`, and
//! FastAPI error bodies of each status class.

mod common;
mod protocols_support;

use common::{Fixture, API_KEY};
use modelrt_runtime::embedding::{EmbeddingInputType, EmbeddingRequest};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::protocol::TextEmbeddingProtocol;
use modelrt_runtime::protocols::nomic::NOMIC;
use protocols_support::{assert_no_key, body, fixture, header, only_request, requests};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MODEL: &str = "nomic-embed-text-v1.5";

/// Dify's `nomic` provider: one secret, `nomic_api_key`.
fn nomic(server: &MockServer, texts: &[(&'static str, &str)]) -> Fixture {
    let base: &'static str = Box::leak(server.uri().into_boxed_str());
    fixture(
        "nomic",
        vec![
            ("api_key_variable", "nomic_api_key"),
            ("base_url", base),
            ("protocol", "nomic"),
        ],
        MODEL,
        &["nomic_api_key"],
        texts,
    )
}

async fn answer(server: &MockServer, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/embedding/text"))
        .respond_with(template)
        .mount(server)
        .await;
}

#[tokio::test]
async fn embeds_documents_and_queries_with_their_task_type() {
    let server = MockServer::builder().start().await;
    let documented = json!({
        "embeddings": [[0.0084, -0.0215, 0.0141], [0.0315, 0.0042, -0.0187]],
        "usage": {"prompt_tokens": 10, "total_tokens": 10},
        "model": MODEL,
        "inference_mode": "remote"
    });
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(documented),
    )
    .await;
    let fx = nomic(&server, &[]);
    let got = NOMIC
        .embed(
            fx.ctx(),
            EmbeddingRequest::new(vec![
                "so much depends upon".into(),
                "a red wheel barrow".into(),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(got.embeddings.len(), 2);
    assert_eq!(got.embeddings[1], vec![0.0315_f32, 0.0042, -0.0187]);
    assert_eq!(got.usage.tokens, 10);
    assert!(!got.usage.estimated);
    assert_eq!(got.model, MODEL);
    let sent = only_request(&server).await;
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(
        body(&sent),
        json!({"model": MODEL, "texts": ["so much depends upon", "a red wheel barrow"],
               "task_type": "search_document"})
    );

    let query = EmbeddingRequest {
        texts: vec!["wheel".into()],
        input_type: EmbeddingInputType::Query,
    };
    let one = json!({"embeddings": [[0.5]], "usage": {"prompt_tokens": 3, "total_tokens": 3}, "model": MODEL});
    server.reset().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(one)).await;
    NOMIC.embed(fx.ctx(), query).await.unwrap();
    assert_eq!(
        body(&only_request(&server).await)["task_type"],
        json!("search_query")
    );
}

#[tokio::test]
async fn texts_are_batched_by_max_chunks_and_usage_is_summed() {
    let server = MockServer::builder().start().await;
    let one = json!({"embeddings": [[1.0]], "usage": {"prompt_tokens": 4, "total_tokens": 4}, "model": MODEL});
    answer(&server, ResponseTemplate::new(200).set_body_json(one)).await;
    let fx = nomic(&server, &[("max_chunks", "1")]);
    let got = NOMIC
        .embed(
            fx.ctx(),
            EmbeddingRequest::new(vec!["a".into(), "b".into()]),
        )
        .await
        .unwrap();
    assert_eq!(got.embeddings, vec![vec![1.0_f32], vec![1.0]]);
    assert_eq!(got.usage.tokens, 8);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(body(&sent[1])["texts"], json!(["b"]));
}

#[tokio::test]
async fn a_vector_count_that_differs_from_the_texts_is_an_error() {
    let server = MockServer::builder().start().await;
    let short = json!({"embeddings": [[1.0]], "usage": {"prompt_tokens": 4, "total_tokens": 4}, "model": MODEL});
    answer(&server, ResponseTemplate::new(200).set_body_json(short)).await;
    let fx = nomic(&server, &[]);
    let error = NOMIC
        .embed(
            fx.ctx(),
            EmbeddingRequest::new(vec!["a".into(), "b".into()]),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert_eq!(error.provider(), Some("nomic"));
}

#[tokio::test]
async fn fastapi_error_bodies_map_by_status() {
    let cases = [
        (
            401,
            json!({"detail": "Could not validate credentials"}),
            ErrorKind::Authorization,
            "Could not validate credentials",
        ),
        (
            422,
            json!({"detail": [{"loc": ["body", "texts"], "msg": "field required", "type": "value_error.missing"}]}),
            ErrorKind::BadRequest,
            "field required",
        ),
        (
            429,
            json!({"detail": "Rate limit exceeded"}),
            ErrorKind::RateLimit,
            "Rate limit exceeded",
        ),
        (
            500,
            json!({"detail": "Internal Server Error"}),
            ErrorKind::ServerUnavailable,
            "Internal Server Error",
        ),
    ];
    for (status, error_body, kind, message) in cases {
        let server = MockServer::builder().start().await;
        answer(
            &server,
            ResponseTemplate::new(status)
                .set_body_json(error_body)
                .insert_header("retry-after", "0"),
        )
        .await;
        let mut fx = nomic(&server, &[]);
        fx.http.max_retries = 0;
        let error = NOMIC
            .embed(fx.ctx(), EmbeddingRequest::new(vec!["a".into()]))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert_eq!(error.status(), Some(status));
        assert!(error.to_string().contains(message), "{error}");
        assert_eq!(error.model(), Some(MODEL));
        assert_no_key(&error);
    }
}
