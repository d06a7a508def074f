//! `modelrt credentials validate` and the credential sources: environment, file, defaults.

mod common;

use common::{Cli, SECRET};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MASKED: &str = "sk-cli************ef";

async fn accepting_server() -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "p", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "finish_reason": "length",
                         "message": {"role": "assistant", "content": "ok"}}]
        })))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_environment_credentials_are_shown_masked_with_their_source() {
    let server = accepting_server().await;
    let cli = Cli::new("validate_env")
        .env("MODELRT_DEEPSEEK_API_KEY", SECRET)
        .env(
            "MODELRT_DEEPSEEK_ENDPOINT_URL",
            &format!("{}/v1", server.uri()),
        );
    let run = cli
        .run_async(&["credentials", "validate", "deepseek"])
        .await;
    run.expect_code(0).expect_no_secret();
    assert!(run.stdout.contains(MASKED), "{}", run.all());
    assert!(
        run.stdout.contains("env MODELRT_DEEPSEEK_API_KEY"),
        "{}",
        run.all()
    );
    assert!(
        run.stdout
            .contains("ok: the provider accepted the credentials"),
        "{}",
        run.all()
    );
    let run = cli
        .run_async(&["credentials", "validate", "deepseek", "--json"])
        .await;
    run.expect_code(0).expect_no_secret();
    let value = run.json();
    assert_eq!(value["valid"], true);
    assert_eq!(value["checked_with_provider"], true);
    assert_eq!(value["model_type"], "llm");
    assert_eq!(value["credentials"]["api_key"], MASKED);
    assert_eq!(value["sources"]["api_key"], "env MODELRT_DEEPSEEK_API_KEY");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customizable_models_read_model_sections_and_defaults() {
    let server = accepting_server().await;
    let cli = Cli::new("validate_file");
    cli.write_credentials(
        &format!(
            "# test\n[openai_api_compatible]\napi_key = {SECRET}\nendpoint_url = http://127.0.0.1:9/v1\n\n\
             [openai_api_compatible/my-model]\nendpoint_url = {}/v1\n",
            server.uri()
        ),
        0o600,
    );
    let run = cli
        .run_async(&[
            "credentials",
            "validate",
            "openai_api_compatible",
            "--type",
            "llm",
            "--model",
            "my-model",
            "--json",
        ])
        .await;
    run.expect_code(0).expect_no_secret();
    assert!(!run.stderr.contains("warning"), "{}", run.all());
    let value = run.json();
    assert_eq!(value["model"], "my-model");
    assert_eq!(value["credentials"]["api_key"], MASKED);
    assert_eq!(value["credentials"]["mode"], "chat");
    assert_eq!(value["sources"]["mode"], "form default");
    let file = cli.credentials_file();
    assert_eq!(
        value["sources"]["endpoint_url"],
        format!("file {} [openai_api_compatible/my-model]", file.display())
    );
    assert_eq!(
        value["sources"]["api_key"],
        format!("file {} [openai_api_compatible]", file.display())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_wins_over_the_file_and_shared_files_are_warned_about() {
    let server = accepting_server().await;
    let cli = Cli::new("validate_env_wins").env(
        "MODELRT_DEEPSEEK_ENDPOINT_URL",
        &format!("{}/v1", server.uri()),
    );
    cli.write_credentials(
        &format!(
            "[deepseek]\napi_key = {SECRET}\nendpoint_url = http://127.0.0.1:9/v1\napi_kye = x\n\
             [openai]\nwhatever = y\n"
        ),
        0o644,
    );
    let run = cli
        .run_async(&["credentials", "validate", "deepseek"])
        .await;
    run.expect_code(0).expect_no_secret();
    assert!(
        run.stderr
            .contains("is accessible by group or others; run `chmod 600"),
        "{}",
        run.all()
    );
    assert!(
        run.stdout.contains("env MODELRT_DEEPSEEK_ENDPOINT_URL"),
        "{}",
        run.all()
    );
}

#[test]
fn form_errors_name_the_field_and_a_model_is_needed_to_call() {
    let cli = Cli::new("validate_form");
    let run = cli.run(&["credentials", "validate", "deepseek"]);
    run.expect_code(1);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "error: deepseek: invalid credentials: `api_key` is required but missing or empty; \
             set MODELRT_DEEPSEEK_API_KEY, or `api_key = ...` under [deepseek] in {}",
            cli.credentials_file().display()
        )
    );
    let cli = Cli::new("validate_select")
        .env(
            "MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL",
            "http://127.0.0.1:9/v1",
        )
        .env("MODELRT_OPENAI_API_COMPATIBLE_MODE", "poem");
    let run = cli.run(&[
        "credentials",
        "validate",
        "openai_api_compatible",
        "--model",
        "m",
        "--type",
        "llm",
        "--offline",
    ]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("`mode` `poem` is not one of: completion, chat"),
        "{}",
        run.all()
    );
    let run = cli.run(&["credentials", "validate", "openai_api_compatible"]);
    run.expect_code(1);
    assert!(run.stderr.contains("pass --model NAME"), "{}", run.all());
    // With --json, stdout is exactly one object: the error.
    let run = cli.run(&["credentials", "validate", "openai_api_compatible", "--json"]);
    run.expect_code(1);
    assert_eq!(run.json()["error"]["kind"], "model_required");
}

#[test]
fn offline_validation_sends_nothing_and_masks() {
    let cli = Cli::new("validate_offline").env("MODELRT_DEEPSEEK_API_KEY", SECRET);
    let run = cli.run(&["credentials", "validate", "deepseek", "--offline", "--json"]);
    run.expect_code(0).expect_no_secret();
    let value = run.json();
    assert_eq!(value["checked_with_provider"], false);
    assert_eq!(value["credentials"]["api_key"], MASKED);
}

#[test]
fn a_malformed_file_names_the_line_not_the_value() {
    let cli = Cli::new("validate_bad_file");
    cli.write_credentials(&format!("[deepseek]\n{SECRET}\n"), 0o600);
    let run = cli.run(&["credentials", "validate", "deepseek"]);
    run.expect_code(1).expect_no_secret();
    assert!(
        run.stderr
            .contains("modelrt/credentials:2: expected `key = value`"),
        "{}",
        run.all()
    );
}
