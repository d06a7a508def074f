//! Opening models through modelrt's dynamic registry, as an app would.

use std::time::Duration;

use futures::StreamExt;
use modelrt::registry::{self, ModelHandle};
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::http::HttpSettings;
use modelrt::runtime::llm::{
    LlmChunk, LlmRequest, LlmResponse, LlmStream, Message, StreamAccumulator,
};
use modelrt::runtime::Error;
use serde_json::{json, Map, Value};

/// The provider every end-to-end test goes through.
pub const PROVIDER: &str = "openai_api_compatible";

/// Timeouts for a server on loopback: fail fast, retry once.
pub fn http() -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(120),
        max_retries: 1,
        initial_backoff: Duration::from_millis(100),
        ..HttpSettings::default()
    }
}

/// An LLM of the server at `base_url`, configured as a customizable model with the
/// credentials a UI would submit, and `parameters` (a JSON object) as its call parameters.
pub fn llm(base_url: &str, model: &str, parameters: Value) -> ModelHandle {
    open(ModelType::Llm, base_url, model)
        .unwrap_or_else(|e| panic!("open {model} at {base_url}: {e}"))
        .with_params(&params(parameters))
        .unwrap_or_else(|e| panic!("params for {model}: {e}"))
        .with_http(http())
}

/// Opens `model` of `model_type` at `base_url`, returning modelrt's error as is. The
/// credentials are what a UI submits: every required field, defaults filled in (keys of
/// other model types' forms are dropped by validation).
pub fn open(model_type: ModelType, base_url: &str, model: &str) -> Result<ModelHandle, Error> {
    open_in_mode(model_type, base_url, model, "chat")
}

/// [`open`] with the `mode` credential (`chat` or `completion`) chosen.
pub fn open_in_mode(
    model_type: ModelType,
    base_url: &str,
    model: &str,
    mode: &str,
) -> Result<ModelHandle, Error> {
    let credentials = [
        ("endpoint_url", base_url),
        ("mode", mode),
        // The servers run with a 2048-token context.
        ("context_size", "2048"),
        ("max_tokens_to_sample", "2048"),
        ("stream_mode_delimiter", "\\n\\n"),
    ];
    registry::open(PROVIDER, model_type, model, &credentials[..])
}

/// Greedy decoding with a fixed seed and an output limit.
pub fn greedy(max_tokens: u32) -> Value {
    json!({ "temperature": 0.0, "seed": 42, "max_tokens": max_tokens })
}

/// A request with one user message.
pub fn ask(prompt: &str) -> LlmRequest {
    LlmRequest::new(vec![Message::user(prompt)])
}

/// Calls without streaming, failing the test on error.
pub async fn invoke(handle: &ModelHandle, request: LlmRequest) -> LlmResponse {
    handle
        .invoke(request)
        .await
        .unwrap_or_else(|e| panic!("invoke failed: {e}"))
}

/// Streams and assembles the answer, failing the test on error. Also returns the chunks.
pub async fn stream(handle: &ModelHandle, request: LlmRequest) -> (LlmResponse, Vec<LlmChunk>) {
    let mut stream: LlmStream = handle
        .stream(request)
        .await
        .unwrap_or_else(|e| panic!("stream failed to start: {e}"));
    let mut accumulator = StreamAccumulator::new();
    let mut chunks = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.unwrap_or_else(|e| panic!("stream failed after {} chunks: {e}", chunks.len()));
        accumulator.push(&chunk);
        chunks.push(chunk);
    }
    (accumulator.finish(), chunks)
}

/// `value` (a JSON object) as a parameter map.
pub fn params(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("params must be a JSON object, got {other}"),
    }
}
