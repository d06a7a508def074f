//! The build-script body run directly with a captured writer: a broken tree fails with
//! `cargo::error=file:line:column: ...` lines (no panic, nothing written), a good tree writes the
//! generated file once and leaves it alone when nothing changed.

use std::fs;
use std::path::{Path, PathBuf};

use modelrt_codegen::build::{run_with, BuildConfig, Outcome, GENERATED_FILE};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("modelrt-emit-build-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().expect("has parent")).expect("create dirs");
        fs::write(path, text).expect("write file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/emit_small")
}

fn config(tree: &Path, out_dir: &Path, strict: bool) -> BuildConfig {
    BuildConfig {
        manifest_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        out_dir: out_dir.to_owned(),
        providers_dir: Some(tree.to_owned()),
        strict,
    }
}

fn run(config: &BuildConfig) -> (Outcome, String) {
    let mut out = Vec::new();
    let outcome = run_with(config, &mut out).expect("writing to a Vec cannot fail");
    (
        outcome,
        String::from_utf8(out).expect("instructions are UTF-8"),
    )
}

const PROVIDER: &str = "\
provider: acme
label:
  en_US: Acme
supported_model_types:
  - llm
configurate_methods:
  - predefined-model
provider_credential_schema:
  credential_form_schemas:
    - variable: api_key
      label:
        en_US: API Key
      type: secret-inptu
";

const MODEL: &str = "\
model: a
model_type: llm
model_properties:
  mode: chat
  context_size: lots
depraceted: true
";

#[test]
fn broken_tree_fails_with_located_cargo_errors() {
    let tree = TempDir::new("broken");
    tree.write("acme/acme.yaml", PROVIDER);
    tree.write("acme/llm/a.yaml", MODEL);
    let out_dir = TempDir::new("broken-out");
    let (outcome, text) = run(&config(&tree.0, &out_dir.0, false));

    assert_eq!(outcome, Outcome::Failed { errors: 2 }, "{text}");
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("cargo::error="))
        .collect();
    let provider_file = tree.0.join("acme/acme.yaml");
    let model_file = tree.0.join("acme/llm/a.yaml");
    assert!(
        errors.iter().any(|l| l
            .starts_with(&format!("cargo::error={}:13:13: ", provider_file.display()))
            && l.contains("secret-inptu")),
        "{text}"
    );
    assert!(
        errors.iter().any(|l| l
            .starts_with(&format!("cargo::error={}:5:17: ", model_file.display()))
            && l.contains("context_size")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("cargo::warning=") && l.contains("depraceted")),
        "a typo'd key is a warning: {text}"
    );
    assert!(
        !out_dir.0.join(GENERATED_FILE).exists(),
        "nothing is written on errors"
    );
}

#[test]
fn strict_mode_turns_warnings_and_catalog_only_providers_into_errors() {
    let out_dir = TempDir::new("strict-out");
    let (outcome, text) = run(&config(&fixture(), &out_dir.0, true));
    assert_eq!(outcome, Outcome::Failed { errors: 1 }, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("cargo::error=") && l.contains("`selfhost` is catalog-only")),
        "{text}"
    );

    let (outcome, text) = run(&config(&fixture(), &out_dir.0, false));
    assert!(matches!(outcome, Outcome::Generated { .. }), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("cargo::warning=") && l.contains("`selfhost` is catalog-only")),
        "{text}"
    );
}

#[test]
fn good_tree_is_written_once_with_rerun_instructions() {
    let out_dir = TempDir::new("good-out");
    let config = config(&fixture(), &out_dir.0, false);
    let (outcome, text) = run(&config);
    let path = out_dir.0.join(GENERATED_FILE);
    assert_eq!(
        outcome,
        Outcome::Generated {
            path: path.clone(),
            changed: true
        }
    );
    let lines: Vec<&str> = text.lines().collect();
    for expected in [
        "cargo::rerun-if-env-changed=MODELRT_PROVIDERS_DIR".to_owned(),
        "cargo::rerun-if-env-changed=MODELRT_STRICT".to_owned(),
        format!("cargo::rerun-if-changed={}", fixture().display()),
        format!(
            "cargo::rerun-if-changed={}",
            fixture().join("acme/llm/four-o-mini.yaml").display()
        ),
        format!(
            "cargo::rerun-if-changed={}",
            fixture().join("acme/llm/_position.yaml").display()
        ),
    ] {
        assert!(
            lines.contains(&expected.as_str()),
            "missing {expected}:\n{text}"
        );
    }
    let generated = fs::read_to_string(&path).expect("generated file");
    assert!(generated.starts_with("// @generated from "), "{generated}");
    assert!(generated.contains("pub mod acme"));

    let (outcome, _) = run(&config);
    assert_eq!(
        outcome,
        Outcome::Generated {
            path,
            changed: false
        }
    );
}

