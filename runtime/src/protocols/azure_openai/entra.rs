//! Microsoft Entra ID tokens for a service principal: the client-credentials grant at
//! `{authority}/{tenant}/oauth2/v2.0/token` with the scope of Azure AI services, cached per
//! authority, tenant and client (see [`TokenCache`]).
//!
//! The tenant, client id and client secret come from the credentials named by
//! `extra.modelrt.entra_tenant_variable`, `entra_client_id_variable` and
//! `entra_client_secret_variable`; the authority from `entra_authority` (default: the public
//! cloud's), for sovereign clouds and tests.

use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::http::{percent_encode, Body, HttpCall, HttpRequest, Method};
use crate::protocol::CallContext;
use crate::protocols::token_cache::{parse_oauth_error, TokenAnswer, TokenCache};
use crate::secret::Secret;

/// The public cloud's authority.
const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The scope of Azure OpenAI (Azure AI services) data-plane calls.
const SCOPE: &str = "https://cognitiveservices.azure.com/.default";
/// A cached token is replaced this long before it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);
/// The lifetime assumed when the answer gives none.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

static TOKENS: TokenCache = TokenCache::new(REFRESH_MARGIN);

/// The service principal of a call.
struct Principal<'a> {
    token_url: String,
    client_id: &'a str,
    client_secret: &'a Secret,
}

/// The service principal `ctx`'s credentials name, if the provider declares one and the
/// credentials fill it in; an error when they fill in only part of it.
fn principal<'a>(ctx: &CallContext<'a>) -> Result<Option<Principal<'a>>> {
    let provider = ctx.provider;
    let (Some(tenant_var), Some(client_var), Some(secret_var)) = (
        provider.extra("entra_tenant_variable"),
        provider.extra("entra_client_id_variable"),
        provider.extra("entra_client_secret_variable"),
    ) else {
        return Ok(None);
    };
    let text = |variable: &str| {
        ctx.credential(variable)
            .or_else(|| ctx.secret(variable).map(Secret::expose))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let (tenant, client_id, secret) = (
        text(tenant_var),
        text(client_var),
        ctx.secret(secret_var).filter(|s| !s.is_empty()),
    );
    let (Some(tenant), Some(client_id), Some(client_secret)) = (tenant, client_id, secret) else {
        if tenant.is_none() && client_id.is_none() && secret.is_none() {
            return Ok(None);
        }
        return Err(Error::new(
            ErrorKind::InvalidCredentials,
            format!(
                "a Microsoft Entra service principal needs all of `{tenant_var}`, \
                 `{client_var}` and `{secret_var}`"
            ),
        )
        .in_call(provider.id, ctx.model.id));
    };
    let authority = provider
        .extra("entra_authority")
        .unwrap_or(DEFAULT_AUTHORITY)
        .trim_end_matches('/');
    Ok(Some(Principal {
        token_url: format!("{authority}/{}/oauth2/v2.0/token", percent_encode(tenant)),
        client_id,
        client_secret,
    }))
}

async fn exchange(ctx: &CallContext<'_>, principal: &Principal<'_>) -> Result<(Secret, Duration)> {
    let secret = principal.client_secret.expose();
    let form = format!(
        "client_id={}&scope={}&client_secret={}&grant_type=client_credentials",
        percent_encode(principal.client_id),
        percent_encode(SCOPE),
        percent_encode(secret)
    );
    let mut request = HttpRequest::new(Method::POST, principal.token_url.as_str());
    request.body = Body::Bytes {
        content_type: "application/x-www-form-urlencoded".to_owned(),
        bytes: form.into_bytes(),
    };
    let call = HttpCall::new(ctx.provider.id, ctx.model.id, *ctx.http, parse_oauth_error);
    let answer: TokenAnswer = call
        .send_json(&request)
        .await
        .map_err(|e| e.redact(&[secret]))?;
    answer.into_token(ctx, DEFAULT_LIFETIME)
}

/// A token for the service principal `ctx`'s credentials name, or `None` when they name none.
pub async fn token(ctx: &CallContext<'_>) -> Result<Option<Secret>> {
    let Some(principal) = principal(ctx)? else {
        return Ok(None);
    };
    let key = format!("{}\n{}", principal.token_url, principal.client_id);
    TOKENS
        .get(key, || exchange(ctx, &principal))
        .await
        .map(Some)
}
