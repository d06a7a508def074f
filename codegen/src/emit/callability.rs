//! Whether a provider can be called, decided from what sits beside its YAML.

use crate::ir::Provider;

/// The `extra.modelrt` key naming a wire protocol the runtime implements.
pub const PROTOCOL_KEY: &str = "protocol";

/// How a provider will be callable (mirrors `modelrt_runtime::catalog::Callability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callability<'a> {
    /// `extra.modelrt.protocol` names a protocol (YAML only).
    Protocol(&'a str),
    /// Hand-written Rust files sit beside the YAML.
    RustImpl,
    /// Neither: listed and typed, not callable.
    CatalogOnly,
}

/// Decides callability: a declared protocol wins, then hand-written Rust, else catalog-only.
pub fn callability(provider: &Provider) -> Callability<'_> {
    if let Some((_, protocol)) = provider
        .extra_modelrt
        .iter()
        .find(|(key, _)| key == PROTOCOL_KEY)
    {
        Callability::Protocol(protocol)
    } else if !provider.rust_files.is_empty() {
        Callability::RustImpl
    } else {
        Callability::CatalogOnly
    }
}
