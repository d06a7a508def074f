//! A mock OpenAI upstream with a fixed latency, for the gateway benchmark.
//!
//! `POST /v1/chat/completions` waits the configured latency, then answers in OpenAI's shape:
//! one `chat.completion` object, or (with `"stream": true`) a fixed number of
//! `chat.completion.chunk` events, a usage event when `stream_options.include_usage` asks
//! for one, and `data: [DONE]`. The answer never depends on the prompt, so every request
//! costs the mock the same and the only variable in a run is what sits in front of it.

mod reply;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::serve::{Listener, ListenerExt};
use axum::Router;
use futures::stream;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};

/// How the mock answers.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The wait before the first byte of every answer.
    pub latency: Duration,
    /// The number of content chunks of a streamed answer.
    pub chunks: usize,
}

/// Serves the mock on `listener` until the task ends.
pub async fn serve(listener: TcpListener, settings: Settings) -> std::io::Result<()> {
    axum::serve(without_nagle(listener), router(settings)).await
}

/// `listener` with TCP_NODELAY on every connection it accepts. Hyper writes a stream of
/// ready events in batches of 16 buffers; without it, Nagle's algorithm holds the second,
/// smaller write until the client ACKs the first, and a client whose connection is busy
/// (a gateway's pooled one) delays that ACK by 40 ms: the stream then ends 40 ms late.
pub fn without_nagle(listener: TcpListener) -> impl Listener<Io = TcpStream, Addr = SocketAddr> {
    listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            eprintln!("modelrt-mock-upstream: cannot set TCP_NODELAY: {error}");
        }
    })
}

/// The mock's routes.
pub fn router(settings: Settings) -> Router {
    Router::new()
        .route("/v1/chat/completions", post(chat_completions))
        .with_state(Arc::new(settings))
}

async fn chat_completions(
    axum::extract::State(settings): axum::extract::State<Arc<Settings>>,
    body: Bytes,
) -> Response {
    let request: Value = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                reply::error(&format!("the request body is not valid JSON: {e}")),
            )
                .into_response()
        }
    };
    let model = request["model"].as_str().unwrap_or("mock");
    tokio::time::sleep(settings.latency).await;
    if request["stream"].as_bool() == Some(true) {
        let include_usage = request["stream_options"]["include_usage"].as_bool() == Some(true);
        let events = reply::stream(model, settings.chunks, include_usage);
        Response::builder()
            .header(header::CONTENT_TYPE, "text/event-stream")
            .header(header::CACHE_CONTROL, "no-cache")
            .body(Body::from_stream(stream::iter(
                events.into_iter().map(Ok::<_, Infallible>),
            )))
            .unwrap_or_else(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response())
    } else {
        (
            [(header::CONTENT_TYPE, "application/json")],
            reply::completion(model, settings.chunks),
        )
            .into_response()
    }
}
