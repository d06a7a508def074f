//! Fixtures shared by the wire tests of the protocols other than OpenAI-compatible chat:
//! providers declared as their YAML declares them, parameters with the rules those models
//! have, request inspection, and streamed answers collected and added up.
#![allow(dead_code)] // each test binary uses a different subset

pub mod aws;

use futures::{Stream, StreamExt};
use modelrt_runtime::catalog::{I18n, ParameterRule, ParameterType};
use modelrt_runtime::credentials::{CredentialValue, ValidatedCredentials};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{LlmChunk, LlmRequest, LlmResponse, StreamAccumulator, Tool};
use modelrt_runtime::params::{validate_against_rules, ValidatedParams};
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::secret::Secret;
use modelrt_runtime::Error;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

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

/// An SSE answer with `body` as the stream.
pub fn sse_answer(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

/// Streams `request` through `protocol`: every chunk up to the first error, and that error.
pub async fn collect(
    protocol: &dyn LlmProtocol,
    fixture: &Fixture,
    request: LlmRequest,
) -> (Vec<LlmChunk>, Option<Error>) {
    let stream = protocol
        .stream(fixture.ctx(), request)
        .await
        .expect("stream starts");
    drain(stream).await
}

/// Every item of `stream` up to the first error, and that error.
pub async fn drain<T>(
    mut stream: impl Stream<Item = Result<T, Error>> + Unpin,
) -> (Vec<T>, Option<Error>) {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(error) => return (items, Some(error)),
        }
    }
    (items, None)
}

/// The answer the chunks add up to.
pub fn accumulate(chunks: &[LlmChunk]) -> LlmResponse {
    let mut acc = StreamAccumulator::new();
    chunks.iter().for_each(|c| acc.push(c));
    acc.finish()
}

/// Streams `request` through `protocol`: the text received, and the error that ended the
/// stream.
pub async fn stream_text(
    protocol: &dyn LlmProtocol,
    fixture: &Fixture,
    request: LlmRequest,
) -> (String, Option<Error>) {
    let (chunks, error) = collect(protocol, fixture, request).await;
    (chunks.iter().map(|c| c.content.as_str()).collect(), error)
}

/// Answers every `POST {route}` with `template`.
pub async fn answer_post(server: &MockServer, route: &str, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(template)
        .mount(server)
        .await;
}

/// `text` for the `'static` settings of a test provider (a mock server's URL).
pub fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// A function tool every tool-calling wire test declares.
pub fn weather_tool() -> Tool {
    Tool::new(
        "get_current_weather",
        "Get the current weather in a given city",
        json!({"type": "object", "properties": {"location": {"type": "string"}},
               "required": ["location"]}),
    )
}

/// Asserts a provider's error code became `kind`, kept its code and message, names the
/// provider and model, and shows no test key.
pub fn assert_code_error(
    error: &Error,
    (kind, code, message): (ErrorKind, &str, &str),
    (provider, model): (&str, &str),
) {
    assert_eq!(error.kind(), kind, "{code}: {error}");
    assert_eq!(error.code(), Some(code));
    assert!(error.to_string().contains(message), "{error}");
    assert_eq!(
        (error.provider(), error.model()),
        (Some(provider), Some(model))
    );
    assert_no_key(error);
}
