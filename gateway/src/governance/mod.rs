//! Governance: virtual keys, their model allowlists, rate limits and budgets, and the spend
//! log. On when the gateway has a master key.
//!
//! The request path touches it in three places, all through [`Governance`]:
//! - [`Governance::authenticate`] (the `/v1` middleware): the virtual key, its expiry and its
//!   requests-per-minute limit; the key then rides along as the request's [`Caller`];
//! - [`Governance::admit`] before each attempt (fallbacks and retries of other deployments
//!   included): the model allowlist, tokens-per-minute, and the budget reservation of the
//!   attempt's worst-case cost, giving a [`Ticket`];
//! - [`Ticket::settle`] after it: the actual cost replaces the reservation and one spend-log
//!   row is written.

pub mod admin;
mod keys;
mod limits;
mod meter;
mod money;
mod store;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use modelrt::registry::ModelHandle;
use modelrt::runtime::catalog::Pricing;
use modelrt::runtime::llm::LlmRequest;
use modelrt::runtime::pricing::cost;
use modelrt::runtime::secret::Secret;
use modelrt::runtime::usage::Usage;

pub use meter::Metered;
pub use money::Money;
pub use store::{GroupBy, KeyRecord, SpendGroup, SpendRow, Store};

use crate::error::ApiError;
use crate::observability::metrics::{Metrics, Rejection};
use limits::Limiter;

/// Where governance keeps its state.
#[derive(Clone)]
pub struct GovernanceConfig {
    /// The key that administers virtual keys (`/admin`).
    pub master_key: Secret,
    /// `postgres://...` (or `sqlite://...`); `None` is a SQLite file in `data_dir`.
    pub database_url: Option<String>,
    /// `redis://host:port` for rate limits shared across instances; `None` keeps them in
    /// this process.
    pub redis_url: Option<String>,
    /// Where the default SQLite file `modelrt.db` lives.
    pub data_dir: PathBuf,
}

impl std::fmt::Debug for GovernanceConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Database URLs can carry passwords: only their scheme is shown.
        let scheme = |url: &Option<String>| {
            url.as_deref()
                .map(|u| u.split(':').next().unwrap_or("").to_owned())
        };
        f.debug_struct("GovernanceConfig")
            .field("master_key", &"[REDACTED]")
            .field("database", &scheme(&self.database_url))
            .field("redis", &scheme(&self.redis_url))
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

/// The governance handle the gateway's requests share.
#[derive(Clone, Debug)]
pub struct Governance {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    master_key: Secret,
    store: Store,
    limiter: Limiter,
}

/// The virtual key a request was made with.
pub type Caller = Arc<KeyRecord>;

tokio::task_local! {
    /// The virtual key of the request being handled, set by the `/v1` middleware.
    static CALLER: Option<Caller>;
}

/// Runs `future` (a request's handler) as the request of `caller`.
pub async fn as_caller<F: std::future::Future>(caller: Option<Caller>, future: F) -> F::Output {
    CALLER.scope(caller, future).await
}

