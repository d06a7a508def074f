//! Bad input gets a clear 4xx in OpenAI's shape, never a panic or a 500.

use modelrt_gateway::Settings;
use serde_json::{json, Value};
use wiremock::MockServer;

use crate::support::{self, MODEL};

async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap().to_owned();
    (status, message)
}

#[tokio::test]
async fn malformed_bodies_unknown_paths_and_limits_are_clear_4xx() {
    let upstream = MockServer::start().await;
    let settings = Settings {
        body_limit: 4096,
        ..Settings::default()
    };
    let gateway = support::start_with(&upstream.uri(), settings).await;
    let raw = |body: &'static str| {
        gateway
            .client
            .post(gateway.url("/v1/chat/completions"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let (status, message) = error_of(raw("{\"model\": ").await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(
        message.starts_with("the request body is not valid JSON"),
        "{message}"
    );

    let (status, message) = error_of(raw("[1, 2]").await.unwrap()).await;
    assert_eq!(
        (status, message.as_str()),
        (400, "the request body must be a JSON object")
    );

    let cases = [
        (json!({"messages": []}), "the `model` field is missing"),
        (json!({"model": MODEL}), "the `messages` field is missing"),
        (
            json!({"model": 42, "messages": []}),
            "`model`: invalid type: integer `42`",
        ),
        (
            json!({"model": MODEL, "messages": "hi"}),
            "`messages`: invalid type",
        ),
        (
            json!({"model": MODEL, "messages": [], "stream": "yes"}),
            "`stream`: invalid type",
        ),
        (
            json!({"model": MODEL, "messages": [{"role": "user", "content": "x"}], "n": 3}),
            "only `n: 1`",
        ),
    ];
    for (body, says) in cases {
        let (status, message) = error_of(gateway.post("/v1/chat/completions", &body).await).await;
        assert_eq!(status, 400, "{body}");
        assert!(message.contains(says), "{body}: {message}");
    }

    let huge =
        json!({"model": MODEL, "messages": [{"role": "user", "content": "x".repeat(10_000)}]});
    let (status, message) = error_of(gateway.post("/v1/chat/completions", &huge).await).await;
    assert_eq!(status, 413);
    assert!(message.contains("limit of 4096 bytes"), "{message}");

    let response = gateway
        .client
        .get(gateway.url("/v2/nothing"))
        .send()
        .await
        .unwrap();
    let (status, message) = error_of(response).await;
    assert_eq!(
        (status, message.as_str()),
        (404, "no endpoint GET /v2/nothing")
    );

    let response = gateway
        .client
        .get(gateway.url("/v1/chat/completions"))
        .send()
        .await
        .unwrap();
    let (status, _) = error_of(response).await;
    assert_eq!(status, 405);
}
