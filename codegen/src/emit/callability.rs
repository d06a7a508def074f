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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::ir::I18n;

    fn provider(extra: &[(&str, &str)], rust_files: &[&str]) -> Provider {
        Provider {
            id: "p".into(),
            rust_module: "p".into(),
            source: "p/p.yaml".into(),
            dir: PathBuf::from("/tree/p"),
            label: I18n {
                en_us: "P".into(),
                others: vec![],
            },
            description: None,
            icon_small: None,
            icon_large: None,
            background: None,
            help: None,
            supported_model_types: vec![],
            configurate_methods: vec![],
            provider_credentials: vec![],
            model_credential_schema: None,
            models: vec![],
            extra_modelrt: extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            rust_files: rust_files.iter().map(PathBuf::from).collect(),
        }
    }

    #[test]
    fn protocol_wins_then_rust_then_catalog_only() {
        let both = provider(&[("protocol", "openai-compatible")], &["/tree/p/llm.rs"]);
        assert_eq!(
            callability(&both),
            Callability::Protocol("openai-compatible")
        );
        let rust = provider(&[("base_url", "https://x.invalid")], &["/tree/p/llm.rs"]);
        assert_eq!(callability(&rust), Callability::RustImpl);
        let neither = provider(&[("base_url", "https://x.invalid")], &[]);
        assert_eq!(callability(&neither), Callability::CatalogOnly);
    }
}
