//! Errors in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}` with the HTTP
//! status an OpenAI client acts on.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use modelrt::runtime::{Error, ErrorKind};
use serde_json::{json, Value};

/// A request the gateway answers with an error.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    /// OpenAI's `type`, e.g. `invalid_request_error`.
    kind: &'static str,
    code: Option<&'static str>,
    param: Option<String>,
    message: String,
    retry_after: Option<Duration>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            code: None,
            param: None,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400: the client's request is malformed or asks for something invalid.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
    }

    /// 400 about one field of the request.
    pub fn bad_field(param: &str, message: impl Into<String>) -> Self {
        ApiError {
            param: Some(param.to_owned()),
            ..Self::bad_request(message)
        }
    }

    /// 401: the gateway key is missing or wrong.
    pub fn unauthorized() -> Self {
        ApiError {
            code: Some("invalid_api_key"),
            ..Self::new(
                StatusCode::UNAUTHORIZED,
                "authentication_error",
                "missing or wrong gateway key: send it as `Authorization: Bearer <key>`",
            )
        }
    }

    /// Credentials submitted to the admin API, refused by their form or by the provider: a 400
    /// `invalid_credentials` naming the cause. A provider that could not be reached keeps its
    /// status (502, 503, 504), as in [`ApiError::from_runtime`].
    pub fn credentials_refused(error: Error, secrets: &[&str]) -> Self {
        let refused = matches!(
            error.kind(),
            ErrorKind::InvalidCredentials
                | ErrorKind::Authorization
                | ErrorKind::InvalidParams
                | ErrorKind::BadRequest
                | ErrorKind::ModelNotFound
        );
        let api = Self::from_runtime(error, secrets);
        if !refused {
            return api;
        }
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            code: Some("invalid_credentials"),
            retry_after: None,
            ..api
        }
    }

    /// 401: a virtual key that exists but may no longer be used (revoked, expired).
    pub fn key_refused(message: impl Into<String>) -> Self {
        ApiError {
            code: Some("invalid_api_key"),
            ..Self::new(StatusCode::UNAUTHORIZED, "authentication_error", message)
        }
    }

    /// 429 with `retry-after`: a virtual key's rate limit or budget is used up.
    pub fn limited(message: impl Into<String>, retry_after: Duration) -> Self {
        ApiError {
            code: Some("rate_limit_exceeded"),
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limit_error", message)
        }
    }

    /// 403: the virtual key's allowlist does not include the model.
    pub fn model_not_allowed(message: impl Into<String>) -> Self {
        ApiError {
            code: Some("model_not_allowed"),
            param: Some("model".to_owned()),
            ..Self::new(StatusCode::FORBIDDEN, "permission_error", message)
        }
    }

    /// 404 for an admin resource that does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "invalid_request_error", message)
    }

    /// 404 `model_not_found`.
    pub fn model_not_found(message: impl Into<String>) -> Self {
        ApiError {
            code: Some("model_not_found"),
            param: Some("model".to_owned()),
            ..Self::new(StatusCode::NOT_FOUND, "invalid_request_error", message)
        }
    }

    /// 404 for a path the gateway does not serve.
    pub fn unknown_url(method: &str, path: &str) -> Self {
        ApiError {
            code: Some("unknown_url"),
            ..Self::new(
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                format!("no endpoint {method} {path}"),
            )
        }
    }

    /// 405 for a served path called with another method.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request_error",
            format!("{path} does not accept {method}"),
        )
    }

    /// 413: the body is larger than the configured limit.
    pub fn too_large(limit: usize) -> Self {
        ApiError {
            code: Some("request_too_large"),
            ..Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request_error",
                format!("the request body is larger than the gateway's limit of {limit} bytes"),
            )
        }
    }

    /// 500: the gateway itself is misconfigured (e.g. an unreadable credentials file).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", message)
    }

    /// A failed runtime call, with every secret in `secrets` masked out of its text.
    pub fn from_runtime(error: Error, secrets: &[&str]) -> Self {
        let error = error.redact(secrets);
        let (status, kind, code) = classify(&error);
        let param = (error.kind() == ErrorKind::InvalidParams)
            .then(|| first_quoted(error.message()))
            .flatten();
        ApiError {
            status,
            kind,
            code,
            param,
            message: error.to_string(),
            retry_after: error.retry_after(),
        }
    }

    /// The HTTP status a failed runtime call is answered with.
    pub fn status_of(error: &Error) -> u16 {
        classify(error).0.as_u16()
    }

    /// Whether the prompt did not fit the model's context window.
    pub fn is_context_window(&self) -> bool {
        self.code == Some("context_length_exceeded")
    }

    /// The `{"error": {...}}` body.
    pub fn body(&self) -> Value {
        json!({"error": {
            "message": self.message,
            "type": self.kind,
            "param": self.param,
            "code": self.code,
        }})
    }
}

