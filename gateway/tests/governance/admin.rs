//! The admin API: keys created, listed, updated and revoked; limits enforced; the spend log
//! and its totals; the OpenAPI document; nothing secret anywhere.

use reqwest::Method;
use serde_json::{json, Value};

use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, counted_prompt_tokens, MASTER, MODEL, UPSTREAM_KEY};

#[tokio::test]
async fn keys_are_created_listed_updated_and_revoked() {
    let upstream = support::mock_upstream(5, 2, 0).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let (status, created) = gateway
        .admin(
            Method::POST,
            "/keys",
            Some(json!({
                "name": "team-a", "models": ["openai/gpt-4o*"], "rpm": 100, "tpm": 100000,
                "budget": {"limit": "12.50", "period": "weekly"},
                "expires_at": "2099-01-01T00:00:00Z", "metadata": {"team": "a"}
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let key = created["key"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(key.starts_with("sk-mrt-"));
    assert_eq!(
        created["budget"],
        json!({"limit": "12.5", "period": "weekly"})
    );
    assert_eq!(created["spent"], "0");
    assert_eq!(created["currency"], "USD");
    assert_eq!(created["expires_at"], "2099-01-01T00:00:00Z");
    assert_eq!(created["metadata"], json!({"team": "a"}));
    assert_eq!(created["revoked"], false);

    // The key itself is never shown again, and the database holds only its hash.
    let (_, list) = gateway.admin(Method::GET, "/keys", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&key));
    let mut stored = Vec::new();
    for file in ["modelrt.db", "modelrt.db-wal"] {
        stored.extend(std::fs::read(gateway.data_dir.join(file)).unwrap_or_default());
    }
    assert!(!stored.is_empty());
    let secret_part = &key["sk-mrt-".len()..];
    assert!(!stored
        .windows(secret_part.len())
        .any(|w| w == secret_part.as_bytes()));

    let response = gateway.chat(&key, 20).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    let (status, updated) = gateway
        .admin(
            Method::PATCH,
            &format!("/keys/{id}"),
            Some(json!({"rpm": null, "name": "team-b"})),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["rpm"], Value::Null);
    assert_eq!(updated["name"], "team-b");
    assert_eq!(updated["tpm"], 100000);
    assert_ne!(updated["spent"], "0");

    let (status, revoked) = gateway
        .admin(Method::DELETE, &format!("/keys/{id}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(revoked["revoked"], true);
    let response = gateway.chat(&key, 20).await;
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("revoked"));

    let (status, missing) = gateway.admin(Method::GET, "/keys/key_nope", None).await;
    assert_eq!(status, 404);
    assert!(missing["error"]["message"]
        .as_str()
        .unwrap()
        .contains("key_nope"));
}

#[tokio::test]
async fn bad_bodies_and_missing_master_keys_are_refused_in_openai_shape() {
    let upstream = support::mock_upstream(5, 2, 0).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    for (body, needle) in [
        (
            json!({"name": "x", "budget": {"limit": "ten", "period": "daily"}}),
            "not a decimal",
        ),
        (
            json!({"name": "x", "budget": {"limit": "1", "period": "yearly"}}),
            "yearly",
        ),
        (json!({"name": "x", "expires_at": "tomorrow"}), "RFC 3339"),
        (json!({"name": "x", "colour": "red"}), "colour"),
        (json!({"name": " "}), "must not be empty"),
    ] {
        let (status, error) = gateway.admin(Method::POST, "/keys", Some(body)).await;
        assert_eq!(status, 400, "{error}");
        assert!(
            error["error"]["message"].as_str().unwrap().contains(needle),
            "{error}"
        );
    }
    let (status, error) = gateway.admin(Method::GET, "/spend?by=colour", None).await;
    assert_eq!(status, 400);
    assert_eq!(error["error"]["param"], "by");
    let (status, error) = gateway
        .admin(Method::GET, "/spend/logs?limit=many", None)
        .await;
    assert_eq!(status, 400);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("limit"),
        "{error}"
    );

    for auth in [None, Some("wrong"), Some(UPSTREAM_KEY)] {
        let mut request = gateway.client.get(format!("{}/admin/keys", gateway.base));
        if let Some(auth) = auth {
            request = request.bearer_auth(auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["type"], "authentication_error");
    }
    // Virtual keys are required on /v1 once keys are on; the master key works too.
    let response = gateway.chat("sk-mrt-not-a-key", 5).await;
    assert_eq!(response.status(), 401);
    let response = gateway.chat(MASTER, 5).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn allowlists_rpm_tpm_and_expiry_are_enforced() {
    let upstream = support::mock_upstream(counted_prompt_tokens(), 5, 0).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let (_, narrow) = gateway
        .create_key(json!({"name": "narrow", "models": ["openai/o3*", "chat"]}))
        .await;
    let response = gateway.chat(&narrow, 5).await;
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("may not use `openai/gpt-4o-mini`"));

    let (_, slow) = gateway.create_key(json!({"name": "slow", "rpm": 2})).await;
    assert_eq!(gateway.chat(&slow, 5).await.status(), 200);
    assert_eq!(gateway.chat(&slow, 5).await.status(), 200);
    let response = gateway.chat(&slow, 5).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("2 requests per minute"));

    // The first request fits; then the prompt and answer fill the minute's tokens.
    let tokens = counted_prompt_tokens() + 5;
    let (_, thrifty) = gateway
        .create_key(json!({"name": "thrifty", "tpm": tokens}))
        .await;
    assert_eq!(gateway.chat(&thrifty, 5).await.status(), 200);
    let response = gateway.chat(&thrifty, 5).await;
    assert_eq!(response.status(), 429);
    assert!(response.text().await.unwrap().contains("tokens per minute"));

    let (_, old) = gateway
        .create_key(json!({"name": "old", "expires_at": "2001-01-01T00:00:00Z"}))
        .await;
    let response = gateway.chat(&old, 5).await;
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn the_spend_log_and_totals_record_every_request_without_secrets() {
    let upstream = MockServer::start().await;
    // OpenAI's streamed shape: content chunks, then a usage chunk with no choices.
    let chunks = [
        json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini",
               "choices": [{"index": 0, "delta": {"role": "assistant", "content": "hi"}, "finish_reason": null}]}),
        json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini",
               "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
        json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini",
               "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13,
                                        "prompt_tokens_details": {"cached_tokens": 3}}}),
    ];
    let mut sse: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    sse.push_str("data: [DONE]\n\n");
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(json!({"stream": true})))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(sse),
        )
        .mount(&upstream)
        .await;
    support::mount_completion(&upstream, counted_prompt_tokens(), 7, 0).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let (_, key) = gateway.create_key(json!({"name": "logged"})).await;
    for _ in 0..2 {
        assert_eq!(gateway.chat(&key, 10).await.status(), 200);
    }
    // A streamed answer settles when the stream ends.
    let response = gateway
        .client
        .post(format!("{}/v1/chat/completions", gateway.base))
        .bearer_auth(&key)
        .json(
            &json!({"model": MODEL, "messages": [{"role": "user", "content": "Say hi"}],
                      "max_tokens": 10, "stream": true}),
        )
        .send()
        .await
        .unwrap();
    let streamed = response.text().await.unwrap();
    let (_, logs) = gateway
        .admin(Method::GET, "/spend/logs?limit=10", None)
        .await;
    let rows = logs["data"].as_array().unwrap();
    assert!(rows.len() >= 2, "{logs}");
    for row in rows {
        for field in [
            "time",
            "key_id",
            "key_name",
            "alias",
            "provider",
            "model",
            "deployment",
            "prompt_tokens",
            "completion_tokens",
            "cached_tokens",
            "cost",
            "latency_ms",
            "ttft_ms",
            "status",
            "error_kind",
        ] {
            assert!(row.get(field).is_some(), "{field} missing in {row}");
        }
        assert_eq!(row["provider"], "openai");
        assert_eq!(row["model"], "gpt-4o-mini");
    }
    let (_, by_model) = gateway
        .admin(Method::GET, "/spend?by=model&since=24h", None)
        .await;
    assert_eq!(by_model["currency"], "USD");
    let group = &by_model["data"][0];
    assert_eq!(group["group"], MODEL);
    assert!(group["requests"].as_u64().unwrap() >= 2);
    let (_, by_key) = gateway.admin(Method::GET, "/spend?by=key", None).await;
    assert_eq!(by_key["data"][0]["group"], "logged");
    let (_, by_day) = gateway.admin(Method::GET, "/spend?by=day", None).await;
    assert_eq!(by_day["data"].as_array().unwrap().len(), 1);

    let everything = format!("{logs}{by_model}{by_key}{streamed}");
    for secret in [UPSTREAM_KEY, MASTER, key.as_str()] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
}

#[tokio::test]
async fn the_openapi_document_covers_every_admin_route() {
    let upstream = support::mock_upstream(5, 2, 0).await;
    let gateway = support::start(&upstream.uri(), None, None).await;
    let (status, document) = gateway.admin(Method::GET, "/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let paths = document["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/admin/keys", &["get", "post"][..]),
        ("/admin/keys/{id}", &["get", "patch", "delete"]),
        ("/admin/spend", &["get"]),
        ("/admin/spend/logs", &["get"]),
    ] {
        for method in methods {
            assert!(paths[path].get(*method).is_some(), "{method} {path}");
        }
    }
    assert!(document["components"]["schemas"]["KeyView"].is_object());
    assert_eq!(
        document["components"]["securitySchemes"]["master_key"]["scheme"],
        "bearer"
    );
}
