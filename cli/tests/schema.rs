//! `modelrt schema`: JSON Schema of credential forms for a settings UI.

mod common;

use common::Cli;
use serde_json::json;

#[test]
fn provider_form_marks_secrets_write_only() {
    let run = Cli::new("schema_openai").run(&["schema", "openai"]);
    run.expect_code(0);
    let schema = run.json();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["type"], "object");
    let key = &schema["properties"]["openai_api_key"];
    assert_eq!(key["type"], "string");
    assert_eq!(key["writeOnly"], true);
    assert_eq!(key["title"], "API Key");
    assert!(schema["properties"]["openai_organization"]
        .get("writeOnly")
        .is_none());
    assert_eq!(schema["required"], json!(["openai_api_key"]));
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn customizable_models_get_one_form_per_model_type() {
    let run = Cli::new("schema_compatible").run(&["schema", "openai_api_compatible"]);
    run.expect_code(0);
    let schema = run.json();
    let llm = &schema["$defs"]["model_credentials_llm"];
    assert_eq!(llm["type"], "object");
    let properties = llm["properties"].as_object().unwrap();
    // The model name comes first and is required; form order is kept in x-field-order.
    assert_eq!(llm["x-field-order"][0], "model");
    assert_eq!(llm["x-field-order"][1], "display_name");
    assert_eq!(properties["model"]["type"], "string");
    assert_eq!(llm["required"][0], "model");
    assert!(llm["required"]
        .as_array()
        .unwrap()
        .contains(&json!("endpoint_url")));
    assert_eq!(properties["mode"]["enum"], json!(["completion", "chat"]));
    assert_eq!(properties["mode"]["default"], "chat");
    assert_eq!(properties["context_size"]["default"], "4096");
    assert_eq!(properties["api_key"]["writeOnly"], true);
    // `__model_type` conditions are resolved: no `mode` for embeddings.
    let embedding = &schema["$defs"]["model_credentials_text-embedding"];
    assert!(embedding["properties"].get("mode").is_none(), "{embedding}");
    assert!(embedding["properties"].get("context_size").is_some());
    assert!(!run.stdout.contains("__model_type"));
}

#[test]
fn unknown_provider_exits_one() {
    let run = Cli::new("schema_unknown").run(&["schema", "openia"]);
    run.expect_code(1);
    assert!(
        run.stderr.starts_with("error: provider not found"),
        "{}",
        run.all()
    );
}
