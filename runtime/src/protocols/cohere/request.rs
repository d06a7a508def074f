//! Requests to the Cohere API: base URL, `Authorization: Bearer` key and extra headers from
//! the provider's `extra.modelrt` settings.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::http::HttpRequest;
use crate::protocol::{CallContext, ProviderContext};
use crate::protocols::openai_compatible::config::Endpoint;

/// The URL of `path` (e.g. `v2/embed`). Paths name their API version, so a version the
/// user wrote at the end of the base URL (`https://api.cohere.com/v1`) is dropped.
fn url(endpoint: &Endpoint<'_>, path: &str) -> String {
    let base = &endpoint.base_url;
    let base = ["/v1", "/v2"]
        .iter()
        .find_map(|version| base.strip_suffix(version))
        .unwrap_or(base);
    format!("{base}/{path}")
}

/// A `POST` of `body` to `path` (e.g. `v2/embed`) for a model call.
pub fn post(ctx: &CallContext<'_>, path: &str, body: &Value) -> Result<HttpRequest> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    endpoint
        .request(HttpRequest::post_json(url(&endpoint, path), body)?)
        .map_err(in_call)
}

/// A `GET` of `path` (with its query) for a provider-wide call.
pub fn get(ctx: &ProviderContext<'_>, path: &str) -> Result<HttpRequest> {
    let endpoint = Endpoint::resolve(ctx)?;
    endpoint.request(HttpRequest::get(url(&endpoint, path)))
}
