//! The parts of Replicate's HTTP API a call goes through: the model's version and its input
//! schema (`GET /v1/models/{owner}/{name}` for the latest version, or
//! `/versions/{id}` for the `model_version` credential), creating a prediction
//! (`POST /v1/predictions` with the version, or `POST /v1/models/{owner}/{name}/predictions`
//! for an official model without versions), waiting for it (`Prefer: wait`, then polling its
//! `urls.get`), and the request for its `urls.stream`.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::error::{parse_error_body, prediction_error};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{percent_encode, HttpCall, HttpRequest};
use crate::protocol::CallContext;
use crate::protocols::openai_compatible::config::Endpoint;

/// The credential pinning a version (optional: the latest one otherwise).
const MODEL_VERSION: &str = "model_version";

/// First and longest pause between polls of a running prediction.
const FIRST_POLL: Duration = Duration::from_millis(250);
const LONGEST_POLL: Duration = Duration::from_secs(2);
/// How long a prediction may run when the call sets no deadline.
const MAX_WAIT: Duration = Duration::from_secs(600);

/// A model version: its id (none for an official model called by name) and the names of
/// its inputs, in the schema's `x-order`.
#[derive(Debug, Default)]
pub struct Version {
    id: Option<String>,
    inputs: Vec<String>,
}

impl Version {
    /// Whether the model takes input `name`.
    pub fn takes(&self, name: &str) -> bool {
        self.inputs.iter().any(|input| input == name)
    }

    /// The first of `names` the model takes, in input order.
    pub fn first_input(&self, names: &[&str]) -> Option<&str> {
        self.inputs
            .iter()
            .map(String::as_str)
            .find(|input| names.contains(input))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireVersion {
    id: Option<String>,
    openapi_schema: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireModel {
    latest_version: Option<WireVersion>,
}

impl From<WireVersion> for Version {
    fn from(wire: WireVersion) -> Self {
        let properties = wire
            .openapi_schema
            .pointer("/components/schemas/Input/properties")
            .and_then(Value::as_object);
        let mut inputs: Vec<(f64, String)> = properties
            .into_iter()
            .flatten()
            .map(|(name, schema)| {
                let order = schema.get("x-order").and_then(Value::as_f64).unwrap_or(0.0);
                (order, name.clone())
            })
            .collect();
        inputs.sort_by(|a, b| a.0.total_cmp(&b.0));
        Version {
            id: wire.id,
            inputs: inputs.into_iter().map(|(_, name)| name).collect(),
        }
    }
}

/// Where a prediction can be followed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Urls {
    get: Option<String>,
    stream: Option<String>,
}

/// Token counts Replicate reports for language models.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Metrics {
    /// Prompt tokens.
    pub input_token_count: Option<u64>,
    /// Output tokens.
    pub output_token_count: Option<u64>,
}

/// A prediction as the API returns it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Prediction {
    status: String,
    /// What the model produced (shape depends on the model).
    pub output: Value,
    error: Value,
    urls: Urls,
    /// Token counts, when reported.
    pub metrics: Metrics,
}

impl Prediction {
    fn is_finished(&self) -> bool {
        matches!(self.status.as_str(), "succeeded" | "failed" | "canceled")
    }

    /// The prediction's output once it succeeded; its error otherwise.
    fn succeeded(self) -> Result<Self> {
        if self.status == "succeeded" {
            return Ok(self);
        }
        let error = match &self.error {
            Value::String(text) => Some(text.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        Err(prediction_error(&self.status, error.as_deref()))
    }
}

/// One model's calls.
pub struct Client<'a> {
    endpoint: Endpoint<'a>,
    call: HttpCall,
    /// `owner/name`, each part escaped.
    model: String,
    pinned: Option<&'a str>,
    wait: Duration,
}

impl<'a> Client<'a> {
    /// The client for `ctx`'s model, which must be named `owner/name`.
    pub fn new(ctx: &CallContext<'a>) -> Result<Self> {
        let model = ctx.model.id;
        let path = match model.split_once('/') {
            Some((owner, name)) if !owner.is_empty() && !name.is_empty() && !name.contains('/') => {
                format!("{}/{}", percent_encode(owner), percent_encode(name))
            }
            _ => {
                return Err(ctx.error(
                    ErrorKind::BadRequest,
                    "Replicate models are named `owner/name`",
                ))
            }
        };
        let endpoint = Endpoint::resolve(&ctx.provider_context())
            .map_err(|e| e.in_call(ctx.provider.id, model))?;
        if endpoint.api_key.is_none() {
            return Err(ctx.error(
                ErrorKind::InvalidCredentials,
                "an API token is required to call Replicate",
            ));
        }
        Ok(Client {
            endpoint,
            call: ctx.http_call(parse_error_body),
            model: path,
            pinned: ctx.credential(MODEL_VERSION).map(str::trim),
            wait: ctx.http.deadline.unwrap_or(MAX_WAIT),
        })
    }

