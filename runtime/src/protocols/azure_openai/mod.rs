//! Azure OpenAI: the OpenAI-compatible chat, completion, embedding, speech and transcription
//! calls on Azure's layout.
//!
//! - Deployment routes: `{endpoint}/openai/deployments/{deployment}/{path}?api-version=...`,
//!   where the deployment is the model name given at run time and the version comes from the
//!   credential named by `extra.modelrt.api_version_variable`, else `extra.modelrt.api_version`.
//! - The v1 route: a base URL ending in `/openai/v1` takes OpenAI's paths as they are
//!   (`{endpoint}/openai/v1/chat/completions`, the deployment in the body's `model`), without
//!   `api-version`.
//! - Auth: the key in the `api-key` header; or a Microsoft Entra access token as
//!   `Authorization: Bearer`: one obtained for a service principal ([`entra`]) when the
//!   credentials name one, else the one the credential named by
//!   `extra.modelrt.bearer_token_variable` holds.
//!
//! Everything else (base URL, key variable, headers) resolves as for the OpenAI-compatible
//! protocol. Azure has no moderation or rerank endpoint, so none is registered.

pub(crate) mod entra;

use crate::error::{Error, ErrorKind, Result};
use crate::protocol::CallContext;
use crate::protocols::openai_compatible::config::{Endpoint, KeyHeader, Route};
use crate::protocols::openai_compatible::{Dialect, OpenAiCompatible};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::AZURE_OPENAI;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static AZURE_OPENAI: OpenAiCompatible = OpenAiCompatible::with_dialect(Dialect::Azure);

/// The path that marks a base URL as Azure's v1 route.
const V1_SUFFIX: &str = "/openai/v1";

/// Whether `text` may go into a URL as it is: a deployment name or an API version.
pub(crate) fn url_safe(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The endpoint of `ctx`'s model (its deployment) on Azure.
pub fn endpoint<'a>(ctx: &CallContext<'a>) -> Result<Endpoint<'a>> {
    let provider = ctx.provider;
    let config_error = |message: String| {
        Error::new(ErrorKind::InvalidCredentials, message).with_provider(provider.id)
    };
    let mut endpoint = Endpoint::resolve(&ctx.provider_context())?;
    let token = provider
        .extra("bearer_token_variable")
        .and_then(|variable| ctx.secret(variable));
    endpoint.key_header = match token {
        Some(token) => {
            endpoint.api_key = Some(token);
            KeyHeader::Bearer
        }
        None => KeyHeader::ApiKey,
    };
    if endpoint.base_url.ends_with(V1_SUFFIX) {
        return Ok(endpoint);
    }
    let version_variable = provider.extra("api_version_variable");
    let api_version = version_variable
        .and_then(|variable| ctx.credential(variable))
        .or_else(|| provider.extra("api_version"))
        .map(str::trim)
        .ok_or_else(|| {
            config_error(format!(
                "no API version: set the `{}` credential, or use a base URL ending in {V1_SUFFIX}",
                version_variable.unwrap_or("api_version")
            ))
        })?;
    if !url_safe(api_version) {
        return Err(config_error(format!(
            "the API version `{api_version}` is not a version (letters, digits, `-`, `.`)"
        )));
    }
    let deployment = ctx.model.id;
    if !url_safe(deployment) {
        return Err(Error::new(
            ErrorKind::BadRequest,
            format!(
                "`{deployment}` is not an Azure deployment name (letters, digits, `-`, `_`, `.`)"
            ),
        )
        .with_provider(provider.id));
    }
    endpoint.route = Route::Deployment {
        deployment: deployment.to_owned(),
        api_version: api_version.to_owned(),
    };
    Ok(endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_go_into_urls() {
        assert!(url_safe("gpt-4o_prod.2"));
        assert!(url_safe("2024-10-21"));
        assert!(!url_safe(""));
        assert!(!url_safe("a/b"));
        assert!(!url_safe("x?y=1"));
        assert!(!url_safe("dé"));
    }
}
