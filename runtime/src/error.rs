//! The one error type of every provider call.
//!
//! Every failure, whatever the provider, becomes an [`Error`] with an [`ErrorKind`] a caller can
//! act on (retry, ask for a new key, shorten the prompt...) and the evidence needed to debug it:
//! provider, model, HTTP status, provider error code, response body and headers. Secrets never
//! reach an `Error`: authentication headers are dropped and known secret values are redacted
//! from every text it keeps (see [`Error::redact`]).

use std::fmt;
use std::time::Duration;

/// Most bytes of a response body (or failed payload) an [`Error`] keeps; the rest is cut off
/// with a note of the full size, so an error never holds a huge body.
pub const MAX_ERROR_BODY_BYTES: usize = 8 * 1024;

/// What replaces a secret in every text an [`Error`] keeps.
const REDACTED: &str = "[REDACTED]";

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in terms a caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The server could not be reached or the connection broke (refused, reset, DNS, TLS,
    /// a stream cut before its end).
    Connection,
    /// Connecting or waiting for data took longer than the configured timeout.
    Timeout,
    /// The server is overloaded or failing (5xx, 529).
    ServerUnavailable,
    /// Too many requests; retry after [`Error::retry_after`] when the server said so.
    RateLimit,
    /// The account's quota or balance is exhausted; retrying does not help.
    Quota,
    /// The key was rejected or lacks permission (401, 403).
    Authorization,
    /// The provider rejected the request as malformed (400, 413, 422...).
    BadRequest,
    /// The prompt (plus the requested output) does not fit the model's context window.
    ContextWindowExceeded,
    /// The provider's safety system blocked the prompt or the answer.
    ContentFiltered,
    /// The provider does not know the model (or it is not available to this key).
    ModelNotFound,
    /// No provider with that id is compiled into this build.
    ProviderNotFound,
    /// The response could not be decoded; [`Error::body`] keeps the raw payload.
    InvalidResponse,
    /// The credentials are missing or malformed (checked before any request is sent).
    InvalidCredentials,
    /// The call's parameters or request are invalid (checked before any request is sent).
    InvalidParams,
    /// The provider, model or protocol does not support what was asked.
    Unsupported,
}

impl ErrorKind {
    /// A short lower-case description, used in `Display`.
    pub const fn describe(self) -> &'static str {
        match self {
            ErrorKind::Connection => "connection error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::ServerUnavailable => "server unavailable",
            ErrorKind::RateLimit => "rate limited",
            ErrorKind::Quota => "quota exceeded",
            ErrorKind::Authorization => "authorization failed",
            ErrorKind::BadRequest => "bad request",
            ErrorKind::ContextWindowExceeded => "context window exceeded",
            ErrorKind::ContentFiltered => "content filtered",
            ErrorKind::ModelNotFound => "model not found",
            ErrorKind::ProviderNotFound => "provider not found",
            ErrorKind::InvalidResponse => "invalid response",
            ErrorKind::InvalidCredentials => "invalid credentials",
            ErrorKind::InvalidParams => "invalid parameters",
            ErrorKind::Unsupported => "unsupported",
        }
    }

    /// The kind in snake case, e.g. `rate_limit`: a stable name for logs, metrics labels
    /// and error codes.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::Connection => "connection",
            ErrorKind::Timeout => "timeout",
            ErrorKind::ServerUnavailable => "server_unavailable",
            ErrorKind::RateLimit => "rate_limit",
            ErrorKind::Quota => "quota",
            ErrorKind::Authorization => "authorization",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::ContextWindowExceeded => "context_window_exceeded",
            ErrorKind::ContentFiltered => "content_filtered",
            ErrorKind::ModelNotFound => "model_not_found",
            ErrorKind::ProviderNotFound => "provider_not_found",
            ErrorKind::InvalidResponse => "invalid_response",
            ErrorKind::InvalidCredentials => "invalid_credentials",
            ErrorKind::InvalidParams => "invalid_params",
            ErrorKind::Unsupported => "unsupported",
        }
    }

    /// Whether a failure of this kind may succeed when the same request is sent again.
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::Connection
                | ErrorKind::Timeout
                | ErrorKind::ServerUnavailable
                | ErrorKind::RateLimit
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A failed provider call. Cheap to move (one box); see the module docs.
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Default)]
struct Inner {
    kind: Option<ErrorKind>,
    message: String,
    provider: Option<String>,
    model: Option<String>,
    status: Option<u16>,
    code: Option<String>,
    body: Option<String>,
    headers: Vec<(String, String)>,
    retry_after: Option<Duration>,
    /// Whether `body` was cut to [`MAX_ERROR_BODY_BYTES`].
    body_truncated: bool,
    /// A timeout while waiting for the answer to a request already sent (the server may be
    /// processing it), as opposed to a connect timeout.
    read_timeout: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// Header names whose values are credentials: never kept in an error.
fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || ["key", "token", "secret", "auth", "signature", "credential"]
        .iter()
        .any(|word| name.contains(word))
}

