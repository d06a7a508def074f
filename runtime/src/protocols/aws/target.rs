//! Where and how to call an AWS service: the endpoint of the credentials' region (or the
//! base URL a credential overrides it with), and every request signed with SigV4 for the
//! service.
//!
//! The credentials are read under the variable names of Dify's `bedrock` and `sagemaker`
//! provider forms (`aws_access_key_id`, `aws_secret_access_key`, `aws_region`) plus
//! `aws_session_token` for temporary credentials. The base URL comes from `extra.modelrt` as
//! for every protocol (docs/provider-extra.md); a `{region}` in it is replaced by the region.

use std::time::SystemTime;

use serde_json::Value;

use super::sigv4::{sign_request, AwsCredentials};
use crate::error::{Error, ErrorKind, Result};
use crate::http::HttpRequest;
use crate::protocol::ProviderContext;
use crate::protocols::openai_compatible::config::Endpoint;
use crate::secret::Secret;

/// The credential holding the access key id.
pub const ACCESS_KEY_ID: &str = "aws_access_key_id";
/// The credential holding the secret access key.
pub const SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
/// The credential holding the session token of temporary credentials (optional).
pub const SESSION_TOKEN: &str = "aws_session_token";
/// The credential holding the region.
pub const REGION: &str = "aws_region";

/// The placeholder in a base URL that stands for the region.
const REGION_PLACEHOLDER: &str = "{region}";

/// A resolved endpoint: base URL, extra headers, the identity that signs and the service
/// it signs for.
#[derive(Debug)]
pub struct Target<'a> {
    base_url: String,
    headers: Vec<(&'static str, &'a str)>,
    credentials: AwsCredentials<'a>,
    service: &'static str,
}

fn missing(provider: &str, variable: &str) -> Error {
    Error::new(
        ErrorKind::InvalidCredentials,
        format!("the `{variable}` credential is required to sign AWS requests"),
    )
    .with_provider(provider)
}

impl<'a> Target<'a> {
    /// Resolves the endpoint and identity of `ctx`'s provider, signing for `service`
    /// (`bedrock`, `sagemaker`).
    pub fn resolve(ctx: &ProviderContext<'a>, service: &'static str) -> Result<Self> {
        let provider = ctx.provider.id;
        let secret = |variable: &str| -> Option<&'a Secret> {
            ctx.credentials.secret(variable).filter(|s| !s.is_empty())
        };
        let region = ctx
            .credentials
            .text(REGION)
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| missing(provider, REGION))?;
        let endpoint = Endpoint::resolve(ctx)?;
        Ok(Target {
            base_url: endpoint.base_url.replace(REGION_PLACEHOLDER, region),
            headers: endpoint.headers,
            credentials: AwsCredentials {
                access_key_id: secret(ACCESS_KEY_ID)
                    .ok_or_else(|| missing(provider, ACCESS_KEY_ID))?,
                secret_access_key: secret(SECRET_ACCESS_KEY)
                    .ok_or_else(|| missing(provider, SECRET_ACCESS_KEY))?,
                session_token: secret(SESSION_TOKEN),
                region,
            },
            service,
        })
    }

    /// The URL of `path` (which starts with `/`) under the base URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A signed `POST` of `body` as JSON to `url`.
    pub fn post(&self, url: String, body: &Value) -> Result<HttpRequest> {
        let mut request = HttpRequest::post_json(url, body)?;
        for (name, value) in &self.headers {
            request = request.header(name, value)?;
        }
        sign_request(request, &self.credentials, self.service, SystemTime::now())
    }

    /// `error` without the key id or session token in any of its texts.
    pub fn redact(&self, error: Error) -> Error {
        error.redact(&self.credentials.secrets())
    }
}
