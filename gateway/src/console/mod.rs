//! The web console at `/ui` and the `/admin/providers` endpoints it configures providers with.
//!
//! Both exist only when the gateway has a master key (governance on). The console's files are
//! public (they hold no data); every `/admin` request must carry the master key as a bearer
//! token, which the console's login form keeps in the browser's `sessionStorage`.

mod assets;
pub mod providers;

use std::sync::Arc;

use axum::middleware;
use axum::routing::{get, put};
use axum::Router;

use crate::governance::admin::require_master_key;
use crate::server::Shared;

/// The console's routes: its files under `/ui`, and `/admin/providers` behind the master key.
pub fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    let admin = Router::new()
        .route("/admin/providers", get(providers::list))
        .route(
            "/admin/providers/{id}/credentials",
            put(providers::set_credentials),
        )
        .route_layer(middleware::from_fn_with_state(shared, require_master_key));
    Router::new()
        .route("/ui", get(assets::index))
        .route("/ui/", get(assets::index))
        .route("/ui/{file}", get(assets::file))
        .merge(admin)
}
