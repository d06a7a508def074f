//! modelrt-runtime: everything modelrt needs at run time, and nothing about YAML.
//!
//! Generated code (from provider YAML) fills the [`catalog`] tables; this crate validates
//! credentials and parameters against them, prices usage, and speaks the providers' protocols.

pub mod capability;
pub mod catalog;
pub mod credential_schema;
pub mod credentials;
pub mod embedding;
pub mod error;
pub mod http;
pub mod llm;
pub mod moderation;
pub mod params;
pub mod pricing;
pub mod protocol;
pub mod protocols;
pub mod rerank;
pub mod rust_impl;
pub mod secret;
pub mod speech2text;
pub mod sse;
pub mod tokens;
pub mod tts;
pub mod usage;

pub use error::{Error, ErrorKind, Result};
pub use rust_decimal::Decimal;
