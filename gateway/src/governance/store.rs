//! Keys, budgets and the spend log in SQL: an embedded SQLite file by default, PostgreSQL
//! when several gateway instances share them. One code path serves both through sqlx's `Any`
//! driver; the queries are portable SQL with `$n` parameters (which SQLite accepts too), and
//! one set of versioned migrations (`gateway/migrations/`) creates the same tables in both.

use std::borrow::Cow;

use serde_json::{Map, Value};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Row};

use super::keys::{Budget, Period};
use super::money::Money;

/// The migrations, by version; a new one is appended, never edited.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "keys and spend",
    include_str!("../../migrations/0001_keys_and_spend.sql"),
)];

/// A virtual key as stored (only the hash of the key itself).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRecord {
    /// Public id, e.g. `key_...`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Allowed aliases and `<provider>/<model>` patterns; empty allows every model.
    pub models: Vec<String>,
    /// Requests per minute.
    pub rpm: Option<u64>,
    /// Tokens per minute.
    pub tpm: Option<u64>,
    /// The budget, if any.
    pub budget: Option<Budget>,
    /// Start of the period `spent` counts (Unix ms).
    pub period_start: i64,
    /// Settled spend in that period (all time when there is no budget).
    pub spent: Money,
    /// Worst-case costs of requests in flight.
    pub reserved: Money,
    /// After this time (Unix ms) the key is refused.
    pub expires_at: Option<i64>,
    /// Free-form metadata.
    pub metadata: Map<String, Value>,
    /// Creation time (Unix ms).
    pub created_at: i64,
    /// Revocation time (Unix ms).
    pub revoked_at: Option<i64>,
}

impl KeyRecord {
    /// What the key has spent in the period containing `now_ms`.
    pub fn spent_at(&self, now_ms: i64) -> Money {
        match self.budget {
            Some(budget) if budget.period.start(now_ms) > self.period_start => Money::ZERO,
            _ => self.spent,
        }
    }
}

/// One row of the spend log: one request (or one attempt of a fallback).
#[derive(Debug, Clone, PartialEq)]
pub struct SpendRow {
    /// When it finished (Unix ms).
    pub time_ms: i64,
    /// The virtual key, when one was used.
    pub key_id: Option<String>,
    /// Its name.
    pub key_name: Option<String>,
    /// The model the client asked for (an alias or `<provider>/<model>`).
    pub alias: String,
    /// The provider called.
    pub provider: String,
    /// The model called.
    pub model: String,
    /// `<provider>/<model>` of the deployment that answered.
    pub deployment: String,
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
    /// Prompt tokens served from the provider's cache.
    pub cached_tokens: u64,
    /// Settled cost.
    pub cost: Money,
    /// From sending to the last byte.
    pub latency_ms: u64,
    /// From sending to the first streamed piece.
    pub ttft_ms: Option<u64>,
    /// The HTTP status answered.
    pub status: u16,
    /// The runtime's error kind of a failure.
    pub error_kind: Option<String>,
}

/// Spend grouped one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// By virtual key name.
    Key,
    /// By `<provider>/<model>`.
    Model,
    /// By provider.
    Provider,
    /// By UTC day.
    Day,
}

impl GroupBy {
    /// The grouping named `name`.
    pub fn parse(name: &str) -> Result<GroupBy> {
        match name {
            "key" => Ok(GroupBy::Key),
            "model" => Ok(GroupBy::Model),
            "provider" => Ok(GroupBy::Provider),
            "day" => Ok(GroupBy::Day),
            other => Err(format!(
                "`by={other}` is not one of key, model, provider, day"
            )),
        }
    }

    /// The SQL expression grouped on (fixed strings only, never client text).
    fn column(self) -> &'static str {
        match self {
            GroupBy::Key => "COALESCE(key_name, '(no key)')",
            GroupBy::Model => "provider || '/' || model",
            GroupBy::Provider => "provider",
            GroupBy::Day => "day",
        }
    }
}

/// Totals of one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendGroup {
    /// The key name, model, provider or day.
    pub group: String,
    /// Rows counted.
    pub requests: u64,
    /// Prompt tokens.
    pub prompt_tokens: u64,
    /// Completion tokens.
    pub completion_tokens: u64,
    /// Cached prompt tokens.
    pub cached_tokens: u64,
    /// Exact total cost.
    pub cost: Money,
}

/// The database.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
}

impl std::fmt::Debug for Store {
    /// The back end only: connection options can hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = self.pool.connect_options().database_url.scheme().to_owned();
        f.debug_struct("Store").field("backend", &backend).finish()
    }
}

