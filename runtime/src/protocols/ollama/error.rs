//! Error bodies: `{"error": "..."}`, in HTTP answers and as a line inside streams.

use crate::error::{Error, ErrorKind};
use crate::http::{classify, ProviderErrorBody};

/// The kind a message means, when the status alone would say less.
fn kind_of(status: u16, message: &str) -> Option<ErrorKind> {
    let message = message.to_ascii_lowercase();
    if message.contains("not found") && message.contains("model") {
        Some(ErrorKind::ModelNotFound)
    } else if message.contains("does not support") {
        Some(ErrorKind::Unsupported)
    } else if status == 404 {
        Some(ErrorKind::BadRequest)
    } else {
        None
    }
}

/// Parses an error body: `{"error": "text"}`, or plain text (a proxy's page).
pub fn parse_error_body(status: u16, body: &str) -> ProviderErrorBody {
    let message = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(value) => value
            .get("error")
            .and_then(|e| {
                e.as_str()
                    .map(str::to_owned)
                    .or_else(|| Some(e.to_string()))
            })
            .filter(|m| !m.is_empty() && m != "null"),
        Err(_) => {
            let text = body.trim();
            (!text.is_empty() && text.len() <= 500).then(|| text.to_owned())
        }
    };
    ProviderErrorBody {
        kind: message.as_deref().and_then(|m| kind_of(status, m)),
        message,
        code: None,
        retry_after: None,
    }
}

/// The error a stream line reports (the HTTP status was 200).
pub fn stream_error(message: &str) -> Error {
    let parsed = ProviderErrorBody {
        message: Some(message.to_owned()),
        code: None,
        kind: kind_of(200, message),
        retry_after: None,
    };
    let kind = match classify(200, &parsed) {
        // A failure the server reports mid-answer is its own (e.g. the runner crashed).
        ErrorKind::BadRequest => ErrorKind::ServerUnavailable,
        kind => kind,
    };
    Error::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_not_found_and_other_bodies() {
        let body = parse_error_body(
            404,
            r#"{"error":"model \"llama9\" not found, try pulling it first"}"#,
        );
        assert_eq!(classify(404, &body), ErrorKind::ModelNotFound);
        let body = parse_error_body(
            400,
            r#"{"error":"registry.ollama.ai/library/gemma:2b does not support tools"}"#,
        );
        assert_eq!(classify(400, &body), ErrorKind::Unsupported);
        let body = parse_error_body(500, "upstream timed out");
        assert_eq!(body.message.as_deref(), Some("upstream timed out"));
        assert_eq!(classify(500, &body), ErrorKind::ServerUnavailable);
    }
}
