//! Aliases of a routing file: weighted routing, fallback on retryable failures, cooldown and
//! recovery, credentials by environment variable, and reload.

use std::time::Duration;

use modelrt_gateway::parse_routing;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support;

pub fn completion(content: &str) -> Value {
    json!({
        "id": "c", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    })
}

/// Answers chat calls for `model` with `status` (a completion naming the model on 200).
async fn serve_model(upstream: &MockServer, model: &str, status: u16) {
    let template = if status == 200 {
        ResponseTemplate::new(200).set_body_json(completion(&format!("from {model}")))
    } else {
        ResponseTemplate::new(status).set_body_json(json!({"error": {"message": "overloaded"}}))
    };
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"model": model})))
        .respond_with(template)
        .mount(upstream)
        .await;
}

/// A routing file with one alias `chat` over `(model, weight)` deployments of the mock.
fn routing_file(deployments: &[(&str, u32)], cooldown: &str) -> String {
    let mut yaml = String::from("models:\n  - alias: chat\n    deployments:\n");
    for (model, weight) in deployments {
        yaml.push_str(&format!(
            "      - provider: openai_api_compatible\n        model: {model}\n        weight: {weight}\n"
        ));
    }
    yaml.push_str(cooldown);
    yaml
}

pub async fn ask(running: &support::Running) -> (u16, Value) {
    let body = json!({"model": "chat", "messages": [{"role": "user", "content": "hi"}]});
    let response = running.post("/v1/chat/completions", &body).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

/// How many chat calls the mock got for `model`.
pub async fn calls_for(upstream: &MockServer, model: &str) -> usize {
    upstream
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| serde_json::from_slice::<Value>(&r.body).is_ok_and(|b| b["model"] == model))
        .count()
}

#[tokio::test]
async fn traffic_is_split_by_weight() {
    let upstream = MockServer::start().await;
    serve_model(&upstream, "model-a", 200).await;
    serve_model(&upstream, "model-b", 200).await;
    let yaml = routing_file(&[("model-a", 3), ("model-b", 1)], "");
    let (running, _) = support::start_routed(&upstream.uri(), &yaml, &[]).await;
    for _ in 0..200 {
        let (status, answer) = ask(&running).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["model"], "chat", "the alias is echoed");
    }
    let a = calls_for(&upstream, "model-a").await;
    assert!(
        (120..=180).contains(&a),
        "3:1 of 200 calls, got {a} to model-a"
    );
    assert_eq!(calls_for(&upstream, "model-b").await, 200 - a);
}

#[tokio::test]
async fn a_retryable_failure_falls_back_and_a_failing_deployment_cools_down_then_recovers() {
    let upstream = MockServer::start().await;
    serve_model(&upstream, "model-a", 503).await;
    serve_model(&upstream, "model-b", 200).await;
    let cooldown = "cooldown:\n  after_failures: 1\n  seconds: 1\n";
    // model-a is all but certain to be drawn first while it is not cooling down.
    let yaml = routing_file(&[("model-a", 1_000_000), ("model-b", 1)], cooldown);
    let (running, _) = support::start_routed(&upstream.uri(), &yaml, &[]).await;
    let (status, answer) = ask(&running).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["choices"][0]["message"]["content"], "from model-b");
    assert_eq!(calls_for(&upstream, "model-a").await, 1);
    for _ in 0..3 {
        let (status, _) = ask(&running).await;
        assert_eq!(status, 200);
    }
    assert_eq!(
        calls_for(&upstream, "model-a").await,
        1,
        "model-a is left out while cooling down"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _) = ask(&running).await;
    assert_eq!(status, 200);
    assert_eq!(
        calls_for(&upstream, "model-a").await,
        2,
        "model-a is tried again after its cooldown"
    );
}

#[tokio::test]
async fn when_every_deployment_fails_the_last_failure_is_returned() {
    let upstream = MockServer::start().await;
    serve_model(&upstream, "model-a", 503).await;
    serve_model(&upstream, "model-b", 503).await;
    let yaml = routing_file(&[("model-a", 1), ("model-b", 1)], "");
    let (running, _) = support::start_routed(&upstream.uri(), &yaml, &[]).await;
    let (status, answer) = ask(&running).await;
    assert_eq!(status, 503, "{answer}");
    assert_eq!(calls_for(&upstream, "model-a").await, 1);
    assert_eq!(calls_for(&upstream, "model-b").await, 1);
}