type Result<T> = std::result::Result<T, String>;

fn db(error: sqlx::Error) -> String {
    format!("database error: {error}")
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://...`) and applies the
    /// migrations not yet applied.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite { 4 } else { 16 })
            .connect(url)
            .await
            .map_err(|e| format!("cannot open the database: {e}"))?;
        if sqlite {
            // Readers no longer wait for the writer; persisted in the file.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await
                .map_err(db)?;
        }
        let migrations = MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                )
            })
            .collect::<Vec<_>>();
        let migrator = Migrator {
            migrations: Cow::Owned(migrations),
            ..Migrator::DEFAULT
        };
        migrator
            .run(&pool)
            .await
            .map_err(|e| format!("cannot migrate the database: {e}"))?;
        if sqlite {
            // The embedded file serves one instance: reservations left by a previous run that
            // ended mid-request (a crash) are released. A shared PostgreSQL cannot tell them
            // from other instances' requests in flight, so it keeps them (docs/governance.md).
            sqlx::query("UPDATE virtual_keys SET reserved = 0 WHERE reserved <> 0")
                .execute(&pool)
                .await
                .map_err(db)?;
        }
        Ok(Store { pool })
    }

    /// Stores a new key under `hash`.
    pub async fn insert_key(&self, key: &KeyRecord, hash: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO virtual_keys (id, name, key_hash, models, rpm, tpm, budget_limit, \
             budget_period, period_start, spent, reserved, expires_at, metadata, created_at, \
             revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, $10, $11, $12, NULL)",
        )
        .bind(&key.id)
        .bind(&key.name)
        .bind(hash)
        .bind(Value::from(key.models.clone()).to_string())
        .bind(key.rpm.map(signed))
        .bind(key.tpm.map(signed))
        .bind(key.budget.map(|b| b.limit.0))
        .bind(key.budget.map(|b| b.period.name()))
        .bind(key.period_start)
        .bind(key.expires_at)
        .bind(Value::Object(key.metadata.clone()).to_string())
        .bind(key.created_at)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    /// Writes the settings of `key` (not its spend, which only reservations change).
    pub async fn update_key(&self, key: &KeyRecord) -> Result<()> {
        sqlx::query(
            "UPDATE virtual_keys SET name = $2, models = $3, rpm = $4, tpm = $5, \
             budget_limit = $6, budget_period = $7, expires_at = $8, metadata = $9 WHERE id = $1",
        )
        .bind(&key.id)
        .bind(&key.name)
        .bind(Value::from(key.models.clone()).to_string())
        .bind(key.rpm.map(signed))
        .bind(key.tpm.map(signed))
        .bind(key.budget.map(|b| b.limit.0))
        .bind(key.budget.map(|b| b.period.name()))
        .bind(key.expires_at)
        .bind(Value::Object(key.metadata.clone()).to_string())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    /// Marks key `id` revoked; false when there is no such key.
    pub async fn revoke(&self, id: &str, now_ms: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE virtual_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
        )
        .bind(id)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    /// The key with `id`.
    pub async fn key(&self, id: &str) -> Result<Option<KeyRecord>> {
        self.one_key("id", id).await
    }

    /// The key whose hash is `hash`.
    pub async fn key_by_hash(&self, hash: &str) -> Result<Option<KeyRecord>> {
        self.one_key("key_hash", hash).await
    }

    async fn one_key(&self, column: &'static str, value: &str) -> Result<Option<KeyRecord>> {
        let sql = format!("SELECT * FROM virtual_keys WHERE {column} = $1");
        let row = sqlx::query(&sql)
            .bind(value)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(|row| key_record(&row)).transpose()
    }

    /// Every key, oldest first.
    pub async fn keys(&self) -> Result<Vec<KeyRecord>> {
        sqlx::query("SELECT * FROM virtual_keys ORDER BY created_at, id")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(key_record)
            .collect()
    }

    /// Reserves `cost` of key `id`'s budget in one conditional statement, starting a new
    /// period first when `period_start` (the current one's) is later than the stored one.
    /// False when the budget cannot cover it: no two callers (in this process or another
    /// instance on the same database) can both take the last of a budget.
    pub async fn reserve(&self, id: &str, period_start: i64, cost: Money) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE virtual_keys SET \
               spent = CASE WHEN period_start < $2 THEN 0 ELSE spent END, \
               period_start = CASE WHEN period_start < $2 THEN $2 ELSE period_start END, \
               reserved = reserved + $3 \
             WHERE id = $1 AND budget_limit IS NOT NULL \
               AND (CASE WHEN period_start < $2 THEN 0 ELSE spent END) + reserved < budget_limit \
               AND (CASE WHEN period_start < $2 THEN 0 ELSE spent END) + reserved + $3 \
                   <= budget_limit",
        )
        .bind(id)
        .bind(period_start)
        .bind(cost.0)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    /// Releases a reservation of `reserved` and charges the `actual` cost, and logs `row`,
    /// in one transaction, so the keys' spend always equals the sum of their logged costs.
    pub async fn settle(
        &self,
        key_id: Option<&str>,
        reserved: Money,
        row: &SpendRow,
    ) -> Result<()> {
        let mut transaction = self.pool.begin().await.map_err(db)?;
        if let Some(id) = key_id {
            sqlx::query(
                "UPDATE virtual_keys SET reserved = reserved - $2, spent = spent + $3 \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(reserved.0)
            .bind(row.cost.0)
            .execute(&mut *transaction)
            .await
            .map_err(db)?;
        }
        let id = super::keys::new_id("spend_")?;
        let day = time::OffsetDateTime::from_unix_timestamp(row.time_ms.div_euclid(1000))
            .map(|t| t.date().to_string())
            .unwrap_or_default();
        sqlx::query(
            "INSERT INTO spend_log (id, time_ms, day, key_id, key_name, alias, provider, model, \
             deployment, prompt_tokens, completion_tokens, cached_tokens, cost, latency_ms, \
             ttft_ms, status, error_kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(id)
        .bind(row.time_ms)
        .bind(day)
        .bind(row.key_id.as_deref())
        .bind(row.key_name.as_deref())
        .bind(&row.alias)
        .bind(&row.provider)
        .bind(&row.model)
        .bind(&row.deployment)
        .bind(signed(row.prompt_tokens))
        .bind(signed(row.completion_tokens))
        .bind(signed(row.cached_tokens))
        .bind(row.cost.0)
        .bind(signed(row.latency_ms))
        .bind(row.ttft_ms.map(signed))
        .bind(i64::from(row.status))
        .bind(row.error_kind.as_deref())
        .execute(&mut *transaction)
        .await
        .map_err(db)?;
        transaction.commit().await.map_err(db)
    }

    /// Totals since `since_ms`, grouped `by`, largest cost first.
    pub async fn spend(&self, by: GroupBy, since_ms: i64) -> Result<Vec<SpendGroup>> {
        let column = by.column();
        let sql = format!(
            "SELECT {column} AS grp, COUNT(*) AS requests, \
               CAST(SUM(prompt_tokens) AS BIGINT) AS prompt_tokens, \
               CAST(SUM(completion_tokens) AS BIGINT) AS completion_tokens, \
               CAST(SUM(cached_tokens) AS BIGINT) AS cached_tokens, \
               CAST(SUM(cost) AS BIGINT) AS cost \
             FROM spend_log WHERE time_ms >= $1 GROUP BY {column} ORDER BY cost DESC, grp"
        );
        let rows = sqlx::query(&sql)
            .bind(since_ms)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(SpendGroup {
                    group: row.try_get("grp").map_err(db)?,
                    requests: count(row.try_get("requests").map_err(db)?),
                    prompt_tokens: count(row.try_get("prompt_tokens").map_err(db)?),
                    completion_tokens: count(row.try_get("completion_tokens").map_err(db)?),
                    cached_tokens: count(row.try_get("cached_tokens").map_err(db)?),
                    cost: Money(row.try_get("cost").map_err(db)?),
                })
            })
            .collect()
    }

    /// The newest `limit` rows of the spend log, newest first.
    pub async fn logs(&self, limit: u32) -> Result<Vec<SpendRow>> {
        let rows = sqlx::query("SELECT * FROM spend_log ORDER BY time_ms DESC, id DESC LIMIT $1")
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(spend_row).collect()
    }
}

