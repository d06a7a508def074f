//! The admin API under `/admin/`, behind the master key: virtual keys and spend, described
//! as OpenAPI (utoipa) at `/admin/openapi.json`. Errors are in OpenAI's error shape; money is
//! an exact decimal rendered as a JSON string.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use super::keys::{self, Budget, Period};
use super::{now_ms, Governance, GroupBy, KeyRecord, Money, SpendGroup, SpendRow};
use crate::console::providers;
use crate::error::ApiError;
use crate::server::{JsonObject, Shared};

/// The currency of budgets and spend: the catalog's prices are in USD unless a model says
/// otherwise.
const CURRENCY: &str = "USD";

/// A budget as the API shows and takes it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BudgetBody {
    /// The most a key may spend per period, e.g. `"12.50"`.
    #[schema(example = "12.50")]
    pub limit: String,
    /// `daily`, `weekly` or `monthly` (UTC boundaries).
    #[schema(example = "monthly")]
    pub period: String,
}

/// `POST /admin/keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    /// A human name.
    pub name: String,
    /// Allowed aliases and `<provider>/<model>` patterns (`*` matches anything); absent or
    /// empty allows every model.
    #[serde(default)]
    pub models: Vec<String>,
    /// Requests per minute.
    pub rpm: Option<u64>,
    /// Tokens per minute.
    pub tpm: Option<u64>,
    /// Spending limit per period.
    pub budget: Option<BudgetBody>,
    /// RFC 3339 time after which the key is refused.
    pub expires_at: Option<String>,
    /// Free-form metadata.
    #[schema(value_type = Object)]
    pub metadata: Option<Map<String, Value>>,
}

/// `PATCH /admin/keys/{id}`: fields present replace, `null` clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKey {
    /// A new name.
    pub name: Option<String>,
    /// A new allowlist.
    pub models: Option<Vec<String>>,
    /// Requests per minute; `null` removes the limit.
    #[serde(default, deserialize_with = "present")]
    pub rpm: Option<Option<u64>>,
    /// Tokens per minute; `null` removes the limit.
    #[serde(default, deserialize_with = "present")]
    pub tpm: Option<Option<u64>>,
    /// The budget; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    pub budget: Option<Option<BudgetBody>>,
    /// Expiry; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    pub expires_at: Option<Option<String>>,
    /// New metadata (replaces the old).
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
}

/// A field that is present (possibly `null`), as opposed to absent (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A virtual key as the API shows it (never the key itself, which is shown once at creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    /// Id used in `/admin/keys/{id}`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Allowed aliases and patterns; empty allows every model.
    pub models: Vec<String>,
    /// Requests per minute.
    pub rpm: Option<u64>,
    /// Tokens per minute.
    pub tpm: Option<u64>,
    /// The budget.
    pub budget: Option<BudgetBody>,
    /// Spent in the current period (all time without a budget), exact decimal.
    #[schema(example = "0.0000150")]
    pub spent: String,
    /// Currency of `budget` and `spent`.
    pub currency: String,
    /// RFC 3339 expiry.
    pub expires_at: Option<String>,
    /// Metadata.
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    /// RFC 3339 creation time.
    pub created_at: String,
    /// Whether the key has been revoked.
    pub revoked: bool,
}

/// `201` of `POST /admin/keys`: the key's view plus the plaintext key, shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    /// The key clients send as `Authorization: Bearer <key>`; it is stored only as a hash.
    pub key: String,
    /// The key's settings.
    #[serde(flatten)]
    pub view: KeyView,
}

/// `{"data": [...]}` of keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    /// Oldest first.
    pub data: Vec<KeyView>,
}

/// `GET /admin/spend` parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SpendQuery {
    /// `key`, `model`, `provider` or `day`.
    pub by: Option<String>,
    /// RFC 3339 time, or `24h`, `7d`, `30d` back from now; default 30 days.
    pub since: Option<String>,
}

/// One group of spend.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpendGroupView {
    /// Key name, `<provider>/<model>`, provider or `YYYY-MM-DD`.
    pub group: String,
    /// Requests (attempts, counting fallbacks).
    pub requests: u64,
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
    /// Cached prompt tokens.
    pub cached_tokens: u64,
    /// Exact total, decimal string.
    pub cost: String,
}

