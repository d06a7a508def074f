//! Shared fixtures for the runtime's wire tests: providers, contexts, and a raw TCP server
//! for bodies whose chunking a test must control.
#![allow(dead_code)] // each test binary uses a different subset

use std::time::Duration;

use modelrt_runtime::catalog::{
    Callability, ConfigurateMethod, I18n, ModelInfo, ModelType, ParameterRule, ParameterType,
    ProviderInfo,
};
use modelrt_runtime::credentials::{CredentialValue, ValidatedCredentials};
use modelrt_runtime::http::HttpSettings;
use modelrt_runtime::params::{validate_against_rules, ValidatedParams};
use modelrt_runtime::protocol::{CallContext, ModelRef};
use modelrt_runtime::secret::Secret;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The key used in tests; recognisable so leaks are easy to find.
pub const API_KEY: &str = "sk-test-SECRET-0123456789abcdef";

const fn i18n(text: &'static str) -> I18n {
    I18n {
        en_us: text,
        others: &[],
    }
}

/// A provider with the given `extra.modelrt` settings, leaked to get a `'static` row.
pub fn provider(
    id: &'static str,
    extra: Vec<(&'static str, &'static str)>,
) -> &'static ProviderInfo {
    Box::leak(Box::new(ProviderInfo {
        id,
        label: i18n(id),
        description: None,
        icon_small: None,
        icon_large: None,
        background: None,
        help: None,
        supported_model_types: &[ModelType::Llm, ModelType::TextEmbedding, ModelType::Rerank],
        configurate_methods: &[ConfigurateMethod::CustomizableModel],
        provider_credentials: &[],
        model_credential_schema: None,
        models: &[],
        extra: Box::leak(extra.into_boxed_slice()),
        callability: Callability::Protocol("openai-compatible"),
        source: "test",
    }))
}

/// The `openai_api_compatible` provider (everything comes from credentials).
pub fn compat_provider() -> &'static ProviderInfo {
    provider(
        "openai_api_compatible",
        vec![
            ("base_url_variable", "endpoint_url"),
            (
                "header_variables.OpenAI-Organization",
                "openai_organization",
            ),
        ],
    )
}

/// Credentials as Dify's form would validate them: text values, `api_key` a secret.
pub fn credentials(base_url: &str, text: &[(&'static str, &str)]) -> ValidatedCredentials {
    let mut credentials = ValidatedCredentials::default();
    credentials.insert("endpoint_url", CredentialValue::Text(base_url.to_owned()));
    credentials.insert("api_key", CredentialValue::Secret(Secret::new(API_KEY)));
    for (name, value) in text {
        credentials.insert(name, CredentialValue::Text((*value).to_owned()));
    }
    credentials
}

fn rule(name: &'static str, param_type: ParameterType) -> ParameterRule {
    ParameterRule {
        name,
        use_template: None,
        label: i18n(name),
        param_type,
        help: None,
        required: false,
        default: None,
        min: None,
        max: None,
        precision: None,
        options: &[],
    }
}

/// Parameters validated against a small rule set covering what the protocol handles.
pub fn params(input: Value) -> ValidatedParams {
    let rules = vec![
        rule("temperature", ParameterType::Float),
        rule("top_p", ParameterType::Float),
        rule("max_tokens", ParameterType::Int),
        rule("reasoning_effort", ParameterType::String),
        rule("response_format", ParameterType::String),
        rule("json_schema", ParameterType::Text),
        rule("seed", ParameterType::Int),
    ];
    let Value::Object(map) = input else {
        panic!("params must be an object")
    };
    validate_against_rules("test", "test", &rules, &map).expect("test params are valid")
}

/// Settings for tests: short timeouts and backoff so retries are fast.
pub fn fast_http() -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_secs(2),
        // Generous: on a loaded 2-core CI machine a mock can take over a second to answer,
        // and a spurious timeout would show up as an unexpected retry.
        read_timeout: Duration::from_secs(10),
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(2),
        ..HttpSettings::default()
    }
}

/// Everything a call borrows, owned by the test.
pub struct Fixture {
    pub provider: &'static ProviderInfo,
    pub model: String,
    pub info: Option<&'static ModelInfo>,
    pub credentials: ValidatedCredentials,
    pub params: ValidatedParams,
    pub http: HttpSettings,
}

impl Fixture {
    /// A fixture for `model` of the `openai_api_compatible` provider at `base_url`.
    pub fn compat(base_url: &str, model: &str, text: &[(&'static str, &str)]) -> Self {
        Fixture {
            provider: compat_provider(),
            model: model.to_owned(),
            info: None,
            credentials: credentials(base_url, text),
            params: ValidatedParams::default(),
            http: fast_http(),
        }
    }

    /// The call context.
    pub fn ctx(&self) -> CallContext<'_> {
        CallContext {
            provider: self.provider,
            model: ModelRef {
                id: &self.model,
                info: self.info,
            },
            credentials: &self.credentials,
            params: &self.params,
            http: &self.http,
        }
    }
}

/// Formats SSE events: one `data:` line per payload, a blank line after each.
pub fn sse(payloads: &[&str]) -> String {
    payloads.iter().map(|p| format!("data: {p}\n\n")).collect()
}

/// A one-connection-at-a-time HTTP server that answers every request with `head` and then
/// writes `pieces` one by one (flushing and pausing between them), then closes — or, with
/// `reset`, resets the connection instead of closing it. Returns the base URL.
pub async fn raw_server(status_line: &'static str, pieces: Vec<Vec<u8>>, reset: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let pieces = pieces.clone();
            // Each piece leaves as its own segment (no Nagle coalescing).
            let _ = socket.set_nodelay(true);
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                // Read until the end of the headers, then the declared body length.
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    if let Some(end) = find(&request, b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        while request.len() < end + 4 + length {
                            let Ok(n) = socket.read(&mut buf).await else {
                                return;
                            };
                            if n == 0 {
                                return;
                            }
                            request.extend_from_slice(&buf[..n]);
                        }
                        break;
                    }
                }
                let head = format!(
                    "{status_line}\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
                );
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for piece in pieces {
                    if socket.write_all(&piece).await.is_err() || socket.flush().await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                if reset {
                    // Abort: RST instead of an orderly close.
                    let _ = socket.set_zero_linger();
                }
                drop(socket);
            });
        }
    });
    format!("http://{address}")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
