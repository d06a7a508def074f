//! OCI errors: every failed call answers `{"code": "<ErrorCode>", "message": "..."}` (with an
//! `opc-request-id` header), the code naming the failure across services (`NotAuthenticated`,
//! `NotAuthorizedOrNotFound`, `TooManyRequests`, `InvalidParameter`, `LimitExceeded`,
//! `InternalServerError`, ...).

use serde::Deserialize;

use crate::error::ErrorKind;
use crate::http::ProviderErrorBody;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorBody {
    code: Option<String>,
    message: Option<String>,
}

/// The kind an OCI error code means; `None` leaves it to the status.
fn kind_of(code: &str) -> Option<ErrorKind> {
    Some(match code {
        "NotAuthenticated" | "SignUpRequired" => ErrorKind::Authorization,
        // OCI does not tell a missing resource from a missing permission.
        "NotAuthorizedOrNotFound" | "NotAuthorized" => ErrorKind::Authorization,
        "TooManyRequests" => ErrorKind::RateLimit,
        "LimitExceeded" | "QuotaExceeded" => ErrorKind::Quota,
        "InternalServerError" | "ServiceUnavailable" => ErrorKind::ServerUnavailable,
        "InvalidParameter" | "MissingParameter" | "CannotParseRequest" => ErrorKind::BadRequest,
        _ => return None,
    })
}

/// Parses an OCI error body.
pub fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    let parsed: ErrorBody = serde_json::from_str(body).unwrap_or_default();
    let mut kind = parsed.code.as_deref().and_then(kind_of);
    // Too-long prompts come back as invalid parameters.
    let message = parsed.message.filter(|m| !m.is_empty());
    if kind == Some(ErrorKind::BadRequest)
        && message.as_deref().is_some_and(|m| {
            let m = m.to_ascii_lowercase();
            m.contains("too long") || m.contains("context length") || m.contains("max tokens")
        })
    {
        kind = Some(ErrorKind::ContextWindowExceeded);
    }
    ProviderErrorBody {
        message,
        code: parsed.code,
        kind,
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::classify;

    #[test]
    fn codes_decide_the_kind() {
        let cases = [
            (401, "NotAuthenticated", ErrorKind::Authorization),
            (404, "NotAuthorizedOrNotFound", ErrorKind::Authorization),
            (429, "TooManyRequests", ErrorKind::RateLimit),
            (400, "LimitExceeded", ErrorKind::Quota),
            (500, "InternalServerError", ErrorKind::ServerUnavailable),
            (400, "InvalidParameter", ErrorKind::BadRequest),
            (409, "IncorrectState", ErrorKind::ServerUnavailable),
        ];
        for (status, code, kind) in cases {
            let body = format!(r#"{{"code":"{code}","message":"m"}}"#);
            assert_eq!(
                classify(status, &parse_error_body(status, &body)),
                kind,
                "{code}"
            );
        }
        let long = r#"{"code":"InvalidParameter","message":"Input is too long for the model"}"#;
        assert_eq!(
            classify(400, &parse_error_body(400, long)),
            ErrorKind::ContextWindowExceeded
        );
    }
}
