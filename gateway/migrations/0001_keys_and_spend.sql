-- Virtual keys and the spend log. Portable SQL: the same file migrates SQLite and PostgreSQL.
-- Money is BIGINT in 10^-7 currency units (exact; see src/governance/money.rs); times are
-- BIGINT Unix milliseconds.

CREATE TABLE virtual_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    models TEXT NOT NULL,
    rpm BIGINT,
    tpm BIGINT,
    budget_limit BIGINT,
    budget_period TEXT,
    period_start BIGINT NOT NULL,
    spent BIGINT NOT NULL,
    reserved BIGINT NOT NULL,
    expires_at BIGINT,
    metadata TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE spend_log (
    id TEXT PRIMARY KEY,
    time_ms BIGINT NOT NULL,
    day TEXT NOT NULL,
    key_id TEXT,
    key_name TEXT,
    alias TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    deployment TEXT NOT NULL,
    prompt_tokens BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    cached_tokens BIGINT NOT NULL,
    cost BIGINT NOT NULL,
    latency_ms BIGINT NOT NULL,
    ttft_ms BIGINT,
    status BIGINT NOT NULL,
    error_kind TEXT
);

CREATE INDEX spend_log_time ON spend_log (time_ms);
CREATE INDEX spend_log_key ON spend_log (key_id, time_ms);
