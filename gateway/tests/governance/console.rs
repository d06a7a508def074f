//! The web console's endpoints: `/ui` files and `/admin/providers` (forms, a real check of
//! submitted credentials, and the credentials in force afterwards).

use modelrt::registry::find_provider;
use modelrt::runtime::credential_schema::provider_schema;
use reqwest::Method;
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, MASTER};

/// A key submitted through the console; no answer may show it.
const SUBMITTED_KEY: &str = "sk-console-submitted-secret-42";

/// An OpenAI-compatible upstream listing `served-model` (OpenAI's `GET /v1/models` shape)
/// and answering chat completions, for callers sending `key`.
async fn compatible_upstream(key: &str) -> MockServer {
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", format!("Bearer {key}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [{"id": "served-model", "object": "model", "created": 1, "owned_by": "me"}]
        })))
        .mount(&upstream)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {key}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "served-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6}
        })))
        .mount(&upstream)
        .await;
    // Any other key: OpenAI's 401, quoting the key as some servers do.
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "message": format!("Incorrect API key provided: {SUBMITTED_KEY}"),
            "type": "invalid_request_error", "param": null, "code": "invalid_api_key"
        }})))
        .mount(&upstream)
        .await;
    upstream
}

fn provider<'a>(list: &'a Value, id: &str) -> &'a Value {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("{id} not listed"))
}

#[tokio::test]
async fn providers_list_the_schema_modelrt_schema_prints() {
    let upstream = support::mock_upstream(1, 1, 0).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let (status, list) = gateway.admin(Method::GET, "/providers", None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list["data"].as_array().unwrap().len(),
        modelrt::registry::PROVIDERS.len()
    );
    let openai = provider(&list, "openai");
    assert_eq!(
        openai["schema"],
        provider_schema(find_provider("openai").unwrap())
    );
    assert_eq!(openai["label"], "OpenAI");
    // The test gateway holds OpenAI credentials (pointing at the mock) and nothing else.
    assert_eq!(openai["configured"], true);
    assert!(openai["callable_models"]
        .as_array()
        .unwrap()
        .contains(&json!("openai/gpt-5.4-mini")));
    let anthropic = provider(&list, "anthropic");
    assert_eq!(anthropic["configured"], false);
    assert_eq!(anthropic["callable_models"], json!([]));
    // Nothing secret in the listing.
    assert!(!list.to_string().contains(support::UPSTREAM_KEY));
}

#[tokio::test]
async fn accepted_credentials_become_the_gateways() {
    let upstream = compatible_upstream(SUBMITTED_KEY).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let (status, answer) = submit_credentials(&gateway, &upstream).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"configured": true, "callable_models": ["openai_api_compatible/served-model"]})
    );
    let (_, list) = gateway.admin(Method::GET, "/providers", None).await;
    let compatible = provider(&list, "openai_api_compatible");
    assert_eq!(compatible["configured"], true);
    assert_eq!(
        compatible["callable_models"],
        json!(["openai_api_compatible/served-model"])
    );
    assert!(!list.to_string().contains(SUBMITTED_KEY));
    // A call through the gateway now uses them.
    let response = say_hi(&gateway).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["choices"][0]["message"]["content"], "hello");
}

#[tokio::test]
async fn credentials_set_again_replace_the_ones_calls_used() {
    let (first, second) = (
        compatible_upstream(SUBMITTED_KEY).await,
        compatible_upstream(SUBMITTED_KEY).await,
    );
    let gateway = support::start(&first.uri(), None, None).await;
    for upstream in [&first, &second] {
        let (status, answer) = submit_credentials(&gateway, upstream).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(say_hi(&gateway).await.status(), 200);
    }
    // The second call went to the endpoint set second, not through a handle kept from the first.
    assert_eq!(chat_calls(&first).await, 1);
    assert_eq!(chat_calls(&second).await, 1);
}

/// Submits `upstream`'s endpoint and [`SUBMITTED_KEY`] as the compatible provider's
/// credentials through the console's admin API.
async fn submit_credentials(gateway: &support::Running, upstream: &MockServer) -> (u16, Value) {
    gateway
        .admin(
            Method::PUT,
            "/providers/openai_api_compatible/credentials",
            Some(json!({"credentials": {
                "endpoint_url": format!("{}/v1", upstream.uri()),
                "api_key": SUBMITTED_KEY,
            }})),
        )
        .await
}

