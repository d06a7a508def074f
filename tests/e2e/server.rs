//! The llama.cpp servers the tests talk to: the shared ones `scripts/with-llama-server.sh`
//! started (found through environment variables), and dedicated ones a test starts itself.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The shared servers, as `scripts/with-llama-server.sh` describes them.
pub struct SharedServers {
    /// Base URL of the chat instance, ending in `/v1`.
    pub base_url: String,
    /// The model name the server answers to.
    pub model: String,
}

impl SharedServers {
    /// The shared servers, or `None` (after saying why) when the tests run without them.
    /// Under `CI=true` a missing server is a failure, not a skip.
    pub fn get(test: &str) -> Option<Self> {
        let base_url = required_var(test, "MODELRT_E2E_BASE_URL")?;
        let model = std::env::var("MODELRT_E2E_MODEL")
            .unwrap_or_else(|_| "smollm2-135m-instruct".to_owned());
        Some(SharedServers { base_url, model })
    }

    /// The `--embedding true` instance's base URL.
    pub fn embed_url(test: &str) -> Option<String> {
        required_var(test, "MODELRT_E2E_EMBED_URL")
    }

    /// The server root (the base URL without `/v1`), for llama.cpp's own `/extras` routes.
    pub fn root_url(&self) -> &str {
        self.base_url.trim_end_matches('/').trim_end_matches("/v1")
    }

    /// How often the chat instance has logged a client disconnect so far, when its log is
    /// known (`MODELRT_E2E_LLAMA_LOG`).
    pub fn disconnects_logged(&self) -> Option<usize> {
        let path = std::env::var_os("MODELRT_E2E_LLAMA_LOG")?;
        let log = std::fs::read_to_string(path).ok()?;
        Some(log.matches("Disconnected from client").count())
    }
}

/// Reads a variable the end-to-end tests need; absent: panic under CI, else skip loudly.
fn required_var(test: &str, name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Some(value),
        _ => {
            let reason = format!(
                "{name} is not set: run the end-to-end tests through scripts/test.sh \
                 (or scripts/with-llama-server.sh cargo test --test e2e)"
            );
            if std::env::var("CI").is_ok_and(|ci| ci == "true" || ci == "1") {
                panic!("{test}: CI=true but {reason}");
            }
            // Straight to stderr: the harness captures `eprintln!` of passing tests.
            let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {reason}");
            None
        }
    }
}

/// A llama.cpp server this test started and owns; dropping it kills the process.
pub struct DedicatedServer {
    child: Child,
    /// Base URL ending in `/v1`.
    pub base_url: String,
}

impl DedicatedServer {
    /// Starts a chat instance on a free loopback port and waits until it answers, or `None`
    /// (after saying why) when the venv is unknown.
    pub async fn start(test: &str, model: &str) -> Option<Self> {
        let python = PathBuf::from(required_var(test, "MODELRT_E2E_LLAMA_PYTHON")?);
        let gguf = PathBuf::from(required_var(test, "MODELRT_E2E_GGUF")?);
        let port = free_port();
        let child = Command::new(python)
            .args(["-m", "llama_cpp.server", "--model"])
            .arg(gguf)
            .args(["--model_alias", model, "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .args([
                "--n_ctx",
                "2048",
                "--n_threads",
                "1",
                "--n_threads_batch",
                "1",
            ])
            .args(["--interrupt_requests", "false"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{test}: cannot start a dedicated llama server: {e}"));
        let mut server = DedicatedServer {
            child,
            base_url: format!("http://127.0.0.1:{port}/v1"),
        };
        server.wait_ready(test).await;
        Some(server)
    }

    async fn wait_ready(&mut self, test: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        let client = reqwest::Client::new();
        let url = format!("{}/models", self.base_url);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{test}: dedicated llama server exited during startup ({status})");
            }
            let answer = client
                .get(&url)
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        panic!("{test}: dedicated llama server not ready after 120 s at {url}");
    }

    /// Kills the server process now (SIGKILL) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for DedicatedServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A TCP port free on loopback right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
    listener
        .local_addr()
        .expect("local address of a bound listener")
        .port()
}
