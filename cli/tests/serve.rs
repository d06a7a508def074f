//! `modelrt serve` with no config file: credentials from `MODELRT_<PROVIDER>_<VARIABLE>`,
//! `<provider>/<model>` addressing, the `MODELRT_GATEWAY_KEY` bearer key, and no upstream key
//! in any response or log line.

mod common;

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Cli, SECRET};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The running gateway; killed on drop.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// Stops the gateway and returns what it logged.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut log = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            stderr.read_to_string(&mut log).unwrap();
        }
        log
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `modelrt serve` in `cli`'s isolated environment plus `env`, and waits until it
/// accepts connections.
fn serve(cli: &Cli, env: &[(&str, &str)]) -> Served {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_modelrt"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env_clear()
        .env("HOME", cli.home())
        .env("XDG_CONFIG_HOME", cli.home().join("config"))
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run modelrt serve");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "modelrt serve did not listen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Served {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_uses_environment_credentials_and_the_gateway_key() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "c1", "object": "chat.completion", "created": 1, "model": "my-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi!"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
        })))
        .expect(1)
        .mount(&upstream)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"message": format!("Incorrect API key provided: {SECRET}"), "code": "invalid_api_key"}
        })))
        .mount(&upstream)
        .await;
    let endpoint = format!("{}/v1", upstream.uri());
    let cli = Cli::new("serve_env");
    let served = serve(
        &cli,
        &[
            ("MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL", &endpoint),
            ("MODELRT_OPENAI_API_COMPATIBLE_API_KEY", SECRET),
            ("MODELRT_GATEWAY_KEY", "gw-key"),
        ],
    );
    let client = reqwest::Client::new();
    let chat = json!({"model": "openai_api_compatible/my-model", "messages": [{"role": "user", "content": "hi"}]});
    let url = format!("{}/v1/chat/completions", served.base);

    let refused = client.post(&url).json(&chat).send().await.unwrap();
    assert_eq!(refused.status(), 401);

    let answer = client
        .post(&url)
        .bearer_auth("gw-key")
        .json(&chat)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.unwrap();
    assert_eq!(answer["choices"][0]["message"]["content"], "Hi!");
    assert_eq!(answer["model"], "openai_api_compatible/my-model");

    let rejected = client
        .post(format!("{}/v1/embeddings", served.base))
        .bearer_auth("gw-key")
        .json(&json!({"model": "openai_api_compatible/my-embedder", "input": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), 502);
    let body = rejected.text().await.unwrap();
    assert!(body.contains("authorization failed"), "{body}");
    assert!(!body.contains(SECRET), "{body}");

    let log = served.stop();
    assert!(log.contains("listening on"), "{log}");
    assert!(log.contains("authorization failed"), "{log}");
    assert!(!log.contains(SECRET), "{log}");
}
