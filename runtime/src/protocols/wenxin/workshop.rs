//! What the ERNIE workshop endpoints share (chat, embeddings, reranker): URLs under
//! `{base}/rpc/2.0/ai_custom/v1/wenxinworkshop/` carrying the access token in the query,
//! errors as `{"error_code", "error_msg"}` (usually with status 200), and scrubbing of the
//! keys and token from every error.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::auth::{self, Keys};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{decode_json, percent_encode, HttpRequest, ProviderErrorBody};
use crate::protocol::CallContext;
use crate::protocols::openai_compatible::config::Endpoint;
use crate::secret::Secret;

/// Where the endpoints live under the base URL.
const WORKSHOP_PATH: &str = "rpc/2.0/ai_custom/v1/wenxinworkshop";
/// Where tokens are exchanged under the base URL.
const TOKEN_PATH: &str = "oauth/2.0/token";
/// The credential holding the secret key (Dify's name).
const SECRET_KEY: &str = "secret_key";

/// The error fields every answer may carry in place of its content.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Failure {
    error_code: Option<i64>,
    error_msg: Option<String>,
}

impl Failure {
    /// The error, if the answer is one (`raw` is kept as its body).
    pub fn error(&self, raw: &str) -> Option<Error> {
        let code = self.error_code?;
        Some(Error::from_code(
            kind_of(code),
            code,
            self.error_msg.as_deref(),
            raw,
        ))
    }
}

/// The kind of an ERNIE error code (Baidu's error code table).
fn kind_of(code: i64) -> ErrorKind {
    match code {
        6 | 13 | 14 | 15 | 100 | 110 | 111 => ErrorKind::Authorization,
        4 | 17 | 18 | 19 | 336_501 | 336_502 => ErrorKind::RateLimit,
        1 | 2 | 336_000 | 336_100 => ErrorKind::ServerUnavailable,
        _ => ErrorKind::BadRequest,
    }
}

/// Whether the code says the access token is no longer valid (110 invalid, 111 expired).
fn token_rejected(code: i64) -> bool {
    matches!(code, 110 | 111)
}

/// Errors sent with a non-2xx status (rare: errors usually come with 200).
pub fn parse_error_body(_status: u16, body: &str) -> ProviderErrorBody {
    let failure: Failure = serde_json::from_str(body).unwrap_or_default();
    ProviderErrorBody {
        message: failure.error_msg,
        code: failure.error_code.map(|c| c.to_string()),
        kind: failure.error_code.map(kind_of),
        retry_after: None,
    }
}

/// An access token and what it was exchanged for.
pub struct Session<'a> {
    base_url: String,
    keys: Keys<'a>,
    token: Secret,
}

impl<'a> Session<'a> {
    /// The token of `ctx`'s keys (cached, or exchanged now).
    pub async fn open(ctx: &CallContext<'a>) -> Result<Self> {
        let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
        let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
        let missing = |variable: &str| {
            in_call(Error::new(
                ErrorKind::InvalidCredentials,
                format!("the `{variable}` credential is required to get an ERNIE access token"),
            ))
        };
        let key_variable = ctx.provider.extra("api_key_variable").unwrap_or("api_key");
        let keys = Keys {
            token_url: format!("{}/{TOKEN_PATH}", endpoint.base_url),
            api_key: endpoint.api_key.ok_or_else(|| missing(key_variable))?,
            secret_key: ctx.secret(SECRET_KEY).ok_or_else(|| missing(SECRET_KEY))?,
        };
        let token = auth::access_token(ctx, &keys).await?;
        Ok(Session {
            base_url: endpoint.base_url,
            keys,
            token,
        })
    }

    /// The URL of `{kind}/{name}` (`chat/completions`, `embeddings/embedding-v1`) with the token.
    pub fn url(&self, kind: &str, name: &str) -> String {
        format!(
            "{}/{WORKSHOP_PATH}/{kind}/{}?access_token={}",
            self.base_url,
            percent_encode(name),
            percent_encode(self.token.expose())
        )
    }

    /// `error` with the keys and token redacted (the token travels in the URL's query, which
    /// the HTTP layer's redaction does not see); a rejected token is forgotten.
    pub async fn scrub(&self, error: Error) -> Error {
        if error
            .code()
            .and_then(|c| c.parse().ok())
            .is_some_and(token_rejected)
        {
            auth::forget(&self.keys).await;
        }
        error.redact(&[
            self.token.expose(),
            self.keys.api_key.expose(),
            self.keys.secret_key.expose(),
        ])
    }

    /// Posts `body` to `url` and decodes the answer, or the error it carries instead.
    pub async fn post<T: DeserializeOwned>(
        &self,
        ctx: &CallContext<'_>,
        url: String,
        body: &Value,
    ) -> Result<T> {
        let request = HttpRequest::post_json(url, body)?;
        let answer = ctx
            .http_call(parse_error_body)
            .send_with(&request, |answer| {
                let raw = String::from_utf8_lossy(&answer.body);
                let failure: Failure = decode_json(&answer.body)?;
                match failure.error(&raw) {
                    Some(error) => Err(error),
                    None => decode_json(&answer.body),
                }
            })
            .await;
        match answer {
            Ok(answer) => Ok(answer),
            Err(error) => Err(self.scrub(error).await),
        }
    }
}
