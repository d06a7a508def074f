//! The three entry points that validate a provider tree, `modelrt check`, `build.rs` and
//! `include_providers!`, report the same diagnostics on every broken fixture, with and without
//! strict mode. `include_providers!` is a proc macro, so its path is taken through the
//! library functions its expansion calls (load, `build::lines`, `build::generate`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use modelrt_codegen::build::{diagnostic_line, generate, lines, run_with, BuildConfig};
use modelrt_codegen::emit::emit_tokens;
use modelrt_codegen::{load, Diagnostic, LoadOptions, Severity};

fn broken_trees() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures/broken");
    let root = root.canonicalize().expect("fixtures exist");
    let mut trees: Vec<PathBuf> = fs::read_dir(&root)
        .expect("fixtures/broken is a folder")
        .map(|e| e.expect("readable entry").path().join("tree"))
        .collect();
    trees.sort();
    trees
}

/// `modelrt check --format json`, each diagnostic as `severity: line`.
fn check(tree: &Path, strict: bool) -> Vec<String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modelrt"));
    command.arg("check").arg("--format").arg("json").arg(tree);
    if strict {
        command.arg("--strict");
    }
    let out = command
        .env_remove("MODELRT_STRICT")
        .output()
        .expect("run modelrt");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let diagnostics = report["diagnostics"]
        .as_array()
        .expect("a diagnostics list");
    let mut got: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let text = |key: &str| d[key].as_str().expect("a string").to_owned();
            let number = |key: &str| d[key].as_u64().expect("a number") as u32;
            let severity = match d["severity"].as_str() {
                Some("error") => Severity::Error,
                _ => Severity::Warning,
            };
            let diagnostic = Diagnostic {
                severity,
                file: text("file"),
                line: number("line"),
                column: number("column"),
                key: text("key"),
                message: text("message"),
            };
            format!(
                "{}: {}",
                severity.as_str(),
                diagnostic_line(tree, &diagnostic)
            )
        })
        .collect();
    got.sort();
    got
}

/// `build.rs`: its `cargo::error=` and `cargo::warning=` lines.
fn build(tree: &Path, strict: bool, out_dir: &Path) -> Vec<String> {
    let config = BuildConfig {
        manifest_dir: tree.to_path_buf(),
        out_dir: out_dir.to_path_buf(),
        providers_dir: Some(tree.to_path_buf()),
        strict,
    };
    let mut out = Vec::new();
    run_with(&config, &mut out).expect("writes to a buffer");
    let mut got: Vec<String> = String::from_utf8(out)
        .expect("UTF-8 instructions")
        .lines()
        .filter_map(|line| {
            let (severity, rest) = line.strip_prefix("cargo::")?.split_once('=')?;
            matches!(severity, "error" | "warning").then(|| format!("{severity}: {rest}"))
        })
        .collect();
    got.sort();
    got
}

/// `include_providers!`: the warnings it prints and the errors it turns into compile errors.
fn include(tree: &Path, strict: bool) -> Vec<String> {
    let loaded = load(tree, &LoadOptions { strict });
    let mut got: Vec<String> = lines(tree, &loaded, Severity::Warning)
        .into_iter()
        .map(|line| format!("warning: {line}"))
        .collect();
    if let Err(errors) = generate(tree, &loaded, tree.display().to_string(), emit_tokens) {
        got.extend(errors.into_iter().map(|line| format!("error: {line}")));
    }
    got.sort();
    got
}

#[test]
fn check_build_and_include_providers_agree_on_every_broken_fixture() {
    let out_dir = std::env::temp_dir().join(format!("modelrt-entry-points-{}", std::process::id()));
    fs::create_dir_all(&out_dir).expect("a temporary folder");
    let trees = broken_trees();
    assert!(trees.len() >= 50, "only {} broken fixtures", trees.len());
    let mut disagreements = Vec::new();
    for tree in &trees {
        for strict in [false, true] {
            let checked = check(tree, strict);
            assert!(!checked.is_empty(), "{} reports nothing", tree.display());
            for (entry, got) in [
                ("build.rs", build(tree, strict, &out_dir)),
                ("include_providers!", include(tree, strict)),
            ] {
                if got != checked {
                    disagreements.push(format!(
                        "== {} (strict: {strict})\n-- modelrt check\n{}\n-- {entry}\n{}",
                        tree.display(),
                        checked.join("\n"),
                        got.join("\n")
                    ));
                }
            }
            if strict {
                assert!(checked.iter().all(|line| line.starts_with("error: ")));
            }
        }
    }
    let _ = fs::remove_dir_all(&out_dir);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
