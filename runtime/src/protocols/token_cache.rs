//! Access tokens obtained at call time (OAuth2 exchanges), cached process-wide until shortly
//! before they expire. One exchange runs at a time per cache, so concurrent calls wait for it
//! instead of exchanging again. Also what these exchanges share: the token answer and the
//! parser of OAuth2 error answers.

use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use futures::lock::Mutex;
use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result};
use crate::http::ProviderErrorBody;
use crate::protocol::CallContext;
use crate::secret::Secret;

struct Cached {
    key: String,
    token: Secret,
    refresh_at: Instant,
}

/// A cache of tokens by key (what identifies the credentials they were exchanged for).
pub(crate) struct TokenCache {
    tokens: OnceLock<Mutex<Vec<Cached>>>,
    /// A token is replaced this long before it expires, so no call starts with one about to
    /// lapse.
    refresh_margin: Duration,
}

impl TokenCache {
    /// An empty cache replacing tokens `refresh_margin` before they expire.
    pub(crate) const fn new(refresh_margin: Duration) -> Self {
        TokenCache {
            tokens: OnceLock::new(),
            refresh_margin,
        }
    }

    fn tokens(&self) -> &Mutex<Vec<Cached>> {
        self.tokens.get_or_init(|| Mutex::new(Vec::new()))
    }

    /// The token cached under `key` while it has more than the margin left; else the one
    /// `exchange` returns (with its lifetime), cached.
    pub(crate) async fn get<F, Fut>(&self, key: String, exchange: F) -> Result<Secret>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration)>>,
    {
        let mut tokens = self.tokens().lock().await;
        let now = Instant::now();
        tokens.retain(|cached| cached.refresh_at > now);
        if let Some(cached) = tokens.iter().find(|cached| cached.key == key) {
            return Ok(cached.token.clone());
        }
        let (token, lifetime) = exchange().await?;
        tokens.push(Cached {
            key,
            token: token.clone(),
            refresh_at: now + lifetime.saturating_sub(self.refresh_margin),
        });
        Ok(token)
    }

    /// Drops the token cached under `key` (the API rejected it before it expired).
    pub(crate) async fn forget(&self, key: &str) {
        self.tokens()
            .lock()
            .await
            .retain(|cached| cached.key != key);
    }
}

/// An OAuth2 token answer (RFC 6749 §5.1), with the error fields that some APIs (Baidu) send
/// with status 200.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<u64>,
    pub(crate) error: Option<String>,
    pub(crate) error_description: Option<String>,
}

impl TokenAnswer {
    /// The token and how long it is valid (`default_lifetime` when the answer does not say);
    /// an answer without a token is an `InvalidResponse` of `ctx`'s call.
    pub(crate) fn into_token(
        self,
        ctx: &CallContext<'_>,
        default_lifetime: Duration,
    ) -> Result<(Secret, Duration)> {
        let token = self.access_token.filter(|t| !t.is_empty()).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidResponse,
                "the token endpoint answered without an access_token",
            )
            .in_call(ctx.provider.id, ctx.model.id)
        })?;
        let lifetime = self
            .expires_in
            .map_or(default_lifetime, Duration::from_secs);
        Ok((Secret::new(token), lifetime))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OAuthError {
    error: Option<String>,
    error_description: Option<String>,
}

/// Parses an OAuth2 error answer (`{"error": "invalid_client", "error_description": ...}`,
/// RFC 6749 §5.2): rejected credentials are an authorization failure, whatever the status.
pub(crate) fn parse_oauth_error(_status: u16, body: &str) -> ProviderErrorBody {
    let parsed: OAuthError = serde_json::from_str(body).unwrap_or_default();
    let kind = match parsed.error.as_deref() {
        Some("invalid_grant" | "invalid_client" | "unauthorized_client" | "access_denied") => {
            Some(ErrorKind::Authorization)
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tokens_are_reused_until_the_margin_then_exchanged_again() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let long = || async { Ok((Secret::new("a"), Duration::from_secs(3600))) };
        let first = cache.get("k".into(), long).await.unwrap();
        let again = cache
            .get("k".into(), || async { panic!("no second exchange") })
            .await
            .unwrap();
        assert_eq!((first.expose(), again.expose()), ("a", "a"));
        cache.forget("k").await;
        // A lifetime inside the margin is never reused.
        let short = || async { Ok((Secret::new("b"), Duration::from_secs(30))) };
        assert_eq!(cache.get("k".into(), short).await.unwrap().expose(), "b");
        let next = || async { Ok((Secret::new("c"), Duration::from_secs(3600))) };
        assert_eq!(cache.get("k".into(), next).await.unwrap().expose(), "c");
    }

    #[test]
    fn oauth_errors_are_authorization_failures() {
        let parsed = parse_oauth_error(
            400,
            r#"{"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}"#,
        );
        assert_eq!(parsed.kind, Some(ErrorKind::Authorization));
        assert_eq!(parsed.code.as_deref(), Some("invalid_client"));
        assert!(parsed.message.unwrap().starts_with("AADSTS7000215"));
        assert_eq!(parse_oauth_error(500, "oops").kind, None);
    }
}