#[test]
fn a_missing_override_directory_is_an_error() {
    let out_dir = TempDir::new("missing-out");
    let missing = out_dir.0.join("no-such-tree");
    let (outcome, text) = run(&config(&missing, &out_dir.0, false));
    assert_eq!(outcome, Outcome::Failed { errors: 1 });
    assert!(
        text.contains("cargo::error=MODELRT_PROVIDERS_DIR points at"),
        "{text}"
    );
}

/// The one `cargo::error=` line of a failed run.
fn single_error(outcome: Outcome, text: &str) -> String {
    assert_eq!(outcome, Outcome::Failed { errors: 1 }, "{text}");
    let errors: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("cargo::error="))
        .collect();
    assert_eq!(errors.len(), 1, "{text}");
    errors[0].to_owned()
}

#[test]
fn a_missing_default_providers_directory_is_an_error_naming_it() {
    let crate_root = TempDir::new("no-providers");
    let out_dir = TempDir::new("no-providers-out");
    let config = BuildConfig {
        manifest_dir: crate_root.0.clone(),
        out_dir: out_dir.0.clone(),
        providers_dir: None,
        strict: false,
    };
    let (outcome, text) = run(&config);
    let error = single_error(outcome, &text);
    let path = crate_root.0.join("providers");
    assert!(
        error.contains(&format!("`{}` cannot be read", path.display())),
        "{error}"
    );
    assert!(error.contains("MODELRT_PROVIDERS_DIR"), "{error}");
    assert!(!out_dir.0.join(GENERATED_FILE).exists());
}

#[test]
fn an_empty_tree_named_on_purpose_builds_an_sdk_without_providers() {
    let tree = TempDir::new("empty-tree");
    let out_dir = TempDir::new("empty-tree-out");
    let (outcome, text) = run(&config(&tree.0, &out_dir.0, false));
    assert!(matches!(outcome, Outcome::Generated { .. }), "{text}");
    assert!(!text.contains("cargo::error="), "{text}");
}

#[test]
fn an_unwritable_generated_file_fails_the_build_naming_its_path() {
    let out_dir = TempDir::new("unwritable-out");
    // A folder where the generated file goes: neither readable as the old file nor writable
    // (permissions cannot stand in here, since tests may run as root).
    let path = out_dir.0.join(GENERATED_FILE);
    fs::create_dir_all(path.join("stale")).expect("create dir");
    let (outcome, text) = run(&config(&fixture(), &out_dir.0, false));
    let error = single_error(outcome, &text);
    assert!(
        error.starts_with(&format!(
            "cannot write the generated file `{}`: ",
            path.display()
        )),
        "{error}"
    );
}

#[test]
fn an_out_dir_that_is_not_a_directory_fails_the_build() {
    let scratch = TempDir::new("file-out");
    scratch.write("out", "a file, not a folder");
    let out_dir = scratch.0.join("out");
    let (outcome, text) = run(&config(&fixture(), &out_dir, false));
    let error = single_error(outcome, &text);
    assert!(
        error.contains(&out_dir.join(GENERATED_FILE).display().to_string()),
        "{error}"
    );
}

#[test]
fn a_tree_root_that_is_a_file_is_an_error_naming_it() {
    let scratch = TempDir::new("file-tree");
    scratch.write("tree", "not a folder");
    let tree = scratch.0.join("tree");
    let (outcome, text) = run(&config(&tree, &scratch.0, false));
    let error = single_error(outcome, &text);
    assert!(
        error.contains(&format!("`{}` is not a directory", tree.display())),
        "{error}"
    );
}