/// One chat call through the gateway to the compatible provider's model.
async fn say_hi(gateway: &support::Running) -> reqwest::Response {
    gateway
        .client
        .post(format!("{}/v1/chat/completions", gateway.base))
        .bearer_auth(MASTER)
        .json(&json!({
            "model": "openai_api_compatible/served-model",
            "messages": [{"role": "user", "content": "Say hi"}]
        }))
        .send()
        .await
        .unwrap()
}

/// How many chat completions `upstream` was asked for.
async fn chat_calls(upstream: &MockServer) -> usize {
    upstream
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1/chat/completions")
        .count()
}

#[tokio::test]
async fn refused_credentials_name_the_cause_and_are_not_kept() {
    let upstream = compatible_upstream("sk-the-right-key").await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let put = |credentials: Value| {
        gateway.admin(
            Method::PUT,
            "/providers/openai_api_compatible/credentials",
            Some(json!({ "credentials": credentials })),
        )
    };
    // The provider refuses the key: 400, without the key.
    let (status, error) = put(json!({
        "endpoint_url": format!("{}/v1", upstream.uri()),
        "api_key": SUBMITTED_KEY,
    }))
    .await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["code"], "invalid_credentials");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("openai_api_compatible"), "{message}");
    assert!(!error.to_string().contains(SUBMITTED_KEY), "{error}");
    // The form's required field is missing: 400 naming it, nothing sent.
    let (status, error) = put(json!({"api_key": SUBMITTED_KEY})).await;
    assert_eq!(status, 400, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("endpoint_url"),
        "{error}"
    );
    // Nothing listens there: 502.
    let (status, error) = put(json!({"endpoint_url": "http://127.0.0.1:9/v1"})).await;
    assert_eq!(status, 502, "{error}");
    // None of these replaced the (absent) credentials.
    let (_, list) = gateway.admin(Method::GET, "/providers", None).await;
    assert_eq!(
        provider(&list, "openai_api_compatible")["configured"],
        false
    );
    // Bad bodies and unknown providers.
    let (status, error) = gateway
        .admin(
            Method::PUT,
            "/providers/openai/credentials",
            Some(json!({"credentials": {"openai_api_key": ["a"]}})),
        )
        .await;
    assert_eq!(status, 400, "{error}");
    let (status, error) = gateway
        .admin(
            Method::PUT,
            "/providers/openai/credentials",
            Some(json!({"creds": {}})),
        )
        .await;
    assert_eq!(status, 400, "{error}");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("creds"));
    let (status, _) = gateway
        .admin(
            Method::PUT,
            "/providers/no_such_provider/credentials",
            Some(json!({"credentials": {}})),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_console_is_served_and_its_data_needs_the_master_key() {
    let upstream = support::mock_upstream(1, 1, 0).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let get = |path: &str| gateway.client.get(format!("{}{path}", gateway.base)).send();
    let page = get("/ui").await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("/ui/app.js"));
    let script = get("/ui/app.js").await.unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(get("/ui/nothing.js").await.unwrap().status(), 404);
    // The data: not without the master key.
    assert_eq!(get("/admin/providers").await.unwrap().status(), 401);
    let wrong = gateway
        .client
        .get(format!("{}/admin/providers", gateway.base))
        .bearer_auth("not-the-master-key")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    // The OpenAPI document covers the console's endpoints.
    let (_, openapi) = gateway.admin(Method::GET, "/openapi.json", None).await;
    assert!(openapi["paths"]["/admin/providers"]["get"].is_object());
    assert!(openapi["paths"]["/admin/providers/{id}/credentials"]["put"].is_object());
}

#[tokio::test]
async fn without_a_master_key_there_is_no_console() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let gateway = modelrt_gateway::Gateway::new(
        std::collections::BTreeMap::<String, modelrt_gateway::Values>::new(),
        modelrt_gateway::Settings::default(),
    );
    tokio::spawn(gateway.serve(listener, std::future::pending()));
    for path in ["/ui", "/ui/app.js", "/admin/providers"] {
        let response = reqwest::get(format!("{base}{path}")).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}
