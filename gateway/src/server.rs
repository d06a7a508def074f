//! The router: endpoints, the gateway key, body limits and the fallbacks for unknown paths.

use std::future::Future;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::Router;
use modelrt::runtime::http::HttpSettings;
use modelrt::runtime::secret::Secret;
use serde_json::{Map, Value};
use tokio::net::TcpListener;

use crate::credentials::{CachedCredentials, CredentialStore};
use crate::error::ApiError;
use crate::governance::{self, admin, Governance};
use crate::handles::OpenedHandles;
use crate::observability::{self, metrics::Metrics};
use crate::routing::{Routes, RoutingConfig};
use crate::{audio, chat, console, embeddings, models, moderations, rerank, responses};

/// How the gateway serves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// When set, clients must send `Authorization: Bearer <key>`.
    pub key: Option<Secret>,
    /// The administrator's key (`MODELRT_MASTER_KEY`); when set, `GET /metrics` requires it.
    pub master_key: Option<Secret>,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Timeouts and retries of the calls to providers.
    pub http: HttpSettings,
    /// Virtual keys, budgets and the spend log; `None` without a master key.
    pub governance: Option<Governance>,
}

/// The default body limit: enough for a long conversation with inline images.
pub const DEFAULT_BODY_LIMIT: usize = 32 * 1024 * 1024;

impl Default for Settings {
    /// No key, a 32 MiB body limit, and no retries: a rate limit reaches the client at once,
    /// with its `retry-after`, instead of holding the request.
    fn default() -> Self {
        Settings {
            key: None,
            master_key: None,
            body_limit: DEFAULT_BODY_LIMIT,
            http: HttpSettings {
                max_retries: 0,
                ..HttpSettings::default()
            },
            governance: None,
        }
    }
}

/// What every request handler shares.
pub struct Shared {
    /// Credentials by provider and model.
    pub credentials: CachedCredentials,
    /// How the gateway serves.
    pub settings: Settings,
    /// The gateway's Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Aliases of the routing file; replaced whole on reload.
    routes: RwLock<Arc<Routes>>,
    /// Model handles opened with validated credentials, reused across requests.
    pub(crate) handles: OpenedHandles,
}

impl Shared {
    /// The routes in force; a request keeps the ones it started with.
    pub fn routes(&self) -> Arc<Routes> {
        self.routes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Governance, when the gateway has a master key.
    pub fn governance(&self) -> Option<&Governance> {
        self.settings.governance.as_ref()
    }
}

/// The OpenAI-compatible gateway over every provider compiled into modelrt.
#[derive(Clone)]
pub struct Gateway {
    shared: Arc<Shared>,
}

impl Gateway {
    /// A gateway finding credentials in `store`, serving `<provider>/<model>` ids only.
    pub fn new(store: impl CredentialStore, settings: Settings) -> Self {
        Self::with_routing(store, settings, RoutingConfig::default())
    }

    /// A gateway that also serves the aliases of a routing file.
    pub fn with_routing(
        store: impl CredentialStore,
        settings: Settings,
        routing: RoutingConfig,
    ) -> Self {
        Gateway {
            shared: Arc::new(Shared {
                credentials: CachedCredentials::new(store),
                settings,
                metrics: Arc::default(),
                routes: RwLock::new(Arc::new(Routes::new(routing))),
                handles: OpenedHandles::default(),
            }),
        }
    }

    /// Replaces the aliases (a reloaded routing file). Requests in flight finish with the
    /// routes they started with; handles opened with the old file's credentials are dropped.
    pub fn reload_routing(&self, routing: RoutingConfig) {
        let routes = Arc::new(Routes::new(routing));
        *self
            .shared
            .routes
            .write()
            .unwrap_or_else(|e| e.into_inner()) = routes;
        self.shared.handles.clear();
    }

    /// The gateway's metrics, e.g. to count requests refused by key governance.
    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    /// The HTTP routes, ready to serve or to nest in another router.
    pub fn router(&self) -> Router {
        let limit = self.shared.settings.body_limit;
        let router = Router::new()
            .route("/v1/models", get(models::list))
            .route("/v1/chat/completions", post(chat::completions))
            .route("/v1/embeddings", post(embeddings::create))
            .route("/v1/rerank", post(rerank::create))
            .route("/v1/moderations", post(moderations::create))
            .route("/v1/audio/speech", post(audio::speech))
            .route("/v1/audio/transcriptions", post(audio::transcriptions))
            .route("/v1/responses", post(responses::create))
            .fallback(unknown_url)
            .method_not_allowed_fallback(method_not_allowed)
            .layer(middleware::from_fn_with_state(
                self.shared.clone(),
                authorize,
            ))
            .layer(middleware::from_fn_with_state(
                self.shared.clone(),
                observability::observe,
            ));
        let router = match self.shared.governance() {
            Some(_) => router
                .nest("/admin", admin::router(self.shared.clone()))
                .merge(console::router(self.shared.clone())),
            None => router,
        };
        router
            .layer(axum::extract::DefaultBodyLimit::max(limit))
            // Outside the layers: neither counted as a request nor behind the gateway key.
            .route("/metrics", get(observability::scrape))
            .with_state(self.shared.clone())
    }