fn key_record(row: &AnyRow) -> Result<KeyRecord> {
    let get_i64 = |name: &str| row.try_get::<i64, _>(name).map_err(db);
    let get_opt = |name: &str| row.try_get::<Option<i64>, _>(name).map_err(db);
    let models: String = row.try_get("models").map_err(db)?;
    let metadata: String = row.try_get("metadata").map_err(db)?;
    let budget = match (
        get_opt("budget_limit")?,
        row.try_get::<Option<String>, _>("budget_period")
            .map_err(db)?,
    ) {
        (Some(limit), Some(period)) => Some(Budget {
            limit: Money(limit),
            period: Period::parse(&period)?,
        }),
        _ => None,
    };
    Ok(KeyRecord {
        id: row.try_get("id").map_err(db)?,
        name: row.try_get("name").map_err(db)?,
        models: serde_json::from_str(&models).map_err(|e| format!("stored models: {e}"))?,
        rpm: get_opt("rpm")?.map(count),
        tpm: get_opt("tpm")?.map(count),
        budget,
        period_start: get_i64("period_start")?,
        spent: Money(get_i64("spent")?),
        reserved: Money(get_i64("reserved")?),
        expires_at: get_opt("expires_at")?,
        metadata: serde_json::from_str(&metadata).map_err(|e| format!("stored metadata: {e}"))?,
        created_at: get_i64("created_at")?,
        revoked_at: get_opt("revoked_at")?,
    })
}

