//! `GET /v1/models`: predefined models callable with the credentials present, and the models
//! that providers declaring `fetch-from-remote` list.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support;

#[tokio::test]
async fn models_lists_callable_ids_only() {
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [{"id": "local-model", "object": "model", "created": 1, "owned_by": "me"}]
        })))
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let response = gateway
        .client
        .get(gateway.url("/v1/models"))
        .send()
        .await
        .unwrap();
    let list = support::json_ok(response).await;
    assert_eq!(list["object"], "list");
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"openai_api_compatible/local-model"),
        "{ids:?}"
    );
    assert!(ids.contains(&"openai/gpt-5.4-mini"), "{ids:?}");
    // Deprecated models stay callable by address but are not listed.
    assert!(!ids.contains(&"openai/gpt-4o-mini"), "{ids:?}");
    // No credentials were given for Anthropic, so none of its models is callable.
    assert!(
        !ids.iter().any(|id| id.starts_with("anthropic/")),
        "{ids:?}"
    );
    let first = &list["data"][0];
    assert_eq!(first["object"], "model");
    assert!(first["owned_by"].is_string());
}
