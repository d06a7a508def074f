//! modelrt-runtime: everything modelrt needs at run time, and nothing about YAML.
//!
//! Generated code (from provider YAML) fills the [`catalog`] tables; this crate validates
//! credentials and parameters against them, prices usage, and speaks the providers' protocols.

pub mod catalog;
pub mod credentials;
pub mod params;
pub mod pricing;
pub mod secret;

pub use rust_decimal::Decimal;