    /// The HTTP call the client's requests go through.
    pub fn call(&self) -> &HttpCall {
        &self.call
    }

    /// `request`, authorized.
    fn authorized(&self, request: HttpRequest) -> Result<HttpRequest> {
        self.endpoint.request(request)
    }

    /// A request to a URL the API returned; the token goes only to HTTPS URLs or to the
    /// configured API's own origin.
    fn follow(&self, url: &str) -> Result<HttpRequest> {
        let origin = |u: &str| -> Option<String> {
            let parsed = reqwest::Url::parse(u).ok()?;
            Some(parsed.origin().ascii_serialization())
        };
        let trusted = url.starts_with("https://") || origin(url) == origin(&self.endpoint.base_url);
        if !trusted {
            return Err(Error::new(
                ErrorKind::InvalidResponse,
                "the prediction links to a URL that is neither HTTPS nor the API's own",
            ));
        }
        self.authorized(HttpRequest::get(url))
    }

    /// The version to run and its inputs: the pinned one, else the model's latest (none for
    /// an official model without versions).
    pub async fn version(&self) -> Result<Version> {
        let base = format!("{}/v1/models/{}", self.endpoint.base_url, self.model);
        if let Some(id) = self.pinned.filter(|v| !v.is_empty()) {
            let url = format!("{base}/versions/{}", percent_encode(id));
            let wire: WireVersion = self
                .call
                .send_json(&self.authorized(HttpRequest::get(url))?)
                .await?;
            return Ok(wire.into());
        }
        let model: WireModel = self
            .call
            .send_json(&self.authorized(HttpRequest::get(base))?)
            .await?;
        Ok(model.latest_version.map(Version::from).unwrap_or_default())
    }

    /// The request creating a prediction of `version` with `input`.
    fn create(
        &self,
        version: &Version,
        input: Map<String, Value>,
        stream: bool,
    ) -> Result<HttpRequest> {
        let base = &self.endpoint.base_url;
        let (url, mut body) = match &version.id {
            Some(id) => (format!("{base}/v1/predictions"), json!({"version": id})),
            None => (
                format!("{base}/v1/models/{}/predictions", self.model),
                json!({}),
            ),
        };
        body["input"] = Value::Object(input);
        if stream {
            body["stream"] = json!(true);
        }
        let request = self.authorized(HttpRequest::post_json(url, &body)?)?;
        if stream {
            Ok(request)
        } else {
            request.header("prefer", "wait")
        }
    }

    /// Runs a prediction to its end and returns it once it succeeded.
    pub async fn run(&self, version: &Version, input: Map<String, Value>) -> Result<Prediction> {
        let create = self.create(version, input, false)?;
        let mut prediction: Prediction = self.call.send_json(&create).await?;
        let started = tokio::time::Instant::now();
        let mut pause = FIRST_POLL;
        while !prediction.is_finished() {
            if started.elapsed() >= self.wait {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "the prediction was still `{}` after {} s",
                        prediction.status,
                        self.wait.as_secs()
                    ),
                )
                .in_call(self.call.provider(), self.call.model()));
            }
            let Some(url) = prediction.urls.get.clone() else {
                return Err(Error::new(
                    ErrorKind::InvalidResponse,
                    "a running prediction has no `urls.get` to follow",
                )
                .in_call(self.call.provider(), self.call.model()));
            };
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_POLL);
            let poll = self
                .follow(&url)
                .map_err(|e| e.in_call(self.call.provider(), self.call.model()))?;
            prediction = self.call.send_json(&poll).await?;
        }
        prediction
            .succeeded()
            .map_err(|e| e.in_call(self.call.provider(), self.call.model()))
    }

    /// Creates a streamed prediction and returns the request for its event stream.
    pub async fn start_stream(
        &self,
        version: &Version,
        input: Map<String, Value>,
    ) -> Result<HttpRequest> {
        let create = self.create(version, input, true)?;
        let mut prediction: Prediction = self.call.send_json(&create).await?;
        if prediction.is_finished() {
            prediction = prediction
                .succeeded()
                .map_err(|e| e.in_call(self.call.provider(), self.call.model()))?;
        }
        let url = prediction.urls.stream.ok_or_else(|| {
            Error::new(
                ErrorKind::Unsupported,
                "this model does not stream its output (the prediction has no `urls.stream`)",
            )
            .in_call(self.call.provider(), self.call.model())
        })?;
        self.follow(&url)
            .and_then(|request| request.header("accept", "text/event-stream"))
            .map_err(|e| e.in_call(self.call.provider(), self.call.model()))
    }
}
