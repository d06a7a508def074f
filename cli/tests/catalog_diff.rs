//! `modelrt catalog diff` on small files in LiteLLM's and models.dev's formats, against the
//! bundled catalog (groq's llama-3.1-8b-instant, retired and unpriced, x's grok-4.20-0309-reasoning,
//! deepseek's deepseek-v4-pro priced in RMB).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    path.to_string_lossy().into_owned()
}

fn modelrt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelrt"))
        .args(args)
        .output()
        .expect("run modelrt")
}

fn json_of(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn difference(provider: &str, model: &str, field: &str, ours: &str, theirs: &str) -> Value {
    json!({"provider": provider, "model": model, "field": field, "ours": ours, "theirs": theirs})
}

#[test]
fn litellm_per_token_prices_are_compared_per_million_and_only_in_usd() {
    let file = fixture("litellm_prices.json");
    let report = json_of(&modelrt(&["catalog", "diff", "--against", &file, "--json"]));
    assert_eq!(report["format"], "LiteLLM");
    assert_eq!(report["compared"], 3);
    assert_eq!(
        report["differences"],
        json!([
            difference("groq", "llama-3.1-8b-instant", "input price", "-", "0.05"),
            difference("groq", "llama-3.1-8b-instant", "output price", "-", "0.08"),
            difference(
                "groq",
                "llama-3.1-8b-instant",
                "context size",
                "131072",
                "128000"
            ),
            difference("x", "grok-4.20-0309-reasoning", "output price", "2.5", "15"),
        ])
    );
}

#[test]
fn models_dev_prices_context_and_features_for_one_provider() {
    let file = fixture("models_dev_api.json");
    let args = [
        "catalog",
        "diff",
        "--against",
        &file,
        "--provider",
        "groq",
        "--json",
    ];
    let report = json_of(&modelrt(&args));
    assert_eq!(report["format"], "models.dev");
    assert_eq!(report["compared"], 1);
    assert_eq!(
        report["differences"],
        json!([
            difference("groq", "llama-3.1-8b-instant", "input price", "-", "0.05"),
            difference("groq", "llama-3.1-8b-instant", "output price", "-", "0.1"),
            difference("groq", "llama-3.1-8b-instant", "vision", "false", "true"),
        ])
    );
}

#[test]
fn the_text_report_is_a_table_and_a_summary() {
    let file = fixture("models_dev_api.json");
    let out = modelrt(&["catalog", "diff", "--against", &file, "--provider", "x"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("PROVIDER"), "{text}");
    assert!(lines[1].contains("grok-4.20-0309-reasoning") && lines[1].contains("vision"));
    assert!(
        lines[2].starts_with("1 of our models found in ") && lines[2].ends_with("difference(s)"),
        "{text}"
    );
}

#[test]
fn an_unreadable_or_foreign_file_is_one_error_line() {
    let out = modelrt(&["catalog", "diff", "--against", "/nonexistent/prices.json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read /nonexistent/prices.json"),
        "{stderr}"
    );

    let file = fixture("../../Cargo.toml");
    let out = modelrt(&["catalog", "diff", "--against", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not JSON"));
}