    /// Serves on `listener` until `shutdown` completes, then lets requests in flight finish.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Streamed chunks are small writes: without TCP_NODELAY, Nagle's algorithm holds each
        // one back until the client's delayed ACK (tens of milliseconds per chunk).
        let listener = listener.tap_io(|stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::warn!(%error, "could not set TCP_NODELAY on a connection");
            }
        });
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
    }
}

async fn unknown_url(method: Method, uri: Uri) -> ApiError {
    ApiError::unknown_url(method.as_str(), uri.path())
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::method_not_allowed(method.as_str(), uri.path())
}

/// The bearer token of a request, `""` when none.
pub(crate) fn bearer(request: &Request) -> &str {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or("")
        .trim()
}

/// Refuses requests without the gateway key, when one is set. With governance on, a virtual
/// key is accepted too (and checked: revoked, expired, requests per minute), and the handler
/// runs as that key's request.
async fn authorize(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let sent = bearer(&request).to_owned();
    let sent = sent.as_str();
    let gateway_key = shared
        .settings
        .key
        .as_ref()
        .map(|key| constant_time_eq(sent.as_bytes(), key.expose().as_bytes()));
    let Some(governance) = shared.governance() else {
        return match gateway_key {
            Some(false) => ApiError::unauthorized().into_response(),
            _ => next.run(request).await,
        };
    };
    if gateway_key == Some(true) || governance.is_master(sent) {
        return governance::as_caller(None, next.run(request)).await;
    }
    if sent.is_empty() {
        return ApiError::unauthorized().into_response();
    }
    match governance.authenticate(sent, &shared.metrics).await {
        Ok(caller) => governance::as_caller(Some(caller), next.run(request)).await,
        Err(error) => error.into_response(),
    }
}

/// Whether `headers` carry `Authorization: Bearer <key>`.
pub fn bearer_matches(headers: &HeaderMap, key: &Secret) -> bool {
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or("");
    constant_time_eq(sent.trim().as_bytes(), key.expose().as_bytes())
}

/// Compares without stopping at the first difference, so timing does not reveal the key.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let differences = a
        .iter()
        .zip(b)
        .fold(a.len() ^ b.len(), |acc, (x, y)| acc | usize::from(x ^ y));
    differences == 0
}

/// A JSON object body; malformed JSON, another JSON value or a body past the limit is a 4xx
/// in OpenAI's shape.
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest<Arc<Shared>> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request, shared: &Arc<Shared>) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, shared)
            .await
            .map_err(|rejection| body_rejection(&rejection, shared.settings.body_limit))?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(JsonObject(map)),
            Ok(_) => Err(ApiError::bad_request(
                "the request body must be a JSON object",
            )),
            Err(e) => Err(ApiError::bad_request(format!(
                "the request body is not valid JSON: {e}"
            ))),
        }
    }
}

/// A body that could not be read: too large (413) or broken off (400).
pub fn body_rejection(
    rejection: &axum::extract::rejection::BytesRejection,
    limit: usize,
) -> ApiError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(limit)
    } else {
        ApiError::bad_request(format!("cannot read the request body: {rejection}"))
    }
}

/// Takes `field` out of `body` as a `T`; absent or `null` is `None`, a wrong shape is a 400
/// naming the field.
pub fn take<T: serde::de::DeserializeOwned>(
    body: &mut Map<String, Value>,
    field: &str,
) -> Result<Option<T>, ApiError> {
    match body.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value)
            .map(Some)
            .map_err(|e| ApiError::bad_field(field, format!("`{field}`: {e}"))),
    }
}

/// [`take`] for a field the request must have.
pub fn require<T: serde::de::DeserializeOwned>(
    body: &mut Map<String, Value>,
    field: &str,
) -> Result<T, ApiError> {
    take(body, field)?
        .ok_or_else(|| ApiError::bad_field(field, format!("the `{field}` field is missing")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
