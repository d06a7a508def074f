//! `POST /v1/rerank` (Cohere/Jina shape) and `POST /v1/moderations`.

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, MODEL, UPSTREAM_KEY};

#[tokio::test]
async fn rerank_orders_documents_in_the_cohere_jina_shape() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/rerank"))
        .and(header(
            "authorization",
            format!("Bearer {UPSTREAM_KEY}").as_str(),
        ))
        .and(body_json(json!({
            "model": "local-model", "query": "capital of France",
            "documents": ["Berlin is in Germany", "Paris is the capital of France"], "top_n": 2
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "model": "local-model",
            "results": [
                {"index": 1, "relevance_score": 0.98},
                {"index": 0, "relevance_score": 0.02}
            ],
            "usage": {"total_tokens": 12}
        })))
        .expect(1)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let request = json!({
        "model": MODEL, "query": "capital of France",
        "documents": ["Berlin is in Germany", {"text": "Paris is the capital of France"}]
    });
    let response = gateway.post("/v1/rerank", &request).await;
    let answer = support::json_ok(response).await;
    assert_eq!(answer["model"], MODEL);
    assert_eq!(
        answer["results"],
        json!([
            {"index": 1, "relevance_score": 0.98, "document": {"text": "Paris is the capital of France"}},
            {"index": 0, "relevance_score": 0.02, "document": {"text": "Berlin is in Germany"}}
        ])
    );
    assert_eq!(answer["usage"], json!({"total_tokens": 12}));
}

#[tokio::test]
async fn moderations_return_one_result_per_input() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/moderations"))
        .and(header(
            "authorization",
            format!("Bearer {UPSTREAM_KEY}").as_str(),
        ))
        .and(body_json(
            json!({"model": "omni-moderation-latest", "input": ["I will hurt you"]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "modr-1", "model": "omni-moderation-latest",
            "results": [{
                "flagged": true,
                "categories": {"violence": true, "harassment": false},
                "category_scores": {"violence": 0.91, "harassment": 0.12}
            }]
        })))
        .expect(1)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let request = json!({"model": "openai/omni-moderation-latest", "input": "I will hurt you"});
    let response = gateway.post("/v1/moderations", &request).await;
    let answer = support::json_ok(response).await;
    assert_eq!(answer["model"], "openai/omni-moderation-latest");
    let result = &answer["results"][0];
    assert_eq!(result["flagged"], true);
    assert_eq!(result["categories"]["violence"], true);
    assert_eq!(result["categories"]["harassment"], false);
    assert_eq!(result["category_scores"]["violence"], 0.91);
}
