//! What one request did: the model it reached, its time on providers, its usage. Filled in
//! as the request goes, and reported once (metrics, the request log line, a trace span) when
//! the last holder lets go: the handler for whole answers, the stream for streamed ones.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::usage::{InputUsage, Usage};
use modelrt::runtime::ErrorKind;
use serde_json::{Map, Value};

use super::metrics::{Finished, Metrics, ModelLabels};

/// The sampling parameters a trace span reports.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sampling {
    /// `max_tokens`.
    pub max_tokens: Option<i64>,
    /// `temperature`.
    pub temperature: Option<f64>,
    /// `top_p`.
    pub top_p: Option<f64>,
}

impl Sampling {
    fn of(params: &Map<String, Value>) -> Self {
        Sampling {
            max_tokens: params.get("max_tokens").and_then(Value::as_i64),
            temperature: params.get("temperature").and_then(Value::as_f64),
            top_p: params.get("top_p").and_then(Value::as_f64),
        }
    }
}

/// Tokens and cost of an answer.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tokens {
    /// Prompt tokens (cached ones included).
    pub prompt: u64,
    /// Completion tokens.
    pub completion: u64,
    /// Prompt tokens served from the provider's cache.
    pub cached: u64,
    /// The cost and its currency, when the model has prices.
    pub cost: Option<(f64, &'static str)>,
}

/// The state of a request so far.
#[derive(Debug, Default)]
pub struct State {
    /// What kind of model was called.
    pub operation: Option<ModelType>,
    /// The alias (or address), provider and model; empty until a model is resolved.
    pub labels: ModelLabels,
    /// The provider called, as a `'static` id.
    pub provider: &'static str,
    /// The model the provider says answered.
    pub response_model: Option<String>,
    /// The request's sampling parameters.
    pub sampling: Sampling,
    /// Time spent waiting on providers (every attempt).
    pub upstream: Duration,
    /// Whether the answer is streamed.
    pub stream: bool,
    /// From arrival to the first streamed piece.
    pub first_token: Option<Duration>,
    /// Usage, once known.
    pub tokens: Option<Tokens>,
    /// The kind of the last provider failure.
    pub error: Option<ErrorKind>,
    /// The HTTP status answered.
    pub status: u16,
    /// The gateway's own time, up to the response head.
    pub overhead: Duration,
}

/// One request being observed.
pub struct RequestRecord {
    started: Instant,
    /// The wall-clock start, for the trace span.
    #[cfg(feature = "otel")]
    started_at: std::time::SystemTime,
    metrics: Arc<Metrics>,
    state: Mutex<State>,
}

impl RequestRecord {
    /// A request arriving now, to be counted in `metrics`.
    pub fn new(metrics: Arc<Metrics>) -> Self {
        RequestRecord {
            started: Instant::now(),
            #[cfg(feature = "otel")]
            started_at: std::time::SystemTime::now(),
            metrics,
            state: Mutex::new(State::default()),
        }
    }

    fn update(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// A `model_type` call with `params` begins.
    pub fn call(&self, model_type: ModelType, params: &Map<String, Value>) {
        let sampling = Sampling::of(params);
        self.update(|state| {
            state.operation = Some(model_type);
            state.sampling = sampling;
        });
    }

    /// `alias` resolved to `provider`'s `model`, which is about to be called.
    pub fn attempt(&self, alias: &str, provider: &'static str, model: &str) {
        self.update(|state| {
            if state.labels.alias != alias {
                state.labels.alias = alias.to_owned();
            }
            if state.labels.model != model {
                state.labels.model = model.to_owned();
            }
            if state.provider != provider {
                state.provider = provider;
                state.labels.provider = provider.to_owned();
            }
        });
    }

    /// A provider call took `waited`; it failed with `error` if given.
    pub fn waited(&self, waited: Duration, error: Option<ErrorKind>) {
        self.update(|state| {
            state.upstream += waited;
            if let Some(kind) = error {
                state.error = Some(kind);
                self.metrics
                    .record_upstream_error(state.provider, &state.labels.model, kind);
            }
        });
    }

    /// A chat answer named `model` and used `usage`.
    pub fn answered(&self, model: Option<&str>, usage: Option<&Usage>) {
        self.update(|state| {
            if let Some(model) = model {
                state.response_model = Some(model.to_owned());
            }
            if let Some(usage) = usage {
                state.tokens = Some(Tokens {
                    prompt: usage.prompt_tokens,
                    completion: usage.completion_tokens,
                    cached: usage.cached_prompt_tokens.unwrap_or(0),
                    cost: usage.cost.as_ref().map(cost),
                });
            }
        });
    }

    /// An embedding or rerank answer used `usage`.
    pub fn answered_input(&self, usage: &InputUsage) {
        self.update(|state| {
            state.tokens = Some(Tokens {
                prompt: usage.tokens,
                cost: usage.cost.as_ref().map(cost),
                ..Tokens::default()
            });
        });
    }

    /// A streamed piece arrived; the first one sets the time to first token.
    pub fn piece(&self) {
        let elapsed = self.started.elapsed();
        self.update(|state| {
            state.stream = true;
            state.first_token.get_or_insert(elapsed);
        });
    }

    /// The stream failed with `kind` after it started.
    pub fn stream_failed(&self, kind: ErrorKind) {
        self.update(|state| state.error = Some(kind));
    }

    /// The response head with `status` is ready: returns the gateway's own time so far
    /// (total minus time waiting on providers) and records it.
    pub fn head(&self, status: u16, stream: bool) -> Duration {
        let elapsed = self.started.elapsed();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.status = status;
        state.stream |= stream;
        state.overhead = elapsed.saturating_sub(state.upstream);
        if !state.labels.provider.is_empty() {
            self.metrics
                .record_overhead(state.overhead.as_secs_f64(), state.stream);
        }
        state.overhead
    }
}

/// A price as a float for a counter, with its currency.
fn cost(cost: &modelrt::runtime::pricing::Cost) -> (f64, &'static str) {
    (f64::try_from(cost.total).unwrap_or(0.0), cost.currency)
}

impl Drop for RequestRecord {
    /// The request is over: report it once.
    fn drop(&mut self) {
        let latency = self.started.elapsed();
        let state = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        self.metrics.record_finished(&Finished {
            labels: &state.labels,
            status: state.status,
            latency: latency.as_secs_f64(),
            first_token: state.first_token.map(|d| d.as_secs_f64()),
            tokens: state.tokens.map(|t| (t.prompt, t.completion, t.cached)),
            cost: state.tokens.and_then(|t| t.cost),
        });
        super::log::request(state, latency);
        #[cfg(feature = "otel")]
        super::otel::export(state, self.started_at, latency);
    }
}
