//! Error bodies of Google APIs (`google.rpc.Status`): `{"error": {"code", "message", "status",
//! "details"}}`, in HTTP answers and as events inside streams. The retry delay travels in the
//! body, as a `google.rpc.RetryInfo` detail, not in a `retry-after` header.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::http::{classify, ProviderErrorBody};

/// The `error` object.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Status {
    message: Option<String>,
    /// The canonical code name, e.g. `RESOURCE_EXHAUSTED`.
    status: Option<String>,
    details: Vec<Detail>,
}

/// One entry of `details`; only the fields of the detail types read here.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Detail {
    #[serde(rename = "@type")]
    kind: Option<String>,
    /// `google.rpc.RetryInfo`: a protobuf duration such as `"37s"` or `"0.5s"`.
    #[serde(rename = "retryDelay")]
    retry_delay: Option<String>,
    /// `google.rpc.ErrorInfo`: e.g. `API_KEY_INVALID`.
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Envelope {
    error: Option<Status>,
}

/// An error envelope, alone or as the one element of an array (how the non-SSE stream
/// endpoints report errors). The array is tried first: serde would read an array into the
/// envelope struct field by field.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Body {
    Many(Vec<Envelope>),
    One(Envelope),
}

/// A protobuf JSON duration (`"37s"`, `"1.5s"`).
fn duration(text: &str) -> Option<Duration> {
    let seconds: f64 = text.trim().strip_suffix('s')?.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(86_400.0)))
}

impl Status {
    fn retry_delay(&self) -> Option<Duration> {
        self.details
            .iter()
            .filter(|d| d.kind.as_deref().is_some_and(|k| k.ends_with("RetryInfo")))
            .find_map(|d| duration(d.retry_delay.as_deref()?))
    }

    fn reason(&self) -> Option<&str> {
        self.details.iter().find_map(|d| d.reason.as_deref())
    }

    /// The kind the canonical status (and, for the vague ones, the message) means.
    fn kind(&self) -> Option<ErrorKind> {
        let message = self.message.as_deref().unwrap_or("").to_ascii_lowercase();
        Some(match self.status.as_deref()? {
            // A rejected key is reported as a bad argument.
            _ if self.reason().is_some_and(|r| r.starts_with("API_KEY")) => {
                ErrorKind::Authorization
            }
            "INVALID_ARGUMENT" | "OUT_OF_RANGE"
                if message.contains("token count")
                    || message.contains("maximum number of tokens") =>
            {
                ErrorKind::ContextWindowExceeded
            }
            "INVALID_ARGUMENT" | "FAILED_PRECONDITION" | "OUT_OF_RANGE" | "ALREADY_EXISTS" => {
                ErrorKind::BadRequest
            }
            "UNAUTHENTICATED" | "PERMISSION_DENIED" => ErrorKind::Authorization,
            "NOT_FOUND" if message.contains("model") => ErrorKind::ModelNotFound,
            "NOT_FOUND" => ErrorKind::BadRequest,
            // Google reports per-minute limits and daily quotas alike; both name a delay and
            // pass, so both are rate limits (retryable), not an exhausted balance.
            "RESOURCE_EXHAUSTED" => ErrorKind::RateLimit,
            "UNAVAILABLE" | "INTERNAL" | "ABORTED" | "UNKNOWN" => ErrorKind::ServerUnavailable,
            "DEADLINE_EXCEEDED" => ErrorKind::Timeout,
            _ => return None,
        })
    }

    fn to_body(&self) -> ProviderErrorBody {
        ProviderErrorBody {
            message: self.message.clone().filter(|m| !m.is_empty()),
            code: self.status.clone().filter(|s| !s.is_empty()),
            kind: self.kind(),
            retry_after: self.retry_delay(),
        }
    }
}

/// Parses an error body; anything else leaves the status to decide.
pub fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    let status = match serde_json::from_str::<Body>(body) {
        Ok(Body::One(envelope)) => envelope.error,
        Ok(Body::Many(list)) => list.into_iter().find_map(|e| e.error),
        Err(_) => None,
    };
    match status {
        Some(status) => status.to_body(),
        None => {
            let text = body.trim();
            ProviderErrorBody {
                message: (!text.is_empty() && text.len() <= 500).then(|| text.to_owned()),
                ..ProviderErrorBody::default()
            }
        }
    }
}

/// The error the `error` object of a stream event reports (the HTTP status was 200).
pub fn stream_error(value: &Value) -> Error {
    let status = Status::deserialize(value).unwrap_or_default();
    let body = status.to_body();
    let mut error = Error::new(
        classify(200, &body),
        body.message
            .unwrap_or_else(|| "the stream reported an error".to_owned()),
    );
    if let Some(code) = body.code {
        error = error.with_code(code);
    }
    if let Some(delay) = body.retry_after {
        error = error.with_retry_after(delay);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(status: u16, body: &str) -> ErrorKind {
        classify(status, &parse_error_body(status, body))
    }

    fn body(code: u16, status: &str, message: &str) -> String {
        format!(r#"{{"error":{{"code":{code},"message":"{message}","status":"{status}"}}}}"#)
    }

    #[test]
    fn canonical_statuses_map_to_kinds() {
        assert_eq!(
            kind(400, &body(400, "INVALID_ARGUMENT", "Invalid JSON payload")),
            ErrorKind::BadRequest
        );
        assert_eq!(
            kind(
                400,
                &body(
                    400,
                    "INVALID_ARGUMENT",
                    "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
                )
            ),
            ErrorKind::ContextWindowExceeded
        );
        assert_eq!(
            kind(403, &body(403, "PERMISSION_DENIED", "denied")),
            ErrorKind::Authorization
        );
        assert_eq!(
            kind(
                404,
                &body(
                    404,
                    "NOT_FOUND",
                    "models/gemini-9 is not found for API version v1beta"
                )
            ),
            ErrorKind::ModelNotFound
        );
        assert_eq!(
            kind(503, &body(503, "UNAVAILABLE", "The model is overloaded.")),
            ErrorKind::ServerUnavailable
        );
        assert_eq!(
            kind(504, &body(504, "DEADLINE_EXCEEDED", "late")),
            ErrorKind::Timeout
        );
        assert_eq!(
            kind(502, "<html>bad gateway</html>"),
            ErrorKind::ServerUnavailable
        );
    }

    #[test]
    fn a_rejected_key_and_the_retry_delay_come_from_the_details() {
        let invalid_key = r#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}"#;
        assert_eq!(kind(400, invalid_key), ErrorKind::Authorization);
        let limited = r#"[{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}]"#;
        let parsed = parse_error_body(429, limited);
        assert_eq!(classify(429, &parsed), ErrorKind::RateLimit);
        assert_eq!(parsed.retry_after, Some(Duration::from_millis(1500)));
        assert_eq!(parsed.code.as_deref(), Some("RESOURCE_EXHAUSTED"));
        assert_eq!(duration("-1s"), None);
        assert_eq!(duration("12"), None);
    }
}
