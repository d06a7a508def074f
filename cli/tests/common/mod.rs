//! Runs the real `modelrt` binary in an isolated environment: no inherited variables, and a
//! fresh config directory per test.

#![allow(dead_code)] // Each test file uses its own subset.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A recognisable secret that must never appear in any output.
pub const SECRET: &str = "sk-cli-test-SECRET-0123456789abcdef";

/// What a run printed and how it exited.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both streams, for secret checks and failure messages.
    pub fn all(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }

    /// stdout as JSON (panics with both streams shown when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.all()))
    }

    /// Asserts the exit code, showing the output when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{}", self.all());
        self
    }

    /// Asserts the secret appears nowhere.
    pub fn expect_no_secret(&self) -> &Self {
        assert!(
            !self.stdout.contains(SECRET),
            "secret leaked:\n{}",
            self.all()
        );
        assert!(
            !self.stderr.contains(SECRET),
            "secret leaked:\n{}",
            self.all()
        );
        // Nor a long piece of it.
        assert!(!self.all().contains("SECRET-0123456789"), "{}", self.all());
        self
    }
}

/// An isolated environment for the binary.
#[derive(Debug, Clone)]
pub struct Cli {
    home: PathBuf,
    env: Vec<(String, String)>,
}

impl Cli {
    /// A fresh home directory named after the test.
    pub fn new(test: &str) -> Self {
        let home = std::env::temp_dir().join(format!("modelrt-cli-{}-{test}", std::process::id()));
        drop(std::fs::remove_dir_all(&home));
        std::fs::create_dir_all(&home).unwrap();
        Cli {
            home,
            env: Vec::new(),
        }
    }

    /// Sets an environment variable for every run.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The credentials file's path (in `$XDG_CONFIG_HOME/modelrt/`).
    pub fn credentials_file(&self) -> PathBuf {
        self.home.join("config/modelrt/credentials")
    }

    /// Writes the credentials file with the given unix permissions.
    pub fn write_credentials(&self, text: &str, mode: u32) {
        let path = self.credentials_file();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Runs `modelrt args...` with stdin closed.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    /// Runs `modelrt args...` with `input` on stdin.
    pub fn run_with_stdin(&self, args: &[&str], input: Option<&str>) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_modelrt"));
        command
            .args(args)
            .env_clear()
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        let mut child = command.spawn().expect("run modelrt");
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            stdin.write_all(input.as_bytes()).unwrap();
        }
        let output = child.wait_with_output().unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// [`Cli::run`] off the async runtime's threads, so a mock server keeps serving.
    pub async fn run_async(&self, args: &[&str]) -> Run {
        self.run_async_with_stdin(args, None).await
    }

    /// [`Cli::run_with_stdin`] off the async runtime's threads.
    pub async fn run_async_with_stdin(&self, args: &[&str], input: Option<&str>) -> Run {
        let cli = self.clone();
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let input = input.map(str::to_owned);
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cli.run_with_stdin(&args, input.as_deref())
        })
        .await
        .unwrap()
    }
}
