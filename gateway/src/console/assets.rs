//! The console's files, embedded in the binary: plain HTML, CSS and JavaScript modules, with
//! no build step and nothing fetched from elsewhere.

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

/// Declares the embedded files, each read from `gateway/console/` at compile time.
macro_rules! assets {
    ($($name:literal => $content_type:expr),* $(,)?) => {
        &[$(Asset {
            name: $name,
            content_type: $content_type,
            body: include_str!(concat!("../../console/", $name)),
        }),*]
    };
}

const JS: &str = "text/javascript; charset=utf-8";

static ASSETS: &[Asset] = assets! {
    "index.html" => "text/html; charset=utf-8",
    "console.css" => "text/css; charset=utf-8",
    "app.js" => JS,
    "api.js" => JS,
    "dom.js" => JS,
    "form.js" => JS,
    "providers.js" => JS,
    "keys.js" => JS,
    "spend.js" => JS,
    "chart.js" => JS,
};

/// `GET /ui`: the console's page.
pub async fn index() -> Response {
    serve("index.html")
}

/// `GET /ui/{file}`: one of the console's files.
pub async fn file(Path(name): Path<String>) -> Response {
    serve(&name)
}

fn serve(name: &str) -> Response {
    let Some(asset) = ASSETS.iter().find(|asset| asset.name == name) else {
        return ApiError::unknown_url("GET", &format!("/ui/{name}")).into_response();
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    // The files change with the binary: a browser asks again rather than run stale code.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Nothing but the gateway itself may be loaded or contacted by the page.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
        ),
    );
    response
}
