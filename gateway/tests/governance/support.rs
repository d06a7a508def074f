//! Gateways with governance on, in front of a mock upstream serving `openai/gpt-4o-mini`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use modelrt::runtime::secret::Secret;
use modelrt_gateway::{parse_routing, Gateway, Governance, GovernanceConfig, Settings, Values};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The upstream key the gateway holds; no admin answer may show it.
pub const UPSTREAM_KEY: &str = "sk-upstream-secret-0123456789";

/// The master key of the test gateways.
pub const MASTER: &str = "master-key-for-tests-0123456789";

/// A priced model: $0.15 / $0.60 per million tokens.
pub const MODEL: &str = "openai/gpt-4o-mini";

/// A gateway being served.
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A plain HTTP client.
    pub client: reqwest::Client,
    /// Where its SQLite file is, when it uses one.
    pub data_dir: PathBuf,
}

/// A fresh directory under the system's temporary directory.
pub fn temp_dir() -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "modelrt-gov-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Serves a gateway with governance on `database_url` (a fresh SQLite file when `None`) and
/// `redis_url`, in front of `upstream`.
pub async fn start(upstream: &str, database_url: Option<&str>, redis_url: Option<&str>) -> Running {
    start_routed(upstream, database_url, redis_url, "models: []\n").await
}

/// [`start`] with the routing file `yaml`.
pub async fn start_routed(
    upstream: &str,
    database_url: Option<&str>,
    redis_url: Option<&str>,
    yaml: &str,
) -> Running {
    let data_dir = temp_dir();
    let governance = Governance::open(GovernanceConfig {
        master_key: Secret::new(MASTER),
        database_url: database_url.map(str::to_owned),
        redis_url: redis_url.map(str::to_owned),
        data_dir: data_dir.clone(),
    })
    .await
    .unwrap();
    let credentials = BTreeMap::from([(
        "openai".to_owned(),
        Values::from([
            ("openai_api_key".to_owned(), UPSTREAM_KEY.to_owned()),
            ("openai_api_base".to_owned(), format!("{upstream}/v1")),
        ]),
    )]);
    let settings = Settings {
        governance: Some(governance),
        ..Settings::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routing = parse_routing("gateway.yaml", yaml, |_| None).unwrap();
    let gateway = Gateway::with_routing(credentials, settings, routing);
    tokio::spawn(gateway.serve(listener, std::future::pending()));
    Running {
        base,
        client: reqwest::Client::new(),
        data_dir,
    }
}

impl Running {
    /// `GET /metrics`, with `key` as the bearer when given; returns status and text.
    pub async fn metrics(&self, key: Option<&str>) -> (u16, String) {
        let mut request = self.client.get(format!("{}/metrics", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Sends an admin request with the master key; returns status and JSON body.
    pub async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}/admin{path}", self.base))
            .bearer_auth(MASTER);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Creates a key from `body`; returns (id, plaintext key).
    pub async fn create_key(&self, body: Value) -> (String, String) {
        let (status, created) = self.admin(reqwest::Method::POST, "/keys", Some(body)).await;
        assert_eq!(status, 201, "{created}");
        (
            created["id"].as_str().unwrap().to_owned(),
            created["key"].as_str().unwrap().to_owned(),
        )
    }

    /// A chat completion with `key`, asking for at most `max_tokens`.
    pub async fn chat(&self, key: &str, max_tokens: u64) -> reqwest::Response {
        self.client
            .post(format!("{}/v1/chat/completions", self.base))
            .bearer_auth(key)
            .json(&chat_body(max_tokens))
            .send()
            .await
            .unwrap()
    }
}

/// The chat request every test sends.
pub fn chat_body(max_tokens: u64) -> Value {
    json!({
        "model": MODEL,
        "messages": [{"role": "user", "content": "Say hi"}],
        "max_tokens": max_tokens
    })
}

/// Mounts an upstream chat completion answering after `delay_ms` with `prompt` and
/// `completion` tokens, in the shape of OpenAI's Chat Completions API.
pub async fn mock_upstream(prompt: u64, completion: u64, delay_ms: u64) -> MockServer {
    let upstream = MockServer::start().await;
    mount_completion(&upstream, prompt, completion, delay_ms).await;
    upstream
}

/// Mounts the answer of [`mock_upstream`] on `upstream`.
pub async fn mount_completion(upstream: &MockServer, prompt: u64, completion: u64, delay_ms: u64) {
    let body = json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                  "total_tokens": prompt + completion,
                  "prompt_tokens_details": {"cached_tokens": 0}}
    });
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(body)
                .set_delay(std::time::Duration::from_millis(delay_ms)),
        )
        .mount(upstream)
        .await;
}

/// The prompt tokens the gateway counts offline for [`chat_body`], as the runtime counts them.
pub fn counted_prompt_tokens() -> u64 {
    use modelrt::runtime::catalog::ModelType;
    use modelrt::runtime::llm::{LlmRequest, Message};
    let values = Values::from([("openai_api_key".to_owned(), "sk-x".to_owned())]);
    let provider = modelrt::registry::find_provider("openai").unwrap();
    let handle =
        modelrt::registry::open_at(provider, ModelType::Llm, "gpt-4o-mini", &values).unwrap();
    let request = LlmRequest {
        messages: vec![Message::user("Say hi")],
        ..LlmRequest::default()
    };
    handle.count_tokens(&request).unwrap()
}

/// The exact cost of a call to [`MODEL`], priced by the catalog.
pub fn cost(prompt: u64, completion: u64) -> rust_decimal::Decimal {
    let provider = modelrt::registry::find_provider("openai").unwrap();
    let model = provider
        .models_of(modelrt::runtime::catalog::ModelType::Llm)
        .find(|m| m.id == "gpt-4o-mini")
        .unwrap();
    modelrt::runtime::pricing::cost(&model.pricing.unwrap(), prompt, completion).total
}

/// The URL of a service the scripts start (`scripts/with-services.sh`): under CI its absence
/// fails the test; elsewhere the test is skipped with a note.
pub fn service(variable: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{variable} is not set under CI: run the tests through scripts/with-services.sh")
        }
        _ => {
            eprintln!(
                "note: skipped: {variable} is not set (run through scripts/with-services.sh)"
            );
            None
        }
    }
}
