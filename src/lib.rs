//! modelrt: a typed Rust SDK for AI model providers, generated from provider YAML.
//!
//! Every provider under `providers/` (or the tree named by `MODELRT_PROVIDERS_DIR` at build
//! time) becomes a module [`providers`]`::<id>`, re-exported at the crate root, with its catalog
//! row, typed credentials, model enums and parameter structs. [`registry`] lists them all for
//! dynamic use.

#![warn(missing_docs)]

// Generated code names this crate `::modelrt`, here as in any crate that includes providers.
extern crate self as modelrt;

pub use modelrt_macros::{include_providers, provider};
pub use modelrt_runtime as runtime;

pub mod registry;
pub mod sdk;
mod support;

/// Guides whose code is compiled and run as doc-tests.
#[doc(hidden)]
pub mod docs {
    #[doc = include_str!("../docs/adding-a-provider.md")]
    pub mod adding_a_provider {}
}

/// Items the generated code calls; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::support::*;
    pub use serde_json;
}

include!(concat!(env!("OUT_DIR"), "/modelrt_generated.rs"));
