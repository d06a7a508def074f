//! Credentials whose forms disagree (tests/ui/fixtures/vault): `api_key` is `secret-input` in
//! the provider form and `text-input` in the model form, `access_token` the other way round.
//! A variable that any form hides is a `Secret` in every generated struct, keeps its value
//! whichever form supplied it, never shows in `Debug` (credentials, client, opened model),
//! and still reaches the provider as the key.

use modelrt_sdk::runtime::secret::Secret;
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

modelrt_sdk::include_providers!("ui/fixtures/vault");

const PROVIDER_KEY: &str = "sk-provider-0123456789";
const MODEL_KEY: &str = "sk-model-9876543210";
const TOKEN: &str = "tok-abcdefghijkl";

/// The texts no `Debug` output may contain.
fn assert_hidden(shown: &str) {
    for secret in [PROVIDER_KEY, MODEL_KEY, TOKEN] {
        assert!(!shown.contains(secret), "`{secret}` shown in {shown}");
    }
}

#[test]
fn a_variable_hidden_by_either_form_is_a_secret_in_both_structs() {
    // These literals compile only with `Secret` fields: `access_token` is plain text in the
    // provider form, `api_key` in the model form.
    let provider = vault::Credentials {
        api_key: Secret::new(PROVIDER_KEY),
        access_token: Some(Secret::new(TOKEN)),
        endpoint_url: None,
    };
    let model = vault::LlmModelCredentials {
        api_key: Secret::new(MODEL_KEY),
        access_token: None,
        endpoint_url: None,
    };
    assert_eq!(
        provider.access_token.map(|t| t.expose().to_owned()),
        Some(TOKEN.to_owned())
    );
    assert_eq!(model.api_key.expose(), MODEL_KEY);
}

#[test]
fn from_map_keeps_each_value_whichever_form_supplied_it_and_round_trips() {
    let submitted = [
        ("api_key", PROVIDER_KEY),
        ("access_token", TOKEN),
        ("endpoint_url", "http://127.0.0.1:9/v1"),
    ];
    let provider = vault::Credentials::from_map(&submitted).unwrap();
    assert_eq!(provider.api_key.expose(), PROVIDER_KEY);
    assert_eq!(
        provider.access_token.as_ref().map(Secret::expose),
        Some(TOKEN)
    );
    assert_eq!(
        provider.endpoint_url.as_deref(),
        Some("http://127.0.0.1:9/v1")
    );
    // Typed credentials are a string map themselves: reading them back gives the same values.
    let again = vault::Credentials::from_map(&provider).unwrap();
    assert_eq!(again.api_key.expose(), PROVIDER_KEY);
    assert_eq!(again.access_token.as_ref().map(Secret::expose), Some(TOKEN));
    assert_eq!(again.endpoint_url, provider.endpoint_url);

    let submitted = [("api_key", MODEL_KEY), ("access_token", TOKEN)];
    let model = vault::LlmModelCredentials::from_map(&submitted).unwrap();
    assert_eq!(model.api_key.expose(), MODEL_KEY);
    assert_eq!(model.access_token.as_ref().map(Secret::expose), Some(TOKEN));
    let again = vault::LlmModelCredentials::from_map(&model).unwrap();
    assert_eq!(again.api_key.expose(), MODEL_KEY);
    assert_eq!(again.access_token.as_ref().map(Secret::expose), Some(TOKEN));

    // A required secret typed into the model form's text box is still required.
    let err = vault::LlmModelCredentials::from_map(&[("access_token", TOKEN)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid credentials for provider `vault`: `api_key` is required but missing or empty"
    );
}

#[test]
fn debug_never_prints_a_secret_of_credentials_client_or_model() {
    let provider = vault::Credentials::new(PROVIDER_KEY)
        .with_access_token(TOKEN)
        .with_endpoint_url("http://127.0.0.1:9/v1");
    let shown = format!("{provider:?}");
    assert_hidden(&shown);
    assert!(shown.contains("http://127.0.0.1:9/v1"), "{shown}");

    let client = vault::Client::new(provider);
    let shown = format!("{client:?}");
    assert_hidden(&shown);
    assert!(shown.contains("vault"), "{shown}");

    let model_credentials = vault::LlmModelCredentials::new(MODEL_KEY).with_access_token(TOKEN);
    assert_hidden(&format!("{model_credentials:?}"));
    let custom = client.custom_llm("my-model", model_credentials).unwrap();
    let shown = format!(
        "{:?} {:?}",
        custom.handle(),
        custom.handle().credentials().masked()
    );
    assert_hidden(&shown);
    assert!(shown.contains("my-model"), "{shown}");

    let predefined = client.llm(vault::models::VaultCurrent).unwrap();
    assert_hidden(&format!("{:?}", predefined.handle()));
}

#[tokio::test]
async fn a_key_from_the_model_forms_text_box_still_authorises_the_call() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .and(header(
            "authorization",
            format!("Bearer {MODEL_KEY}").as_str(),
        ))
        .and(body_partial_json(json!({"model": "my-model"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "c1", "object": "chat.completion", "model": "my-model",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "hello"}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = vault::Client::new(vault::Credentials::new(PROVIDER_KEY));
    let credentials = vault::LlmModelCredentials::new(MODEL_KEY).with_endpoint_url(server.uri());
    let model = client.custom_llm("my-model", credentials).unwrap();
    let answer = model.invoke(model.chat().user("hi")).await.unwrap();
    assert_eq!(answer.content, "hello");
}
