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
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::credentials::{with_required_defaults, Found, Values};
use crate::error::ApiError;
use crate::governance::admin::decode;
use crate::models::callable;
use crate::server::{JsonObject, Shared};

/// A provider as `GET /admin/providers` shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderView {
    /// The provider id, as in `<provider>/<model>`.
    pub id: &'static str,
    /// Its English label.
    pub label: &'static str,
    /// Its credential form: the JSON Schema `modelrt schema <provider>` prints.
    #[schema(value_type = Object)]
    pub schema: Value,
    /// Whether it has credentials: set through the console, or from the gateway's sources
    /// and passing the provider-wide form.
    pub configured: bool,
    /// The `<provider>/<model>` ids callable with the credentials in force.
    pub callable_models: Vec<String>,
}

/// `{"data": [...]}` of providers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderList {
    /// In catalog order.
    pub data: Vec<ProviderView>,
}

/// `PUT /admin/providers/{id}/credentials`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCredentials {
    /// Values by form variable (strings; booleans for switches).
    #[schema(value_type = Object)]
    credentials: Map<String, Value>,
    /// A model to check with, for a provider without predefined models that lists none.
    model: Option<String>,
    /// The type of `model` (`llm`, `text-embedding`, ...).
    model_type: Option<String>,
}

/// The answer of an accepted `PUT /admin/providers/{id}/credentials`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialsAccepted {
    /// Always `true`.
    pub configured: bool,
    /// The `<provider>/<model>` ids now callable.
    pub callable_models: Vec<String>,
}

/// `GET /admin/providers`: every provider, in catalog order.
#[utoipa::path(get, path = "/admin/providers",
    responses((status = 200, body = ProviderList), (status = 401, description = "no master key")))]
pub async fn list(State(shared): State<Arc<Shared>>) -> Json<ProviderList> {
    let rows = PROVIDERS
        .iter()
        .copied()
        .map(|provider| describe(&shared, provider));
    Json(ProviderList {
        data: join_all(rows).await,
    })
}

/// One provider's row: its form, and what the credentials in force make of it.
async fn describe(shared: &Shared, provider: &'static ProviderInfo) -> ProviderView {
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
    ProviderView {
        id: provider.id,
        label: provider.label.en_us,
        schema: provider_schema(provider),
        configured,
        callable_models,
    }
}

/// `PUT /admin/providers/{id}/credentials` with `{"credentials": {variable: value}}`, and
/// optionally `model` (and `model_type`) to check a provider that has no predefined model
/// and lists none. The values are checked against the form, then with a real call; only
/// accepted values replace the provider's credentials (in memory). Nothing submitted is
/// echoed back.
#[utoipa::path(put, path = "/admin/providers/{id}/credentials", params(("id" = String, Path)),
    request_body = SetCredentials,
    responses(
        (status = 200, body = CredentialsAccepted),
        (status = 400, description = "the form or the provider refused the credentials"),
        (status = 404, description = "no such provider"),
        (status = 502, description = "the provider could not be reached"),
    ))]
pub async fn set_credentials(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<CredentialsAccepted>, ApiError> {
    let provider = find_provider(&id).map_err(|e| ApiError::from_runtime(e, &[]))?;
    let body: SetCredentials = decode(body)?;
    let values = form_values(body.credentials)?;
    let model = body.model;
    let model_type = body
        .model_type
        .map(|name| {
            name.parse::<ModelType>()
                .map_err(|e| ApiError::bad_field("model_type", format!("`model_type`: {e}")))
        })
        .transpose()?;
    let probe = Probe::choose(provider, model, model_type)?;
    let checked = Found::new(
        provider,
        with_required_defaults(provider, probe.model_type(), &values),
    );
    probe
        .run(provider, &checked, &shared.settings.http)
        .await
        .map_err(|error| ApiError::credentials_refused(error, &checked.secrets()))?;
    shared.credentials.replace(provider, values);
    shared.handles.clear();
    tracing::info!(
        provider = provider.id,
        "credentials set through the console"
    );
    let found = shared
        .credentials
        .get(provider, None)
        .map_err(ApiError::internal)?;
    let mut callable_models = callable(provider, found).await;
    if let Probe::Model(_, model) = &probe {
        let id = format!("{}/{model}", provider.id);
        if !callable_models.contains(&id) {
            callable_models.push(id);
        }
    }
    Ok(Json(CredentialsAccepted {
        configured: true,
        callable_models,
    }))
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
    /// The model type whose credential form applies: none (provider-wide) for a listing.
    fn model_type(&self) -> Option<ModelType> {
        match self {
            Probe::Model(model_type, _) => Some(*model_type),
            Probe::Listing(_) => None,
        }
    }

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