/// `GET /admin/spend`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpendReport {
    /// Currency of the costs.
    pub currency: String,
    /// Largest cost first.
    pub data: Vec<SpendGroupView>,
}

/// `GET /admin/spend/logs` parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LogsQuery {
    /// Rows to return (1-1000, default 100).
    pub limit: Option<u32>,
}

/// One spend-log row.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpendRowView {
    /// RFC 3339 time the request finished.
    pub time: String,
    /// Virtual key id, when one was used.
    pub key_id: Option<String>,
    /// Its name.
    pub key_name: Option<String>,
    /// The model the client asked for.
    pub alias: String,
    /// The provider called.
    pub provider: String,
    /// The model called.
    pub model: String,
    /// `<provider>/<model>` that answered.
    pub deployment: String,
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
    /// Cached prompt tokens.
    pub cached_tokens: u64,
    /// Exact cost, decimal string.
    pub cost: String,
    /// Milliseconds from sending to the end.
    pub latency_ms: u64,
    /// Milliseconds to the first streamed piece.
    pub ttft_ms: Option<u64>,
    /// HTTP status answered.
    pub status: u16,
    /// The runtime's error kind of a failure.
    pub error_kind: Option<String>,
}

/// `{"data": [...]}` of spend rows.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpendLogs {
    /// Newest first.
    pub data: Vec<SpendRowView>,
}

/// The OpenAPI document of the admin API.
#[derive(OpenApi)]
#[openapi(
    info(title = "modelrt gateway admin API"),
    paths(create_key, list_keys, get_key, update_key, revoke_key, spend, spend_logs,
        providers::list, providers::set_credentials),
    components(schemas(
        CreateKey, UpdateKey, KeyView, CreatedKey, KeyList, BudgetBody, SpendReport,
        SpendGroupView, SpendLogs, SpendRowView, providers::ProviderList,
        providers::ProviderView, providers::SetCredentials, providers::CredentialsAccepted
    )),
    modifiers(&MasterKey),
    security(("master_key" = []))
)]
struct AdminApi;

struct MasterKey;

impl Modify for MasterKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "master_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The admin API's OpenAPI document; other admin modules merge theirs into it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    AdminApi::openapi()
}

/// The `/admin` routes (to nest under `/admin`), behind the master key.
pub fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/keys", get(list_keys).post(create_key))
        .route(
            "/keys/{id}",
            get(get_key).patch(update_key).delete(revoke_key),
        )
        .route("/spend", get(spend))
        .route("/spend/logs", get(spend_logs))
        .route("/openapi.json", get(openapi_json))
        .layer(middleware::from_fn_with_state(shared, require_master_key))
}

/// The governance of a gateway with a master key (the admin routes exist only then).
fn governance(shared: &Shared) -> Result<&Governance, ApiError> {
    shared
        .governance()
        .ok_or_else(|| ApiError::not_found("the admin API needs a master key"))
}

/// Refuses requests without the master key (`/admin`, also the console's endpoints).
pub(crate) async fn require_master_key(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let sent = crate::server::bearer(&request);
    match governance(&shared) {
        Ok(governance) if governance.is_master(sent) => next.run(request).await,
        Ok(_) => ApiError::unauthorized().into_response(),
        Err(error) => error.into_response(),
    }
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}

fn rfc3339(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn parse_time(field: &str, text: &str) -> Result<i64, ApiError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|e| ApiError::bad_field(field, format!("`{field}` must be an RFC 3339 time: {e}")))
}

fn budget(body: BudgetBody) -> Result<Budget, ApiError> {
    Ok(Budget {
        limit: Money::parse(&body.limit).map_err(|e| ApiError::bad_field("budget", e))?,
        period: Period::parse(&body.period).map_err(|e| ApiError::bad_field("budget", e))?,
    })
}