fn spend_row(row: &AnyRow) -> Result<SpendRow> {
    let get_i64 = |name: &str| row.try_get::<i64, _>(name).map_err(db);
    let get_text = |name: &str| row.try_get::<String, _>(name).map_err(db);
    let get_opt_text = |name: &str| row.try_get::<Option<String>, _>(name).map_err(db);
    Ok(SpendRow {
        time_ms: get_i64("time_ms")?,
        key_id: get_opt_text("key_id")?,
        key_name: get_opt_text("key_name")?,
        alias: get_text("alias")?,
        provider: get_text("provider")?,
        model: get_text("model")?,
        deployment: get_text("deployment")?,
        prompt_tokens: count(get_i64("prompt_tokens")?),
        completion_tokens: count(get_i64("completion_tokens")?),
        cached_tokens: count(get_i64("cached_tokens")?),
        cost: Money(get_i64("cost")?),
        latency_ms: count(get_i64("latency_ms")?),
        ttft_ms: row
            .try_get::<Option<i64>, _>("ttft_ms")
            .map_err(db)?
            .map(count),
        status: u16::try_from(get_i64("status")?).unwrap_or(0),
        error_kind: get_opt_text("error_kind")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(budget: i64) -> KeyRecord {
        KeyRecord {
            id: "key_t".to_owned(),
            name: "t".to_owned(),
            models: Vec::new(),
            rpm: None,
            tpm: None,
            budget: Some(Budget {
                limit: Money(budget),
                period: Period::Daily,
            }),
            period_start: 0,
            spent: Money::ZERO,
            reserved: Money::ZERO,
            expires_at: None,
            metadata: Map::new(),
            created_at: 0,
            revoked_at: None,
        }
    }

    fn row(cost: i64) -> SpendRow {
        SpendRow {
            time_ms: 0,
            key_id: Some("key_t".to_owned()),
            key_name: Some("t".to_owned()),
            alias: "a".to_owned(),
            provider: "p".to_owned(),
            model: "m".to_owned(),
            deployment: "p/m".to_owned(),
            prompt_tokens: 1,
            completion_tokens: 1,
            cached_tokens: 0,
            cost: Money(cost),
            latency_ms: 1,
            ttft_ms: None,
            status: 200,
            error_kind: None,
        }
    }

    #[tokio::test]
    async fn reservations_hold_roll_over_with_the_period_and_are_released_on_restart() {
        let dir = std::env::temp_dir().join(format!("modelrt-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("t.db").display());
        let store = Store::open(&url).await.unwrap();
        store.insert_key(&key(100), "hash").await.unwrap();

        assert!(store.reserve("key_t", 1000, Money(60)).await.unwrap());
        assert!(!store.reserve("key_t", 1000, Money(41)).await.unwrap());
        store
            .settle(Some("key_t"), Money(60), &row(30))
            .await
            .unwrap();
        assert!(store.reserve("key_t", 1000, Money(70)).await.unwrap());
        store
            .settle(Some("key_t"), Money(70), &row(70))
            .await
            .unwrap();
        // Used up: even a free request is refused until the period turns.
        assert!(!store.reserve("key_t", 1000, Money::ZERO).await.unwrap());
        assert!(store.reserve("key_t", 2000, Money(90)).await.unwrap());
        let stored = store.key("key_t").await.unwrap().unwrap();
        assert_eq!(
            (stored.spent, stored.reserved, stored.period_start),
            (Money::ZERO, Money(90), 2000)
        );

        // A restart of the single instance owning the file releases what it left reserved.
        drop(store);
        let store = Store::open(&url).await.unwrap();
        assert_eq!(
            store.key("key_t").await.unwrap().unwrap().reserved,
            Money::ZERO
        );
        assert_eq!(
            store.key_by_hash("hash").await.unwrap().unwrap().id,
            "key_t"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
