//! modelrt-gateway: an OpenAI-compatible HTTP server over every provider compiled into
//! modelrt (`modelrt serve`).
//!
//! A thin layer over the same registry the SDK uses: requests in OpenAI's shapes are decoded
//! into the runtime's request types, sent through `modelrt::registry::ModelHandle` (which
//! validates credentials and parameters against the provider's YAML), and answered in
//! OpenAI's shapes; streams are passed on chunk by chunk. Models are addressed as
//! `<provider>/<model>`. With a master key, `/ui` serves a web console over the admin API.

mod audio;
mod chat;
mod console;
mod convert;
mod credentials;
mod embeddings;
mod error;
mod governance;
mod handles;
mod ids;
mod models;
mod moderations;
mod observability;
mod rerank;
mod responses;
mod routing;
mod server;

pub use credentials::{CredentialStore, Values};
pub use governance::admin::openapi as admin_openapi;
pub use governance::{Governance, GovernanceConfig};
pub use observability::metrics::{Metrics, Rejection};
#[cfg(feature = "otel")]
pub use observability::otel;
pub use observability::OVERHEAD_HEADER;
pub use routing::{parse as parse_routing, Cooldown, Deployment, RoutingConfig, StorageConfig};
pub use server::{Gateway, Settings, DEFAULT_BODY_LIMIT};
