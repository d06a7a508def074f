//! Where and how to call the Messages API: the base URL, key and extra headers come from the
//! provider's `extra.modelrt` settings (resolved as for every protocol); the key travels in
//! `x-api-key`, with the API version every request must name.

use serde_json::Value;

use crate::error::Result;
use crate::http::HttpRequest;
use crate::protocol::ProviderContext;
use crate::protocols::openai_compatible::config::Endpoint;

/// The API version this implementation speaks.
pub const API_VERSION: &str = "2023-06-01";

/// The URL of `path` (e.g. `v1/messages`); a base URL that already ends with the version
/// (`https://api.anthropic.com/v1`, as some users write it) does not get it twice.
fn url(endpoint: &Endpoint<'_>, path: &str) -> String {
    match (
        endpoint.base_url.strip_suffix("/v1"),
        path.strip_prefix("v1/"),
    ) {
        (Some(base), Some(_)) => format!("{base}/{path}"),
        _ => endpoint.url(path),
    }
}

/// A request to `path` (relative to the base URL, e.g. `v1/messages`): `POST` with `body`
/// as JSON, or `GET` without.
pub fn request(ctx: &ProviderContext<'_>, path: &str, body: Option<&Value>) -> Result<HttpRequest> {
    let endpoint = Endpoint::resolve(ctx)?;
    let url = url(&endpoint, path);
    let mut request = match body {
        Some(body) => HttpRequest::post_json(url, body)?,
        None => HttpRequest::get(url),
    };
    for (name, value) in &endpoint.headers {
        request = request.header(name, value)?;
    }
    request = request.header("anthropic-version", API_VERSION)?;
    match endpoint.api_key {
        Some(key) => request.secret_header("x-api-key", "", key),
        None => Ok(request),
    }
}
