//! Two gateway instances sharing one PostgreSQL and one Redis (started by
//! `scripts/with-services.sh`): the budget and the rate limit hold across both.

use reqwest::Method;
use serde_json::json;

use crate::budget::fifty_against_ten;
use crate::support::{self, counted_prompt_tokens};

const DATABASE: &str = "MODELRT_TEST_DATABASE_URL";
const REDIS: &str = "MODELRT_TEST_REDIS_URL";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_budgets_and_rate_limits() {
    let (Some(database), Some(redis)) = (support::service(DATABASE), support::service(REDIS))
    else {
        return;
    };
    let upstream = support::mock_upstream(counted_prompt_tokens(), 100, 500).await;
    let a = support::start(&upstream.uri(), Some(&database), Some(&redis)).await;
    let b = support::start(&upstream.uri(), Some(&database), Some(&redis)).await;
    fifty_against_ten(&[&a, &b]).await;

    // The totals add up in PostgreSQL's SQL as in SQLite's.
    for by in ["key", "model", "provider", "day"] {
        let (status, report) = b
            .admin(Method::GET, &format!("/spend?by={by}&since=1h"), None)
            .await;
        assert_eq!(status, 200, "{report}");
        assert!(
            !report["data"].as_array().unwrap().is_empty(),
            "{by}: {report}"
        );
    }
    let (_, by_key) = b.admin(Method::GET, "/spend?by=key&since=1h", None).await;
    let tight = by_key["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|group| group["group"] == "tight")
        .unwrap();
    assert!(tight["requests"].as_u64().unwrap() >= 10, "{tight}");
    let (_, keys) = a.admin(Method::GET, "/keys", None).await;
    assert!(keys["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["name"] == "tight"));

    // A key created on one instance works on the other, and its rate limit counts both.
    let (_, key) = b.create_key(json!({"name": "shared-rpm", "rpm": 3})).await;
    let mut statuses = Vec::new();
    for gateway in [&a, &b, &a, &b, &a] {
        statuses.push(gateway.chat(&key, 5).await.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
}
