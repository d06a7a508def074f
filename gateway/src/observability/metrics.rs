//! The Prometheus metrics of one gateway, served at `GET /metrics` (docs/observability.md).
//!
//! Labels stay bounded: `alias` is an alias of the routing file or a `<provider>/<model>` the
//! gateway could open (requests for unknown models are counted with empty model labels),
//! `provider` and `model` name the deployment called, `status` is an HTTP status and `kind`
//! an error kind. No key, key id or client address is ever a label.

use std::sync::atomic::AtomicU64;

use modelrt::runtime::ErrorKind;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The content type of [`Metrics::render`]'s text (OpenMetrics, which Prometheus scrapes).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Why the gateway refused a request before calling a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// The key's budget cannot cover the request's worst-case cost.
    Budget,
    /// The key's requests-per-minute or tokens-per-minute limit is reached.
    RateLimit,
}

impl Rejection {
    /// The label value: `budget` or `rate_limit`.
    pub const fn name(self) -> &'static str {
        match self {
            Rejection::Budget => "budget",
            Rejection::RateLimit => "rate_limit",
        }
    }
}

/// Which model a figure is about.
#[derive(Debug, Clone, Default, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ModelLabels {
    /// The alias or `<provider>/<model>` the client asked for.
    pub alias: String,
    /// The provider called.
    pub provider: String,
    /// The provider's model called.
    pub model: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    #[prometheus(flatten)]
    model: ModelLabels,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CostLabels {
    #[prometheus(flatten)]
    model: ModelLabels,
    currency: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    provider: &'static str,
    model: String,
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OverheadLabels {
    stream: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RejectionLabels {
    reason: &'static str,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// Seconds from 5 ms to about 80 s: provider latencies.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 15))
}

/// Seconds from 10 µs to about 0.33 s: the gateway's own time.
fn overhead_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_01, 2.0, 16))
}

/// One finished request, as the metrics see it.
#[derive(Debug)]
pub struct Finished<'a> {
    /// The model labels; empty when no model was resolved.
    pub labels: &'a ModelLabels,
    /// The HTTP status answered.
    pub status: u16,
    /// From the request's arrival to the end of the answer (the stream's last chunk).
    pub latency: f64,
    /// From the request's arrival to the first streamed piece.
    pub first_token: Option<f64>,
    /// Prompt, completion and cached prompt tokens.
    pub tokens: Option<(u64, u64, u64)>,
    /// The cost and its currency.
    pub cost: Option<(f64, &'static str)>,
}

/// Every metric of one gateway, in its own registry (several gateways in one process keep
/// separate counts).
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    prompt_tokens: Family<ModelLabels, Counter>,
    completion_tokens: Family<ModelLabels, Counter>,
    cached_tokens: Family<ModelLabels, Counter>,
    cost: Family<CostLabels, Counter<f64, AtomicU64>>,
    latency: Histograms<ModelLabels>,
    first_token: Histograms<ModelLabels>,
    overhead: Histograms<OverheadLabels>,
    upstream_errors: Family<ErrorLabels, Counter>,
    rejections: Family<RejectionLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::default();
        registry.register(
            "modelrt_requests",
            "Requests answered, by alias, provider, model and HTTP status",
            Family::clone(&requests),
        );
        let counter = |registry: &mut Registry, name: &str, help: &str| {
            let family = Family::<ModelLabels, Counter>::default();
            registry.register(name, help, family.clone());
            family
        };
        let prompt_tokens = counter(&mut registry, "modelrt_prompt_tokens", "Prompt tokens");
        let completion_tokens = counter(
            &mut registry,
            "modelrt_completion_tokens",
            "Completion tokens",
        );
        let cached_tokens = counter(
            &mut registry,
            "modelrt_cached_tokens",
            "Prompt tokens served from the provider's cache",
        );
        let cost = Family::default();
        registry.register(
            "modelrt_cost",
            "Cost of the calls at the catalog's prices, in `currency`",
            Family::clone(&cost),
        );
        let histograms = |registry: &mut Registry, name: &str, help: &str| {
            let family: Histograms<ModelLabels> = Family::new_with_constructor(latency_histogram);
            registry.register(name, help, family.clone());
            family
        };
        let latency = histograms(
            &mut registry,
            "modelrt_request_duration_seconds",
            "Time from a request's arrival to the end of its answer",
        );
        let first_token = histograms(
            &mut registry,
            "modelrt_time_to_first_token_seconds",
            "Time from a streamed request's arrival to the first piece of its answer",
        );
        let overhead: Histograms<OverheadLabels> = Family::new_with_constructor(overhead_histogram);
        registry.register(
            "modelrt_gateway_overhead_seconds",
            "The gateway's own time per request: total time to the response head minus time \
             waiting on providers",
            overhead.clone(),
        );
        let upstream_errors = Family::default();
        registry.register(
            "modelrt_upstream_errors",
            "Failed provider calls (every attempt, fallbacks included), by error kind",
            Family::clone(&upstream_errors),
        );
        let rejections = Family::default();
        registry.register(
            "modelrt_rejections",
            "Requests refused before any provider call, by reason (budget, rate_limit)",
            Family::clone(&rejections),
        );
        Metrics {
            registry,
            requests,
            prompt_tokens,
            completion_tokens,
            cached_tokens,
            cost,
            latency,
            first_token,
            overhead,
            upstream_errors,
            rejections,
        }
    }
}

impl Metrics {
    /// Counts a request refused for `reason` (called by key governance).
    pub fn record_rejection(&self, reason: Rejection) {
        self.rejections
            .get_or_create(&RejectionLabels {
                reason: reason.name(),
            })
            .inc();
    }

    /// Counts a failed call to `provider`'s `model`.
    pub(crate) fn record_upstream_error(
        &self,
        provider: &'static str,
        model: &str,
        kind: ErrorKind,
    ) {
        self.upstream_errors
            .get_or_create(&ErrorLabels {
                provider,
                model: model.to_owned(),
                kind: kind.name(),
            })
            .inc();
    }

    /// Records the gateway's own time on a request that reached a provider.
    pub(crate) fn record_overhead(&self, seconds: f64, stream: bool) {
        let stream = if stream { "true" } else { "false" };
        self.overhead
            .get_or_create(&OverheadLabels { stream })
            .observe(seconds);
    }

    /// Records a finished request.
    pub(crate) fn record_finished(&self, finished: &Finished<'_>) {
        let labels = finished.labels;
        self.requests
            .get_or_create(&RequestLabels {
                model: labels.clone(),
                status: finished.status,
            })
            .inc();
        if labels.provider.is_empty() {
            return;
        }
        self.latency.get_or_create(labels).observe(finished.latency);
        if let Some(first) = finished.first_token {
            self.first_token.get_or_create(labels).observe(first);
        }
        if let Some((prompt, completion, cached)) = finished.tokens {
            self.prompt_tokens.get_or_create(labels).inc_by(prompt);
            self.completion_tokens
                .get_or_create(labels)
                .inc_by(completion);
            self.cached_tokens.get_or_create(labels).inc_by(cached);
        }
        if let Some((cost, currency)) = finished.cost {
            self.cost
                .get_or_create(&CostLabels {
                    model: labels.clone(),
                    currency,
                })
                .inc_by(cost);
        }
    }

    /// Every metric in the text format of [`CONTENT_TYPE`].
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
