//! `POST /v1/embeddings`, with float and base64 vectors.

use base64::Engine;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, MODEL, UPSTREAM_KEY};

#[tokio::test]
async fn embeddings_are_sent_exactly_and_returned_as_floats_or_base64() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(header(
            "authorization",
            format!("Bearer {UPSTREAM_KEY}").as_str(),
        ))
        .and(body_json(
            json!({"model": "local-model", "input": ["one", "two"]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [
                {"object": "embedding", "index": 0, "embedding": [0.5, -1.0]},
                {"object": "embedding", "index": 1, "embedding": [0.25, 2.0]}
            ],
            "model": "local-model",
            "usage": {"prompt_tokens": 4, "total_tokens": 4}
        })))
        .expect(2)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let request = json!({"model": MODEL, "input": ["one", "two"]});
    let answer = support::json_ok(gateway.post("/v1/embeddings", &request).await).await;
    assert_eq!(answer["object"], "list");
    assert_eq!(answer["model"], MODEL);
    assert_eq!(
        answer["data"][1],
        json!({"object": "embedding", "index": 1, "embedding": [0.25, 2.0]})
    );
    assert_eq!(
        answer["usage"],
        json!({"prompt_tokens": 4, "total_tokens": 4})
    );

    let request = json!({"model": MODEL, "input": ["one", "two"], "encoding_format": "base64"});
    let answer = support::json_ok(gateway.post("/v1/embeddings", &request).await).await;
    let encoded = answer["data"][0]["embedding"].as_str().unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    let floats: Vec<f32> = bytes
        .chunks(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    assert_eq!(floats, [0.5, -1.0]);
}