/// The virtual key of the request being handled, if any.
pub fn current_caller() -> Option<Caller> {
    CALLER.try_with(Clone::clone).ok().flatten()
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Governance {
    /// Opens (creating and migrating) the database and connects to Redis when configured.
    pub async fn open(config: GovernanceConfig) -> Result<Governance, String> {
        let url = match &config.database_url {
            Some(url) => url.clone(),
            None => {
                std::fs::create_dir_all(&config.data_dir).map_err(|e| {
                    format!(
                        "cannot create the data directory {}: {e}",
                        config.data_dir.display()
                    )
                })?;
                format!(
                    "sqlite://{}?mode=rwc",
                    config.data_dir.join("modelrt.db").display()
                )
            }
        };
        let store = Store::open(&url).await?;
        let limiter = match &config.redis_url {
            Some(url) => Limiter::redis(url).await?,
            None => Limiter::local(),
        };
        Ok(Governance {
            inner: Arc::new(Inner {
                master_key: config.master_key,
                store,
                limiter,
            }),
        })
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Whether `sent` is the master key (compared in constant time).
    pub fn is_master(&self, sent: &str) -> bool {
        crate::server::constant_time_eq(sent.as_bytes(), self.inner.master_key.expose().as_bytes())
    }

    /// The virtual key `sent`, if it is a live one within its requests-per-minute limit; a
    /// refusal for the limit is counted in `metrics`.
    pub async fn authenticate(&self, sent: &str, metrics: &Metrics) -> Result<Caller, ApiError> {
        let record = self
            .inner
            .store
            .key_by_hash(&keys::hash(sent))
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(ApiError::unauthorized)?;
        let now = now_ms();
        if record.revoked_at.is_some() {
            return Err(ApiError::key_refused(format!(
                "virtual key `{}` has been revoked",
                record.name
            )));
        }
        if record.expires_at.is_some_and(|at| at <= now) {
            return Err(ApiError::key_refused(format!(
                "virtual key `{}` has expired",
                record.name
            )));
        }
        if let Some(rpm) = record.rpm {
            let taken = self
                .inner
                .limiter
                .take(&format!("{}:rpm", record.id), 1, Some(rpm), now)
                .await
                .map_err(|retry| {
                    ApiError::limited(
                        format!(
                            "virtual key `{}` is over its limit of {rpm} requests per minute",
                            record.name
                        ),
                        retry,
                    )
                });
            if let Err(error) = taken {
                metrics.record_rejection(Rejection::RateLimit);
                // Refused before the body is read: no model to log.
                self.log_refusal(&record, "", "", "", Rejection::RateLimit)
                    .await;
                return Err(error);
            }
        }
        Ok(Arc::new(record))
    }

    /// Refuses `address` when the caller's allowlist does not name it.
    pub fn check_model(caller: Option<&Caller>, address: &str) -> Result<(), ApiError> {
        match caller {
            Some(key) if !keys::allows(&key.models, address) => {
                Err(ApiError::model_not_allowed(format!(
                    "virtual key `{}` may not use `{address}`; it allows: {}",
                    key.name,
                    key.models.join(", ")
                )))
            }
            _ => Ok(()),
        }
    }

    /// Admits one attempt at `handle` for the request `address`: the caller's tokens per
    /// minute, and a reservation of the worst-case cost (the prompt counted offline plus
    /// `max_tokens`, or the model's largest output, at its catalog price) on its budget. A
    /// refusal is counted in `metrics` and written to the spend log (status 429, no cost).
    pub async fn admit(
        &self,
        metrics: &Metrics,
        caller: Option<Caller>,
        address: &str,
        handle: &ModelHandle,
        prompt: Option<&LlmRequest>,
    ) -> Result<Ticket, ApiError> {
        let pricing = handle.info().and_then(|info| info.pricing);
        let prompt_tokens = prompt.map_or(0, |request| handle.count_tokens(request).unwrap_or(0));
        let output_tokens = prompt.map_or(0, |_| max_output_tokens(handle));
        let reserved = match caller.as_ref() {
            None => Money::ZERO,
            Some(key) => {
                let worst = price(pricing.as_ref(), prompt_tokens, output_tokens);
                match self
                    .reserve(key, address, worst, prompt_tokens, pricing.as_ref())
                    .await
                {
                    Ok(reserved) => reserved,
                    Err(Refused::Store(error)) => return Err(error),
                    Err(Refused::Limit(reason, error)) => {
                        metrics.record_rejection(reason);
                        let (provider, model) = (handle.provider().id, handle.id());
                        self.log_refusal(key, address, provider, model, reason)
                            .await;
                        return Err(error);
                    }
                }
            }
        };
        Ok(Ticket {
            governance: Some(self.clone()),
            caller,
            alias: address.to_owned(),
            provider: handle.provider().id,
            model: handle.id().to_owned(),
            pricing,
            reserved,
            counted_tokens: prompt_tokens,
            started: Instant::now(),
            first_piece: None,
        })
    }
}

/// Why a key's request was not admitted.
enum Refused {
    /// A limit or the budget; answered 429.
    Limit(Rejection, ApiError),
    /// The store failed.
    Store(ApiError),
}

impl Governance {
    /// Takes `key`'s tokens per minute and reserves `worst` on its budget; returns what was
    /// reserved.
    async fn reserve(
        &self,
        key: &Caller,
        address: &str,
        worst: Money,
        prompt_tokens: u64,
        pricing: Option<&Pricing>,
    ) -> Result<Money, Refused> {
        let now = now_ms();
        if let Some(tpm) = key.tpm {
            self.inner
                .limiter
                .take(&format!("{}:tpm", key.id), prompt_tokens, Some(tpm), now)
                .await
                .map_err(|retry| {
                    let message = format!(
                        "virtual key `{}` is over its limit of {tpm} tokens per minute",
                        key.name
                    );
                    Refused::Limit(Rejection::RateLimit, ApiError::limited(message, retry))
                })?;
        }
        let Some(budget) = key.budget else {
            return Ok(Money::ZERO);
        };
        let granted = self
            .inner
            .store
            .reserve(&key.id, budget.period.start(now), worst)
            .await
            .map_err(|e| Refused::Store(ApiError::internal(e)))?;
        if granted {
            return Ok(worst);
        }
        let currency = pricing.map_or("USD", |p| p.currency);
        let resets = budget.period.next_start(now);
        let wait = Duration::from_millis(u64::try_from(resets - now).unwrap_or(0));
        let message = format!(
            "virtual key `{}` has not enough {} budget left for this request (worst case \
             {worst} {currency} for `{address}`; limit {} {currency}, resets at the next {} \
             period)",
            key.name,
            budget.period.name(),
            budget.limit,
            budget.period.name(),
        );
        Err(Refused::Limit(
            Rejection::Budget,
            ApiError::limited(message, wait),
        ))
    }

    /// Writes the spend-log row of a request refused by a limit: status 429, nothing charged.
    async fn log_refusal(
        &self,
        key: &KeyRecord,
        alias: &str,
        provider: &str,
        model: &str,
        reason: Rejection,
    ) {
        let deployment = if provider.is_empty() {
            String::new()
        } else {
            format!("{provider}/{model}")
        };
        let row = SpendRow {
            time_ms: now_ms(),
            key_id: Some(key.id.clone()),
            key_name: Some(key.name.clone()),
            alias: alias.to_owned(),
            provider: provider.to_owned(),
            model: model.to_owned(),
            deployment,
            prompt_tokens: 0,
            completion_tokens: 0,
            cached_tokens: 0,
            cost: Money::ZERO,
            latency_ms: 0,
            ttft_ms: None,
            status: 429,
            error_kind: Some(reason.name().to_owned()),
        };
        if let Err(error) = self.inner.store.settle(None, Money::ZERO, &row).await {
            tracing::error!(key = key.name, "could not log a refused request: {error}");
        }
    }
}

/// The largest answer `handle` may give: the request's `max_tokens`, else the model's
/// `max_tokens` rule's maximum, else its context window.
fn max_output_tokens(handle: &ModelHandle) -> u64 {
    let sent = handle
        .params()
        .get("max_tokens")
        .and_then(|value| value.to_json().as_u64());
    let info = handle.info();
    let rule_max = info
        .and_then(|info| info.parameter_rule("max_tokens"))
        .and_then(|rule| rule.max)
        .and_then(|max| if max > 0.0 { Some(max as u64) } else { None });
    let context = info
        .and_then(|info| info.properties.context_size)
        .map(u64::from);
    sent.or(rule_max).or(context).unwrap_or(0)
}

/// The price of a call, exact; free without a price list.
fn price(pricing: Option<&Pricing>, input: u64, output: u64) -> Money {
    pricing.map_or(Money::ZERO, |p| Money::cost(cost(p, input, output).total))
}

/// One admitted attempt: its reservation, settled once. Dropped unsettled (the client went
/// away mid-call), it settles in the background charging the whole reservation, since the
/// provider may have billed the call.
pub struct Ticket {
    governance: Option<Governance>,
    caller: Option<Caller>,
    alias: String,
    provider: &'static str,
    model: String,
    pricing: Option<Pricing>,
    reserved: Money,
    counted_tokens: u64,
    started: Instant,
    first_piece: Option<Duration>,
}

/// How an attempt ended.
pub enum Outcome {
    /// Answered, using these tokens.
    Answered(Usage),
    /// Failed with this HTTP status and runtime error kind.
    Failed(u16, String),
    /// Given up before the end; the reservation is charged.
    Abandoned,
}

impl Ticket {
    /// Notes the first streamed piece (time to first token).
    pub fn first_piece(&mut self) {
        self.first_piece
            .get_or_insert_with(|| self.started.elapsed());
    }

    /// Charges the attempt and writes its spend-log row. A database failure is logged, not
    /// returned: the answer has already been produced.
    pub async fn settle(mut self, outcome: Outcome) {
        let Some(governance) = self.governance.take() else {
            return;
        };
        let (usage, status, error_kind, charge) = match outcome {
            Outcome::Answered(usage) => {
                let charge = price(
                    self.pricing.as_ref(),
                    usage.prompt_tokens,
                    usage.completion_tokens,
                );
                (usage, 200, None, charge)
            }
            Outcome::Failed(status, kind) => (Usage::default(), status, Some(kind), Money::ZERO),
            Outcome::Abandoned => (
                Usage::new(self.counted_tokens, 0),
                499,
                Some("cancelled".to_owned()),
                self.reserved,
            ),
        };
        let key = self.caller.as_deref();
        if let Some(key) = key.filter(|k| k.tpm.is_some()) {
            let extra = usage.total_tokens.saturating_sub(self.counted_tokens);
            if extra > 0 {
                // Counted without a limit: the tokens were already spent.
                let _ = governance
                    .inner
                    .limiter
                    .take(&format!("{}:tpm", key.id), extra, None, now_ms())
                    .await;
            }
        }
        let row = SpendRow {
            time_ms: now_ms(),
            key_id: key.map(|k| k.id.clone()),
            key_name: key.map(|k| k.name.clone()),
            alias: std::mem::take(&mut self.alias),
            provider: self.provider.to_owned(),
            model: self.model.clone(),
            deployment: format!("{}/{}", self.provider, self.model),
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
            cached_tokens: usage.cached_prompt_tokens.unwrap_or(0),
            cost: charge,
            latency_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            ttft_ms: self
                .first_piece
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            status,
            error_kind,
        };
        let key_id = key.map(|k| k.id.as_str());
        if let Err(error) = governance
            .inner
            .store
            .settle(key_id, self.reserved, &row)
            .await
        {
            tracing::error!(
                provider = row.provider,
                model = row.model,
                "could not record the spend of a request: {error}"
            );
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.governance.is_none() {
            return;
        }
        let ticket = Ticket {
            governance: self.governance.take(),
            caller: self.caller.take(),
            alias: std::mem::take(&mut self.alias),
            provider: self.provider,
            model: std::mem::take(&mut self.model),
            pricing: self.pricing,
            reserved: self.reserved,
            counted_tokens: self.counted_tokens,
            started: self.started,
            first_piece: self.first_piece,
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(ticket.settle(Outcome::Abandoned));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_secret() {
        let config = GovernanceConfig {
            master_key: Secret::new("master-secret-value"),
            database_url: Some("postgres://user:db-password@host/db".to_owned()),
            redis_url: Some("redis://:redis-password@host:6379".to_owned()),
            data_dir: PathBuf::from("/var/lib/modelrt"),
        };
        let shown = format!("{config:?}");
        for secret in ["master-secret-value", "db-password", "redis-password"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("postgres") && shown.contains("/var/lib/modelrt"),
            "{shown}"
        );
    }
}
