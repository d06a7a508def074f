//! The dynamic registry against the providers compiled into this build: lookups, credential
//! validation and the errors an app shows its users.

use std::collections::HashMap;

use modelrt::registry;
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::ErrorKind;
use serde_json::json;

fn creds(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn open_err(provider: &str, model_type: ModelType, model: &str, pairs: &[(&str, &str)]) -> String {
    match registry::open(provider, model_type, model, &creds(pairs)) {
        Ok(_) => panic!("{provider}/{model} opened"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn every_provider_is_listed_and_reachable_by_id() {
    assert!(registry::PROVIDERS.len() >= 13);
    for provider in registry::PROVIDERS {
        assert_eq!(
            registry::provider(provider.id).map(|p| p.id),
            Some(provider.id)
        );
    }
    assert_eq!(
        registry::PROVIDERS[0].id,
        "openai",
        "providers/_position.yaml order"
    );
}

#[test]
fn unknown_provider_suggests_the_closest_id() {
    let message = open_err("opneai", ModelType::Llm, "gpt-4o", &[]);
    assert_eq!(
        message,
        "provider not found: no provider `opneai` is compiled into this build; did you mean `openai`?"
    );
}

#[test]
fn unsupported_model_type_is_named() {
    let message = open_err("cohere", ModelType::Tts, "x", &[("api_key", "k")]);
    assert!(
        message.starts_with("cohere: unsupported: model type `tts`"),
        "{message}"
    );
    assert!(message.contains("cohere/cohere.yaml"), "{message}");
}

#[test]
fn invalid_credentials_name_the_variable_not_the_secret() {
    // A customizable model: the model credential form applies, with `__model_type` = llm.
    let error = registry::open(
        "openai_api_compatible",
        ModelType::Llm,
        "my-model",
        &creds(&[("api_key", "sk-very-secret-value"), ("mode", "chat")]),
    )
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("endpoint_url"), "{shown}");
    assert!(!shown.contains("sk-very-secret-value"), "{shown}");
}

#[test]
fn customizable_model_gets_its_form_and_common_rules() {
    let handle = registry::open(
        "openai_api_compatible",
        ModelType::Llm,
        "my-model",
        &creds(&[
            ("endpoint_url", "http://127.0.0.1:9/v1"),
            ("mode", "chat"),
            ("context_size", "2048"),
            ("max_tokens_to_sample", "256"),
            ("stream_mode_delimiter", "\\n\\n"),
        ]),
    )
    .unwrap();
    assert!(handle.info().is_none());
    assert_eq!(handle.credentials().text("context_size"), Some("2048"));
    // `context_size` for other model types is not kept.
    assert!(handle
        .validate_params(json!({"max_tokens": 256}).as_object().unwrap())
        .is_ok());
    let error = handle
        .validate_params(json!({"max_tokens": 257}).as_object().unwrap())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    assert!(
        error
            .to_string()
            .contains("`max_tokens` must be at most 256"),
        "{error}"
    );
}

#[test]
fn predefined_model_params_follow_its_yaml_rules() {
    let handle = registry::open(
        "openai",
        ModelType::Llm,
        "gpt-5.4-mini",
        &creds(&[("openai_api_key", "k")]),
    )
    .unwrap();
    let info = handle.info().expect("gpt-5.4-mini is predefined");
    assert_eq!(info.id, "gpt-5.4-mini");
    let error = handle
        .with_params(json!({"temperature": 9.5}).as_object().unwrap())
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("openai/gpt-5.4-mini: invalid parameters: `temperature`"),
        "{error}"
    );
}
