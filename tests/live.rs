//! Live calls to the real hosted providers, one test per provider.
//!
//! The tests run only when the crate is built with `MODELRT_LIVE=1` in the environment (the
//! build script then sets `cfg(modelrt_live)`); otherwise the test runner reports them as
//! ignored. When they run, each needs its key (`.env.example` lists them): a missing key fails
//! the test. Each makes one small, cheap call through the dynamic registry: the cheapest
//! non-deprecated chat model of the provider's catalog (or the model named by
//! `MODELRT_LIVE_<PROVIDER>_MODEL`), a rerank for Cohere.

use std::collections::HashMap;

use modelrt::registry;
use modelrt::runtime::catalog::{LlmMode, ModelInfo, ModelType, ProviderInfo};
use modelrt::runtime::llm::{LlmRequest, Message};
use modelrt::runtime::rerank::RerankRequest;
use serde_json::json;

/// The key from `env_var`; a live run without it fails rather than passing unchecked.
fn live_key(env_var: &str) -> String {
    assert!(
        std::env::var("MODELRT_LIVE").is_ok_and(|v| v.trim() == "1"),
        "live tests call hosted providers and run only with MODELRT_LIVE=1"
    );
    match std::env::var(env_var) {
        Ok(key) if !key.trim().is_empty() => key,
        _ => panic!("MODELRT_LIVE=1 but {env_var} is not set: set it (see .env.example)"),
    }
}

fn provider(id: &str) -> &'static ProviderInfo {
    registry::provider(id).unwrap_or_else(|| panic!("provider `{id}` is compiled in"))
}

/// Credentials as a settings form submits them: the key, plus the defaults of required fields.
fn credentials(provider: &ProviderInfo, key: String) -> HashMap<String, String> {
    let key_variable = provider.extra("api_key_variable").unwrap_or("api_key");
    let mut submitted: HashMap<String, String> = provider
        .provider_credentials
        .iter()
        .filter(|form| form.required && form.show_on.is_empty())
        .filter_map(|form| Some((form.variable.to_owned(), form.default?.to_owned())))
        .collect();
    submitted.insert(key_variable.to_owned(), key);
    submitted
}

/// The model to call: `MODELRT_LIVE_<PROVIDER>_MODEL`, else the cheapest chat model by input price.
fn cheapest_chat_model(provider: &'static ProviderInfo) -> &'static ModelInfo {
    let override_var = format!("MODELRT_LIVE_{}_MODEL", provider.id.to_uppercase());
    if let Ok(id) = std::env::var(&override_var) {
        return provider
            .model(ModelType::Llm, &id)
            .unwrap_or_else(|| panic!("{override_var}: `{id}` is not a catalog model"));
    }
    provider
        .models_of(ModelType::Llm)
        .filter(|m| !m.deprecated && m.properties.mode != Some(LlmMode::Completion))
        .min_by_key(|m| m.pricing.map(|p| p.input.value()))
        .unwrap_or_else(|| panic!("{} has a chat model", provider.id))
}

async fn live_chat(provider_id: &str, env_var: &str) {
    let test = format!("live_{provider_id}");
    let key = live_key(env_var);
    let provider = provider(provider_id);
    let model = cheapest_chat_model(provider);
    // A template-name value: it also feeds rules named e.g. `max_completion_tokens`.
    let params = json!({"max_tokens": 16});
    let handle = registry::open(
        provider.id,
        ModelType::Llm,
        model.id,
        &credentials(provider, key.clone()),
    )
    .and_then(|h| h.with_params(params.as_object().expect("an object")))
    .unwrap_or_else(|e| panic!("{provider_id}/{}: {e}", model.id));
    let request = LlmRequest::new(vec![Message::user("Reply with the single word: pong")]);
    match handle.invoke(request).await {
        Ok(response) => {
            assert!(
                !response.content.trim().is_empty() || response.reasoning.is_some(),
                "{provider_id}/{}: empty answer",
                model.id
            );
            assert!(response.usage.total_tokens > 0);
            eprintln!(
                "{test}: {}: {:?} ({} tokens)",
                model.id, response.content, response.usage.total_tokens
            );
        }
        Err(error) => {
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains(&key), "the key leaked into an error");
            panic!("{provider_id}/{}: {error}", model.id);
        }
    }
}

macro_rules! live_chat_tests {
    ($($name:ident: $provider:literal, $env:literal;)+) => {
        $(
            #[tokio::test]
            #[cfg_attr(not(modelrt_live), ignore = "calls a hosted provider: needs MODELRT_LIVE=1")]
            async fn $name() {
                live_chat($provider, $env).await;
            }
        )+
    };
}

live_chat_tests! {
    live_openai: "openai", "OPENAI_API_KEY";
    live_anthropic: "anthropic", "ANTHROPIC_API_KEY";
    live_deepseek: "deepseek", "DEEPSEEK_API_KEY";
    live_groq: "groq", "GROQ_API_KEY";
    live_mistralai: "mistralai", "MISTRAL_API_KEY";
    live_togetherai: "togetherai", "TOGETHER_API_KEY";
    live_openrouter: "openrouter", "OPENROUTER_API_KEY";
    live_x: "x", "XAI_API_KEY";
    live_moonshot: "moonshot", "MOONSHOT_API_KEY";
    live_fireworks: "fireworks", "FIREWORKS_API_KEY";
}

#[tokio::test]
#[cfg_attr(
    not(modelrt_live),
    ignore = "calls a hosted provider: needs MODELRT_LIVE=1"
)]
async fn live_cohere_rerank() {
    let key = live_key("COHERE_API_KEY");
    let provider = provider("cohere");
    let model = provider
        .models_of(ModelType::Rerank)
        .find(|m| !m.deprecated)
        .expect("cohere has a rerank model");
    let handle = registry::open(
        provider.id,
        ModelType::Rerank,
        model.id,
        &credentials(provider, key),
    )
    .unwrap_or_else(|e| panic!("cohere/{}: {e}", model.id));
    let request = RerankRequest {
        query: "capital of France".to_owned(),
        documents: vec![
            "Berlin is in Germany.".to_owned(),
            "Paris is the capital of France.".to_owned(),
        ],
        ..RerankRequest::default()
    };
    let response = handle
        .rerank(request)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        response.results.first().map(|r| r.index),
        Some(1),
        "{response:?}"
    );
}
