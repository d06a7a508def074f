//! Baidu's access tokens: the API key and secret key exchanged at `{base}/oauth/2.0/token`
//! (OAuth2 client credentials, the keys in the query as Baidu documents), cached per key
//! pair (see [`TokenCache`]).

use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::http::{percent_encode, HttpCall, HttpRequest, Method};
use crate::protocol::CallContext;
use crate::protocols::token_cache::{parse_oauth_error, TokenAnswer, TokenCache};
use crate::secret::Secret;

/// A cached token is replaced this long before it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(3600);
/// The lifetime assumed when the answer gives none (Baidu documents 30 days).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// The key pair a token is exchanged for.
pub struct Keys<'a> {
    /// Where tokens are exchanged (`{base}/oauth/2.0/token`).
    pub token_url: String,
    /// The API key (`client_id`).
    pub api_key: &'a Secret,
    /// The secret key (`client_secret`).
    pub secret_key: &'a Secret,
}

/// The tokens of every key pair.
static TOKENS: TokenCache = TokenCache::new(REFRESH_MARGIN);

fn cache_key(keys: &Keys<'_>) -> String {
    format!("{}\n{}", keys.token_url, keys.api_key.expose())
}

async fn exchange(ctx: &CallContext<'_>, keys: &Keys<'_>) -> Result<(Secret, Duration)> {
    let (api_key, secret_key) = (keys.api_key.expose(), keys.secret_key.expose());
    let url = format!(
        "{}?grant_type=client_credentials&client_id={}&client_secret={}",
        keys.token_url,
        percent_encode(api_key),
        percent_encode(secret_key)
    );
    let request = HttpRequest::new(Method::POST, url).header("accept", "application/json")?;
    let call = HttpCall::new(ctx.provider.id, ctx.model.id, *ctx.http, parse_oauth_error);
    let redact = |e: Error| e.redact(&[api_key, secret_key]);
    let answer: TokenAnswer = call.send_json(&request).await.map_err(redact)?;
    // Baidu may answer an OAuth2 error with status 200.
    if let Some(code) = answer.error {
        let body =
            serde_json::json!({"error": code, "error_description": answer.error_description});
        let parsed = parse_oauth_error(200, &body.to_string());
        let kind = parsed.kind.unwrap_or(ErrorKind::InvalidCredentials);
        let message = parsed.message.unwrap_or(code);
        return Err(redact(
            Error::new(kind, message).in_call(ctx.provider.id, ctx.model.id),
        ));
    }
    answer.into_token(ctx, DEFAULT_LIFETIME)
}

/// An access token for `keys`: the cached one while it has more than the refresh margin
/// left, else a new one.
pub async fn access_token(ctx: &CallContext<'_>, keys: &Keys<'_>) -> Result<Secret> {
    TOKENS.get(cache_key(keys), || exchange(ctx, keys)).await
}

/// Drops the cached token of `keys`, which the API rejected (expired or revoked early), so
/// the next call exchanges again.
pub async fn forget(keys: &Keys<'_>) {
    TOKENS.forget(&cache_key(keys)).await;
}
