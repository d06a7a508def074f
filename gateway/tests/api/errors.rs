//! Errors in OpenAI's shape with the right status: upstream failures, unknown models, the
//! gateway key; the upstream key never shows, in responses or in log lines.

use modelrt::runtime::secret::Secret;
use modelrt_gateway::Settings;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, MODEL, UPSTREAM_KEY};

fn chat(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": "hi"}]})
}

async fn upstream_failing(status: u16, body: Value, retry_after: Option<&str>) -> MockServer {
    let upstream = MockServer::start().await;
    let mut template = ResponseTemplate::new(status).set_body_json(body);
    if let Some(seconds) = retry_after {
        template = template.insert_header("retry-after", seconds);
    }
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(template)
        .mount(&upstream)
        .await;
    upstream
}

/// Status, headers and error body of a chat call through a gateway in front of `upstream`.
async fn failed_chat(upstream: &MockServer, model: &str) -> (u16, Option<String>, Value) {
    let gateway = support::start(&upstream.uri()).await;
    let response = gateway.post("/v1/chat/completions", &chat(model)).await;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    assert!(!text.contains(UPSTREAM_KEY), "{text}");
    (status, retry_after, serde_json::from_str(&text).unwrap())
}

#[tokio::test]
async fn a_rate_limit_is_a_429_with_retry_after_passed_through() {
    let body = json!({"error": {"message": "Rate limit reached for requests", "type": "requests",
                                "param": null, "code": "rate_limit_exceeded"}});
    let upstream = upstream_failing(429, body, Some("7")).await;
    let (status, retry_after, error) = failed_chat(&upstream, MODEL).await;
    assert_eq!(status, 429);
    assert_eq!(retry_after.as_deref(), Some("7"));
    assert_eq!(error["error"]["type"], "rate_limit_error");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("openai_api_compatible/local-model: rate limited: Rate limit reached"),
        "{message}"
    );
}

#[tokio::test]
async fn an_overloaded_upstream_is_a_503_and_a_rejected_upstream_key_a_502() {
    let overloaded =
        json!({"error": {"message": "The server is overloaded", "type": "server_error"}});
    let upstream = upstream_failing(503, overloaded, None).await;
    let (status, _, error) = failed_chat(&upstream, MODEL).await;
    assert_eq!(status, 503);
    assert_eq!(error["error"]["type"], "api_error");

    let rejected = json!({"error": {
        "message": format!("Incorrect API key provided: {UPSTREAM_KEY}."),
        "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}});
    let upstream = upstream_failing(401, rejected, None).await;
    let (status, _, error) = failed_chat(&upstream, MODEL).await;
    assert_eq!(
        status, 502,
        "the gateway's own key for the provider was rejected"
    );
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("authorization failed"), "{message}");
}

#[tokio::test]
async fn unknown_models_are_a_404_model_not_found() {
    let not_found = json!({"error": {"message": "The model `not-a-model` does not exist",
                                     "type": "invalid_request_error", "param": null, "code": "model_not_found"}});
    let upstream = upstream_failing(404, not_found, None).await;
    for (model, says) in [
        ("opneai/gpt-4o", "did you mean `openai`?"),
        ("gpt-4o", "<provider>/<model>"),
        ("openai/not-a-model", "does not exist"),
    ] {
        let (status, _, error) = failed_chat(&upstream, model).await;
        assert_eq!(status, 404, "{model}: {error}");
        assert_eq!(error["error"]["code"], "model_not_found", "{model}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{model}: {message}");
    }
}

#[tokio::test]
async fn the_gateway_key_is_required_when_set() {
    let upstream = MockServer::start().await;
    let settings = Settings {
        key: Some(Secret::new("gw-key-123")),
        ..Settings::default()
    };
    let gateway = support::start_with(&upstream.uri(), settings).await;
    for sent in [
        None,
        Some("Bearer wrong"),
        Some("gw-key-123"),
        Some("Bearer gw-key-1234"),
    ] {
        let mut request = gateway.client.get(gateway.url("/v1/models"));
        if let Some(value) = sent {
            request = request.header("authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{sent:?}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["type"], "authentication_error");
        assert_eq!(error["error"]["code"], "invalid_api_key");
    }
    let response = gateway
        .client
        .get(gateway.url("/v1/models"))
        .bearer_auth("gw-key-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
