//! Observability: Prometheus metrics at `GET /metrics`, the in-process overhead (also in the
//! `x-modelrt-overhead-us` response header), the request log line and, with the `otel`
//! feature, OpenTelemetry spans (docs/observability.md).
//!
//! Each `/v1` request gets a [`RequestRecord`] that the code on its path reaches through a
//! task-local ([`Recorder::current`]), so handlers need no extra argument.

mod log;
pub mod metrics;
#[cfg(feature = "otel")]
pub mod otel;
mod record;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::llm::LlmChunk;
use modelrt::runtime::usage::{InputUsage, Usage};
use modelrt::runtime::{Error, ErrorKind};
use serde_json::{Map, Value};

pub use record::RequestRecord;

use crate::error::ApiError;
use crate::server::{bearer_matches, Shared};

/// The response header giving the gateway's own time on the request, in microseconds: the
/// time from its arrival to the response head, minus the time spent waiting on providers.
pub const OVERHEAD_HEADER: HeaderName = HeaderName::from_static("x-modelrt-overhead-us");

tokio::task_local! {
    static CURRENT: Arc<RequestRecord>;
}

/// Observes one request: runs it with its record in reach, then sets the overhead header.
pub async fn observe(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let record = Arc::new(RequestRecord::new(shared.metrics.clone()));
    let mut response = CURRENT.scope(record.clone(), next.run(request)).await;
    let stream = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/event-stream"));
    let overhead = record.head(response.status().as_u16(), stream);
    let micros = u64::try_from(overhead.as_micros()).unwrap_or(u64::MAX);
    response
        .headers_mut()
        .insert(OVERHEAD_HEADER, HeaderValue::from(micros));
    response
}

/// `GET /metrics`: the Prometheus metrics, behind the master key when one is set (governance's
/// when it is on), else behind the gateway key when one is set.
pub async fn scrape(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let settings = &shared.settings;
    if let Some(governance) = shared.governance() {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or("");
        if !governance.is_master(sent.trim()) {
            return ApiError::unauthorized().into_response();
        }
    } else if let Some(key) = settings.master_key.as_ref().or(settings.key.as_ref()) {
        if !bearer_matches(&headers, key) {
            return ApiError::unauthorized().into_response();
        }
    }
    (
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        shared.metrics.render(),
    )
        .into_response()
}

/// The record of the request being served, if any: every method does nothing without one
/// (e.g. a gateway used without its router).
pub struct Recorder(Option<Arc<RequestRecord>>);

impl Recorder {
    /// The record of the request this task serves.
    pub fn current() -> Self {
        Recorder(CURRENT.try_with(Arc::clone).ok())
    }

    /// A `model_type` call with `params` begins.
    pub fn call(&self, model_type: ModelType, params: &Map<String, Value>) {
        if let Some(record) = &self.0 {
            record.call(model_type, params);
        }
    }

    /// `alias` resolved to `provider`'s `model`, about to be called.
    pub fn attempt(&self, alias: &str, provider: &'static str, model: &str) {
        if let Some(record) = &self.0 {
            record.attempt(alias, provider, model);
        }
    }

    /// A provider call took `waited`, failing with `error` if given.
    pub fn waited(&self, waited: std::time::Duration, error: Option<ErrorKind>) {
        if let Some(record) = &self.0 {
            record.waited(waited, error);
        }
    }

    /// A whole chat answer from `model` with `usage`.
    pub fn answered(&self, model: &str, usage: &Usage) {
        if let Some(record) = &self.0 {
            record.answered(Some(model), Some(usage));
        }
    }

    /// An embedding or rerank answer with `usage`.
    pub fn answered_input(&self, usage: &InputUsage) {
        if let Some(record) = &self.0 {
            record.answered_input(usage);
        }
    }

    /// Watches a streamed chat answer: the first piece's time, the usage at its end, a
    /// failure midway. The record is reported when the stream is dropped (ended, or the
    /// client went away).
    pub fn watch<S>(self, pieces: S) -> impl Stream<Item = Result<LlmChunk, Error>>
    where
        S: Stream<Item = Result<LlmChunk, Error>>,
    {
        let record = self.0;
        pieces.inspect(move |piece| {
            let Some(record) = &record else { return };
            match piece {
                Ok(chunk) => {
                    record.piece();
                    if chunk.model.is_some() || chunk.usage.is_some() {
                        record.answered(chunk.model.as_deref(), chunk.usage.as_ref());
                    }
                }
                Err(error) => record.stream_failed(error.kind()),
            }
        })
    }
}
