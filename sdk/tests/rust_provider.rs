//! A provider implemented in Rust beside its YAML (tests/ui/fixtures/complete/acme), compiled
//! into this test crate with `include_providers!`, called through its typed client and through
//! the handle the dynamic registry uses; plus the typed SDK of a YAML-only provider (echo)
//! against a local mock server.

use futures::StreamExt;
use modelrt_sdk::registry::Registry;
use modelrt_sdk::runtime::catalog::{Callability, ModelType};
use modelrt_sdk::runtime::secret::Secret;
use modelrt_sdk::runtime::ErrorKind;
use modelrt_sdk::sdk::ParamsOf;
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

modelrt_sdk::include_providers!("ui/fixtures/complete");

fn acme_client() -> acme::Client {
    acme::Client::new(acme::Credentials {
        api_key: Secret::new("acme-key"),
    })
}

#[test]
fn a_provider_with_rust_is_rust_implemented_and_exposes_its_objects() {
    assert_eq!(acme::PROVIDER.callability, Callability::RustImpl);
    assert_eq!(providers::IMPLEMENTATIONS.len(), 1);
    let implementation = providers::IMPLEMENTATIONS[0];
    assert_eq!(implementation.protocols.name, "acme");
    let types: Vec<_> = implementation.protocols.model_types().collect();
    assert_eq!(types, [ModelType::Llm, ModelType::TextEmbedding]);
    assert!(implementation.customizable_model.is_some());
    assert!(implementation.remote_models.is_some());
    assert!(matches!(
        echo::PROVIDER.callability,
        Callability::Protocol("openai-compatible")
    ));
}

#[tokio::test]
async fn typed_client_calls_the_hand_written_llm() {
    let model = acme_client()
        .llm(acme::models::AcmeEcho)
        .unwrap()
        .with_params(&ParamsOf::<acme::models::AcmeEcho> {
            max_tokens: Some(32),
            ..Default::default()
        })
        .unwrap();
    let max_tokens = model
        .handle()
        .params()
        .get("max_tokens")
        .map(|v| v.to_json());
    assert_eq!(max_tokens, Some(json!(32)));
    let answer = model
        .invoke(model.chat().system("be brief").user("hello there"))
        .await
        .unwrap();
    assert_eq!(answer.content, "echo: hello there");
    assert_eq!(answer.model, "acme-echo");
    assert!(answer.usage.prompt_tokens > 0);

    let mut stream = model
        .stream(model.chat().user("one two three"))
        .await
        .unwrap();
    let mut text = String::new();
    let mut finished = false;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        text.push_str(&chunk.content);
        finished |= chunk.usage.is_some();
    }
    assert_eq!(text, "echo: one two three");
    assert!(finished);
}

#[tokio::test]
async fn typed_params_out_of_range_are_rejected() {
    let error = acme_client()
        .llm(acme::Llm::AcmeEcho)
        .unwrap()
        .with_params(json!({"max_tokens": 100_000}).as_object().unwrap())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
}

#[tokio::test]
async fn typed_client_embeds_with_the_hand_written_embedding() {
    let model = acme_client()
        .text_embedding(acme::models::AcmeEmbed)
        .unwrap();
    let response = model.embed(["banana", "kiwi"]).await.unwrap();
    assert_eq!(response.embeddings.len(), 2);
    assert_eq!(response.embeddings[0], vec![1.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(response.embeddings[1], vec![0.0, 0.0, 1.0, 0.0, 0.0]);
}

#[tokio::test]
async fn a_registry_of_this_crates_tree_dispatches_to_rust_and_its_hooks() {
    let credentials = [("api_key", "acme-key")];
    let registry = Registry::new(&[]).with(&providers::TREE);
    let ids: Vec<&str> = registry.providers().map(|p| p.id).collect();
    assert_eq!(ids, ["acme", "echo"]);
    // A custom model: the customizable-model hook supplies its rules (those of acme-echo).
    let handle = registry
        .open("acme", ModelType::Llm, "my-own-echo", &credentials[..])
        .unwrap();
    let names: Vec<&str> = handle.parameter_rules().iter().map(|r| r.name).collect();
    assert_eq!(names, ["temperature", "max_tokens"]);
    handle.validate_credentials().await.unwrap();
    let http = modelrt_sdk::runtime::http::HttpSettings::default();
    let listed = registry
        .remote_models("acme", ModelType::TextEmbedding, &credentials[..], &http)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, "acme-embed");

    // A registry without this crate's tree cannot call its Rust, and says how to fix that.
    let error = Registry::new(&[])
        .open_at(
            &acme::PROVIDER,
            ModelType::Llm,
            "acme-echo",
            &credentials[..],
        )
        .unwrap_err();
    assert!(error.to_string().contains("Registry::with"), "{error}");
    let error = Registry::new(&[])
        .open("acme", ModelType::Llm, "acme-echo", &credentials[..])
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ProviderNotFound, "{error}");
}

#[tokio::test]
async fn remote_models_hook_lists_models() {
    let implementation = acme::IMPLEMENTATION.remote_models.unwrap();
    let mut credentials = modelrt_sdk::runtime::credentials::ValidatedCredentials::default();
    credentials.insert(
        "api_key",
        modelrt_sdk::runtime::credentials::CredentialValue::Secret(Secret::new("k")),
    );
    let http = modelrt_sdk::runtime::http::HttpSettings::default();
    let ctx = modelrt_sdk::runtime::protocol::ProviderContext {
        provider: &acme::PROVIDER,
        credentials: &credentials,
        http: &http,
    };
    let models = implementation
        .remote_models(ctx, ModelType::TextEmbedding)
        .await
        .unwrap();
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["acme-embed"]);
}

