//! The web console at `/ui` and the `/admin/providers` endpoints it configures providers with.
//!
//! Both exist only when the gateway has a master key. The console's files are public (they
//! hold no data); every `/admin` request must carry the master key as a bearer token, which
//! the console's login form keeps in the browser's `sessionStorage`.

mod assets;
mod providers;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;

use crate::error::ApiError;
use crate::server::{bearer_is, Shared};

/// Where the console's files are served.
const UI_PREFIX: &str = "/ui";
/// Where the admin API is served.
const ADMIN_PREFIX: &str = "/admin";

/// Whether `path` belongs to the console or the admin API, which the master key guards
/// instead of the gateway key.
pub fn is_console_path(path: &str) -> bool {
    [UI_PREFIX, ADMIN_PREFIX].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The console's routes; none without a master key, so that `/ui` and `/admin` are unknown
/// URLs (404) then.
pub fn router(shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    if shared.settings.master_key.is_none() {
        return Router::new();
    }
    let admin = Router::new()
        .route("/admin/providers", get(providers::list))
        .route(
            "/admin/providers/{id}/credentials",
            put(providers::set_credentials),
        )
        .route_layer(middleware::from_fn_with_state(
            shared.clone(),
            require_master_key,
        ));
    Router::new()
        .route(UI_PREFIX, get(assets::index))
        .route("/ui/", get(assets::index))
        .route("/ui/{file}", get(assets::file))
        .merge(admin)
}

/// Refuses admin requests without the master key.
async fn require_master_key(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    match &shared.settings.master_key {
        Some(key) if bearer_is(&request, key) => next.run(request).await,
        _ => ApiError::master_key_required().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_paths_are_whole_segments() {
        assert!(is_console_path("/ui"));
        assert!(is_console_path("/ui/app.js"));
        assert!(is_console_path("/admin/providers"));
        assert!(!is_console_path("/uix"));
        assert!(!is_console_path("/administrator"));
        assert!(!is_console_path("/v1/ui"));
    }
}
