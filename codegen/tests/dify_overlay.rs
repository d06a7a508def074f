//! The Dify protocol overlay on a tree in Dify's core shape, with no `extra.modelrt` anywhere.

use std::path::Path;

use modelrt_codegen::ir::{FormType, Provider};
use modelrt_codegen::{load, LoadOptions, Loaded, Severity};

fn loaded() -> Loaded {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dify_overlay");
    load(&root, &LoadOptions::default())
}

fn provider<'a>(loaded: &'a Loaded, id: &str) -> &'a Provider {
    let found = loaded.catalog.providers.iter().find(|p| p.id == id);
    found.unwrap_or_else(|| panic!("no provider `{id}`"))
}

fn settings(p: &Provider) -> Vec<String> {
    let pairs = p.extra_modelrt.iter();
    pairs.map(|(k, v)| format!("{k}={v}")).collect()
}

#[test]
fn a_dify_provider_without_extra_becomes_callable_through_the_overlay() {
    let loaded = loaded();
    assert_eq!(
        settings(provider(&loaded, "yi")),
        [
            "api_key_variable=api_key",
            "base_url=https://api.lingyiwanwu.com/v1",
            "base_url_variable=endpoint_url",
            "overlay=dify",
            "protocol=openai-compatible",
        ]
    );
}

#[test]
fn the_diagnostics_are_a_missing_overlay_variable_and_a_provider_left_catalog_only() {
    let loaded = loaded();
    let got: Vec<_> = loaded
        .diagnostics
        .items
        .iter()
        .map(|d| {
            (
                d.severity,
                d.file.as_str(),
                d.key.as_str(),
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                Severity::Warning,
                "in_house/in_house.yaml",
                "",
                "provider `in_house` is catalog-only (no `extra.modelrt.protocol` and no Rust \
                 beside its YAML): listed and typed, but not callable"
            ),
            (
                Severity::Warning,
                "tongyi/tongyi.yaml",
                "provider_credential_schema",
                "the Dify overlay's `api_key_variable` for `tongyi` names `dashscope_api_key` or \
                 `tongyi_api_key`, which neither credential form declares"
            )
        ]
    );
    // The form the overlay does not name keeps its widget.
    let tongyi = provider(&loaded, "tongyi");
    assert_eq!(
        tongyi.provider_credentials[0].form_type,
        FormType::TextInput
    );
}

#[test]
fn a_provider_the_overlay_does_not_know_is_left_alone() {
    let loaded = loaded();
    assert!(settings(provider(&loaded, "in_house")).is_empty());
    let oci = settings(provider(&loaded, "oci"));
    assert!(oci.contains(&"protocol=oci".to_owned()), "{oci:?}");
}

#[test]
fn spark_is_called_through_its_websocket_protocol() {
    let loaded = loaded();
    assert_eq!(
        settings(provider(&loaded, "spark")),
        [
            "api_key_variable=api_key",
            "base_url=https://spark-api.xf-yun.com",
            "overlay=dify",
            "protocol=spark",
        ]
    );
}
