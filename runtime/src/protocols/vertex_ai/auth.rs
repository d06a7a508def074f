//! OAuth2 access tokens from a service-account key: a JWT signed with the key (RS256) is
//! exchanged at the key's `token_uri` (the JWT bearer grant, RFC 7523), over the runtime's
//! HTTP client. Tokens are cached per service account (see [`TokenCache`]).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Deserialize;
use serde_json::json;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::http::{Body, HttpCall, HttpRequest, Method};
use crate::protocol::CallContext;
use crate::protocols::token_cache::{parse_oauth_error, TokenAnswer, TokenCache};
use crate::secret::Secret;

/// The scope Vertex AI calls need.
const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
/// Google's token endpoint, for keys that name none.
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// The grant type of a JWT assertion, form-encoded.
const JWT_BEARER_GRANT: &str = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";
/// How long a signed assertion is valid (Google's maximum).
const ASSERTION_LIFETIME_SECS: u64 = 3600;
/// A cached token is replaced this long before it expires, so no call starts with a token
/// about to lapse.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// The fields of a service-account key file this exchange needs.
#[derive(Debug)]
pub struct ServiceAccount {
    client_email: String,
    private_key_id: Option<String>,
    private_key: Secret,
    token_uri: String,
}

#[derive(Deserialize)]
struct KeyFile {
    client_email: Option<String>,
    private_key_id: Option<String>,
    private_key: Option<String>,
    token_uri: Option<String>,
}

fn invalid_key(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidCredentials, message)
}

impl ServiceAccount {
    /// Reads a key file's JSON, given as it is or base64-encoded (Dify's form asks for the
    /// latter). Errors name the missing field, never a value.
    pub fn parse(variable: &str, key: &Secret) -> Result<Self> {
        let text = key.expose().trim();
        let decoded: Zeroizing<Vec<u8>> = if text.starts_with('{') {
            Zeroizing::new(text.as_bytes().to_vec())
        } else {
            let compact: Zeroizing<String> =
                Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
            Zeroizing::new(
                base64::engine::general_purpose::STANDARD
                    .decode(compact.as_bytes())
                    .map_err(|_| {
                        invalid_key(format!(
                            "credential `{variable}` is neither a service-account key (JSON) \
                             nor base64-encoded JSON"
                        ))
                    })?,
            )
        };
        let file: KeyFile = serde_json::from_slice(&decoded).map_err(|e| {
            invalid_key(format!(
                "credential `{variable}` is not a service-account key: invalid JSON at line {} \
                 column {}",
                e.line(),
                e.column()
            ))
        })?;
        let field = |value: Option<String>, name: &str| {
            value.filter(|v| !v.is_empty()).ok_or_else(|| {
                invalid_key(format!(
                    "the service-account key in `{variable}` has no `{name}`"
                ))
            })
        };
        let token_uri = file
            .token_uri
            .filter(|uri| !uri.is_empty())
            .unwrap_or_else(|| DEFAULT_TOKEN_URI.to_owned());
        if !(token_uri.starts_with("https://") || token_uri.starts_with("http://")) {
            return Err(invalid_key(format!(
                "the service-account key in `{variable}` has a `token_uri` that is not an \
                 http(s) URL"
            )));
        }
        Ok(ServiceAccount {
            client_email: field(file.client_email, "client_email")?,
            private_key_id: file.private_key_id.filter(|id| !id.is_empty()),
            private_key: Secret::new(field(file.private_key, "private_key")?),
            token_uri,
        })
    }

    /// What identifies the account's tokens in the cache.
    fn cache_key(&self) -> String {
        let key_id = self.private_key_id.as_deref().unwrap_or_default();
        format!("{}\n{}\n{key_id}", self.token_uri, self.client_email)
    }

    /// The signed assertion for a token valid from `now` (seconds since the epoch).
    fn assertion(&self, now: u64) -> Result<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid.clone_from(&self.private_key_id);
        let claims = json!({
            "iss": self.client_email,
            "scope": SCOPE,
            "aud": self.token_uri,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_SECS,
        });
        let key =
            EncodingKey::from_rsa_pem(self.private_key.expose().as_bytes()).map_err(|_| {
                invalid_key("the service-account key's `private_key` is not an RSA key in PEM form")
            })?;
        jsonwebtoken::encode(&header, &claims, &key)
            .map_err(|_| invalid_key("the service-account key's `private_key` cannot sign a token"))
    }
}

/// Exchanges a fresh assertion for a token; returns it and how long it is valid.
async fn exchange(ctx: &CallContext<'_>, account: &ServiceAccount) -> Result<(Secret, Duration)> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let assertion = account.assertion(now)?;
    let mut request = HttpRequest::new(Method::POST, account.token_uri.as_str());
    request.body = Body::Bytes {
        content_type: "application/x-www-form-urlencoded".to_owned(),
        bytes: format!("grant_type={JWT_BEARER_GRANT}&assertion={assertion}").into_bytes(),
    };
    let call = HttpCall::new(ctx.provider.id, ctx.model.id, *ctx.http, parse_oauth_error);
    let answer: TokenAnswer = call.send_json(&request).await?;
    answer.into_token(ctx, Duration::from_secs(ASSERTION_LIFETIME_SECS))
}

/// An access token for `account`: the cached one while it has more than the refresh margin
/// left, else a new one.
pub async fn access_token(ctx: &CallContext<'_>, account: &ServiceAccount) -> Result<Secret> {
    static TOKENS: TokenCache = TokenCache::new(REFRESH_MARGIN);
    TOKENS
        .get(account.cache_key(), || exchange(ctx, account))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_errors_name_the_field_not_the_value() {
        let missing = Secret::new(r#"{"client_email":"a@b.iam","private_key":""}"#);
        let error = ServiceAccount::parse("key", &missing).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
        assert!(error.message().contains("`private_key`"), "{error}");
        let garbage = Secret::new("not base64 at all: SECRET-VALUE");
        let error = ServiceAccount::parse("key", &garbage).unwrap_err();
        assert!(!error.to_string().contains("SECRET-VALUE"), "{error}");
        let bad_json = Secret::new(r#"{"client_email": SECRET-VALUE}"#);
        let error = ServiceAccount::parse("key", &bad_json).unwrap_err();
        assert!(!error.to_string().contains("SECRET-VALUE"), "{error}");
    }
}
