//! `<provider>/<model>` addressing: opening a model of the registry for one request, and
//! `GET /v1/models`.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::Json;
use futures::future::join_all;
use modelrt::registry::{self, find_provider, remote_models_with, ModelHandle, PROVIDERS};
use modelrt::runtime::catalog::{ConfigurateMethod, ModelType, ProviderInfo};
use modelrt::runtime::http::HttpSettings;
use modelrt::runtime::llm::LlmRequest;
use modelrt::runtime::Error;
use serde_json::{json, Map, Value};

use crate::credentials::Found;
use crate::error::ApiError;
use crate::governance::{self, Caller, Governance, Metered, Outcome, Ticket};
use crate::observability::Recorder;
use crate::routing::{Outcome as RouteOutcome, Routes};
use crate::server::Shared;

/// A model opened for one request, with the secrets its errors must not show.
struct Opened {
    handle: ModelHandle,
    found: Arc<Found>,
}

/// What every attempt of one call shares.
struct Call<'a> {
    caller: Option<Caller>,
    prompt: Option<&'a LlmRequest>,
    model_type: ModelType,
    params: &'a Map<String, Value>,
}

/// Splits `<provider>/<model>` at the first `/` (model ids may contain more).
fn split(address: &str) -> Result<(&str, &str), ApiError> {
    match address.split_once('/') {
        Some((provider, model)) if !provider.is_empty() && !model.is_empty() => {
            Ok((provider, model))
        }
        _ => Err(ApiError::model_not_found(format!(
            "`{address}` is not a model of this gateway: models are addressed as \
             <provider>/<model>, e.g. openai/gpt-5.4-mini"
        ))),
    }
}

impl Shared {
    /// Opens the model `address` as a `model_type` model, with `params` validated against its
    /// rules.
    fn open(
        &self,
        address: &str,
        model_type: ModelType,
        params: &Map<String, Value>,
    ) -> Result<Opened, ApiError> {
        let (provider_id, model) = split(address)?;
        let provider = find_provider(provider_id).map_err(|e| ApiError::from_runtime(e, &[]))?;
        self.open_at(
            provider,
            model,
            model_type,
            params,
            None,
            self.settings.http,
        )
    }

    /// Opens `model` of `provider`, with `found` credentials or else those of the
    /// gateway's credential sources.
    fn open_at(
        &self,
        provider: &'static ProviderInfo,
        model: &str,
        model_type: ModelType,
        params: &Map<String, Value>,
        found: Option<Arc<Found>>,
        http: HttpSettings,
    ) -> Result<Opened, ApiError> {
        let found = match found {
            Some(found) => found,
            None => self
                .credentials
                .get(provider, Some((model_type, model)))
                .map_err(ApiError::internal)?,
        };
        let handle = self
            .handles
            .open(provider, model_type, model, &found)
            .and_then(|handle| handle.with_params(params))
            .map_err(|e| found.fail(e))?
            .with_http(http);
        Ok(Opened { handle, found })
    }

