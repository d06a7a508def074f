//! The `least-busy` and `lowest-latency` routing strategies against local mock upstreams
//! that are slow, fast, failing and recovering.

use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::routing::{ask, calls_for, completion};
use crate::support;

/// Answers chat calls for `model` after `delay`, with `status` (a completion naming the
/// model on 200).
async fn serve(upstream: &MockServer, model: &str, status: u16, delay: Duration) {
    let template = if status == 200 {
        ResponseTemplate::new(200).set_body_json(completion(&format!("from {model}")))
    } else {
        ResponseTemplate::new(status).set_body_json(json!({"error": {"message": "overloaded"}}))
    };
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"model": model})))
        .respond_with(template.set_delay(delay))
        .mount(upstream)
        .await;
}

/// A routing file with one alias `chat` using `strategy` over `(model, weight)`
/// deployments of the mock; cooldowns are out of the way.
fn routing_file(strategy: &str, deployments: &[(&str, u32)]) -> String {
    let mut yaml =
        format!("models:\n  - alias: chat\n    strategy: {strategy}\n    deployments:\n");
    for (model, weight) in deployments {
        yaml.push_str(&format!(
            "      - provider: openai_api_compatible\n        model: {model}\n        weight: {weight}\n"
        ));
    }
    yaml.push_str("cooldown:\n  after_failures: 1000\n  seconds: 1\n");
    yaml
}

/// Which deployment answered.
fn answered_by(answer: &serde_json::Value) -> String {
    answer["choices"][0]["message"]["content"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("from ")
        .to_owned()
}

#[tokio::test]
async fn least_busy_sends_each_request_to_the_deployment_with_fewest_in_flight() {
    let upstream = MockServer::start().await;
    let slow = Duration::from_millis(800);
    serve(&upstream, "model-a", 200, slow).await;
    serve(&upstream, "model-b", 200, slow).await;
    // By weight alone, model-a would take nearly every request.
    let yaml = routing_file("least-busy", &[("model-a", 1_000_000), ("model-b", 1)]);
    let (running, _) = support::start_routed(&upstream.uri(), &yaml, &[]).await;
    let running = std::sync::Arc::new(running);
    let mut calls = Vec::new();
    for _ in 0..4 {
        let running = running.clone();
        calls.push(tokio::spawn(async move { ask(&running).await }));
        // Each request is in flight before the next one is routed.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for call in calls {
        let (status, answer) = call.await.unwrap();
        assert_eq!(status, 200, "{answer}");
    }
    assert_eq!(calls_for(&upstream, "model-a").await, 2);
    assert_eq!(calls_for(&upstream, "model-b").await, 2);
    // Once both are idle again, the weight breaks the tie.
    let (_, answer) = ask(&running).await;
    assert_eq!(answered_by(&answer), "model-a");
}

#[tokio::test]
async fn lowest_latency_prefers_the_fastest_and_wins_back_a_recovered_deployment() {
    let upstream = MockServer::start().await;
    serve(&upstream, "fast", 200, Duration::ZERO).await;
    serve(&upstream, "slow", 200, Duration::from_millis(100)).await;
    let yaml = routing_file("lowest-latency", &[("fast", 1), ("slow", 1)]);
    let (running, _) = support::start_routed(&upstream.uri(), &yaml, &[]).await;
    let mut by_fast = 0;
    for _ in 0..40 {
        let (status, answer) = ask(&running).await;
        assert_eq!(status, 200, "{answer}");
        by_fast += usize::from(answered_by(&answer) == "fast");
    }
    // Both are measured once; then only exploration (1 in 10, half of it to `slow`)
    // leaves `fast`.
    assert!(by_fast >= 30, "fast answered {by_fast} of 40");

    // `fast` fails: traffic moves to `slow`, every request still answered.
    upstream.reset().await;
    serve(&upstream, "fast", 503, Duration::ZERO).await;
    serve(&upstream, "slow", 200, Duration::from_millis(100)).await;
    for _ in 0..10 {
        let (status, answer) = ask(&running).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answered_by(&answer), "slow");
    }
    let failed_calls = calls_for(&upstream, "fast").await;
    assert!(
        failed_calls < 10,
        "a failed deployment is not tried first: {failed_calls} calls"
    );

    // `fast` recovers: exploration tries it again, and it wins its traffic back.
    upstream.reset().await;
    serve(&upstream, "fast", 200, Duration::ZERO).await;
    serve(&upstream, "slow", 200, Duration::from_millis(100)).await;
    let mut recovered = false;
    for _ in 0..200 {
        let (_, answer) = ask(&running).await;
        if answered_by(&answer) == "fast" {
            recovered = true;
            break;
        }
    }
    assert!(
        recovered,
        "exploration never retried the recovered deployment"
    );
    let mut by_fast = 0;
    for _ in 0..20 {
        let (_, answer) = ask(&running).await;
        by_fast += usize::from(answered_by(&answer) == "fast");
    }
    assert!(
        by_fast >= 15,
        "fast answered {by_fast} of 20 after recovering"
    );
}
