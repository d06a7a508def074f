//! Where and how to call Bedrock: the runtime endpoint of the credentials' region (or the
//! base URL a credential overrides it with), model ids escaped into the path, and every
//! request signed with SigV4 for the `bedrock` service.
//!
//! The credentials are read under the variable names of Dify's `bedrock` provider form
//! (`aws_access_key_id`, `aws_secret_access_key`, `aws_region`) plus `aws_session_token`
//! for temporary credentials. The base URL comes from `extra.modelrt` as for every protocol
//! (docs/provider-extra.md); a `{region}` in it is replaced by the region.

use std::time::SystemTime;

use serde_json::Value;

use super::sigv4::{sign_request, AwsCredentials};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{percent_encode, HttpRequest};
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

/// The service name requests are signed for.
const SERVICE: &str = "bedrock";

/// A resolved endpoint: base URL, extra headers and the identity that signs.
#[derive(Debug)]
pub struct Target<'a> {
    base_url: String,
    headers: Vec<(&'static str, &'a str)>,
    credentials: AwsCredentials<'a>,
}

fn missing(provider: &str, variable: &str) -> Error {
    Error::new(
        ErrorKind::InvalidCredentials,
        format!("the `{variable}` credential is required to sign Bedrock requests"),
    )
    .with_provider(provider)
}

impl<'a> Target<'a> {
    /// Resolves the endpoint and identity of `ctx`'s provider.
    pub fn resolve(ctx: &ProviderContext<'a>) -> Result<Self> {
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
        })
    }

    /// The URL of `action` (`converse`, `converse-stream`, `invoke`) for `model`.
    pub fn model_url(&self, model: &str, action: &str) -> String {
        format!("{}/model/{}/{action}", self.base_url, percent_encode(model))
    }

    /// A signed `POST` of `body` as JSON to `url`.
    pub fn post(&self, url: String, body: &Value) -> Result<HttpRequest> {
        let mut request = HttpRequest::post_json(url, body)?;
        for (name, value) in &self.headers {
            request = request.header(name, value)?;
        }
        sign_request(request, &self.credentials, SERVICE, SystemTime::now())
    }

    /// `error` without the key id or session token in any of its texts.
    pub fn redact(&self, error: Error) -> Error {
        error.redact(&self.credentials.secrets())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids_become_one_percent_encode() {
        assert_eq!(
            percent_encode("amazon.titan-embed-text-v2:0"),
            "amazon.titan-embed-text-v2%3A0"
        );
        assert_eq!(
            percent_encode("arn:aws:bedrock:us-east-1:123:inference-profile/us.x"),
            "arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.x"
        );
    }
}
