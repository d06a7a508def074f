//! Baidu's access tokens: the API key and secret key exchanged at `{base}/oauth/2.0/token`
//! (OAuth2 client credentials, the keys in the query as Baidu documents), cached per key
//! pair, process-wide, until shortly before they expire. One exchange runs at a time, so
//! concurrent calls wait for it instead of exchanging again.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use futures::lock::Mutex;
use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result};
use crate::http::{percent_encode, HttpCall, HttpRequest, Method, ProviderErrorBody};
use crate::protocol::CallContext;
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<u64>,
    error: Option<String>,
    error_description: Option<String>,
}

/// An OAuth2 error (`{"error": "invalid_client", "error_description": ...}`): a rejected key
/// pair is an authorization failure, whatever the status.
fn parse_token_error(_status: u16, body: &str) -> ProviderErrorBody {
    let parsed: TokenAnswer = serde_json::from_str(body).unwrap_or_default();
    let kind = match parsed.error.as_deref() {
        Some("invalid_client" | "unauthorized_client") => Some(ErrorKind::Authorization),
        Some("rate_limit_exceeded") => Some(ErrorKind::RateLimit),
        _ => None,
    };
    ProviderErrorBody {
        message: parsed.error_description.or_else(|| parsed.error.clone()),
        code: parsed.error,
        kind,
        retry_after: None,
    }
}

struct CachedToken {
    key: (String, String),
    token: Secret,
    refresh_at: Instant,
}

fn cache() -> &'static Mutex<Vec<CachedToken>> {
    static TOKENS: OnceLock<Mutex<Vec<CachedToken>>> = OnceLock::new();
    TOKENS.get_or_init(|| Mutex::new(Vec::new()))
}

fn cache_key(keys: &Keys<'_>) -> (String, String) {
    (keys.token_url.clone(), keys.api_key.expose().to_owned())
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
    let call = HttpCall::new(ctx.provider.id, ctx.model.id, *ctx.http, parse_token_error);
    let redact = |e: Error| e.redact(&[api_key, secret_key]);
    let answer: TokenAnswer = call.send_json(&request).await.map_err(redact)?;
    if let Some(code) = answer.error {
        let message = answer.error_description.unwrap_or_else(|| code.clone());
        let parsed = parse_token_error(200, &serde_json::json!({"error": code}).to_string());
        let kind = parsed.kind.unwrap_or(ErrorKind::InvalidCredentials);
        return Err(redact(
            Error::new(kind, message).in_call(ctx.provider.id, ctx.model.id),
        ));
    }
    let token = answer
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidResponse,
                "the token endpoint answered without an access_token",
            )
            .in_call(ctx.provider.id, ctx.model.id)
        })?;
    let lifetime = answer
        .expires_in
        .map_or(DEFAULT_LIFETIME, Duration::from_secs);
    Ok((Secret::new(token), lifetime))
}

/// An access token for `keys`: the cached one while it has more than the refresh margin
/// left, else a new one.
pub async fn access_token(ctx: &CallContext<'_>, keys: &Keys<'_>) -> Result<Secret> {
    let key = cache_key(keys);
    let mut tokens = cache().lock().await;
    let now = Instant::now();
    tokens.retain(|cached| cached.refresh_at > now);
    if let Some(cached) = tokens.iter().find(|cached| cached.key == key) {
        return Ok(cached.token.clone());
    }
    let (token, lifetime) = exchange(ctx, keys).await?;
    tokens.push(CachedToken {
        key,
        token: token.clone(),
        refresh_at: now + lifetime.saturating_sub(REFRESH_MARGIN),
    });
    Ok(token)
}

/// Drops the cached token of `keys`, which the API rejected (expired or revoked early), so
/// the next call exchanges again.
pub async fn forget(keys: &Keys<'_>) {
    let key = cache_key(keys);
    cache().lock().await.retain(|cached| cached.key != key);
}
