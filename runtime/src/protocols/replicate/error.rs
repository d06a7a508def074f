//! Replicate's errors: HTTP answers carry a problem body (`{"title", "detail", "status"}`,
//! older ones just `{"detail"}`), 429s a `retry-after` header; a prediction that runs and
//! fails ends with `status: failed` and its `error`, and a stream reports one as an `error`
//! event whose data is `{"detail": ...}`.

use serde::Deserialize;

use crate::error::{Error, ErrorKind};
use crate::http::ProviderErrorBody;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Problem {
    title: Option<String>,
    detail: Option<String>,
}

/// The message of a problem body: its detail, else its title.
pub fn problem_message(body: &str) -> Option<String> {
    let problem: Problem = serde_json::from_str(body).ok()?;
    problem
        .detail
        .or(problem.title)
        .filter(|m| !m.trim().is_empty())
}

/// Parses an error body. A 404 means the model or version does not exist: every path that
/// can miss names one.
pub fn parse_error_body(status: u16, body: &str) -> ProviderErrorBody {
    ProviderErrorBody {
        message: problem_message(body),
        code: None,
        kind: (status == 404).then_some(ErrorKind::ModelNotFound),
        retry_after: None,
    }
}

/// The error of a prediction that ended without output (`failed` or `canceled`).
pub fn prediction_error(status: &str, error: Option<&str>) -> Error {
    let message = error
        .filter(|e| !e.trim().is_empty())
        .map_or_else(|| format!("the prediction ended {status}"), str::to_owned);
    let kind = if status == "canceled" {
        ErrorKind::ServerUnavailable
    } else {
        ErrorKind::BadRequest
    };
    Error::new(kind, message).with_code(format!("prediction_{status}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::classify;

    #[test]
    fn problems_and_statuses() {
        let body = r#"{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}"#;
        let parsed = parse_error_body(401, body);
        assert_eq!(
            parsed.message.as_deref(),
            Some("You did not pass a valid authentication token")
        );
        assert_eq!(classify(401, &parsed), ErrorKind::Authorization);
        let missing = parse_error_body(404, r#"{"detail":"Not found."}"#);
        assert_eq!(classify(404, &missing), ErrorKind::ModelNotFound);
        assert_eq!(
            classify(
                422,
                &parse_error_body(422, r#"{"detail":"- input: prompt is required"}"#)
            ),
            ErrorKind::BadRequest
        );
        let failed = prediction_error("failed", Some("CUDA out of memory"));
        assert_eq!(failed.code(), Some("prediction_failed"));
        assert_eq!(failed.message(), "CUDA out of memory");
    }
}
