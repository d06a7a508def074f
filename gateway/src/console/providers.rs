//! `/admin/providers`: each provider's credential form (the JSON Schema `modelrt schema`
//! prints), whether it is configured and which models it makes callable; and setting a
//! provider's credentials after a real call has accepted them.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use futures::future::join_all;
use modelrt::registry::{self, find_provider, remote_models_with, PROVIDERS};
use modelrt::runtime::catalog::{ConfigurateMethod, ModelType, ProviderInfo};
use modelrt::runtime::credential_schema::provider_schema;
use modelrt::runtime::credentials::validate_credentials;
use modelrt::runtime::http::HttpSettings;
use serde_json::{json, Map, Value};

use crate::credentials::{Found, Values};
use crate::error::ApiError;
use crate::models::callable;
use crate::server::{require, take, JsonObject, Shared};

/// `GET /admin/providers`: every provider, in catalog order.
pub async fn list(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let rows = PROVIDERS
        .iter()
        .copied()
        .map(|provider| describe(&shared, provider));
    Json(json!({"data": join_all(rows).await}))
}

/// One provider's row: its form, and what the credentials in force make of it.
async fn describe(shared: &Shared, provider: &'static ProviderInfo) -> Value {
    let (configured, callable_models) = match shared.credentials.get(provider, None) {
        Ok(found) => {
            let configured = shared.credentials.is_replaced(provider)
                || (!found.values.is_empty()
                    && validate_credentials(
                        provider.id,
                        provider.provider_credentials,
                        None,
                        &found.values,
                    )
                    .is_ok());
            (configured, callable(provider, found).await)
        }
        Err(problem) => {
            tracing::warn!(
                provider = provider.id,
                "credentials not readable: {problem}"
            );
            (false, Vec::new())
        }
    };
    json!({
        "id": provider.id,
        "label": provider.label.en_us,
        "schema": provider_schema(provider),
        "configured": configured,
        "callable_models": callable_models,
    })
}

/// `PUT /admin/providers/{id}/credentials` with `{"credentials": {variable: value}}`, and
/// optionally `model` (and `model_type`) to check a provider that has no predefined model
/// and lists none. The values are checked against the form, then with a real call; only
/// accepted values replace the provider's credentials (in memory). Nothing submitted is
/// echoed back.
pub async fn set_credentials(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    JsonObject(mut body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let provider = find_provider(&id).map_err(|e| ApiError::from_runtime(e, &[]))?;
    let values = form_values(require(&mut body, "credentials")?)?;
    let model: Option<String> = take(&mut body, "model")?;
    let model_type = take::<String>(&mut body, "model_type")?
        .map(|name| {
            name.parse::<ModelType>()
                .map_err(|e| ApiError::bad_field("model_type", format!("`model_type`: {e}")))
        })
        .transpose()?;
    let probe = Probe::choose(provider, model, model_type)?;
    let found = Arc::new(Found::new(provider, values));
    probe
        .run(provider, &found, &shared.settings.http)
        .await
        .map_err(|error| ApiError::credentials_refused(error, &found.secrets()))?;
    let mut callable_models = callable(provider, found.clone()).await;
    if let Probe::Model(_, model) = &probe {
        let id = format!("{}/{model}", provider.id);
        if !callable_models.contains(&id) {
            callable_models.push(id);
        }
    }
    shared.credentials.replace(provider, found.values.clone());
    tracing::info!(
        provider = provider.id,
        "credentials set through the console"
    );
    Ok(Json(
        json!({"configured": true, "callable_models": callable_models}),
    ))
}

/// The submitted form as strings, the way credential sources hold them: switches as
/// `true`/`false`, numbers as written; empty and `null` fields count as not filled in.
fn form_values(form: Map<String, Value>) -> Result<Values, ApiError> {
    let mut values = Values::new();
    for (variable, value) in form {
        let text = match value {
            Value::Null => continue,
            Value::String(text) if text.is_empty() => continue,
            Value::String(text) => text,
            Value::Bool(flag) => flag.to_string(),
            Value::Number(number) => number.to_string(),
            Value::Array(_) | Value::Object(_) => {
                return Err(ApiError::bad_field(
                    "credentials",
                    format!("credential `{variable}` must be a string, a number or a boolean"),
                ))
            }
        };
        values.insert(variable, text);
    }
    Ok(values)
}

/// The real call that checks credentials, as Dify's `validate_provider_credentials` does.
enum Probe {
    /// A minimal call to one model.
    Model(ModelType, String),
    /// Listing the provider's models through its API.
    Listing(ModelType),
}

impl Probe {
    /// The model named in the request, else the provider's first predefined model, else
    /// listing its models; a provider with none of these needs a model named.
    fn choose(
        provider: &'static ProviderInfo,
        model: Option<String>,
        model_type: Option<ModelType>,
    ) -> Result<Probe, ApiError> {
        if let Some(model) = model {
            let model_type = model_type
                .or_else(|| {
                    provider
                        .models
                        .iter()
                        .find(|m| m.id == model)
                        .map(|m| m.model_type)
                })
                .or_else(|| provider.supported_model_types.first().copied())
                .unwrap_or(ModelType::Llm);
            return Ok(Probe::Model(model_type, model));
        }
        if let Some(first) = provider.models.iter().find(|m| !m.deprecated) {
            return Ok(Probe::Model(first.model_type, first.id.to_owned()));
        }
        if provider.supports_method(ConfigurateMethod::FetchFromRemote) {
            if let Some(&model_type) = provider.supported_model_types.first() {
                return Ok(Probe::Listing(model_type));
            }
        }
        Err(ApiError::bad_field(
            "model",
            format!(
                "{} has no predefined model to check the credentials with: send `model` (and \
                 `model_type`) naming one of its models",
                provider.id
            ),
        ))
    }

    /// Makes the call with `found`.
    async fn run(
        &self,
        provider: &'static ProviderInfo,
        found: &Found,
        http: &HttpSettings,
    ) -> Result<(), modelrt::runtime::Error> {
        match self {
            Probe::Model(model_type, model) => {
                registry::open_at(provider, *model_type, model, &found.values)?
                    .with_http(*http)
                    .validate_credentials()
                    .await
            }
            Probe::Listing(model_type) => {
                remote_models_with(provider.id, *model_type, &found.values, http)
                    .await
                    .map(drop)
            }
        }
    }
}
