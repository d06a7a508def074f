//! A gateway on a free loopback port, in front of a mock upstream.

use std::collections::BTreeMap;

use modelrt_gateway::{parse_routing, Gateway, Settings, Values};
use serde_json::Value;

/// The upstream key the gateway holds; no response or log line may show it.
pub const UPSTREAM_KEY: &str = "sk-upstream-secret-0123456789";

/// A customizable model of `openai_api_compatible`, served by the mock upstream.
pub const MODEL: &str = "openai_api_compatible/local-model";

/// A gateway being served, and a client for it.
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A plain HTTP client.
    pub client: reqwest::Client,
}

impl Running {
    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs `body` as JSON to `path`.
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// Credentials of the `openai_api_compatible` and `openai` providers, both pointing at
/// `upstream` (the mock server's base URL, without `/v1`).
pub fn credentials(upstream: &str) -> BTreeMap<String, Values> {
    let values = |pairs: &[(&str, &str)]| -> Values {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let endpoint = format!("{upstream}/v1");
    BTreeMap::from([
        (
            "openai_api_compatible".to_owned(),
            values(&[
                ("endpoint_url", &endpoint),
                ("api_key", UPSTREAM_KEY),
                ("mode", "chat"),
                ("context_size", "4096"),
                ("max_tokens_to_sample", "4096"),
                ("stream_mode_delimiter", r"\n\n"),
                ("max_chunks", "8"),
                ("function_calling_type", "tool_call"),
                ("stream_function_calling", "supported"),
                ("vision_support", "support"),
                ("structured_output_support", "supported"),
            ]),
        ),
        (
            "openai".to_owned(),
            values(&[
                ("openai_api_key", UPSTREAM_KEY),
                ("openai_api_base", &endpoint),
            ]),
        ),
    ])
}

/// Serves a gateway with `settings` in front of `upstream`.
pub async fn start_with(upstream: &str, settings: Settings) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let gateway = Gateway::new(credentials(upstream), settings);
    tokio::spawn(gateway.serve(listener, std::future::pending()));
    Running {
        base,
        client: reqwest::Client::new(),
    }
}

/// Serves a gateway in front of `upstream` with the routing file `yaml`, whose environment
/// variable references `env` resolves; also returns the gateway, to reload it.
pub async fn start_routed(upstream: &str, yaml: &str, env: &[(&str, &str)]) -> (Running, Gateway) {
    let lookup = |name: &str| {
        env.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    };
    let routing = parse_routing("gateway.yaml", yaml, lookup).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let gateway = Gateway::with_routing(credentials(upstream), Settings::default(), routing);
    tokio::spawn(gateway.clone().serve(listener, std::future::pending()));
    let running = Running {
        base,
        client: reqwest::Client::new(),
    };
    (running, gateway)
}

/// Serves a gateway with the default settings in front of `upstream`.
pub async fn start(upstream: &str) -> Running {
    start_with(upstream, Settings::default()).await
}

/// The `data:` payloads of a server-sent event stream, in order.
pub fn sse_data(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            line.strip_prefix("data: ")
                .or_else(|| line.strip_prefix("data:"))
        })
        .map(str::to_owned)
        .collect()
}

/// An upstream SSE body from JSON chunks, ending with `[DONE]`.
pub fn upstream_sse(chunks: &[Value]) -> String {
    let mut body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    body.push_str("data: [DONE]\n\n");
    body
}

/// The JSON body of a response that must be a 200; the body is shown when it is not.
pub async fn json_ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// The text body of a response that must be a 200; the body is shown when it is not.
pub async fn text_ok(response: reqwest::Response) -> String {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    text
}