    /// Calls the model `address` (`<provider>/<model>`, or an alias of the routing file) with
    /// `attempt`. An alias tries its deployments in the router's order, going on to the next
    /// after a retryable failure; the last failure is returned when all failed. When the
    /// prompt does not fit, an alias declaring a `context_window_fallback` tries that model.
    /// With governance on, every attempt is admitted and settled (see [`governance`]).
    pub async fn call<T, F, Fut>(
        &self,
        address: &str,
        model_type: ModelType,
        params: &Map<String, Value>,
        attempt: F,
    ) -> Result<(T, Arc<Found>), ApiError>
    where
        T: Metered + Send,
        F: FnMut(ModelHandle) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        self.call_metered(address, model_type, params, None, attempt)
            .await
    }

    /// [`Shared::call`] for an LLM `prompt`, whose worst-case cost a budget reserves.
    pub async fn call_llm<T, F, Fut>(
        &self,
        address: &str,
        params: &Map<String, Value>,
        prompt: &LlmRequest,
        attempt: F,
    ) -> Result<(T, Arc<Found>), ApiError>
    where
        T: Metered + Send,
        F: FnMut(ModelHandle) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        self.call_metered(address, ModelType::Llm, params, Some(prompt), attempt)
            .await
    }

    async fn call_metered<T, F, Fut>(
        &self,
        address: &str,
        model_type: ModelType,
        params: &Map<String, Value>,
        prompt: Option<&LlmRequest>,
        mut attempt: F,
    ) -> Result<(T, Arc<Found>), ApiError>
    where
        T: Metered + Send,
        F: FnMut(ModelHandle) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        Recorder::current().call(model_type, params);
        let caller = governance::current_caller();
        Governance::check_model(caller.as_ref(), address)?;
        let call = Call {
            caller,
            prompt,
            model_type,
            params,
        };
        let routes = self.routes();
        let outcome = self.call_route(&routes, address, &call, &mut attempt).await;
        match (outcome, routes.context_fallback(address)) {
            (Err(error), Some(larger)) if error.is_context_window() => {
                tracing::info!(
                    alias = address,
                    larger,
                    "context window exceeded; trying {larger}"
                );
                self.call_route(&routes, larger, &call, &mut attempt).await
            }
            (outcome, _) => outcome,
        }
    }

    /// One attempt at an opened model, admitted before and settled after when governance is
    /// on. A failure comes back as the runtime's error, for the caller to decide on fallback.
    async fn attempt_once<T, F, Fut>(
        &self,
        address: &str,
        call: &Call<'_>,
        opened: Opened,
        attempt: &mut F,
    ) -> Result<Result<T, Error>, ApiError>
    where
        T: Metered + Send,
        F: FnMut(ModelHandle) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let ticket: Option<Ticket> = match self.governance() {
            Some(governance) => Some(
                governance
                    .admit(
                        &self.metrics,
                        call.caller.clone(),
                        address,
                        &opened.handle,
                        call.prompt,
                    )
                    .await?,
            ),
            None => None,
        };
        let recorder = Recorder::current();
        recorder.attempt(address, opened.handle.provider().id, opened.handle.id());
        let started = Instant::now();
        let result = attempt(opened.handle).await;
        recorder.waited(started.elapsed(), result.as_ref().err().map(Error::kind));
        let Some(ticket) = ticket else {
            return Ok(result);
        };
        Ok(match result {
            Ok(answer) => Ok(answer.settle_with(ticket).await),
            Err(error) => {
                let status = ApiError::status_of(&error);
                let kind = format!("{:?}", error.kind());
                ticket.settle(Outcome::Failed(status, kind)).await;
                Err(error)
            }
        })
    }

    /// [`Shared::call`] without the context-window fallback.
    async fn call_route<T, F, Fut>(
        &self,
        routes: &Routes,
        address: &str,
        call: &Call<'_>,
        attempt: &mut F,
    ) -> Result<(T, Arc<Found>), ApiError>
    where
        T: Metered + Send,
        F: FnMut(ModelHandle) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let Some(plan) = routes.plan(address) else {
            let opened = self.open(address, call.model_type, call.params)?;
            let found = opened.found.clone();
            return match self.attempt_once(address, call, opened, attempt).await? {
                Ok(answer) => Ok((answer, found)),
                Err(error) => Err(found.fail(error)),
            };
        };
        let mut last = None;
        for planned in plan {
            let deployment = planned.deployment;
            let mut http = self.settings.http;
            if let Some(timeout) = deployment.timeout {
                http.read_timeout = timeout;
                http.connect_timeout = http.connect_timeout.min(timeout);
            }
            if let Some(retries) = deployment.retries {
                http.max_retries = retries;
            }
            let opened = self.open_at(
                deployment.provider,
                &deployment.model,
                call.model_type,
                call.params,
                planned.found.clone(),
                http,
            )?;
            let found = opened.found.clone();
            let in_flight = routes.start(&planned);
            match self.attempt_once(address, call, opened, attempt).await? {
                Ok(answer) => {
                    in_flight.finish(RouteOutcome::Answered);
                    return Ok((answer, found));
                }
                Err(error) if error.is_retryable() => {
                    in_flight.finish(RouteOutcome::RetryableFailure);
                    tracing::warn!(
                        alias = address,
                        provider = deployment.provider.id,
                        model = deployment.model,
                        "deployment failed ({}); trying the next",
                        error.kind()
                    );
                    last = Some(found.fail(error));
                }
                Err(error) => {
                    in_flight.finish(RouteOutcome::Failed);
                    return Err(found.fail(error));
                }
            }
        }
        Err(last.unwrap_or_else(|| {
            ApiError::model_not_found(format!("alias `{address}` has no deployments"))
        }))
    }
}

