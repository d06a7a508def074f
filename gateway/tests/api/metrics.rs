//! `GET /metrics` after real requests through the gateway to a mock upstream: requests by
//! model and status, tokens, cost, latency, time to first token, overhead, upstream errors,
//! rejections, and who may read it.

use std::time::Instant;

use modelrt::registry::provider;
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::pricing::cost;
use modelrt::runtime::secret::Secret;
use modelrt_gateway::{Rejection, Settings, OVERHEAD_HEADER};
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, upstream_sse, MODEL};

/// The value of the sample `name` whose labels include every `labels` pair; `None` when
/// there is no such sample.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        let (block, value) = match rest.strip_prefix('{') {
            Some(rest) => rest.split_once("} ")?,
            None => ("", rest.strip_prefix(' ')?),
        };
        labels
            .iter()
            .all(|(k, v)| block.contains(&format!("{k}=\"{v}\"")))
            .then(|| value.trim().parse().unwrap())
    })
}

/// Mounts a plain completion of `model` on the mock.
async fn answer_plain(upstream: &MockServer, model: &str, usage: serde_json::Value) {
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"model": model})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
            "usage": usage
        })))
        .mount(upstream)
        .await;
}

async fn scrape(running: &support::Running, key: Option<&str>) -> reqwest::Response {
    let mut request = running.client.get(running.url("/metrics"));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn metrics_count_what_went_through() {
    let upstream = MockServer::start().await;
    answer_plain(
        &upstream,
        "local-model",
        json!({"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12,
               "prompt_tokens_details": {"cached_tokens": 2}}),
    )
    .await;
    answer_plain(
        &upstream,
        "gpt-4o-mini",
        json!({"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"model": "streamed-model"})))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(upstream_sse(&[
                    json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "streamed-model",
                           "choices": [{"index": 0, "delta": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]}),
                    json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "streamed-model",
                           "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}),
                ])),
        )
        .mount(&upstream)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"model": "broken-model"})))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"error": {"message": "boom"}})),
        )
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let ask = |model: &str, stream: bool| {
        json!({"model": model, "messages": [{"role": "user", "content": "hi"}], "stream": stream,
               "stream_options": if stream { json!({"include_usage": true}) } else { json!(null) }})
    };

    for _ in 0..2 {
        let started = Instant::now();
        let response = gateway
            .post("/v1/chat/completions", &ask(MODEL, false))
            .await;
        let total = started.elapsed();
        let overhead: u64 = response.headers()[OVERHEAD_HEADER.as_str()]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            u128::from(overhead) < total.as_micros(),
            "overhead {overhead} us within {total:?}"
        );
        support::json_ok(response).await;
    }
    support::json_ok(
        gateway
            .post("/v1/chat/completions", &ask("openai/gpt-4o-mini", false))
            .await,
    )
    .await;
    let streamed = gateway
        .post(
            "/v1/chat/completions",
            &ask("openai_api_compatible/streamed-model", true),
        )
        .await;
    assert!(streamed.headers().contains_key(OVERHEAD_HEADER.as_str()));
    support::text_ok(streamed).await;
    let failed = gateway
        .post(
            "/v1/chat/completions",
            &ask("openai_api_compatible/broken-model", false),
        )
        .await;
    assert_eq!(failed.status(), 503);
    let unknown = gateway
        .post("/v1/chat/completions", &ask("nowhere/some-model", false))
        .await;
    assert_eq!(unknown.status(), 404);

    let response = scrape(&gateway, None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = response.text().await.unwrap();
    let local = [
        ("alias", MODEL),
        ("provider", "openai_api_compatible"),
        ("model", "local-model"),
    ];
    let with_status = |status| {
        let mut labels = local.to_vec();
        labels.push(("status", status));
        labels
    };
    assert_eq!(
        sample(&text, "modelrt_requests_total", &with_status("200")),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "modelrt_prompt_tokens_total", &local),
        Some(14.0)
    );
    assert_eq!(
        sample(&text, "modelrt_completion_tokens_total", &local),
        Some(10.0)
    );
    assert_eq!(
        sample(&text, "modelrt_cached_tokens_total", &local),
        Some(4.0)
    );
    assert_eq!(
        sample(&text, "modelrt_request_duration_seconds_count", &local),
        Some(2.0)
    );
    assert_eq!(
        sample(&text, "modelrt_cost_total", &local),
        None,
        "a customizable model has no prices"
    );

    // Cost at the catalog's prices.
    let pricing = provider("openai")
        .unwrap()
        .model(ModelType::Llm, "gpt-4o-mini")
        .unwrap()
        .pricing
        .unwrap();
    let expected = cost(&pricing, 1000, 500);
    let priced = [("provider", "openai"), ("model", "gpt-4o-mini")];
    let charged = sample(&text, "modelrt_cost_total", &priced).expect(&text);
    assert!(
        (charged - f64::try_from(expected.total).unwrap()).abs() < 1e-12,
        "{charged} vs {}",
        expected.total
    );
    assert!(text.contains(&format!("currency=\"{}\"", expected.currency)));

    // The stream: its usage, and a time to first token.
    let streamed = [("model", "streamed-model")];
    assert_eq!(
        sample(&text, "modelrt_prompt_tokens_total", &streamed),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &text,
            "modelrt_time_to_first_token_seconds_count",
            &streamed
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "modelrt_gateway_overhead_seconds_count",
            &[("stream", "true")]
        ),
        Some(1.0)
    );
    // Three plain answers and one failed call reached a provider.
    assert_eq!(
        sample(
            &text,
            "modelrt_gateway_overhead_seconds_count",
            &[("stream", "false")]
        ),
        Some(4.0)
    );

    // The failure, by kind, and the unknown model without a model label.
    assert_eq!(
        sample(
            &text,
            "modelrt_upstream_errors_total",
            &[("model", "broken-model"), ("kind", "server_unavailable")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "modelrt_requests_total",
            &[("model", "broken-model"), ("status", "503")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "modelrt_requests_total",
            &[("alias", ""), ("model", ""), ("status", "404")]
        ),
        Some(1.0)
    );
    assert!(!text.contains("nowhere"), "unknown names are no labels");
}

#[tokio::test]
async fn rejections_are_counted_by_reason() {
    let upstream = MockServer::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let gateway =
        modelrt_gateway::Gateway::new(support::credentials(&upstream.uri()), Settings::default());
    gateway.metrics().record_rejection(Rejection::Budget);
    gateway.metrics().record_rejection(Rejection::Budget);
    gateway.metrics().record_rejection(Rejection::RateLimit);
    tokio::spawn(gateway.serve(listener, std::future::pending()));
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        sample(&text, "modelrt_rejections_total", &[("reason", "budget")]),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &text,
            "modelrt_rejections_total",
            &[("reason", "rate_limit")]
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn metrics_need_the_master_key_when_one_is_set() {
    let upstream = MockServer::start().await;
    let settings = Settings {
        key: Some(Secret::new("gw-key-123")),
        master_key: Some(Secret::new("master-key-456")),
        ..Settings::default()
    };
    let gateway = support::start_with(&upstream.uri(), settings).await;
    assert_eq!(scrape(&gateway, None).await.status(), 401);
    assert_eq!(scrape(&gateway, Some("gw-key-123")).await.status(), 401);
    assert_eq!(scrape(&gateway, Some("master-key-456")).await.status(), 200);

    let only_gateway_key = Settings {
        key: Some(Secret::new("gw-key-123")),
        ..Settings::default()
    };
    let gateway = support::start_with(&upstream.uri(), only_gateway_key).await;
    assert_eq!(scrape(&gateway, None).await.status(), 401);
    assert_eq!(scrape(&gateway, Some("gw-key-123")).await.status(), 200);
}
