//! `providers`, `models`, `tokens` and `schema`: offline subcommands, their tables, JSON shapes
//! and exit codes.

mod common;

use common::Cli;
use modelrt::registry::PROVIDERS;
use serde_json::Value;

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[test]
fn providers_table_lists_every_compiled_in_provider() {
    let run = Cli::new("providers_table").run(&["providers"]);
    run.expect_code(0);
    let mut lines = run.stdout.lines();
    let header = lines.next().unwrap();
    for column in ["ID", "LABEL", "MODEL TYPES", "CONFIGURATION"] {
        assert!(header.contains(column), "{header}");
    }
    let ids: Vec<&str> = lines
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let expected: Vec<&str> = PROVIDERS.iter().map(|p| p.id).collect();
    assert_eq!(ids, expected);
    assert!(run.stdout.contains("customizable-model, fetch-from-remote"));
}

#[test]
fn providers_json_is_an_array_of_objects() {
    let run = Cli::new("providers_json").run(&["providers", "--json"]);
    run.expect_code(0);
    let list = run.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), PROVIDERS.len());
    let compatible = list
        .iter()
        .find(|p| p["provider"] == "openai_api_compatible")
        .unwrap();
    assert_eq!(compatible["protocol"], "openai-compatible");
    assert_eq!(compatible["callable_via"], "yaml");
    assert_eq!(compatible["catalog_only_reason"], Value::Null);
    let callable = list.iter().filter(|p| p["callable"] == true).count();
    assert!(callable >= 30, "{callable} callable providers");
    assert_eq!(
        compatible["configurate_methods"],
        serde_json::json!(["customizable-model", "fetch-from-remote"])
    );
    assert!(compatible["model_credentials"]
        .as_array()
        .unwrap()
        .contains(&Value::from("endpoint_url")));
}

#[test]
fn models_json_has_the_documented_shape_and_declared_prices() {
    let run = Cli::new("models_json").run(&["models", "--json", "--all"]);
    run.expect_code(0);
    let list = run.json();
    let list = list.as_array().unwrap();
    let total: usize = PROVIDERS.iter().map(|p| p.models.len()).sum();
    assert_eq!(list.len(), total);
    let mut priced = 0;
    for entry in list {
        assert_eq!(
            keys(entry),
            [
                "context_size",
                "deprecated",
                "features",
                "label",
                "model",
                "model_type",
                "pricing",
                "provider"
            ],
            "{entry}"
        );
        let provider = modelrt::registry::provider(entry["provider"].as_str().unwrap()).unwrap();
        let model = provider
            .models
            .iter()
            .find(|m| m.id == entry["model"] && m.model_type.as_str() == entry["model_type"])
            .unwrap();
        match &model.pricing {
            Some(p) => {
                priced += 1;
                assert_eq!(
                    keys(&entry["pricing"]),
                    ["currency", "input", "output", "unit"]
                );
                // Exactly the declared text: "2.00" stays "2.00", never 2 or 2.0.
                assert_eq!(entry["pricing"]["input"], p.input.declared, "{entry}");
                assert_eq!(
                    entry["pricing"]["output"],
                    p.output.map_or(Value::Null, |o| o.declared.into())
                );
                assert_eq!(entry["pricing"]["unit"], p.unit.declared);
                assert_eq!(entry["pricing"]["currency"], p.currency);
            }
            None => assert!(entry["pricing"].is_null()),
        }
    }
    assert!(priced > 0);
    let flash = list
        .iter()
        .find(|m| m["provider"] == "deepseek" && m["model"] == "deepseek-flash")
        .unwrap();
    assert_eq!(flash["pricing"]["input"], "2.00");
    assert_eq!(flash["pricing"]["unit"], "0.000001");
    assert_eq!(flash["pricing"]["currency"], "RMB");
}

#[test]
fn deprecated_models_are_hidden_unless_all() {
    let cli = Cli::new("models_deprecated");
    let shown = cli.run(&["models", "--provider", "deepseek", "--json"]);
    let ids: Vec<Value> = shown
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].clone())
        .collect();
    assert!(!ids.contains(&Value::from("deepseek-v4-flash")), "{ids:?}");
    assert!(ids.contains(&Value::from("deepseek-flash")));
    let all = cli.run(&["models", "--provider", "deepseek", "--all"]);
    all.expect_code(0);
    let line = all
        .stdout
        .lines()
        .find(|l| l.starts_with("deepseek-v4-flash "))
        .unwrap_or_else(|| panic!("{}", all.stdout));
    assert!(line.trim_end().ends_with("yes"), "{line}");
    let table = cli.run(&["models", "--provider", "deepseek"]);
    assert!(!table.stdout.contains("deepseek-v4-flash "));
}