#[tokio::test]
async fn a_client_error_is_not_retried_elsewhere() {
    let upstream = MockServer::start().await;
    serve_model(&upstream, "model-a", 400).await;
    serve_model(&upstream, "model-b", 400).await;
    let yaml = routing_file(&[("model-a", 1), ("model-b", 1)], "");
    let (running, _) = support::start_routed(&upstream.uri(), &yaml, &[]).await;
    let (status, _) = ask(&running).await;
    assert_eq!(status, 400);
    assert_eq!(upstream.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn deployment_credentials_come_from_the_named_environment_variables() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-from-the-environment"))
        .and(body_partial_json(json!({"model": "gpt-4o-mini"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("from openai")))
        .expect(1)
        .mount(&upstream)
        .await;
    let base = format!("{}/v1", upstream.uri());
    let yaml = "models:\n  - alias: chat\n    deployments:\n      - provider: openai\n        model: gpt-4o-mini\n        credentials:\n          openai_api_key: TEAM_OPENAI_KEY\n          openai_api_base: TEAM_OPENAI_BASE\n";
    let env = [
        ("TEAM_OPENAI_KEY", "sk-from-the-environment"),
        ("TEAM_OPENAI_BASE", base.as_str()),
    ];
    let (running, _) = support::start_routed(&upstream.uri(), yaml, &env).await;
    let (status, answer) = ask(&running).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["choices"][0]["message"]["content"], "from openai");
}

#[tokio::test]
async fn a_reload_replaces_the_routes() {
    let upstream = MockServer::start().await;
    serve_model(&upstream, "model-a", 200).await;
    serve_model(&upstream, "model-b", 200).await;
    let yaml = routing_file(&[("model-a", 1)], "");
    let (running, gateway) = support::start_routed(&upstream.uri(), &yaml, &[]).await;
    let (_, answer) = ask(&running).await;
    assert_eq!(answer["choices"][0]["message"]["content"], "from model-a");
    let reloaded = routing_file(&[("model-b", 1)], "");
    gateway.reload_routing(parse_routing("gateway.yaml", &reloaded, |_| None).unwrap());
    let (_, answer) = ask(&running).await;
    assert_eq!(answer["choices"][0]["message"]["content"], "from model-b");
}

#[tokio::test]
async fn a_reload_with_new_credentials_for_the_same_model_uses_them() {
    let (first, second) = (MockServer::start().await, MockServer::start().await);
    serve_model(&first, "gpt-4o-mini", 200).await;
    serve_model(&second, "gpt-4o-mini", 200).await;
    let yaml = "models:\n  - alias: chat\n    deployments:\n      - provider: openai\n        model: gpt-4o-mini\n        credentials:\n          openai_api_key: TEAM_KEY\n          openai_api_base: TEAM_BASE\n";
    let base_of = |upstream: &MockServer| format!("{}/v1", upstream.uri());
    let first_base = base_of(&first);
    let env = [("TEAM_KEY", "sk-team"), ("TEAM_BASE", first_base.as_str())];
    let (running, gateway) = support::start_routed(&first.uri(), yaml, &env).await;
    for _ in 0..2 {
        let (status, answer) = ask(&running).await;
        assert_eq!(status, 200, "{answer}");
    }
    let second_base = base_of(&second);
    let lookup = |name: &str| {
        Some(
            if name == "TEAM_BASE" {
                &second_base
            } else {
                "sk-team"
            }
            .to_owned(),
        )
    };
    gateway.reload_routing(parse_routing("gateway.yaml", yaml, lookup).unwrap());
    assert_eq!(ask(&running).await.0, 200);
    // The handle opened with the first file's credentials is not used after the reload.
    assert_eq!(calls_for(&first, "gpt-4o-mini").await, 2);
    assert_eq!(calls_for(&second, "gpt-4o-mini").await, 1);
}

#[tokio::test]
async fn a_slow_deployment_times_out_and_the_next_one_answers() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"model": "model-a"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(completion("too late"))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&upstream)
        .await;
    serve_model(&upstream, "model-b", 200).await;
    let yaml = "models:\n  - alias: chat\n    deployments:\n      - provider: openai_api_compatible\n        model: model-a\n        weight: 1000000\n        timeout_seconds: 0.3\n      - provider: openai_api_compatible\n        model: model-b\n";
    let (running, _) = support::start_routed(&upstream.uri(), yaml, &[]).await;
    let started = std::time::Instant::now();
    let (status, answer) = ask(&running).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["choices"][0]["message"]["content"], "from model-b");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retries_wait_the_retry_after_the_provider_asks_for() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(
                    json!({"error": {"message": "slow down", "code": "rate_limit_exceeded"}}),
                ),
        )
        .up_to_n_times(1)
        .mount(&upstream)
        .await;
    serve_model(&upstream, "model-a", 200).await;
    let yaml = "models:\n  - alias: chat\n    deployments:\n      - provider: openai_api_compatible\n        model: model-a\n        retries: 1\n";
    let (running, _) = support::start_routed(&upstream.uri(), yaml, &[]).await;
    let started = std::time::Instant::now();
    let (status, answer) = ask(&running).await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the retry waited for retry-after: {:?}",
        started.elapsed()
    );
    assert_eq!(upstream.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_prompt_too_long_for_the_context_window_goes_to_the_declared_larger_model() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"model": "small-model"})))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "This model's maximum context length is 4096 tokens.",
            "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"
        }})))
        .expect(1)
        .mount(&upstream)
        .await;
    serve_model(&upstream, "large-model", 200).await;
    let yaml = "models:\n  - alias: chat\n    deployments:\n      - provider: openai_api_compatible\n        model: small-model\n    context_window_fallback: openai_api_compatible/large-model\n";
    let (running, _) = support::start_routed(&upstream.uri(), yaml, &[]).await;
    let (status, answer) = ask(&running).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        "from large-model"
    );
}
