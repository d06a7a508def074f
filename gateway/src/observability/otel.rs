//! OpenTelemetry traces over OTLP/HTTP (the `otel` feature): one `CLIENT` span per provider
//! call, named and attributed after the GenAI semantic conventions
//! (`gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.request.model`, ...).
//! No prompt, answer or credential is ever an attribute.

use std::time::{Duration, SystemTime};

use modelrt::runtime::catalog::ModelType;
use opentelemetry::trace::{Span, SpanKind, Status, Tracer, TracerProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;

use super::record::State;

/// The instrumentation scope of the spans.
const SCOPE: &str = "modelrt-gateway";

/// The installed exporter; dropping it flushes the spans not yet sent and stops it.
pub struct Exporter(SdkTracerProvider);

impl Drop for Exporter {
    fn drop(&mut self) {
        if let Err(error) = self.0.shutdown() {
            tracing::warn!("could not flush the last trace spans: {error}");
        }
    }
}

/// Sends the gateway's spans over OTLP/HTTP (protobuf) to `endpoint` (a collector's base
/// URL, e.g. `http://127.0.0.1:4318`; spans go to its `/v1/traces`), or, without one, where
/// the standard `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
/// variables say. Spans are batched and sent from a thread of their own.
pub fn install(endpoint: Option<&str>) -> Result<Exporter, String> {
    let mut builder = SpanExporter::builder().with_http();
    if let Some(base) = endpoint {
        builder = builder.with_endpoint(format!("{}/v1/traces", base.trim_end_matches('/')));
    }
    let exporter = builder
        .build()
        .map_err(|e| format!("cannot set up the OTLP exporter: {e}"))?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(SCOPE).build())
        .build();
    opentelemetry::global::set_tracer_provider(provider.clone());
    Ok(Exporter(provider))
}

/// `gen_ai.operation.name` for a model type: the convention's names where it has one.
fn operation(model_type: ModelType) -> &'static str {
    match model_type {
        ModelType::Llm => "chat",
        ModelType::TextEmbedding => "embeddings",
        ModelType::Rerank => "rerank",
        ModelType::Speech2Text => "speech_to_text",
        ModelType::Tts => "text_to_speech",
        ModelType::Moderation => "moderation",
        other => other.as_str(),
    }
}

/// Exports the span of a finished request that called a provider.
pub fn export(state: &State, started: SystemTime, latency: Duration) {
    let Some(model_type) = state.operation else {
        return;
    };
    if state.provider.is_empty() {
        return;
    }
    let operation = operation(model_type);
    let model = &state.labels.model;
    let mut attributes = vec![
        KeyValue::new("gen_ai.operation.name", operation),
        KeyValue::new("gen_ai.provider.name", state.provider),
        // The name before semantic conventions 1.37, still read by many back ends.
        KeyValue::new("gen_ai.system", state.provider),
        KeyValue::new("gen_ai.request.model", model.clone()),
        KeyValue::new("modelrt.alias", state.labels.alias.clone()),
        KeyValue::new("http.response.status_code", i64::from(state.status)),
        KeyValue::new(
            "modelrt.overhead_us",
            i64::try_from(state.overhead.as_micros()).unwrap_or(i64::MAX),
        ),
    ];
    if let Some(answered) = &state.response_model {
        attributes.push(KeyValue::new("gen_ai.response.model", answered.clone()));
    }
    let sampling = state.sampling;
    if let Some(max_tokens) = sampling.max_tokens {
        attributes.push(KeyValue::new("gen_ai.request.max_tokens", max_tokens));
    }
    if let Some(temperature) = sampling.temperature {
        attributes.push(KeyValue::new("gen_ai.request.temperature", temperature));
    }
    if let Some(top_p) = sampling.top_p {
        attributes.push(KeyValue::new("gen_ai.request.top_p", top_p));
    }
    if let Some(tokens) = state.tokens {
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        attributes.push(KeyValue::new(
            "gen_ai.usage.input_tokens",
            count(tokens.prompt),
        ));
        if model_type == ModelType::Llm {
            attributes.push(KeyValue::new(
                "gen_ai.usage.output_tokens",
                count(tokens.completion),
            ));
        }
    }
    if let Some(first) = state.first_token {
        attributes.push(KeyValue::new(
            "modelrt.time_to_first_token_ms",
            first.as_secs_f64() * 1e3,
        ));
    }
    if let Some(kind) = state.error {
        attributes.push(KeyValue::new("error.type", kind.name()));
    }
    let tracer = opentelemetry::global::tracer_provider().tracer(SCOPE);
    let mut span = tracer
        .span_builder(format!("{operation} {model}"))
        .with_kind(SpanKind::Client)
        .with_start_time(started)
        .with_attributes(attributes)
        .start(&tracer);
    if let Some(kind) = state.error {
        span.set_status(Status::error(kind.name()));
    }
    span.end_with_timestamp(started + latency);
}
