//! Runs the real `modelrt check` binary on the loader's fixture trees.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures")
}

fn modelrt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelrt"))
        .args(args)
        .env_remove("MODELRT_STRICT")
        .output()
        .expect("run modelrt")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn path(rel: &str) -> String {
    fixtures().join(rel).to_string_lossy().into_owned()
}

#[test]
fn warnings_only_exit_zero_with_snippets_and_summary() {
    let out = modelrt(&["check", &path("realistic")]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("warning: `ghost` matches no provider (ignored)"),
        "{text}"
    );
    assert!(text.contains("--> _position.yaml:3:3"), "{text}");
    assert!(text.contains("- ghost"), "{text}");
    assert!(
        text.trim_end()
            .ends_with("3 provider(s), 8 model(s): 0 error(s), 6 warning(s)"),
        "{text}"
    );
}

#[test]
fn strict_flag_and_env_make_warnings_fail() {
    let out = modelrt(&["check", "--strict", &path("realistic")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("6 error(s), 0 warning(s)"));
    let out = Command::new(env!("CARGO_BIN_EXE_modelrt"))
        .args(["check", &path("realistic")])
        .env("MODELRT_STRICT", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn errors_exit_one_and_point_at_the_place() {
    let out = modelrt(&["check", &path("broken/unknown_model_type/tree")]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("error: unknown value `chat`"), "{text}");
    assert!(text.contains("--> p/llm/m-1.yaml:4:13"), "{text}");
    assert!(text.contains("model_type: chat"), "{text}");
}

#[test]
fn json_is_one_object_with_summary_then_diagnostics() {
    let out = modelrt(&[
        "check",
        "--format",
        "json",
        &path("broken/stale_position_entry/tree"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text.trim_end().lines().count(), 1, "{text}");
    assert!(
        text.starts_with(
            r#"{"summary":{"providers":1,"models":1,"errors":0,"warnings":3},"diagnostics":["#
        ),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let first = &json["diagnostics"][0];
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["file"], "p/llm/_position.yaml");
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 3);
    assert_eq!(first["key"], "[1]");
    assert_eq!(first["message"], "`m-1.yaml` matches no model (ignored)");
    let keys: Vec<_> = first.as_object().unwrap().keys().cloned().collect();
    let mut expected = vec!["column", "file", "key", "line", "message", "severity"];
    expected.sort();
    assert_eq!(keys, expected);

    let out = modelrt(&["check", "--format", "json", &path("broken/not_utf8/tree")]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 1);
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(modelrt(&[]).status.code(), Some(2));
    assert_eq!(modelrt(&["check"]).status.code(), Some(2));
    assert_eq!(
        modelrt(&["check", "--format", "xml", &path("realistic")])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(modelrt(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn a_missing_tree_is_an_error_not_a_crash() {
    let out = modelrt(&["check", &path("no-such-tree")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("the tree root is not a readable folder"));
}

#[test]
fn a_dify_overlay_variable_no_form_declares_is_reported() {
    let out = modelrt(&["check", &path("dify_overlay")]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "warning: the Dify overlay's `api_key_variable` for `tongyi` names \
             `dashscope_api_key` or `tongyi_api_key`, which neither credential form declares"
        ),
        "{text}"
    );
    assert!(text.contains("--> tongyi/tongyi.yaml"), "{text}");
    // A provider the overlay has no entry for says so.
    assert!(
        text.contains("provider `in_house` is catalog-only (no `extra.modelrt.protocol`"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("0 error(s), 2 warning(s)"),
        "{text}"
    );
}
