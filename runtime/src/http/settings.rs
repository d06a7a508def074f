//! Timeouts and retry policy of provider calls.

use std::time::Duration;

/// How calls use the network. The defaults suit hosted APIs; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpSettings {
    /// Longest wait to establish a connection.
    pub connect_timeout: Duration,
    /// Longest silence while waiting for response bytes (per read, so long streams are fine).
    pub read_timeout: Duration,
    /// Retries after the first attempt, for retryable errors only.
    pub max_retries: u32,
    /// Backoff before the first retry; doubles each retry, with jitter.
    pub initial_backoff: Duration,
    /// Upper bound of the computed backoff.
    pub max_backoff: Duration,
    /// A `retry-after` longer than this is not waited for: the error is returned instead.
    pub max_retry_after: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(300),
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}
