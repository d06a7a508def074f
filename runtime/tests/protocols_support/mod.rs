//! Fixtures shared by the wire tests of the Anthropic, Ollama, Cohere and OpenAI audio and
//! moderation protocols: providers declared as their YAML declares them, parameters with
//! the rules those models have, and request inspection.
#![allow(dead_code)] // each test binary uses a different subset

use modelrt_runtime::catalog::{I18n, ParameterRule, ParameterType};
use modelrt_runtime::credentials::{CredentialValue, ValidatedCredentials};
use modelrt_runtime::params::{validate_against_rules, ValidatedParams};
use modelrt_runtime::secret::Secret;
use serde_json::Value;
use wiremock::{MockServer, Request};

use crate::common::{fast_http, provider, Fixture, API_KEY};

/// A fixture for `model` of a provider with `extra` settings and these credentials:
/// `secrets` get [`API_KEY`], `texts` their values.
pub fn fixture(
    provider_id: &'static str,
    extra: Vec<(&'static str, &'static str)>,
    model: &str,
    secrets: &[&'static str],
    texts: &[(&'static str, &str)],
) -> Fixture {
    let mut credentials = ValidatedCredentials::default();
    for name in secrets {
        credentials.insert(name, CredentialValue::Secret(Secret::new(API_KEY)));
    }
    for (name, value) in texts {
        credentials.insert(name, CredentialValue::Text((*value).to_owned()));
    }
    Fixture {
        provider: provider(provider_id, extra),
        model: model.to_owned(),
        info: None,
        credentials,
        params: ValidatedParams::default(),
        http: fast_http(),
    }
}

/// Parameters validated against rules of the given names and types.
pub fn params(rules: &[(&'static str, ParameterType)], input: Value) -> ValidatedParams {
    let rules: Vec<ParameterRule> = rules
        .iter()
        .map(|(name, param_type)| ParameterRule {
            name,
            use_template: None,
            label: I18n {
                en_us: name,
                others: &[],
            },
            param_type: *param_type,
            help: None,
            required: false,
            default: None,
            min: None,
            max: None,
            precision: None,
            options: &[],
        })
        .collect();
    let Value::Object(map) = input else {
        panic!("params must be an object")
    };
    validate_against_rules("test", "test", &rules, &map).expect("test params are valid")
}

/// Every request the server received.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

/// The one request the server received.
pub async fn only_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "exactly one request");
    all.remove(0)
}

/// A request's JSON body.
pub fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("the request body is JSON")
}

/// A request header.
pub fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Asserts that neither the error's `Display` nor its `Debug` shows the test key.
pub fn assert_no_key(error: &modelrt_runtime::Error) {
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(API_KEY), "the key leaked: {shown}");
}