/// Status, OpenAI error type and code of a runtime error. The gateway's own credentials being
/// rejected upstream is the gateway's failure (502), not the client's (401 is the gateway key).
fn classify(error: &Error) -> (StatusCode, &'static str, Option<&'static str>) {
    const INVALID: &str = "invalid_request_error";
    match error.kind() {
        ErrorKind::InvalidParams | ErrorKind::BadRequest | ErrorKind::Unsupported => {
            (StatusCode::BAD_REQUEST, INVALID, Some("invalid_value"))
        }
        ErrorKind::ContextWindowExceeded => (
            StatusCode::BAD_REQUEST,
            INVALID,
            Some("context_length_exceeded"),
        ),
        ErrorKind::ContentFiltered => (StatusCode::BAD_REQUEST, INVALID, Some("content_filter")),
        // Credentials the gateway lacks make the model unavailable here, as `/v1/models` says.
        ErrorKind::ModelNotFound | ErrorKind::ProviderNotFound | ErrorKind::InvalidCredentials => {
            (StatusCode::NOT_FOUND, INVALID, Some("model_not_found"))
        }
        ErrorKind::RateLimit => (
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            Some("rate_limit_exceeded"),
        ),
        ErrorKind::Quota => (
            StatusCode::TOO_MANY_REQUESTS,
            "insufficient_quota",
            Some("insufficient_quota"),
        ),
        ErrorKind::ServerUnavailable => (StatusCode::SERVICE_UNAVAILABLE, "api_error", None),
        ErrorKind::Timeout => (StatusCode::GATEWAY_TIMEOUT, "api_error", Some("timeout")),
        ErrorKind::Authorization | ErrorKind::Connection | ErrorKind::InvalidResponse => {
            (StatusCode::BAD_GATEWAY, "api_error", Some("upstream_error"))
        }
    }
}

/// The first `backticked` word of a message: the runtime names the parameter that way.
fn first_quoted(message: &str) -> Option<String> {
    let (_, rest) = message.split_once('`')?;
    let (name, _) = rest.split_once('`')?;
    Some(name.to_owned())
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(status = self.status.as_u16(), "{}", self.message);
        } else {
            tracing::debug!(status = self.status.as_u16(), "{}", self.message);
        }
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(delay) = self.retry_after {
            // Whole seconds, rounded up so that a client never retries early.
            let seconds = delay.as_secs() + u64::from(delay.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_errors_keep_provider_model_and_cause_without_secrets() {
        let error = Error::new(ErrorKind::RateLimit, "slow down, sk-secret-1")
            .with_provider("openai")
            .with_model("gpt-4o")
            .with_retry_after(Duration::from_millis(1500));
        let api = ApiError::from_runtime(error, &["sk-secret-1"]);
        assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
        let body = api.body().to_string();
        assert!(body.contains("openai/gpt-4o: rate limited"), "{body}");
        assert!(!body.contains("sk-secret-1"), "{body}");
        let response = api.into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
    }

    #[test]
    fn invalid_params_name_the_parameter() {
        let error = Error::new(ErrorKind::InvalidParams, "`temperature` must be at most 2");
        let api = ApiError::from_runtime(error, &[]);
        assert_eq!(api.status, StatusCode::BAD_REQUEST);
        assert_eq!(api.body()["error"]["param"], "temperature");
    }
}
