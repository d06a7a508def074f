//! SageMaker runtime errors: HTTP answers carry `{"message": ...}` (or `Message`) with the
//! error type in the `x-amzn-errortype` header (`ValidationError`, `ModelError`,
//! `ModelNotReadyException`, `ServiceUnavailable`, `InternalFailure`, ...); a `ModelError`
//! (status 424) relays the container's own failure with its `OriginalStatusCode`. Streams
//! report failures as `ModelStreamError` (`{"Message", "ErrorCode"}`) or
//! `InternalStreamFailure` exception frames.

use serde::Deserialize;

use crate::error::{Error, ErrorKind};
use crate::protocols::aws;

/// AWS JSON error bodies (`{"message"}` or `{"Message"}`) read alike across services.
pub use crate::protocols::bedrock::parse_error_body;

/// What a `ModelError` body says besides the message.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct ModelErrorBody {
    original_status_code: Option<u16>,
}

/// The kind of a container failure relayed with `original`, the status the container sent.
fn container_kind(original: Option<u16>) -> ErrorKind {
    match original {
        Some(429) => ErrorKind::RateLimit,
        Some(400..=499) => ErrorKind::BadRequest,
        _ => ErrorKind::ServerUnavailable,
    }
}

/// The kind an error type means, matched without its namespace suffix and case.
fn kind_of(error_type: &str, body: &str) -> Option<ErrorKind> {
    let name = aws::error::type_name(error_type).to_ascii_lowercase();
    Some(match name.as_str() {
        "throttlingexception" => ErrorKind::RateLimit,
        "accessdeniedexception"
        | "unrecognizedclientexception"
        | "invalidsignatureexception"
        | "incompletesignatureexception"
        | "expiredtokenexception"
        | "missingauthenticationtokenexception" => ErrorKind::Authorization,
        "modelerror" => container_kind(
            serde_json::from_str::<ModelErrorBody>(body)
                .unwrap_or_default()
                .original_status_code,
        ),
        "modelnotreadyexception"
        | "serviceunavailable"
        | "internalfailure"
        | "internaldependencyexception"
        | "modelstreamerror"
        | "internalstreamfailure" => ErrorKind::ServerUnavailable,
        // Validation errors keep what their status and message say.
        _ => return None,
    })
}

/// `error` with its kind and code taken from the `x-amzn-errortype` header, when it has one
/// this module knows (a validation error keeps the kind its status and message gave).
pub fn with_error_type(error: Error) -> Error {
    aws::error::with_error_type(error, |error_type, error| {
        kind_of(error_type, error.body().unwrap_or_default())
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StreamErrorBody {
    #[serde(alias = "Message")]
    message: Option<String>,
    #[serde(alias = "ErrorCode")]
    error_code: Option<String>,
}

/// The error an exception frame of a stream reports (the HTTP status was 200).
pub fn exception(error_type: &str, payload: &str) -> Error {
    let body: StreamErrorBody = serde_json::from_str(payload).unwrap_or_default();
    let message = body
        .message
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| format!("the stream reported {error_type}"));
    let kind = kind_of(error_type, payload).unwrap_or(ErrorKind::ServerUnavailable);
    Error::new(kind, message)
        .with_code(body.error_code.unwrap_or_else(|| error_type.to_owned()))
        .with_body(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_types_map_to_kinds() {
        let cases = [
            ("ModelNotReadyException", "", ErrorKind::ServerUnavailable),
            ("ServiceUnavailable", "", ErrorKind::ServerUnavailable),
            ("InternalFailure", "", ErrorKind::ServerUnavailable),
            ("ThrottlingException", "", ErrorKind::RateLimit),
            ("AccessDeniedException", "", ErrorKind::Authorization),
            (
                "ModelError",
                r#"{"OriginalStatusCode":400,"Message":"bad"}"#,
                ErrorKind::BadRequest,
            ),
            (
                "ModelError",
                r#"{"OriginalStatusCode":503,"Message":"busy"}"#,
                ErrorKind::ServerUnavailable,
            ),
        ];
        for (error_type, body, kind) in cases {
            assert_eq!(kind_of(error_type, body), Some(kind), "{error_type} {body}");
        }
        assert_eq!(kind_of("ValidationError", ""), None);
    }

    #[test]
    fn stream_exceptions_keep_code_and_message() {
        let error = exception(
            "ModelStreamError",
            r#"{"Message":"container crashed","ErrorCode":"ModelError"}"#,
        );
        assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
        assert_eq!(error.code(), Some("ModelError"));
        assert_eq!(error.message(), "container crashed");
    }
}
