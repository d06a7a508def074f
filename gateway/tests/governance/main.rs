//! Governance against a mock upstream: virtual keys through the admin API, budgets that hold
//! under concurrency, rate limits, the spend log, and two instances sharing PostgreSQL and
//! Redis (run by `scripts/with-services.sh`); the web console's endpoints.

mod admin;
mod budget;
mod console;
mod services;
mod support;