fn view(key: &KeyRecord) -> KeyView {
    KeyView {
        id: key.id.clone(),
        name: key.name.clone(),
        models: key.models.clone(),
        rpm: key.rpm,
        tpm: key.tpm,
        budget: key.budget.map(|b| BudgetBody {
            limit: b.limit.to_string(),
            period: b.period.name().to_owned(),
        }),
        spent: key.spent_at(now_ms()).to_string(),
        currency: CURRENCY.to_owned(),
        expires_at: key.expires_at.map(rfc3339),
        metadata: key.metadata.clone(),
        created_at: rfc3339(key.created_at),
        revoked: key.revoked_at.is_some(),
    }
}

/// A JSON body as `T`; a wrong shape is a 400 naming the field.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    body: Map<String, Value>,
) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(body))
        .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
}

fn non_empty_name(name: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::bad_field("name", "`name` must not be empty"));
    }
    Ok(())
}

/// Creates a virtual key.
#[utoipa::path(post, path = "/admin/keys", request_body = CreateKey,
    responses((status = 201, body = CreatedKey), (status = 400, description = "invalid body")))]
async fn create_key(
    State(shared): State<Arc<Shared>>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let governance = governance(&shared)?;
    let body: CreateKey = decode(body)?;
    non_empty_name(&body.name)?;
    let now = now_ms();
    let record = KeyRecord {
        id: keys::new_id("key_").map_err(ApiError::internal)?,
        name: body.name,
        models: body.models,
        rpm: body.rpm,
        tpm: body.tpm,
        budget: body.budget.map(budget).transpose()?,
        period_start: 0,
        spent: Money::ZERO,
        reserved: Money::ZERO,
        expires_at: body
            .expires_at
            .map(|t| parse_time("expires_at", &t))
            .transpose()?,
        metadata: body.metadata.unwrap_or_default(),
        created_at: now,
        revoked_at: None,
    };
    let key = keys::generate().map_err(ApiError::internal)?;
    governance
        .store()
        .insert_key(&record, &keys::hash(&key))
        .await
        .map_err(ApiError::internal)?;
    let created = CreatedKey {
        key,
        view: view(&record),
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Lists the virtual keys.
#[utoipa::path(get, path = "/admin/keys", responses((status = 200, body = KeyList)))]
async fn list_keys(State(shared): State<Arc<Shared>>) -> Result<Json<KeyList>, ApiError> {
    let keys = governance(&shared)?
        .store()
        .keys()
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(KeyList {
        data: keys.iter().map(view).collect(),
    }))
}

async fn find(governance: &Governance, id: &str) -> Result<KeyRecord, ApiError> {
    governance
        .store()
        .key(id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found(format!("no virtual key `{id}`")))
}

/// One virtual key.
#[utoipa::path(get, path = "/admin/keys/{id}", params(("id" = String, Path)),
    responses((status = 200, body = KeyView), (status = 404, description = "no such key")))]
async fn get_key(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<KeyView>, ApiError> {
    let key = find(governance(&shared)?, &id).await?;
    Ok(Json(view(&key)))
}

/// Changes a virtual key's settings.
#[utoipa::path(patch, path = "/admin/keys/{id}", params(("id" = String, Path)),
    request_body = UpdateKey,
    responses((status = 200, body = KeyView), (status = 404, description = "no such key")))]
async fn update_key(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<KeyView>, ApiError> {
    let governance = governance(&shared)?;
    let changes: UpdateKey = decode(body)?;
    let mut key = find(governance, &id).await?;
    if let Some(name) = changes.name {
        non_empty_name(&name)?;
        key.name = name;
    }
    if let Some(models) = changes.models {
        key.models = models;
    }
    if let Some(rpm) = changes.rpm {
        key.rpm = rpm;
    }
    if let Some(tpm) = changes.tpm {
        key.tpm = tpm;
    }
    if let Some(body) = changes.budget {
        key.budget = body.map(budget).transpose()?;
    }
    if let Some(expires_at) = changes.expires_at {
        key.expires_at = expires_at
            .map(|t| parse_time("expires_at", &t))
            .transpose()?;
    }
    if let Some(metadata) = changes.metadata {
        key.metadata = metadata;
    }
    governance
        .store()
        .update_key(&key)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(view(&key)))
}

/// Revokes a virtual key (it stays listed, marked revoked).
#[utoipa::path(delete, path = "/admin/keys/{id}", params(("id" = String, Path)),
    responses((status = 200, body = KeyView), (status = 404, description = "no such key")))]
