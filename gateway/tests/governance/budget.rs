//! Budgets hold under concurrency: each request reserves its worst case before it is sent.

use futures::future::join_all;
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::support::{self, cost, counted_prompt_tokens, Running, MODEL};

/// The completion tokens asked for (and, from the mock, used).
const MAX_TOKENS: u64 = 100;

/// 50 concurrent requests against `gateways` (round robin) with a budget fitting 10 worst
/// cases: exactly 10 succeed, the rest are 429s with `retry-after` naming the budget, and the
/// key's spend equals the sum of the logged costs to the last decimal.
pub async fn fifty_against_ten(gateways: &[&Running]) {
    let prompt = counted_prompt_tokens();
    let worst = cost(prompt, MAX_TOKENS);
    // Room for 10 worst cases and half of an 11th.
    let limit = worst * Decimal::from(10) + worst / Decimal::from(2);
    let (id, key) = gateways[0]
        .create_key(
            json!({"name": "tight", "budget": {"limit": limit.to_string(), "period": "daily"}}),
        )
        .await;
    let responses =
        join_all((0..50).map(|i| gateways[i % gateways.len()].chat(&key, MAX_TOKENS))).await;
    let mut succeeded = 0;
    for response in responses {
        match response.status().as_u16() {
            200 => succeeded += 1,
            429 => {
                let retry_after = response.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .to_owned();
                assert!(retry_after.parse::<u64>().unwrap() >= 1, "{retry_after}");
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["error"]["type"], "rate_limit_error", "{body}");
                let message = body["error"]["message"].as_str().unwrap();
                assert!(
                    message.contains("virtual key `tight` has not enough daily budget"),
                    "{message}"
                );
            }
            other => panic!(
                "unexpected status {other}: {}",
                response.text().await.unwrap()
            ),
        }
    }
    assert_eq!(succeeded, 10);

    let (_, view) = gateways[0]
        .admin(Method::GET, &format!("/keys/{id}"), None)
        .await;
    let spent: Decimal = view["spent"].as_str().unwrap().parse().unwrap();
    assert_eq!(spent, worst * Decimal::from(10), "{view}");
    let (_, logs) = gateways[0]
        .admin(Method::GET, "/spend/logs?limit=1000", None)
        .await;
    let rows: Vec<&Value> = logs["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["key_id"] == id.as_str())
        .collect();
    assert_eq!(rows.len(), 50, "one row per request, refused ones too");
    let refusals = rows.iter().filter(|row| row["status"] == 429).count();
    assert_eq!(refusals, 40);
    assert!(rows
        .iter()
        .filter(|row| row["status"] == 429)
        .all(|row| row["error_kind"] == "budget" && row["cost"] == "0"));
    let rows: Vec<&Value> = rows
        .into_iter()
        .filter(|row| row["status"] == 200)
        .collect();
    assert_eq!(rows.len(), 10);
    let logged: Decimal = rows
        .iter()
        .map(|row| row["cost"].as_str().unwrap().parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(logged, spent);
    let row = rows[0];
    assert_eq!(row["alias"], MODEL);
    assert_eq!(row["deployment"], MODEL);
    assert_eq!(row["prompt_tokens"], prompt);
    assert_eq!(row["completion_tokens"], MAX_TOKENS);
    assert_eq!(row["status"], 200);
    assert_eq!(row["key_name"], "tight");

    // Every refusal is counted on /metrics, which takes the master key.
    let mut refused = 0;
    for gateway in gateways {
        assert_eq!(gateway.metrics(None).await.0, 401);
        let (status, text) = gateway.metrics(Some(support::MASTER)).await;
        assert_eq!(status, 200, "{text}");
        refused += text
            .lines()
            .find_map(|line| line.strip_prefix("modelrt_rejections_total{reason=\"budget\"} "))
            .map_or(0, |count| count.trim().parse::<u64>().unwrap());
    }
    assert_eq!(refused, 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_requests_against_a_budget_for_ten_on_sqlite() {
    let upstream = support::mock_upstream(counted_prompt_tokens(), MAX_TOKENS, 500).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    fifty_against_ten(&[&gateway]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn settlement_charges_actual_usage_and_releases_the_rest() {
    // The model answers with 10 tokens though 1000 were reserved.
    let upstream = support::mock_upstream(counted_prompt_tokens(), 10, 0).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let worst = cost(counted_prompt_tokens(), 1000);
    let actual = cost(counted_prompt_tokens(), 10);
    // Three requests fit only if each releases the unused part of its reservation.
    let limit = worst + actual * Decimal::from(2);
    assert!(actual * Decimal::from(2) < worst);
    let (id, key) = gateway
        .create_key(
            json!({"name": "roomy", "budget": {"limit": limit.to_string(), "period": "monthly"}}),
        )
        .await;
    for _ in 0..3 {
        let response = gateway.chat(&key, 1000).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    let (_, view) = gateway
        .admin(Method::GET, &format!("/keys/{id}"), None)
        .await;
    let spent: Decimal = view["spent"].as_str().unwrap().parse().unwrap();
    assert_eq!(spent, actual * Decimal::from(3));
    // Without max_tokens the worst case is the model's largest output (16384 tokens).
    let response = gateway
        .client
        .post(format!("{}/v1/chat/completions", gateway.base))
        .bearer_auth(&key)
        .json(&json!({"model": MODEL, "messages": [{"role": "user", "content": "Say hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.text().await.unwrap().contains("worst case"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fallbacks_are_admitted_and_logged_like_first_attempts() {
    use wiremock::matchers::{body_partial_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"model": "gpt-4o-mini"})))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "error": {"message": "overloaded", "type": "server_error", "code": null}
        })))
        .mount(&upstream)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"model": "gpt-4o"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "c", "object": "chat.completion", "created": 1, "model": "gpt-4o",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 8, "completion_tokens": 2, "total_tokens": 10}
        })))
        .mount(&upstream)
        .await;
    let yaml = "models:\n  - alias: chat\n    deployments:\n      - provider: openai\n        model: gpt-4o-mini\n        weight: 1000000\n      - provider: openai\n        model: gpt-4o\n        weight: 1\ncooldown:\n  after_failures: 1000\n  seconds: 1\n";
    let gateway = support::start_routed(&upstream.uri(), None, None, yaml).await;
    let ask = |key: &str| {
        gateway
            .client
            .post(format!("{}/v1/chat/completions", gateway.base))
            .bearer_auth(key.to_owned())
            .json(&json!({"model": "chat", "messages": [{"role": "user", "content": "Say hi"}], "max_tokens": 100}))
            .send()
    };

    // Enough for the cheap first deployment's worst case, not for the fallback's: the
    // fallback is refused, not sent.
    let limit = cost(counted_prompt_tokens(), 100) * Decimal::from(2);
    let (_, tight) = gateway
        .create_key(json!({"name": "tight", "models": ["chat"], "budget": {"limit": limit.to_string(), "period": "daily"}}))
        .await;
    let refused = ask(&tight).await.unwrap();
    assert_eq!(refused.status(), 429);
    let message = refused.text().await.unwrap();
    assert!(
        message.contains("worst case") && message.contains("for `chat`"),
        "{message}"
    );
    let sent: Vec<Value> = upstream
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| request.body_json().unwrap())
        .collect();
    assert_eq!(sent.len(), 1, "only the first deployment was called");
    assert_eq!(sent[0]["model"], "gpt-4o-mini");

    // With room for both, the failed attempt and the fallback are each logged.
    let (id, roomy) = gateway
        .create_key(json!({"name": "roomy", "budget": {"limit": "1", "period": "daily"}}))
        .await;
    let answered = ask(&roomy).await.unwrap();
    assert_eq!(answered.status(), 200, "{}", answered.text().await.unwrap());
    let (_, logs) = gateway.admin(Method::GET, "/spend/logs", None).await;
    let rows: Vec<&Value> = logs["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["key_id"] == id.as_str())
        .collect();
    assert_eq!(rows.len(), 2, "{logs}");
    assert_eq!(rows[0]["deployment"], "openai/gpt-4o");
    assert_eq!(rows[0]["alias"], "chat");
    assert_eq!(rows[0]["status"], 200);
    assert_eq!(rows[1]["deployment"], "openai/gpt-4o-mini");
    assert_eq!(rows[1]["status"], 503);
    assert_eq!(rows[1]["error_kind"], "ServerUnavailable");
    assert_eq!(rows[1]["cost"], "0");
    let (_, view) = gateway
        .admin(Method::GET, &format!("/keys/{id}"), None)
        .await;
    assert_eq!(view["spent"], rows[0]["cost"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_gone_mid_call_is_charged_its_reservation() {
    let upstream = support::mock_upstream(counted_prompt_tokens(), MAX_TOKENS, 3000).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let (id, key) = gateway
        .create_key(json!({"name": "impatient", "budget": {"limit": "1", "period": "daily"}}))
        .await;
    let gone = gateway
        .client
        .post(format!("{}/v1/chat/completions", gateway.base))
        .bearer_auth(&key)
        .timeout(std::time::Duration::from_millis(300))
        .json(&json!({"model": MODEL, "messages": [{"role": "user", "content": "Say hi"}], "max_tokens": MAX_TOKENS}))
        .send()
        .await;
    assert!(gone.is_err());
    let worst = cost(counted_prompt_tokens(), MAX_TOKENS);
    let mut spent = Decimal::ZERO;
    for _ in 0..50 {
        let (_, view) = gateway
            .admin(Method::GET, &format!("/keys/{id}"), None)
            .await;
        spent = view["spent"].as_str().unwrap().parse().unwrap();
        if spent > Decimal::ZERO {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(spent, worst);
    let (_, logs) = gateway.admin(Method::GET, "/spend/logs", None).await;
    let row = &logs["data"][0];
    assert_eq!(row["status"], 499, "{row}");
    assert_eq!(row["error_kind"], "cancelled");
    assert_eq!(
        row["cost"].as_str().unwrap().parse::<Decimal>().unwrap(),
        worst
    );
}
