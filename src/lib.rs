//! modelrt: a typed Rust SDK for AI model providers, generated from provider YAML.

pub use modelrt_macros::provider;
pub use modelrt_runtime as runtime;
