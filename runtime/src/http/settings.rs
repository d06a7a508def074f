//! Timeouts, retry policy and size limits of provider calls.

use std::time::Duration;

/// How calls use the network. The defaults suit hosted APIs; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpSettings {
    /// Longest wait to establish a connection.
    pub connect_timeout: Duration,
    /// Longest silence while waiting for response bytes (per read, so long streams are fine).
    pub read_timeout: Duration,
    /// Longest a whole call may take: every attempt, the waits between them and, for a
    /// streamed answer, the stream to its end. `None`: no limit beyond the timeouts above.
    pub deadline: Option<Duration>,
    /// Retries after the first attempt, for retryable errors only.
    pub max_retries: u32,
    /// Whether a read timeout is retried for a request that is not idempotent (a POST). Off by
    /// default: the server may already be generating (and billing) the answer.
    pub retry_read_timeouts: bool,
    /// Backoff before the first retry; doubles each retry, with jitter.
    pub initial_backoff: Duration,
    /// Upper bound of the computed backoff.
    pub max_backoff: Duration,
    /// A `retry-after` longer than this is not waited for: the error is returned instead.
    pub max_retry_after: Duration,
    /// Largest response body read whole (a JSON answer, a file); more is an invalid response.
    pub max_body_bytes: usize,
    /// Largest single event of a streamed answer; more is an invalid response.
    pub max_event_bytes: usize,
    /// Most bytes of an error response read; the rest is not read (the error keeps
    /// [`crate::error::MAX_ERROR_BODY_BYTES`] of it).
    pub max_error_body_bytes: usize,
}

impl HttpSettings {
    /// The defaults, usable in `const` items (`..HttpSettings::DEFAULT`).
    pub const DEFAULT: HttpSettings = HttpSettings {
        connect_timeout: Duration::from_secs(10),
        read_timeout: Duration::from_secs(300),
        deadline: None,
        max_retries: 2,
        retry_read_timeouts: false,
        initial_backoff: Duration::from_millis(500),
        max_backoff: Duration::from_secs(8),
        max_retry_after: Duration::from_secs(60),
        max_body_bytes: 16 << 20,
        max_event_bytes: 1 << 20,
        max_error_body_bytes: 64 << 10,
    };
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings::DEFAULT
    }
}
