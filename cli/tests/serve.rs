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
    serve_with(cli, &[], env)
}

/// [`serve`] with more arguments.
fn serve_with(cli: &Cli, args: &[&str], env: &[(&str, &str)]) -> Served {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_modelrt"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(args)
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

/// An OpenAI-compatible upstream whose embeddings endpoint refuses the key, echoing it in the
/// error body as OpenAI does (so a test can check the gateway never passes it on). Each test
/// mounts its own chat mock (see [`chat_answer`]) with the matchers it needs.
async fn upstream_answering_chat_and_refusing_embeddings() -> MockServer {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"message": format!("Incorrect API key provided: {SECRET}"), "code": "invalid_api_key"}
        })))
        .mount(&upstream)
        .await;
    upstream
}

/// A `chat.completion` answering "Hi!" with 3 + 1 tokens of usage.
fn chat_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "c1", "object": "chat.completion", "created": 1, "model": "my-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi!"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_uses_environment_credentials_and_the_gateway_key() {
    let upstream = upstream_answering_chat_and_refusing_embeddings().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .respond_with(chat_answer())
        .expect(1)
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

#[test]
fn a_bad_routing_file_is_refused_with_file_line_and_column() {
    let cli = Cli::new("serve_bad_config");
    let file = cli.home().join("gateway.yaml");
    std::fs::write(
        &file,
        "models:\n  - alias: chat\n    deployments:\n      - provider: opneai\n        model: m\n",
    )
    .unwrap();
    let run = cli.run(&["serve", "--config", file.to_str().unwrap()]);
    run.expect_code(1);
    let place = format!("{}:4:", file.display());
    assert!(run.stderr.contains(&place), "{}", run.all());
    assert!(run.stderr.contains("no provider `opneai`"), "{}", run.all());
}

/// Sends SIGHUP to the gateway.
#[cfg(unix)]
fn hang_up(served: &Served) {
    let status = Command::new("kill")
        .args(["-HUP", &served.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_routing_file_and_keeps_it_when_bad() {
    let upstream = MockServer::start().await;
    for model in ["model-a", "model-b"] {
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(wiremock::matchers::body_partial_json(json!({"model": model})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "choices": [{"index": 0, "message": {"role": "assistant", "content": model}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
            })))
            .mount(&upstream)
            .await;
    }
    let routing = |model: &str| {
        format!("models:\n  - alias: chat\n    deployments:\n      - provider: openai_api_compatible\n        model: {model}\n")
    };
    let cli = Cli::new("serve_sighup");
    let file = cli.home().join("gateway.yaml");
    std::fs::write(&file, routing("model-a")).unwrap();
    let endpoint = format!("{}/v1", upstream.uri());
    let config = file.to_str().unwrap();
    let served = serve_with(
        &cli,
        &["--config", config],
        &[("MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL", &endpoint)],
    );
    let client = reqwest::Client::new();
    let url = format!("{}/v1/chat/completions", served.base);
    let ask = || async {
        let body = json!({"model": "chat", "messages": [{"role": "user", "content": "hi"}]});
        let answer: Value = client
            .post(&url)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["choices"][0]["message"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(ask().await, "model-a");

    std::fs::write(&file, routing("model-b")).unwrap();
    hang_up(&served);
    let started = Instant::now();
    while ask().await != "model-b" {
        assert!(started.elapsed() < Duration::from_secs(10), "not reloaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    std::fs::write(&file, "models: [oops\n").unwrap();
    hang_up(&served);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        ask().await,
        "model-b",
        "a bad file keeps the routes in force"
    );
    let log = served.stop();
    assert!(log.contains("kept the routing in force"), "{log}");
    assert!(log.contains(&format!("{config}:1:")), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_and_spend_commands_manage_a_running_gateway() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(chat_answer())
        .mount(&upstream)
        .await;
    let endpoint = format!("{}/v1", upstream.uri());
    let master = "master-0123456789-abcdef";
    let cli = Cli::new("serve_keys");
    let served = serve(
        &cli,
        &[
            ("MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL", &endpoint),
            ("MODELRT_OPENAI_API_COMPATIBLE_API_KEY", SECRET),
            ("MODELRT_MASTER_KEY", master),
        ],
    );
    // The default SQLite file is created in the data directory under $HOME.
    assert!(cli.home().join(".local/share/modelrt/modelrt.db").exists());

    let without_master = cli.run(&["keys", "list", "--url", &served.base]);
    without_master.expect_code(1);
    assert!(
        without_master.stderr.contains("MODELRT_MASTER_KEY"),
        "{}",
        without_master.all()
    );

    let cli = cli.env("MODELRT_MASTER_KEY", master);
    let url = ["--url", served.base.as_str()];
    let create = [
        &[
            "keys", "create", "team-a", "--rpm", "5", "--budget", "2.5", "--period", "daily",
        ][..],
        &url,
        &["--models", "openai_api_compatible/*", "--json"],
    ]
    .concat();
    let created = cli.run(&create);
    created.expect_code(0);
    let created = created.json();
    let key = created["key"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["budget"]["limit"], "2.5");

    let chat = json!({"model": "openai_api_compatible/my-model", "messages": [{"role": "user", "content": "hi"}]});
    let answer = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", served.base))
        .bearer_auth(&key)
        .json(&chat)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);

    let list = cli.run(&[&["keys", "list"][..], &url].concat());
    list.expect_code(0);
    assert!(list.stdout.contains("SPENT"), "{}", list.all());
    assert!(
        list.stdout.contains("team-a") && list.stdout.contains("0 USD  2.5 daily"),
        "{}",
        list.all()
    );
    assert!(!list.stdout.contains(&key));

    let spend = cli.run(&[&["spend", "--by", "model", "--since", "24h"][..], &url].concat());
    spend.expect_code(0);
    assert!(
        spend.stdout.contains("openai_api_compatible/my-model"),
        "{}",
        spend.all()
    );
    let spend = cli.run(&[&["spend", "--by", "key", "--json"][..], &url].concat());
    let report = spend.json();
    assert_eq!(report["data"][0]["group"], "team-a");
    assert_eq!(report["data"][0]["prompt_tokens"], 3);

    let updated = cli.run(
        &[
            &["keys", "update", &id, "--tpm", "1000", "--json"][..],
            &url,
        ]
        .concat(),
    );
    assert_eq!(updated.json()["tpm"], 1000);
    let revoked = cli.run(&[&["keys", "revoke", &id][..], &url].concat());
    revoked.expect_code(0);
    assert!(revoked.stdout.contains("revoked"), "{}", revoked.all());
    let missing = cli.run(&[&["keys", "revoke", "key_nope"][..], &url].concat());
    missing.expect_code(1);
    assert!(
        missing.stderr.contains("no virtual key `key_nope`"),
        "{}",
        missing.all()
    );

    let log = served.stop();
    assert!(log.contains("virtual keys on"), "{log}");
    for secret in [SECRET, master, key.as_str()] {
        assert!(!log.contains(secret), "{log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_structured_and_show_no_key() {
    const GATEWAY_KEY: &str = "gw-key-json-logs-0123456789";
    const MASTER_KEY: &str = "master-key-json-logs-0123456789";
    const VIRTUAL_KEY: &str = "sk-virtual-json-logs-0123456789";
    let upstream = upstream_answering_chat_and_refusing_embeddings().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(chat_answer())
        .mount(&upstream)
        .await;
    let endpoint = format!("{}/v1", upstream.uri());
    let cli = Cli::new("serve_json_logs");
    let served = serve_with(
        &cli,
        &["--log-format", "json", "--verbose"],
        &[
            ("MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL", &endpoint),
            ("MODELRT_OPENAI_API_COMPATIBLE_API_KEY", SECRET),
            ("MODELRT_GATEWAY_KEY", GATEWAY_KEY),
            ("MODELRT_MASTER_KEY", MASTER_KEY),
        ],
    );
    let client = reqwest::Client::new();
    let chat = json!({"model": "openai_api_compatible/my-model", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 9});
    let url = format!("{}/v1/chat/completions", served.base);
    let answer = client
        .post(&url)
        .bearer_auth(GATEWAY_KEY)
        .json(&chat)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let refused = client
        .post(&url)
        .bearer_auth(VIRTUAL_KEY)
        .json(&chat)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let rejected = client
        .post(format!("{}/v1/embeddings", served.base))
        .bearer_auth(GATEWAY_KEY)
        .json(&json!({"model": "openai_api_compatible/my-embedder", "input": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), 502);
    let metrics = client
        .get(format!("{}/metrics", served.base))
        .bearer_auth(MASTER_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);

    let log = served.stop();
    let lines: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(
        lines
            .iter()
            .all(|l| l["level"].is_string() && l["timestamp"].is_string()),
        "{log}"
    );
    let finished = lines
        .iter()
        .find(|l| l["message"] == "request finished" && l["status"] == 200)
        .unwrap_or_else(|| panic!("no request line: {log}"));
    assert_eq!(finished["provider"], "openai_api_compatible", "{finished}");
    assert_eq!(finished["model"], "my-model", "{finished}");
    assert_eq!(finished["prompt_tokens"], 3, "{finished}");
    assert_eq!(finished["max_tokens"], 9, "{finished}");
    assert!(finished["overhead_us"].is_u64(), "{finished}");
    assert!(
        lines
            .iter()
            .any(|l| l["error_kind"] == "authorization" && l["status"] == 502),
        "{log}"
    );
    for key in [SECRET, GATEWAY_KEY, MASTER_KEY, VIRTUAL_KEY] {
        assert!(!log.contains(key), "{key} in the logs: {log}");
    }
}