impl Error {
    /// An error a provider reported by a numeric code in place of an answer (often with
    /// status 200): `kind`, the code, its message (else `error code N`), and `raw` kept as the
    /// body.
    pub(crate) fn from_code(kind: ErrorKind, code: i64, message: Option<&str>, raw: &str) -> Self {
        let message = message.map_or_else(|| format!("error code {code}"), str::to_owned);
        Error::new(kind, message)
            .with_code(code.to_string())
            .with_body(raw)
    }

    /// A new error of `kind` with a human-readable `message` (the cause).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind: Some(kind),
                message: message.into(),
                ..Inner::default()
            }),
        }
    }

    /// Sets the provider id.
    pub fn with_provider(mut self, provider: impl Into<String>) -> Self {
        self.inner.provider = Some(provider.into());
        self
    }

    /// Sets the model id.
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.inner.model = Some(model.into());
        self
    }

    /// Sets the HTTP status of the failed response.
    pub fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    /// Sets the provider's own error code (e.g. `context_length_exceeded`).
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.inner.code = Some(code.into());
        self
    }

    /// Keeps the response body (or, for decode errors, the raw payload that failed): its first
    /// [`MAX_ERROR_BODY_BYTES`], followed by a note of the full size when longer.
    pub fn with_body(mut self, body: impl Into<String>) -> Self {
        let mut body = body.into();
        self.inner.body_truncated = body.len() > MAX_ERROR_BODY_BYTES;
        if self.inner.body_truncated {
            let full = body.len();
            let mut cut = MAX_ERROR_BODY_BYTES;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
            body.push_str(&format!("… [cut from {full} bytes]"));
        }
        self.inner.body = Some(body);
        self
    }

    /// Keeps response headers, dropping every header that may carry a credential.
    pub fn with_headers<'h>(
        mut self,
        headers: impl IntoIterator<Item = (&'h str, &'h str)>,
    ) -> Self {
        self.inner.headers = headers
            .into_iter()
            .filter(|(name, _)| !is_sensitive_header(name))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        self
    }

    /// Sets how long the server asked us to wait before retrying.
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.inner.retry_after = Some(delay);
        self
    }

    /// Sets the underlying error. Only its `Display` text is ever shown.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Changes the kind (e.g. when a provider error code is more precise than the status).
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.inner.kind = Some(kind);
        self
    }

    /// Sets provider and model when they are not set yet.
    pub fn in_call(mut self, provider: &str, model: &str) -> Self {
        if self.inner.provider.is_none() {
            self.inner.provider = Some(provider.to_owned());
        }
        if self.inner.model.is_none() {
            self.inner.model = Some(model.to_owned());
        }
        self
    }

    /// Replaces every occurrence of each non-empty `secret`, however short, in the message,
    /// body, code and headers with `[REDACTED]`, and drops the source if its text contains one.
    /// A body cut at [`MAX_ERROR_BODY_BYTES`] also loses a secret's beginning left at the cut.
    /// The HTTP layer calls this with the call's secrets before an error leaves it.
    pub fn redact(mut self, secrets: &[&str]) -> Self {
        let secrets: Vec<&str> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
        if secrets.is_empty() {
            return self;
        }
        let scrub = |text: &mut String| {
            for secret in &secrets {
                if text.contains(secret) {
                    *text = text.replace(secret, REDACTED);
                }
            }
        };
        let inner = &mut *self.inner;
        if inner.body_truncated {
            if let Some(body) = &mut inner.body {
                scrub_cut_secret(body, &secrets);
            }
        }
        scrub(&mut inner.message);
        for text in [
            &mut inner.code,
            &mut inner.body,
            &mut inner.provider,
            &mut inner.model,
        ]
        .into_iter()
        .flatten()
        {
            scrub(text);
        }
        for (_, value) in &mut inner.headers {
            scrub(value);
        }
        if let Some(source) = &inner.source {
            let shown = source.to_string();
            if secrets.iter().any(|s| shown.contains(s)) {
                inner.source = None;
            }
        }
        self
    }

    /// Marks a timeout that struck after the request was sent: the server may be processing
    /// it, so it is retried only where that is harmless (see [`Error::is_read_timeout`]).
    pub(crate) fn marked_read_timeout(mut self) -> Self {
        self.inner.read_timeout = true;
        self
    }

    /// Whether this is a timeout waiting for the answer to a request already sent.
    pub fn is_read_timeout(&self) -> bool {
        self.inner.read_timeout
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind.unwrap_or(ErrorKind::InvalidResponse)
    }

    /// The cause, in words.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The provider id, when known.
    pub fn provider(&self) -> Option<&str> {
        self.inner.provider.as_deref()
    }

    /// The model id, when known.
    pub fn model(&self) -> Option<&str> {
        self.inner.model.as_deref()
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The provider's error code, when its body had one.
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The response body, or the raw payload that failed to decode.
    pub fn body(&self) -> Option<&str> {
        self.inner.body.as_deref()
    }

    /// The response headers, without credential-bearing ones.
    pub fn headers(&self) -> &[(String, String)] {
        &self.inner.headers
    }

    /// One response header by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.inner
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How long the server asked us to wait (from `retry-after`), for rate limits and 503s.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Whether sending the same request again may succeed.
    pub fn is_retryable(&self) -> bool {
        self.kind().is_retryable()
    }
}

