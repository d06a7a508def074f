//! The calling subcommands against a local mock server: `chat` (streamed and whole), `embed`,
//! `rerank`, and the clear failures of model types the protocol does not implement.

mod common;

use common::{Cli, SECRET};
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header, method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn sse(events: &[Value]) -> String {
    let mut body = String::new();
    for event in events {
        body.push_str(&format!("data: {event}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");
    body
}

fn delta(content: &str) -> Value {
    json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
           "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]})
}

fn stream_body(with_usage: bool) -> String {
    let mut events = vec![
        delta("Hel"),
        delta("lo, "),
        delta("world"),
        json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
               "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
    ];
    if with_usage {
        events.push(
            json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
            "choices": [],
            "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12}}),
        );
    }
    sse(&events)
}

async fn mount_stream(server: &MockServer, with_usage: bool) {
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .and(body_partial_json(json!({"stream": true})))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(stream_body(with_usage)),
        )
        .mount(server)
        .await;
}

/// DeepSeek (a predefined model with prices in RMB) pointed at the mock server.
fn deepseek(test: &str, server: &MockServer) -> Cli {
    Cli::new(test).env("MODELRT_DEEPSEEK_API_KEY", SECRET).env(
        "MODELRT_DEEPSEEK_ENDPOINT_URL",
        &format!("{}/v1", server.uri()),
    )
}

/// The OpenAI-API-compatible provider (customizable models) pointed at the mock server.
fn compatible(test: &str, server: &MockServer) -> Cli {
    Cli::new(test)
        .env("MODELRT_OPENAI_API_COMPATIBLE_API_KEY", SECRET)
        .env(
            "MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL",
            &format!("{}/v1", server.uri()),
        )
}

async fn request_bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_chat_assembles_deltas_and_prints_usage_and_cost() {
    let server = MockServer::builder().start().await;
    mount_stream(&server, true).await;
    let run = deepseek("chat_stream", &server)
        .run_async(&["chat", "deepseek/deepseek-flash", "Say hello"])
        .await;
    run.expect_code(0).expect_no_secret();
    assert_eq!(run.stdout, "Hello, world\n");
    // 10 × 2.00 + 2 × 8.00 RMB per million tokens, rounded to 7 places.
    assert!(
        run.stderr
            .contains("usage: 10 prompt + 2 completion = 12 tokens; cost 0.0000360 RMB"),
        "{}",
        run.all()
    );
    assert!(!run.stderr.contains("estimated"), "{}", run.all());
    let bodies = request_bodies(&server).await;
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["model"], "deepseek-flash");
    assert_eq!(bodies[0]["messages"][0]["content"], "Say hello");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_is_marked_estimated_when_the_server_sends_none() {
    let server = MockServer::builder().start().await;
    mount_stream(&server, false).await;
    let run = compatible("chat_estimated", &server)
        .run_async(&["chat", "openai_api_compatible/my-model", "Say hello"])
        .await;
    run.expect_code(0).expect_no_secret();
    assert_eq!(run.stdout, "Hello, world\n");
    assert!(run.stderr.contains("(estimated"), "{}", run.all());
    assert!(
        run.stderr.contains("cost unknown (no prices declared)"),
        "{}",
        run.all()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_json_stdin_system_and_params() {
    let server = MockServer::builder().start().await;
    mount_stream(&server, true).await;
    let run = deepseek("chat_json", &server)
        .run_async_with_stdin(
            &[
                "chat",
                "deepseek/deepseek-flash",
                "--json",
                "--system",
                "Be brief",
                "--param",
                "max_tokens=32",
            ],
            Some("from stdin\n"),
        )
        .await;
    run.expect_code(0).expect_no_secret();
    let value = run.json();
    let mut keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "content",
            "finish_reason",
            "model",
            "provider",
            "reasoning",
            "response_model",
            "tool_calls",
            "usage"
        ]
    );
    assert_eq!(value["provider"], "deepseek");
    assert_eq!(value["model"], "deepseek-flash");
    assert_eq!(value["content"], "Hello, world");
    assert_eq!(value["finish_reason"], "stop");
    assert_eq!(
        value["usage"],
        json!({"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12,
               "estimated": false,
               "cost": {"input": "0.0000200", "output": "0.0000160", "total": "0.0000360",
                        "currency": "RMB"}})
    );
    let bodies = request_bodies(&server).await;
    let messages = &bodies[0]["messages"];
    assert_eq!(
        messages[0],
        json!({"role": "system", "content": "Be brief"})
    );
    assert_eq!(
        messages[1],
        json!({"role": "user", "content": "from stdin"})
    );
    assert_eq!(bodies[0]["max_tokens"], 32);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_stream_waits_for_the_whole_answer() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "c2", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "Whole answer"}}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
        })))
        .mount(&server)
        .await;
    let run = compatible("chat_whole", &server)
        .run_async(&[
            "chat",
            "openai_api_compatible/my-model",
            "hi",
            "--no-stream",
        ])
        .await;
    run.expect_code(0).expect_no_secret();
    assert_eq!(run.stdout, "Whole answer\n");
    assert!(
        run.stderr
            .contains("usage: 5 prompt + 2 completion = 7 tokens"),
        "{}",
        run.all()
    );
    let bodies = request_bodies(&server).await;
    assert_ne!(bodies[0]["stream"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_params_fail_before_sending() {
    let server = MockServer::builder().start().await;
    mount_stream(&server, true).await;
    let run = deepseek("chat_bad_param", &server)
        .run_async(&[
            "chat",
            "deepseek/deepseek-flash",
            "hi",
            "--param",
            "temperature=\"hot\"",
        ])
        .await;
    run.expect_code(1).expect_no_secret();
    assert!(
        run.stderr
            .starts_with("error: deepseek/deepseek-flash: invalid parameters: `temperature`"),
        "{}",
        run.all()
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.all());
    assert!(request_bodies(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_errors_exit_one_without_the_secret() {
    let server = MockServer::builder().start().await;
    // A server that echoes the key it was given, as some do.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"message": format!("Incorrect API key provided: {SECRET}"),
                      "type": "invalid_request_error", "code": "invalid_api_key"}
        })))
        .mount(&server)
        .await;
    let cli = deepseek("chat_401", &server);
    for args in [
        &["chat", "deepseek/deepseek-flash", "hi"][..],
        &["chat", "deepseek/deepseek-flash", "hi", "--json"],
        &["credentials", "validate", "deepseek"],
        &["credentials", "validate", "deepseek", "--json"],
    ] {
        let run = cli.run_async(args).await;
        run.expect_code(1).expect_no_secret();
        assert!(run.stderr.contains("authorization failed"), "{}", run.all());
    }
    let json = cli
        .run_async(&["chat", "deepseek/deepseek-flash", "hi", "--json"])
        .await;
    assert_eq!(json.json()["error"]["kind"], "authorization");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embed_prints_dimensions_or_json() {
    let server = MockServer::builder().start().await;
    // One vector per input text: [length of the text, 0.5, -0.25]; 2 tokens per text.
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(|request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let texts: Vec<String> = match &body["input"] {
                Value::String(text) => vec![text.clone()],
                Value::Array(items) => items
                    .iter()
                    .map(|t| t.as_str().unwrap_or("").to_owned())
                    .collect(),
                _ => Vec::new(),
            };
            let data: Vec<Value> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    json!({"object": "embedding", "index": i,
                                     "embedding": [t.len() as f64, 0.5, -0.25]})
                })
                .collect();
            let tokens = 2 * texts.len();
            ResponseTemplate::new(200).set_body_json(json!({
                "object": "list", "model": "emb", "data": data,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens}
            }))
        })
        .mount(&server)
        .await;
    let cli = compatible("embed", &server);
    let run = cli
        .run_async(&["embed", "openai_api_compatible/emb", "first", "second"])
        .await;
    run.expect_code(0).expect_no_secret();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "#0  3 dimensions  [5.000000, 0.500000, -0.250000]",
            "#1  3 dimensions  [6.000000, 0.500000, -0.250000]"
        ]
    );
    assert!(run.stderr.contains("usage: 4 tokens"), "{}", run.all());
    let run = cli
        .run_async_with_stdin(
            &["embed", "openai_api_compatible/emb", "--json"],
            Some("first\n\nsecond\n"),
        )
        .await;
    run.expect_code(0);
    let value = run.json();
    // Blank stdin lines are skipped.
    assert_eq!(
        value["embeddings"],
        json!([[5.0, 0.5, -0.25], [6.0, 0.5, -0.25]])
    );
    assert_eq!(value["usage"]["tokens"], 4);
    assert_eq!(value["usage"]["estimated"], false);
    assert_eq!(value["usage"]["cost"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rerank_orders_documents() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/rerank"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "model": "rr",
            "results": [
                {"index": 0, "relevance_score": 0.1},
                {"index": 1, "relevance_score": 0.9}
            ]
        })))
        .mount(&server)
        .await;
    let cli = compatible("rerank", &server);
    let run = cli
        .run_async(&[
            "rerank",
            "openai_api_compatible/rr",
            "--query",
            "capital of France",
            "Berlin is in Germany",
            "Paris is in France",
        ])
        .await;
    run.expect_code(0).expect_no_secret();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "RANK  INDEX  SCORE   DOCUMENT");
    assert_eq!(lines[1], "1     1      0.9000  Paris is in France");
    assert_eq!(lines[2], "2     0      0.1000  Berlin is in Germany");
    let run = cli
        .run_async(&[
            "rerank",
            "openai_api_compatible/rr",
            "-q",
            "capital of France",
            "Berlin is in Germany",
            "Paris is in France",
            "--top-n",
            "1",
            "--json",
        ])
        .await;
    run.expect_code(0);
    assert_eq!(
        run.json()["results"],
        json!([{"index": 1, "score": 0.9, "document": "Paris is in France"}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tts_writes_the_audio_file() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/speech"))
        .and(body_partial_json(
            json!({"voice": "alloy", "input": "hello"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "audio/mpeg")
                .set_body_bytes(b"ID3-fake-audio".to_vec()),
        )
        .mount(&server)
        .await;
    let cli = compatible("tts", &server);
    let out = cli.home().join("hello.mp3");
    let out_text = out.to_str().unwrap();
    let run = cli
        .run_async(&[
            "tts",
            "openai_api_compatible/voice",
            "hello",
            "--voice",
            "alloy",
            "--format",
            "mp3",
            "-o",
            out_text,
        ])
        .await;
    run.expect_code(0).expect_no_secret();
    assert_eq!(run.stdout, format!("wrote 14 bytes to {out_text}\n"));
    assert_eq!(std::fs::read(&out).unwrap(), b"ID3-fake-audio");
    let json_out = cli.home().join("again.mp3");
    let run = cli
        .run_async(&[
            "tts",
            "openai_api_compatible/voice",
            "hello",
            "--voice",
            "alloy",
            "--json",
            "-o",
            json_out.to_str().unwrap(),
        ])
        .await;
    run.expect_code(0);
    assert_eq!(
        run.json(),
        json!({"file": json_out.to_str().unwrap(), "bytes": 14})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_tts_call_leaves_no_file() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"message": "voice not available", "type": "invalid_request_error"}
        })))
        .mount(&server)
        .await;
    let cli = compatible("tts_fail", &server);
    let out = cli.home().join("speech.mp3");
    let run = cli
        .run_async(&[
            "tts",
            "openai_api_compatible/voice",
            "hello",
            "--voice",
            "nobody",
            "--output",
            out.to_str().unwrap(),
        ])
        .await;
    run.expect_code(1).expect_no_secret();
    assert!(run.stderr.contains("bad request"), "{}", run.all());
    let left: Vec<_> = std::fs::read_dir(cli.home())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(!out.exists(), "{left:?}");
    assert!(
        !left
            .iter()
            .any(|name| name.to_string_lossy().contains("speech")),
        "{left:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcribe_prints_the_text() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"text": "hello there"})))
        .mount(&server)
        .await;
    let cli = compatible("transcribe", &server);
    let audio = cli.home().join("clip.wav");
    std::fs::write(&audio, b"RIFF-fake-wave").unwrap();
    let audio = audio.to_str().unwrap();
    let run = cli
        .run_async(&[
            "transcribe",
            "openai_api_compatible/stt",
            audio,
            "--language",
            "en",
        ])
        .await;
    run.expect_code(0).expect_no_secret();
    assert_eq!(run.stdout, "hello there\n");
    let run = cli
        .run_async(&["transcribe", "openai_api_compatible/stt", audio, "--json"])
        .await;
    assert_eq!(
        run.json(),
        json!({"text": "hello there", "language": null, "duration_seconds": null})
    );
    let request = &server.received_requests().await.unwrap()[0];
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains("RIFF-fake-wave"), "{body}");
    assert!(body.contains("filename=\"clip.wav\""), "{body}");
    let run = cli
        .run_async(&[
            "transcribe",
            "openai_api_compatible/stt",
            "/no/such/file.wav",
        ])
        .await;
    run.expect_code(1);
    assert!(
        run.stderr
            .starts_with("error: cannot read /no/such/file.wav"),
        "{}",
        run.all()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderate_reports_the_verdict() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        // The API base is given with /v1 (whether the runtime appends the declared
        // `base_url_variable_suffix` or not, the path ends the same way).
        .and(path_regex("/v1/moderations$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "mod", "model": "omni",
            "results": [{"flagged": true,
                         "categories": {"hate": true, "violence": false},
                         "category_scores": {"hate": 0.9, "violence": 0.01}}]
        })))
        .mount(&server)
        .await;
    let cli = Cli::new("moderate")
        .env("MODELRT_OPENAI_OPENAI_API_KEY", SECRET)
        .env(
            "MODELRT_OPENAI_OPENAI_API_BASE",
            &format!("{}/v1", server.uri()),
        );
    let run = cli
        .run_async(&["moderate", "openai/omni-moderation-latest", "some text"])
        .await;
    // A flagged text is a result, not a failure.
    run.expect_code(0).expect_no_secret();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "flagged: yes");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("hate") && l.contains("yes") && l.contains("0.9000")),
        "{}",
        run.stdout
    );
    let run = cli
        .run_async(&["moderate", "openai/omni-moderation-latest", "--json"])
        .await;
    // No text given and stdin is empty.
    run.expect_code(1);
    let run = cli
        .run_async_with_stdin(
            &["moderate", "openai/omni-moderation-latest", "--json"],
            Some("some text"),
        )
        .await;
    run.expect_code(0);
    let value = run.json();
    assert_eq!(value["flagged"], true);
    let hate = value["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "hate")
        .unwrap();
    assert_eq!(
        hate,
        &json!({"name": "hate", "flagged": true, "score": 0.9})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_types_a_provider_does_not_serve_fail_clearly() {
    let server = MockServer::builder().start().await;
    let run = compatible("unsupported", &server)
        .run_async(&[
            "moderate",
            "openai_api_compatible/mod",
            "some text",
            "--json",
        ])
        .await;
    run.expect_code(1).expect_no_secret();
    assert!(
        run.stderr
            .starts_with("error: openai_api_compatible: unsupported: model type `moderation`"),
        "{}",
        run.all()
    );
    assert_eq!(run.json()["error"]["kind"], "unsupported");
    assert!(request_bodies(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_name_the_variable() {
    let server = MockServer::builder().start().await;
    let cli = Cli::new("missing_endpoint").env("MODELRT_OPENAI_API_COMPATIBLE_API_KEY", SECRET);
    let run = cli
        .run_async(&["chat", "openai_api_compatible/my-model", "hi"])
        .await;
    run.expect_code(1).expect_no_secret();
    let config = cli.credentials_file().display().to_string();
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "error: openai_api_compatible: invalid credentials: `endpoint_url` is required but \
             missing or empty; set MODELRT_OPENAI_API_COMPATIBLE_ENDPOINT_URL, or \
             `endpoint_url = ...` under [openai_api_compatible] in {config}"
        )
    );
    let run = Cli::new("missing_key")
        .env(
            "MODELRT_DEEPSEEK_ENDPOINT_URL",
            &format!("{}/v1", server.uri()),
        )
        .run_async(&["chat", "deepseek/deepseek-flash", "hi"])
        .await;
    run.expect_code(1);
    assert!(
        run.stderr.contains("`api_key` is required"),
        "{}",
        run.all()
    );
    assert!(request_bodies(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_models_are_listed_with_the_provider_credentials() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", format!("Bearer {SECRET}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [{"id": "deepseek-flash", "object": "model", "owned_by": "deepseek"},
                     {"id": "deepseek-next", "object": "model", "owned_by": "deepseek"}]
        })))
        .mount(&server)
        .await;
    let cli = deepseek("remote_models", &server);
    let run = cli
        .run_async(&["models", "--provider", "deepseek", "--remote", "--json"])
        .await;
    run.expect_code(0).expect_no_secret();
    assert_eq!(
        run.json(),
        json!([
            {"provider": "deepseek", "model": "deepseek-flash", "model_type": "llm",
             "owned_by": "deepseek", "predefined": true},
            {"provider": "deepseek", "model": "deepseek-next", "model_type": "llm",
             "owned_by": "deepseek", "predefined": false}
        ])
    );
    let run = cli
        .run_async(&["models", "--provider", "deepseek", "--remote"])
        .await;
    run.expect_code(0);
    assert!(run.stdout.starts_with("MODEL"), "{}", run.all());
    assert!(run.stdout.contains("deepseek-next"), "{}", run.all());
    // --remote needs a provider: a usage error.
    assert_eq!(cli.run_async(&["models", "--remote"]).await.code, Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reasoning_goes_to_stderr_and_the_answer_to_stdout() {
    let server = MockServer::builder().start().await;
    let reasoning = |text: &str| {
        json!({"id": "c3", "object": "chat.completion.chunk", "model": "m",
               "choices": [{"index": 0, "delta": {"reasoning_content": text},
                            "finish_reason": null}]})
    };
    let body = sse(&[
        reasoning("Thinking "),
        reasoning("hard."),
        delta("Answer"),
        json!({"id": "c3", "object": "chat.completion.chunk", "model": "m",
               "choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]}),
    ]);
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(body),
        )
        .mount(&server)
        .await;
    let cli = deepseek("chat_reasoning", &server);
    let run = cli
        .run_async(&["chat", "deepseek/deepseek-flash", "hi"])
        .await;
    run.expect_code(0);
    assert_eq!(run.stdout, "Answer\n");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines[0], "Thinking hard.");
    assert_eq!(lines[1], "finished: length");
    assert!(lines[2].starts_with("usage: "), "{}", run.all());
    let run = cli
        .run_async(&["chat", "deepseek/deepseek-flash", "hi", "--json"])
        .await;
    let value = run.json();
    assert_eq!(value["reasoning"], "Thinking hard.");
    assert_eq!(value["content"], "Answer");
    assert_eq!(value["finish_reason"], "length");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_and_retries_are_honoured() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("overloaded"))
        .mount(&server)
        .await;
    let cli = deepseek("chat_retries", &server);
    let run = cli
        .run_async(&["chat", "deepseek/deepseek-flash", "hi", "--retries", "0"])
        .await;
    run.expect_code(1).expect_no_secret();
    assert!(run.stderr.contains("server unavailable"), "{}", run.all());
    assert_eq!(request_bodies(&server).await.len(), 1);

    let slow = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("late")
                .set_delay(std::time::Duration::from_secs(5)),
        )
        .mount(&slow)
        .await;
    let started = std::time::Instant::now();
    let run = deepseek("chat_timeout", &slow)
        .run_async(&[
            "chat",
            "deepseek/deepseek-flash",
            "hi",
            "--timeout",
            "1",
            "--retries",
            "0",
        ])
        .await;
    run.expect_code(1);
    assert!(run.stderr.contains("timeout"), "{}", run.all());
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    assert_eq!(
        cli.run_async(&["chat", "deepseek/deepseek-flash", "hi", "--timeout", "0"])
            .await
            .code,
        Some(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_stream_keeps_the_partial_answer_and_fails() {
    let server = MockServer::builder().start().await;
    // One delta, then an event that is not JSON.
    let body = format!("data: {}\n\ndata: {{not json\n\n", delta("Hel"));
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(body),
        )
        .mount(&server)
        .await;
    let run = deepseek("chat_cut", &server)
        .run_async(&["chat", "deepseek/deepseek-flash", "hi", "--retries", "0"])
        .await;
    run.expect_code(1).expect_no_secret();
    assert_eq!(run.stdout, "Hel\n");
    assert!(run.stderr.starts_with("error: "), "{}", run.all());
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.all());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_works_through_another_protocol() {
    let server = MockServer::builder().start().await;
    let event = |name: &str, data: Value| format!("event: {name}\ndata: {data}\n\n");
    let body = [
        event(
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg", "type": "message",
                   "role": "assistant", "model": "claude-sonnet-5-5", "content": [],
                   "usage": {"input_tokens": 10, "output_tokens": 0}}}),
        ),
        event(
            "content_block_start",
            json!({"type": "content_block_start", "index": 0,
                   "content_block": {"type": "text", "text": ""}}),
        ),
        event(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "text_delta", "text": "Bon"}}),
        ),
        event(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "text_delta", "text": "jour"}}),
        ),
        event(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        event(
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                   "usage": {"output_tokens": 2}}),
        ),
        event("message_stop", json!({"type": "message_stop"})),
    ]
    .concat();
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", SECRET))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(body),
        )
        .mount(&server)
        .await;
    let run = Cli::new("chat_anthropic")
        .env("MODELRT_ANTHROPIC_ANTHROPIC_API_KEY", SECRET)
        .env("MODELRT_ANTHROPIC_ANTHROPIC_API_URL", &server.uri())
        .run_async(&["chat", "anthropic/claude-sonnet-5-5", "Say hello in French"])
        .await;
    run.expect_code(0).expect_no_secret();
    assert_eq!(run.stdout, "Bonjour\n");
    // 10 × 2 + 2 × 10 USD per million tokens.
    assert!(
        run.stderr
            .contains("usage: 10 prompt + 2 completion = 12 tokens; cost 0.0000400 USD"),
        "{}",
        run.all()
    );
}
