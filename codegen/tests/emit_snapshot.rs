//! The generated code for a small fixture tree on disk, loaded by the loader: two providers,
//! one customizable with `__model_type` conditions, a deprecated model, select/switch
//! credentials, parameters with options, a model id starting with a digit, and a model named
//! like a type its markers module imports (`yes`).

use std::path::PathBuf;

use modelrt_codegen::emit::EmitOptions;
use modelrt_codegen::{emit, load, LoadOptions};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/emit_small")
}

fn generate() -> String {
    let loaded = load(&fixture(), &LoadOptions { strict: false });
    assert!(
        !loaded.diagnostics.has_errors(),
        "fixture must load cleanly:\n{}",
        loaded.diagnostics.render()
    );
    emit(&loaded.catalog, &EmitOptions::default())
        .expect("fixture emits")
        .to_source()
}

#[test]
fn generated_code_of_the_small_tree() {
    insta::assert_snapshot!("emit_small", generate());
}

#[test]
fn output_is_deterministic() {
    assert_eq!(generate(), generate());
}

#[test]
fn generated_code_names_no_absolute_path() {
    let root = fixture();
    let code = generate();
    assert!(!code.contains(root.to_string_lossy().as_ref()));
}