async fn revoke_key(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<KeyView>, ApiError> {
    let governance = governance(&shared)?;
    if !governance
        .store()
        .revoke(&id, now_ms())
        .await
        .map_err(ApiError::internal)?
    {
        return Err(ApiError::not_found(format!("no virtual key `{id}`")));
    }
    Ok(Json(view(&find(governance, &id).await?)))
}

/// The start of a `since` window: an RFC 3339 time or `<n>h` / `<n>d` back from now.
fn since_ms(text: Option<&str>, now: i64) -> Result<i64, String> {
    const HOUR: i64 = 3_600_000;
    let text = text.unwrap_or("30d").trim();
    let relative = |unit: char, ms: i64| {
        text.strip_suffix(unit)
            .and_then(|n| n.parse::<i64>().ok())
            .map(|n| now - n.saturating_mul(ms))
    };
    relative('h', HOUR)
        .or_else(|| relative('d', 24 * HOUR))
        .map_or_else(
            || {
                OffsetDateTime::parse(text, &Rfc3339)
                    .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
                    .map_err(|_| {
                        format!("`since={text}` is neither an RFC 3339 time nor like 24h, 7d, 30d")
                    })
            },
            Ok,
        )
}

fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request(format!("invalid query: {}", rejection.body_text()))
}

fn group_view(group: SpendGroup) -> SpendGroupView {
    SpendGroupView {
        group: group.group,
        requests: group.requests,
        prompt_tokens: group.prompt_tokens,
        completion_tokens: group.completion_tokens,
        cached_tokens: group.cached_tokens,
        cost: group.cost.to_string(),
    }
}

/// Spend totals grouped by key, model, provider or day.
#[utoipa::path(get, path = "/admin/spend", params(SpendQuery),
    responses((status = 200, body = SpendReport), (status = 400, description = "bad query")))]
async fn spend(
    State(shared): State<Arc<Shared>>,
    query: Result<Query<SpendQuery>, QueryRejection>,
) -> Result<Json<SpendReport>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let by = GroupBy::parse(query.by.as_deref().unwrap_or("key"))
        .map_err(|e| ApiError::bad_field("by", e))?;
    let since =
        since_ms(query.since.as_deref(), now_ms()).map_err(|e| ApiError::bad_field("since", e))?;
    let groups = governance(&shared)?
        .store()
        .spend(by, since)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(SpendReport {
        currency: CURRENCY.to_owned(),
        data: groups.into_iter().map(group_view).collect(),
    }))
}

fn row_view(row: SpendRow) -> SpendRowView {
    SpendRowView {
        time: rfc3339(row.time_ms),
        key_id: row.key_id,
        key_name: row.key_name,
        alias: row.alias,
        provider: row.provider,
        model: row.model,
        deployment: row.deployment,
        prompt_tokens: row.prompt_tokens,
        completion_tokens: row.completion_tokens,
        cached_tokens: row.cached_tokens,
        cost: row.cost.to_string(),
        latency_ms: row.latency_ms,
        ttft_ms: row.ttft_ms,
        status: row.status,
        error_kind: row.error_kind,
    }
}

/// The newest rows of the spend log.
#[utoipa::path(get, path = "/admin/spend/logs", params(LogsQuery),
    responses((status = 200, body = SpendLogs)))]
async fn spend_logs(
    State(shared): State<Arc<Shared>>,
    query: Result<Query<LogsQuery>, QueryRejection>,
) -> Result<Json<SpendLogs>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let rows = governance(&shared)?
        .store()
        .logs(limit)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(SpendLogs {
        data: rows.into_iter().map(row_view).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_durations_and_times() {
        let now = 1_000_000_000_000;
        assert_eq!(since_ms(Some("24h"), now), Ok(now - 86_400_000));
        assert_eq!(since_ms(Some("7d"), now), Ok(now - 7 * 86_400_000));
        assert_eq!(since_ms(None, now), Ok(now - 30 * 86_400_000));
        assert_eq!(since_ms(Some("1970-01-01T00:00:01Z"), now), Ok(1000));
        assert!(since_ms(Some("yesterday"), now)
            .unwrap_err()
            .contains("24h"));
    }
}
