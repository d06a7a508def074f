//! modelrt: a typed Rust SDK for AI model providers, generated from provider YAML.
//!
//! Every provider under `providers/` (or the tree named by `MODELRT_PROVIDERS_DIR` at build
//! time) becomes a module [`providers`]`::<id>`, re-exported at the crate root, with its catalog
//! row, typed credentials, model enums and parameter structs. [`registry`] lists them all for
//! dynamic use.

#![warn(missing_docs)]

pub use modelrt_macros::provider;
pub use modelrt_runtime as runtime;

pub mod registry;
mod support;

include!(concat!(env!("OUT_DIR"), "/modelrt_generated.rs"));
