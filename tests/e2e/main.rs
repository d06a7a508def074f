//! End-to-end tests: modelrt's public API (the dynamic registry, `openai_api_compatible`
//! provider, a customizable model) against a real llama.cpp server running SmolLM2-135M.
//!
//! `scripts/test.sh` (or `scripts/with-llama-server.sh cargo test --test e2e`) starts the
//! servers and says where they are through `MODELRT_E2E_*` variables. Without them these tests
//! skip, printing why, or fail under `CI=true`.
//!
//! The server computes one request at a time and its greedy output depends on what its prompt
//! cache holds, so the tests take turns ([`serial`]) and compare answers only after a warm-up.

mod cancel;
mod chat;
mod client;
mod credentials;
mod embeddings;
mod kill;
mod llama;
mod models;
mod server;
mod tokens;

use tokio::sync::{Mutex, MutexGuard};

/// Held by each test for its whole run: one test at a time talks to the servers.
pub async fn serial() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::const_new(());
    TURN.lock().await
}
