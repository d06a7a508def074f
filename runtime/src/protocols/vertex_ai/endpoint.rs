//! A Gemini model's address on Vertex AI, from the project and location credentials:
//! `https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google/models/{model}`
//! (the `global` location has no regional host: `https://aiplatform.googleapis.com/v1/…`).
//! A base URL in `extra.modelrt.base_url` (or the credential named by `base_url_variable`)
//! replaces the host and version part, e.g. for a private endpoint.

use super::auth::{access_token, ServiceAccount};
use super::{LOCATION_VARIABLE, PROJECT_VARIABLE, SERVICE_ACCOUNT_VARIABLE};
use crate::error::{ErrorKind, Result};
use crate::protocol::CallContext;
use crate::protocols::gemini::endpoint::{model_path, Auth, ModelEndpoint};

/// A required text credential that goes into the URL: letters, digits and `-._:` only.
fn url_credential<'a>(ctx: &CallContext<'a>, variable: &str) -> Result<&'a str> {
    let value = ctx.credential(variable).map(str::trim).ok_or_else(|| {
        ctx.error(
            ErrorKind::InvalidCredentials,
            format!("set the `{variable}` credential"),
        )
    })?;
    let valid = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':'));
    if valid {
        Ok(value)
    } else {
        Err(ctx.error(
            ErrorKind::InvalidCredentials,
            format!(
                "credential `{variable}` may hold only letters, digits and `-._:`, got `{value}`"
            ),
        ))
    }
}

/// The host and API version: the provider's or the credential's base URL, else the public
/// endpoint of `location`.
fn base_url(ctx: &CallContext<'_>, location: &str) -> Result<String> {
    let provider = ctx.provider;
    let configured = provider
        .extra("base_url_variable")
        .and_then(|variable| ctx.credential(variable))
        .or_else(|| provider.extra("base_url"))
        .map(|url| url.trim().trim_end_matches('/'));
    match configured {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            Ok(url.to_owned())
        }
        Some(url) => Err(ctx.error(
            ErrorKind::InvalidCredentials,
            format!("the base URL must start with http:// or https://, got `{url}`"),
        )),
        None => Ok(public_base_url(location)),
    }
}

/// The public endpoint of `location`: regional hosts, except for `global`.
fn public_base_url(location: &str) -> String {
    if location == "global" {
        "https://aiplatform.googleapis.com/v1".to_owned()
    } else {
        format!("https://{location}-aiplatform.googleapis.com/v1")
    }
}

/// The endpoint of `ctx`'s model, with a bearer token for the service-account key.
pub async fn resolve(ctx: &CallContext<'_>) -> Result<ModelEndpoint> {
    let project = url_credential(ctx, PROJECT_VARIABLE)?;
    let location = url_credential(ctx, LOCATION_VARIABLE)?;
    let model = model_path(ctx)?;
    let base = base_url(ctx, location)?;
    let key = ctx.secret(SERVICE_ACCOUNT_VARIABLE).ok_or_else(|| {
        ctx.error(
            ErrorKind::InvalidCredentials,
            format!("set the `{SERVICE_ACCOUNT_VARIABLE}` credential (a service-account key)"),
        )
    })?;
    let account = ServiceAccount::parse(SERVICE_ACCOUNT_VARIABLE, key)
        .map_err(|e| e.in_call(ctx.provider.id, ctx.model.id))?;
    let token = access_token(ctx, &account).await?;
    Ok(ModelEndpoint {
        model_url: format!(
            "{base}/projects/{project}/locations/{location}/publishers/google/models/{model}"
        ),
        auth: Auth::Bearer(token),
        headers: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_global_location_has_no_regional_host() {
        assert_eq!(
            public_base_url("global"),
            "https://aiplatform.googleapis.com/v1"
        );
        assert_eq!(
            public_base_url("europe-west4"),
            "https://europe-west4-aiplatform.googleapis.com/v1"
        );
    }
}