#[test]
fn models_table_prices_per_million_tokens() {
    let run = Cli::new("models_table").run(&["models", "--provider", "deepseek", "--type", "llm"]);
    run.expect_code(0);
    let header = run.stdout.lines().next().unwrap();
    for column in [
        "MODEL",
        "LABEL",
        "TYPE",
        "CONTEXT",
        "INPUT /1M",
        "OUTPUT /1M",
        "FEATURES",
        "DEPRECATED",
    ] {
        assert!(header.contains(column), "{header}");
    }
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("deepseek-flash "))
        .unwrap();
    assert!(line.contains("2 RMB") && line.contains("8 RMB"), "{line}");
    assert!(line.contains("1000000"), "{line}");
}

#[test]
fn models_filter_by_type() {
    let run = Cli::new("models_type").run(&["models", "--type", "rerank", "--json"]);
    run.expect_code(0);
    let list = run.json();
    assert!(!list.as_array().unwrap().is_empty());
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["model_type"] == "rerank"));
}

#[test]
fn unknown_provider_exits_one_with_a_suggestion() {
    let run = Cli::new("models_unknown").run(&["models", "--provider", "opneai"]);
    run.expect_code(1);
    assert_eq!(
        run.stderr.trim_end(),
        "error: provider not found: no provider `opneai` is compiled into this build; did you mean `openai`?"
    );
    let json = Cli::new("models_unknown_json").run(&["models", "--provider", "opneai", "--json"]);
    json.expect_code(1);
    assert_eq!(json.json()["error"]["kind"], "provider_not_found");
}

#[test]
fn usage_errors_exit_two() {
    let cli = Cli::new("usage_errors");
    for args in [
        &["models", "--type", "chat"][..],
        &["chat"],
        &["chat", "no-slash", "hi"],
        &["chat", "openai/gpt-4o", "hi", "--param", "novalue"],
        &["credentials"],
        &["schema"],
        &["tts", "openai/tts-1", "hi"],
    ] {
        let run = cli.run(args);
        assert_eq!(run.code, Some(2), "{args:?}\n{}", run.all());
    }
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    let cli = Cli::new("help");
    for command in [
        "check",
        "providers",
        "models",
        "chat",
        "embed",
        "rerank",
        "tts",
        "transcribe",
        "moderate",
        "tokens",
        "schema",
    ] {
        let run = cli.run(&[command, "--help"]);
        run.expect_code(0);
        assert!(run.stdout.contains("Example"), "{command}: {}", run.stdout);
    }
    let run = cli.run(&["credentials", "validate", "--help"]);
    assert!(run.stdout.contains("Examples:"), "{}", run.stdout);
    let top = cli.run(&["--help"]);
    assert!(top
        .stdout
        .contains("MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL"));
}

#[test]
fn tokens_are_counted_offline() {
    let cli = Cli::new("tokens");
    // 3 per reply + (3 per message + "user" + "hello world").
    let run = cli.run(&["tokens", "openai/gpt-6-luna", "hello world"]);
    run.expect_code(0);
    assert!(
        run.stdout.starts_with("9 tokens; as input: cost "),
        "{}",
        run.all()
    );
    let json = cli.run(&[
        "tokens",
        "deepseek/deepseek-flash",
        "--json",
        "--system",
        "be brief",
    ]);
    // The prompt is missing on the command line and stdin is empty.
    json.expect_code(1);
    let json = cli.run_with_stdin(
        &["tokens", "deepseek/deepseek-flash", "--json"],
        Some("hello world"),
    );
    json.expect_code(0);
    let value = json.json();
    assert_eq!(value["tokens"], 9);
    // 9 tokens × 2.00 RMB per million.
    assert_eq!(value["input_cost"]["total"], "0.0000180");
    assert_eq!(value["input_cost"]["currency"], "RMB");
    let unknown = cli.run(&["tokens", "deepseek/deepseek-flsh", "x"]);
    // DeepSeek lists remote models, so any name counts, with a note about the likely typo.
    unknown.expect_code(0);
    assert!(
        unknown.stderr.contains("did you mean `deepseek-flash`?"),
        "{}",
        unknown.all()
    );
}