/// Replaces the beginning of a secret that a cut left at the end of `body` (just before the
/// note [`Error::with_body`] appends).
fn scrub_cut_secret(body: &mut String, secrets: &[&str]) {
    let Some(note) = body.rfind("… [cut from ") else {
        return;
    };
    let kept = &body[..note];
    let cut_secret = secrets
        .iter()
        .filter_map(|secret| {
            (1..secret.len())
                .rev()
                .filter(|&len| secret.is_char_boundary(len))
                .find(|&len| kept.ends_with(&secret[..len]))
        })
        .max();
    if let Some(len) = cut_secret {
        body.replace_range(note - len..note, REDACTED);
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        match (&inner.provider, &inner.model) {
            (Some(p), Some(m)) => write!(f, "{p}/{m}: ")?,
            (Some(p), None) => write!(f, "{p}: ")?,
            (None, Some(m)) => write!(f, "{m}: ")?,
            (None, None) => {}
        }
        f.write_str(self.kind().describe())?;
        if !inner.message.is_empty() {
            write!(f, ": {}", inner.message)?;
        }
        match (inner.status, &inner.code) {
            (Some(s), Some(c)) => write!(f, " (HTTP {s}, code {c})")?,
            (Some(s), None) => write!(f, " (HTTP {s})")?,
            (None, Some(c)) => write!(f, " (code {c})")?,
            (None, None) => {}
        }
        if let Some(source) = &inner.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Error")
            .field("kind", &self.kind())
            .field("message", &inner.message)
            .field("provider", &inner.provider)
            .field("model", &inner.model)
            .field("status", &inner.status)
            .field("code", &inner.code)
            .field("retry_after", &inner.retry_after)
            .field("headers", &inner.headers)
            .field("body", &inner.body)
            .field("source", &inner.source.as_ref().map(|s| s.to_string()))
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_provider_model_and_cause() {
        let err = Error::new(ErrorKind::RateLimit, "slow down")
            .with_provider("openai")
            .with_model("gpt-4o")
            .with_status(429)
            .with_code("rate_limit_exceeded");
        assert_eq!(
            err.to_string(),
            "openai/gpt-4o: rate limited: slow down (HTTP 429, code rate_limit_exceeded)"
        );
        assert!(err.is_retryable());
        assert!(!Error::new(ErrorKind::Quota, "").is_retryable());
    }

    #[test]
    fn credential_headers_are_dropped_and_secrets_redacted() {
        let err = Error::new(ErrorKind::Authorization, "bad key sk-secret-123")
            .with_headers([
                ("Authorization", "Bearer sk-secret-123"),
                ("x-api-key", "sk-secret-123"),
                ("x-request-id", "req_1"),
            ])
            .with_body(r#"{"error":{"message":"Incorrect API key sk-secret-123"}}"#)
            .redact(&["sk-secret-123", ""]);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("sk-secret-123"), "{shown}");
        assert_eq!(err.headers().len(), 1);
        assert_eq!(err.header("X-Request-Id"), Some("req_1"));
    }

    #[test]
    fn secrets_of_any_length_are_redacted() {
        let err = Error::new(ErrorKind::Authorization, "key k9 rejected")
            .with_body("{\"key\":\"k9\"}")
            .redact(&["k9"]);
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("k9"), "{shown}");
    }

    #[test]
    fn bodies_are_cut_to_the_cap_without_leaving_a_secret_half() {
        let secret = "sk-cut-in-half-0123456789";
        let mut body = "é".repeat(MAX_ERROR_BODY_BYTES / 2 - 5);
        body.push_str(secret);
        body.push_str(&"x".repeat(100_000));
        let full = body.len();
        let err = Error::new(ErrorKind::InvalidResponse, "bad")
            .with_body(body)
            .redact(&[secret]);
        let kept = err.body().expect("a body");
        assert!(kept.len() < MAX_ERROR_BODY_BYTES + 64, "{}", kept.len());
        assert!(
            kept.ends_with(&format!("[REDACTED]… [cut from {full} bytes]")),
            "{kept}"
        );
        assert!(!kept.contains("sk-cut"), "{kept}");
        let small = Error::new(ErrorKind::BadRequest, "").with_body("short");
        assert_eq!(small.body(), Some("short"));
    }
}
