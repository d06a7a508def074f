//! Where a model's methods live and how requests to them are authorised.
//!
//! The Gemini API and Vertex AI share the payloads but not the addresses: a model is
//! `{base}/models/{model}` with an `x-goog-api-key` on the Gemini API, and
//! `{base}/projects/{project}/locations/{location}/publishers/google/models/{model}` with an
//! OAuth2 bearer token on Vertex AI. Each protocol resolves a [`ModelEndpoint`]; the calls
//! themselves are written once against it.

use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
use crate::http::HttpRequest;
use crate::protocol::CallContext;
use crate::protocols::openai_compatible::config::Endpoint;
use crate::secret::Secret;

/// How requests prove who sends them.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `x-goog-api-key: <key>` (Gemini API).
    ApiKey(Secret),
    /// `Authorization: Bearer <token>` (Vertex AI).
    Bearer(Secret),
    /// Nothing (a proxy that adds credentials itself).
    None,
}

/// A model's address and the credentials its requests carry.
#[derive(Debug, Clone)]
pub struct ModelEndpoint {
    /// The model's URL without the method (`…/models/gemini-2.5-flash`).
    pub model_url: String,
    /// How requests are authorised.
    pub auth: Auth,
    /// Extra headers (`extra.modelrt.headers.*`, `header_variables.*`).
    pub headers: Vec<(String, String)>,
}

impl ModelEndpoint {
    /// A `POST` of `body` to the model's `method` (e.g. `generateContent`), with `query`
    /// appended when given (e.g. `alt=sse`).
    pub fn post(&self, method: &str, query: Option<&str>, body: &Value) -> Result<HttpRequest> {
        let mut url = format!("{}:{method}", self.model_url);
        if let Some(query) = query {
            url.push('?');
            url.push_str(query);
        }
        let mut request = HttpRequest::post_json(url, body)?;
        for (name, value) in &self.headers {
            request = request.header(name, value)?;
        }
        match &self.auth {
            Auth::ApiKey(key) => request.secret_header("x-goog-api-key", "", key),
            Auth::Bearer(token) => request.bearer(token),
            Auth::None => Ok(request),
        }
    }
}

/// The model id as the URL needs it: the API's own `models/` prefix is accepted and dropped.
/// An id that would change the URL's path is refused.
pub fn model_path(ctx: &CallContext<'_>) -> Result<String> {
    let id = ctx.model.id.strip_prefix("models/").unwrap_or(ctx.model.id);
    let valid = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '@'));
    if valid {
        Ok(id.to_owned())
    } else {
        Err(ctx.error(
            ErrorKind::InvalidParams,
            format!("`{}` is not a model id the API accepts", ctx.model.id),
        ))
    }
}

/// Extra headers of the provider's `extra.modelrt` settings, owned.
fn owned_headers(endpoint: &Endpoint<'_>) -> Vec<(String, String)> {
    endpoint
        .headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// The Gemini API endpoint of `ctx`'s model: base URL, key and headers from the provider's
/// `extra.modelrt` settings (as for every protocol), the key sent as `x-goog-api-key`.
pub fn gemini(ctx: &CallContext<'_>) -> Result<ModelEndpoint> {
    let model = model_path(ctx)?;
    let endpoint = Endpoint::resolve(&ctx.provider_context())
        .map_err(|e: Error| e.in_call(ctx.provider.id, ctx.model.id))?;
    Ok(ModelEndpoint {
        model_url: format!("{}/models/{model}", endpoint.base_url),
        auth: endpoint
            .api_key
            .map_or(Auth::None, |key| Auth::ApiKey(key.clone())),
        headers: owned_headers(&endpoint),
    })
}