/// How long listing a provider's remote models may take before it is left out.
const REMOTE_LISTING: HttpSettings = HttpSettings {
    connect_timeout: Duration::from_secs(2),
    read_timeout: Duration::from_secs(5),
    max_retries: 0,
    initial_backoff: Duration::from_millis(100),
    max_backoff: Duration::from_millis(100),
    max_retry_after: Duration::ZERO,
    ..HttpSettings::DEFAULT
};

/// The model types whose remote models a provider can list.
const LISTED_REMOTE_TYPES: [ModelType; 2] = [ModelType::Llm, ModelType::TextEmbedding];

/// `GET /v1/models`: every `<provider>/<model>` callable with the credentials present.
pub async fn list(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let mut listings = Vec::new();
    for provider in PROVIDERS.iter().copied() {
        match shared.credentials.get(provider, None) {
            Ok(found) => {
                listings.push(async move { (provider.id, callable(provider, found).await) })
            }
            Err(problem) => tracing::warn!(
                provider = provider.id,
                "credentials not readable: {problem}"
            ),
        }
    }
    let mut ids: Vec<(String, &'static str)> = join_all(listings)
        .await
        .into_iter()
        .flat_map(|(owner, ids)| ids.into_iter().map(move |id| (id, owner)))
        .collect();
    ids.sort();
    ids.dedup();
    let data: Vec<Value> = ids
        .iter()
        .map(|(id, owner)| json!({"id": id, "object": "model", "created": 0, "owned_by": owner}))
        .collect();
    Json(json!({"object": "list", "data": data}))
}

/// Every `<provider>/<model>` of `provider` callable with `found`: the predefined models whose
/// credentials validate, and the models it lists through its API when it declares
/// `fetch-from-remote` (none when it cannot be asked). Sorted, without repeats.
pub async fn callable(provider: &'static ProviderInfo, found: Arc<Found>) -> Vec<String> {
    let mut ids: Vec<String> = predefined(provider, &found).collect();
    if provider.supports_method(ConfigurateMethod::FetchFromRemote) {
        let listings = LISTED_REMOTE_TYPES
            .into_iter()
            .filter(|model_type| provider.supported_model_types.contains(model_type))
            .map(|model_type| remote_ids(provider, model_type, &found));
        ids.extend(join_all(listings).await.into_iter().flatten());
    }
    ids.sort();
    ids.dedup();
    ids
}

/// The predefined, non-deprecated models of `provider` that open with `found`.
fn predefined<'a>(
    provider: &'static ProviderInfo,
    found: &'a Found,
) -> impl Iterator<Item = String> + 'a {
    provider
        .supported_model_types
        .iter()
        .flat_map(move |&model_type| {
            provider
                .models_of(model_type)
                .filter(|model| !model.deprecated)
                .filter(move |model| {
                    registry::open_at(provider, model_type, model.id, &found.values).is_ok()
                })
        })
        .map(move |model| format!("{}/{}", provider.id, model.id))
}

/// The models `provider` lists through its API; none when it cannot be asked.
async fn remote_ids(
    provider: &'static ProviderInfo,
    model_type: ModelType,
    found: &Found,
) -> Vec<String> {
    match remote_models_with(provider.id, model_type, &found.values, &REMOTE_LISTING).await {
        Ok(models) => models
            .into_iter()
            .map(|model| format!("{}/{}", provider.id, model.id))
            .collect(),
        Err(error) => {
            let error = error.redact(&found.secrets());
            tracing::debug!(provider = provider.id, "remote models not listed: {error}");
            Vec::new()
        }
    }
}
