//! The log line of a finished request: structured fields only (alias, provider, model,
//! status, times, tokens, error kind, sampling parameters), never a credential, a key or message content.

use std::time::Duration;

use super::record::State;

/// Logs a finished request at debug level (`modelrt serve --verbose`).
pub fn request(state: &State, latency: Duration) {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    let tokens = state.tokens.unwrap_or_default();
    tracing::debug!(
        alias = state.labels.alias,
        provider = state.labels.provider,
        model = state.labels.model,
        status = state.status,
        stream = state.stream,
        latency_ms = latency.as_secs_f64() * 1e3,
        first_token_ms = state.first_token.map(|d| d.as_secs_f64() * 1e3),
        overhead_us = state.overhead.as_micros() as u64,
        prompt_tokens = tokens.prompt,
        completion_tokens = tokens.completion,
        cached_tokens = tokens.cached,
        error_kind = state.error.map(|kind| kind.name()),
        max_tokens = state.sampling.max_tokens,
        temperature = state.sampling.temperature,
        top_p = state.sampling.top_p,
        "request finished"
    );
}
