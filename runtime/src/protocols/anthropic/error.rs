//! Error bodies: `{"type": "error", "error": {"type": ..., "message": ...}}`, in HTTP
//! answers and as `error` events inside streams.

use serde::Deserialize;

use crate::error::{Error, ErrorKind};
use crate::http::{classify, ProviderErrorBody};

/// The `error` object.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ErrorDetail {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorEnvelope {
    error: Option<ErrorDetail>,
}

/// The kind an error type (and, for the vague types, its message) means.
fn kind_of(error_type: &str, message: &str) -> Option<ErrorKind> {
    let message = message.to_ascii_lowercase();
    Some(match error_type {
        "overloaded_error" | "api_error" => ErrorKind::ServerUnavailable,
        "rate_limit_error" => ErrorKind::RateLimit,
        "authentication_error" | "permission_error" => ErrorKind::Authorization,
        "billing_error" => ErrorKind::Quota,
        "timeout_error" => ErrorKind::Timeout,
        "not_found_error" if message.contains("model") => ErrorKind::ModelNotFound,
        "not_found_error" | "request_too_large" => ErrorKind::BadRequest,
        "invalid_request_error" => {
            if message.contains("prompt is too long")
                || message.contains("exceed context limit")
                || message.contains("context window")
            {
                ErrorKind::ContextWindowExceeded
            } else if message.contains("credit balance") {
                ErrorKind::Quota
            } else {
                ErrorKind::BadRequest
            }
        }
        _ => return None,
    })
}

fn parsed(detail: &ErrorDetail) -> ProviderErrorBody {
    let message = detail.message.clone().filter(|m| !m.is_empty());
    let kind = detail
        .kind
        .as_deref()
        .and_then(|t| kind_of(t, message.as_deref().unwrap_or("")));
    ProviderErrorBody {
        message,
        code: detail.kind.clone(),
        kind,
        retry_after: None,
    }
}

/// Parses an error body; anything else leaves the status to decide (a 529 without a body
/// is still "server unavailable").
pub fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    match serde_json::from_str::<ErrorEnvelope>(body) {
        Ok(ErrorEnvelope {
            error: Some(detail),
        }) => parsed(&detail),
        _ => {
            let text = body.trim();
            ProviderErrorBody {
                message: (!text.is_empty() && text.len() <= 500).then(|| text.to_owned()),
                ..ProviderErrorBody::default()
            }
        }
    }
}

/// The error an `error` stream event reports (the HTTP status was 200).
pub fn error_from_value(detail: &ErrorDetail) -> Error {
    let body = parsed(detail);
    let kind = classify(200, &body);
    let mut error = Error::new(
        kind,
        body.message
            .unwrap_or_else(|| "the stream reported an error".to_owned()),
    );
    if let Some(code) = body.code {
        error = error.with_code(code);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(status: u16, body: &str) -> ErrorKind {
        classify(status, &parse_error_body(status, body))
    }

    #[test]
    fn documented_error_types_map_to_kinds() {
        let body = |t: &str, m: &str| {
            format!(r#"{{"type":"error","error":{{"type":"{t}","message":"{m}"}}}}"#)
        };
        assert_eq!(
            kind(529, &body("overloaded_error", "Overloaded")),
            ErrorKind::ServerUnavailable
        );
        assert_eq!(kind(529, ""), ErrorKind::ServerUnavailable);
        assert_eq!(
            kind(429, &body("rate_limit_error", "slow")),
            ErrorKind::RateLimit
        );
        assert_eq!(
            kind(401, &body("authentication_error", "invalid x-api-key")),
            ErrorKind::Authorization
        );
        assert_eq!(
            kind(403, &body("permission_error", "no")),
            ErrorKind::Authorization
        );
        assert_eq!(
            kind(404, &body("not_found_error", "model: claude-x")),
            ErrorKind::ModelNotFound
        );
        assert_eq!(
            kind(413, &body("request_too_large", "too big")),
            ErrorKind::BadRequest
        );
        assert_eq!(
            kind(
                400,
                &body(
                    "invalid_request_error",
                    "prompt is too long: 210000 tokens > 200000 maximum"
                )
            ),
            ErrorKind::ContextWindowExceeded
        );
        assert_eq!(
            kind(400, &body("invalid_request_error", "messages: bad")),
            ErrorKind::BadRequest
        );
        assert_eq!(kind(500, "<html>oops</html>"), ErrorKind::ServerUnavailable);
    }
}