#[tokio::test]
async fn typed_sdk_of_a_protocol_provider_sends_tools_and_images() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .and(header("authorization", "Bearer echo-key"))
        .and(body_partial_json(json!({
            "model": "echo-pro",
            "max_tokens": 100,
            "tools": [{"type": "function", "function": {"name": "lookup"}}],
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "what is this?"},
                {"type": "image_url", "image_url": {"url": "https://img.invalid/cat.png"}}
            ]}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "c1", "object": "chat.completion", "model": "echo-pro",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "a cat"}}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = echo::Client::new(echo::Credentials {
        api_key: Secret::new("echo-key"),
        endpoint_url: Some(server.uri()),
    });
    let model = client
        .llm(echo::models::EchoPro)
        .unwrap()
        .with_params(&ParamsOf::<echo::models::EchoPro> {
            max_tokens: Some(100),
            ..Default::default()
        })
        .unwrap();
    let chat = model
        .chat()
        .user_image("what is this?", "https://img.invalid/cat.png", None)
        .tool(modelrt_sdk::runtime::llm::Tool::new(
            "lookup",
            "Looks a word up",
            json!({"type": "object", "properties": {}}),
        ));
    let answer = model.invoke(chat).await.unwrap();
    assert_eq!(answer.content, "a cat");
    assert_eq!(answer.usage.prompt_tokens, 9);
}

#[tokio::test]
async fn typed_client_opens_a_custom_model_with_its_own_credentials() {
    let model = acme_client()
        .custom_llm(
            "my-own-echo",
            acme::LlmModelCredentials {
                api_key: Secret::new("model-key"),
            },
        )
        .unwrap();
    // The customizable-model hook gave it acme-echo's rules.
    let names: Vec<&str> = model
        .handle()
        .parameter_rules()
        .iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["temperature", "max_tokens"]);
    assert_eq!(
        model
            .handle()
            .credentials()
            .secret("api_key")
            .map(|s| s.expose()),
        Some("model-key")
    );
    let answer = model.invoke(model.chat().user("hi")).await.unwrap();
    assert_eq!(answer.content, "echo: hi");
    assert_eq!(answer.model, "my-own-echo");
}

#[tokio::test]
async fn per_request_params_join_the_models_and_are_validated() {
    let server = MockServer::builder().start().await;
    // The model's max_tokens, the request's temperature, and the request's own max_tokens
    // in the second call.
    for (max_tokens, content) in [(100, "first"), (7, "second")] {
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .and(body_partial_json(
                json!({"model": "echo-pro", "max_tokens": max_tokens, "temperature": 0.3}),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "id": "c1", "object": "chat.completion", "model": "echo-pro",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": content}}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client =
        echo::Client::new(echo::Credentials::new("echo-key").with_endpoint_url(server.uri()));
    let model = client
        .llm(echo::models::EchoPro)
        .unwrap()
        .with_params(&ParamsOf::<echo::models::EchoPro> {
            max_tokens: Some(100),
            ..Default::default()
        })
        .unwrap();
    let temperature = ParamsOf::<echo::models::EchoPro> {
        temperature: Some(0.3),
        ..Default::default()
    };
    let chat = model.chat().user("hi").params(&temperature);
    assert_eq!(model.invoke(chat).await.unwrap().content, "first");
    let both = ParamsOf::<echo::models::EchoPro> {
        max_tokens: Some(7),
        ..temperature
    };
    let chat = model.chat().user("hi").params(&both);
    assert_eq!(model.invoke(chat).await.unwrap().content, "second");
    // The model's own parameters are unchanged by a request's.
    let max_tokens = model
        .handle()
        .params()
        .get("max_tokens")
        .map(|v| v.to_json());
    assert_eq!(max_tokens, Some(json!(100)));

    // Out of the model's range: rejected before anything is sent.
    let too_many = ParamsOf::<echo::models::EchoPro> {
        max_tokens: Some(1_000_000),
        ..Default::default()
    };
    let error = model
        .invoke(model.chat().user("hi").params(&too_many))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidParams, "{error}");
}

#[test]
fn credentials_new_takes_the_required_fields_and_setters_the_optional_ones() {
    let credentials = echo::Credentials::new("echo-key");
    assert_eq!(credentials.api_key.expose(), "echo-key");
    assert_eq!(credentials.endpoint_url, None);
    let credentials = credentials.with_endpoint_url("http://127.0.0.1:9/v1");
    assert_eq!(
        credentials.endpoint_url.as_deref(),
        Some("http://127.0.0.1:9/v1")
    );
}

#[test]
fn client_from_env_reads_the_one_convention_and_names_what_is_missing() {
    // Variables only this test reads: the prefixed name, then none (acme's variable
    // `api_key` does not start with the provider id, so it has no vendor-style name).
    std::env::set_var("MODELRT_ACME_API_KEY", "from-env");
    let client = acme::Client::from_env().unwrap();
    assert_eq!(client.credentials().api_key.expose(), "from-env");
    std::env::remove_var("MODELRT_ACME_API_KEY");
    let error = acme::Client::from_env().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials, "{error}");
    assert!(error.to_string().contains("api_key"), "{error}");
}
