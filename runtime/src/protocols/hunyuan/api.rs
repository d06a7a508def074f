//! What every Tencent Cloud API 3.0 action of Hunyuan shares: the signed request
//! (`X-TC-Action`, `X-TC-Version`, `X-TC-Timestamp`, TC3-HMAC-SHA256 from the form's
//! `secret_id` and `secret_key`), the `{"Response": {...}}` envelope, and its error codes.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::Value;

use super::tc3::Signing;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Body, HttpRequest, ProviderErrorBody};
use crate::protocol::CallContext;
use crate::protocols::openai_compatible::config::Endpoint;
use crate::secret::Secret;

const SERVICE: &str = "hunyuan";
const VERSION: &str = "2023-09-01";
/// The credentials of Dify's form.
const SECRET_ID: &str = "secret_id";
const SECRET_KEY: &str = "secret_key";

/// `Response.Error`, which API 3.0 sends in place of an answer (with status 200).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
pub struct WireError {
    code: Option<String>,
    message: Option<String>,
}

impl WireError {
    /// The error, keeping `raw` (the answer) as its body.
    pub fn to_error(&self, raw: &str) -> Error {
        let code = self.code.clone().unwrap_or_default();
        let message = self.message.clone().unwrap_or_else(|| raw.to_owned());
        Error::new(kind_of(&code), message)
            .with_code(code)
            .with_body(raw)
    }
}

/// `{"Response": {...}}`, the envelope of every API 3.0 answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Envelope<T> {
    /// The answer (or its error).
    pub response: Option<T>,
}

/// The kind of a Tencent Cloud error code (API 3.0's common codes).
fn kind_of(code: &str) -> ErrorKind {
    let family = code.split('.').next().unwrap_or(code);
    match family {
        "AuthFailure" | "UnauthorizedOperation" => ErrorKind::Authorization,
        "RequestLimitExceeded" | "LimitExceeded" => ErrorKind::RateLimit,
        "InternalError" | "ResourceUnavailable" => ErrorKind::ServerUnavailable,
        _ if code.contains("ResourcePackExhausted") || code.contains("Arrears") => ErrorKind::Quota,
        _ => ErrorKind::BadRequest,
    }
}

/// Errors sent with a non-2xx status (rare: API 3.0 answers errors with 200).
pub fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    #[derive(Default, Deserialize)]
    #[serde(default, rename_all = "PascalCase")]
    struct Failed {
        error: Option<WireError>,
    }
    let error = serde_json::from_str::<Envelope<Failed>>(body)
        .ok()
        .and_then(|e| e.response)
        .and_then(|r| r.error)
        .unwrap_or_default();
    ProviderErrorBody {
        kind: error.code.as_deref().map(kind_of),
        message: error.message,
        code: error.code,
        retry_after: None,
    }
}

/// `body` as a signed request for `action`.
pub fn signed_request(ctx: &CallContext<'_>, action: &str, body: &Value) -> Result<HttpRequest> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let secret = |variable: &str| {
        ctx.secret(variable).ok_or_else(|| {
            in_call(Error::new(
                ErrorKind::InvalidCredentials,
                format!("the `{variable}` credential is required to sign Hunyuan requests"),
            ))
        })
    };
    let (secret_id, secret_key) = (secret(SECRET_ID)?, secret(SECRET_KEY)?);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let request = HttpRequest::post_json(format!("{}/", endpoint.base_url), body)?;
    let host = endpoint.host();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (content_type, payload) = match &request.body {
        Body::Bytes {
            content_type,
            bytes,
        } => (content_type.as_str(), bytes.as_slice()),
        Body::Empty => ("", &[][..]),
    };
    let signing = Signing {
        host,
        content_type,
        payload,
        service: SERVICE,
        timestamp,
    };
    let authorization = Secret::new(signing.authorization(secret_id.expose(), secret_key.expose()));
    request
        .secret_header("authorization", "", &authorization)?
        .header("x-tc-action", action)?
        .header("x-tc-version", VERSION)?
        .header("x-tc-timestamp", &timestamp.to_string())
}
