//! A provider request, described once and sent as many times as retries need.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// A request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// No body.
    Empty,
    /// Raw bytes with their content type (JSON, multipart built by the caller...).
    Bytes {
        /// The `content-type` header value.
        content_type: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

/// A request: method, URL, headers and body. Header values built from secrets are marked
/// sensitive, which keeps them out of `Debug` output and lets errors redact them; `Debug`
/// shows the URL as logs do (without user info and query, either of which may hold a key).
#[derive(Clone)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: String,
    /// Headers other than `content-type`.
    pub headers: HeaderMap,
    /// The body.
    pub body: Body,
}

/// The secrets of one request, kept to scrub every error of its call, including those that
/// surface later, while its stream is read.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Secrets(Vec<String>);

impl Secrets {
    /// Secrets known as texts (a signing key, a token sent outside the headers).
    pub(crate) fn new(mut texts: Vec<String>) -> Self {
        texts.retain(|s| !s.is_empty());
        Secrets(texts)
    }

    /// `error` with every secret redacted (see [`Error::redact`]).
    pub(crate) fn scrub(&self, error: Error) -> Error {
        let secrets: Vec<&str> = self.0.iter().map(String::as_str).collect();
        error.redact(&secrets)
    }
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} redacted)", self.0.len())
    }
}

/// `text` with everything but unreserved characters percent-encoded (RFC 3986), for one
/// path segment or one query value: a model id holding `:` or `/`, a key in a query.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn header_name(name: &str) -> Result<HeaderName> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidParams,
            format!("`{name}` is not a valid header name"),
        )
    })
}

impl HttpRequest {
    /// A request without body.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers: HeaderMap::new(),
            body: Body::Empty,
        }
    }

    /// A `GET` request.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new(Method::GET, url)
    }

    /// A `POST` request with `body` serialized as JSON.
    pub fn post_json(url: impl Into<String>, body: &impl Serialize) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::new(
                ErrorKind::InvalidParams,
                format!("request is not serializable: {e}"),
            )
        })?;
        Ok(HttpRequest {
            body: Body::Bytes {
                content_type: "application/json".to_owned(),
                bytes,
            },
            ..Self::new(Method::POST, url)
        })
    }

    /// Adds a header with a non-secret value.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        let value = HeaderValue::from_str(value).map_err(|_| {
            Error::new(
                ErrorKind::InvalidParams,
                format!("the value of header `{name}` contains characters a header cannot hold"),
            )
        })?;
        self.headers.append(header_name(name)?, value);
        Ok(self)
    }

    /// Adds a header whose value is `prefix` followed by a secret (e.g. `Bearer `).
    /// The error for an unusable value never contains the secret.
    pub fn secret_header(mut self, name: &str, prefix: &str, secret: &Secret) -> Result<Self> {
        let mut value = HeaderValue::from_str(&format!("{prefix}{}", secret.expose()))
            .map_err(|_| {
                Error::new(
                    ErrorKind::InvalidCredentials,
                    format!("the credential for header `{name}` contains characters a header cannot hold"),
                )
            })?;
        value.set_sensitive(true);
        self.headers.insert(header_name(name)?, value);
        Ok(self)
    }

    /// Adds `Authorization: Bearer <secret>`.
    pub fn bearer(self, secret: &Secret) -> Result<Self> {
        self.secret_header(AUTHORIZATION.as_str(), "Bearer ", secret)
    }

    /// The texts an error must never show: every sensitive header value, and for
    /// `<scheme> <token>` values the token alone.
    pub(crate) fn secrets(&self) -> Secrets {
        let mut secrets = Vec::new();
        for value in self.headers.values().filter(|v| v.is_sensitive()) {
            if let Ok(text) = value.to_str() {
                secrets.push(text.to_owned());
                if let Some((_, token)) = text.split_once(' ') {
                    secrets.push(token.trim().to_owned());
                }
            }
        }
        // However short: a 3-byte key is still a key.
        secrets.retain(|s| !s.is_empty());
        Secrets(secrets)
    }

    /// The URL without user info and query (either may hold a key), for logs.
    pub(crate) fn url_for_logs(&self) -> String {
        let url = self.url.split(['?', '#']).next().unwrap_or_default();
        let Some((scheme, rest)) = url.split_once("://") else {
            return url.to_owned();
        };
        let authority_end = rest.find('/').unwrap_or(rest.len());
        match rest[..authority_end].rfind('@') {
            Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
            None => url.to_owned(),
        }
    }

    pub(crate) fn to_reqwest(&self, client: &reqwest::Client) -> reqwest::RequestBuilder {
        let builder = match super::urls::parsed(&self.url) {
            Some(url) => client.request(self.method.clone(), url),
            None => client.request(self.method.clone(), &self.url),
        }
        .headers(self.headers.clone());
        match &self.body {
            Body::Empty => builder,
            Body::Bytes {
                content_type,
                bytes,
            } => builder
                .header(CONTENT_TYPE, content_type.as_str())
                .body(bytes.clone()),
        }
    }
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url_for_logs())
            .field("headers", &self.headers)
            .field("body", &self.body)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_urls_lose_user_info_and_query() {
        let logged = |url: &str| HttpRequest::get(url).url_for_logs();
        assert_eq!(
            logged("https://user:pw@host:8080/v1/chat?key=abc"),
            "https://host:8080/v1/chat"
        );
        assert_eq!(logged("http://host/v1/models#x"), "http://host/v1/models");
        assert_eq!(logged("http://host/a@b"), "http://host/a@b");
    }

    #[test]
    fn debug_shows_the_logged_url_and_hides_secrets() {
        let request = HttpRequest::get("https://user:pw-secret@host/v1/models?key=q-secret")
            .bearer(&Secret::new("sk-debug-secret"))
            .expect("a valid header");
        let shown = format!("{request:?}");
        assert!(shown.contains("\"https://host/v1/models\""), "{shown}");
        for secret in ["pw-secret", "q-secret", "sk-debug-secret"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }

    #[test]
    fn short_secrets_are_still_secrets() {
        let request = HttpRequest::get("http://host/")
            .secret_header("x-api-key", "", &Secret::new("k9"))
            .expect("a valid header");
        let error = request
            .secrets()
            .scrub(Error::new(ErrorKind::Authorization, "key k9"));
        assert_eq!(error.message(), "key [REDACTED]");
    }
}
