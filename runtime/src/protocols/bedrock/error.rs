//! Bedrock errors: HTTP answers carry `{"message": ...}` with the error type in the
//! `x-amzn-errortype` header (`ThrottlingException`, `ValidationException`, ...); streams
//! report failures as exception frames whose `:exception-type` header names the type
//! (`throttlingException`, `modelStreamErrorException`, ...) and whose payload is the same
//! JSON body.

use serde::Deserialize;

use crate::error::{Error, ErrorKind};
use crate::http::ProviderErrorBody;
use crate::protocols::aws;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorBody {
    // AWS JSON errors spell it either way.
    #[serde(alias = "Message")]
    message: Option<String>,
}

/// Validation messages (lower case) that mean the prompt does not fit the model.
const CONTEXT_WINDOW_MESSAGES: &[&str] = &[
    "input is too long",
    "prompt is too long",
    "too many input tokens",
    "too many total text bytes",
    "context window",
    "context length",
    "maximum context",
];

fn mentions_context_window(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    CONTEXT_WINDOW_MESSAGES.iter().any(|m| message.contains(m))
}

/// The kind an error type (and, for validation errors, its message) means. The type is
/// matched without its namespace suffix (`ThrottlingException:http://...`) and without
/// regard to case, as HTTP answers and streams spell it differently.
fn kind_of(error_type: &str, message: &str) -> Option<ErrorKind> {
    let name = aws::error::type_name(error_type).to_ascii_lowercase();
    Some(match name.as_str() {
        "throttlingexception" => ErrorKind::RateLimit,
        "servicequotaexceededexception" => ErrorKind::Quota,
        "accessdeniedexception"
        | "unrecognizedclientexception"
        | "invalidsignatureexception"
        | "incompletesignatureexception"
        | "expiredtokenexception"
        | "missingauthenticationtokenexception" => ErrorKind::Authorization,
        "resourcenotfoundexception" => ErrorKind::ModelNotFound,
        "modeltimeoutexception" => ErrorKind::Timeout,
        "modelnotreadyexception"
        | "serviceunavailableexception"
        | "internalserverexception"
        | "modelstreamerrorexception"
        | "modelerrorexception" => ErrorKind::ServerUnavailable,
        "validationexception" if mentions_context_window(message) => {
            ErrorKind::ContextWindowExceeded
        }
        "validationexception" => ErrorKind::BadRequest,
        _ => return None,
    })
}

fn message_of(body: &str) -> Option<String> {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(parsed) => parsed.message.filter(|m| !m.is_empty()),
        Err(_) => {
            let text = body.trim();
            (!text.is_empty() && text.len() <= 500).then(|| text.to_owned())
        }
    }
}

/// Parses an error body. The type is in a header this parser does not see, so only the
/// message decides here (a validation message about the context window is recognised
/// whatever the type); [`with_error_type`] refines the kind from the header afterwards.
pub fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    let message = message_of(body);
    let kind = message
        .as_deref()
        .filter(|m| mentions_context_window(m))
        .map(|_| ErrorKind::ContextWindowExceeded);
    ProviderErrorBody {
        message,
        code: None,
        kind,
        retry_after: None,
    }
}

/// `error` with its kind and code taken from the `x-amzn-errortype` header, when it has one
/// this module knows.
pub fn with_error_type(error: Error) -> Error {
    aws::error::with_error_type(error, |error_type, error| {
        kind_of(error_type, error.message())
    })
}

/// The error an exception frame of a stream reports (the HTTP status was 200).
pub fn exception(error_type: &str, payload: &str) -> Error {
    let message =
        message_of(payload).unwrap_or_else(|| format!("the stream reported {error_type}"));
    let kind = kind_of(error_type, &message).unwrap_or(ErrorKind::ServerUnavailable);
    Error::new(kind, message)
        .with_code(error_type)
        .with_body(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::classify;

    #[test]
    fn error_types_map_to_kinds() {
        let cases = [
            (
                "ThrottlingException",
                "Too many requests",
                ErrorKind::RateLimit,
            ),
            (
                "AccessDeniedException",
                "no access",
                ErrorKind::Authorization,
            ),
            (
                "ResourceNotFoundException",
                "Model not found",
                ErrorKind::ModelNotFound,
            ),
            (
                "ModelNotReadyException",
                "not ready",
                ErrorKind::ServerUnavailable,
            ),
            (
                "ServiceUnavailableException",
                "busy",
                ErrorKind::ServerUnavailable,
            ),
            ("ServiceQuotaExceededException", "quota", ErrorKind::Quota),
            (
                "ValidationException",
                "Malformed input request",
                ErrorKind::BadRequest,
            ),
            (
                "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                "Input is too long for requested model.",
                ErrorKind::ContextWindowExceeded,
            ),
            ("throttlingException", "slow down", ErrorKind::RateLimit),
        ];
        for (error_type, message, kind) in cases {
            assert_eq!(kind_of(error_type, message), Some(kind), "{error_type}");
        }
        assert_eq!(kind_of("BrandNewException", "x"), None);
    }

    #[test]
    fn context_window_messages_are_recognised_from_the_body_alone() {
        let body = r#"{"message":"Input is too long for requested model."}"#;
        let parsed = parse_error_body(400, body);
        assert_eq!(classify(400, &parsed), ErrorKind::ContextWindowExceeded);
        let parsed = parse_error_body(400, r#"{"Message":"Malformed input request"}"#);
        assert_eq!(parsed.message.as_deref(), Some("Malformed input request"));
        assert_eq!(classify(400, &parsed), ErrorKind::BadRequest);
    }

    #[test]
    fn stream_exceptions_keep_type_and_message() {
        let error = exception("modelStreamErrorException", r#"{"message":"boom"}"#);
        assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
        assert_eq!(error.code(), Some("modelStreamErrorException"));
        assert_eq!(error.message(), "boom");
    }
}
