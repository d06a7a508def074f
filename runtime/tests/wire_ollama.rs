//! Ollama's native API against a mock server: exact requests, documented answers, JSON-lines
//! streams split anywhere (inside UTF-8 characters too) or cut before `done`, batched
//! embeddings, model listing and error mapping.

mod common;
mod protocols_support;

use common::{raw_server, Fixture};
use modelrt_runtime::catalog::{ModelType, ParameterType};
use modelrt_runtime::embedding::EmbeddingRequest;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{
    ContentPart, FinishReason, LlmRequest, Message, ResponseFormat, Tool, ToolCall,
};
use modelrt_runtime::protocol::{LlmProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::{by_name, ollama::OLLAMA};
use protocols_support::{
    accumulate, body, collect, fixture, header, only_request, params, requests,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ollama(base_url: &str, model: &str, texts: &[(&'static str, &str)]) -> Fixture {
    let mut all = vec![("base_url", base_url)];
    all.extend_from_slice(texts);
    fixture(
        "ollama",
        vec![
            ("base_url", "http://localhost:11434"),
            ("base_url_variable", "base_url"),
            ("protocol", "ollama"),
        ],
        model,
        &[],
        &all,
    )
}

const RULES: &[(&str, ParameterType)] = &[
    ("temperature", ParameterType::Float),
    ("top_p", ParameterType::Float),
    ("top_k", ParameterType::Int),
    ("repeat_penalty", ParameterType::Float),
    ("num_predict", ParameterType::Int),
    ("num_ctx", ParameterType::Int),
    ("mirostat", ParameterType::Int),
    ("mirostat_eta", ParameterType::Float),
    ("mirostat_tau", ParameterType::Float),
    ("seed", ParameterType::Int),
    ("keep_alive", ParameterType::String),
    ("format", ParameterType::String),
    ("think", ParameterType::Boolean),
];

fn done_record(content: &str, prompt: u64, output: u64) -> Value {
    json!({
        "model": "llama3.2",
        "created_at": "2023-12-12T14:13:43.416799Z",
        "message": {"role": "assistant", "content": content},
        "done": true,
        "done_reason": "stop",
        "total_duration": 5191566416u64,
        "load_duration": 2154458,
        "prompt_eval_count": prompt,
        "prompt_eval_duration": 383809000,
        "eval_count": output,
        "eval_duration": 4799921000u64
    })
}

fn partial(content: &str) -> Value {
    json!({"model": "llama3.2", "created_at": "2023-08-04T08:52:19.385406455-07:00",
           "message": {"role": "assistant", "content": content}, "done": false})
}

fn lines(records: &[Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

async fn answer_with(server: &MockServer, route: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(answer)
        .mount(server)
        .await;
}

fn ndjson(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/x-ndjson")
}

#[tokio::test]
async fn chat_request_is_exactly_the_documented_shape() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/api/chat",
        ResponseTemplate::new(200).set_body_json(done_record("Hello! How are you today?", 26, 298)),
    )
    .await;
    let mut fx = ollama(
        &format!("{}/", server.uri()),
        "llama3.2",
        &[
            ("context_size", "8192"),
            ("vision_support", "true"),
            ("function_call_support", "true"),
        ],
    );
    fx.params = params(
        RULES,
        json!({"temperature": 0.7, "top_p": 0.9, "top_k": 40, "repeat_penalty": 1.1,
               "num_predict": 128, "mirostat": 2, "mirostat_eta": 0.1, "mirostat_tau": 5.0,
               "seed": 42, "keep_alive": "5m", "format": "json", "think": false}),
    );
    let call = ToolCall {
        id: "call_0".into(),
        name: "get_weather".into(),
        arguments: "{\"city\":\"Toronto\"}".into(),
    };
    let request = LlmRequest::new(vec![
        Message::system("Be brief."),
        Message::user_parts(vec![
            ContentPart::text("What is in this picture?"),
            ContentPart::image_base64("image/png", "iVBORw0KGgoAAAANSUhEUg", None),
            ContentPart::image_url("data:image/jpeg;base64,/9j/4AAQ", None),
        ]),
        Message::assistant_tool_calls(None, vec![call]),
        Message::tool("call_0", "11 degrees celsius"),
    ])
    .with_tools(vec![Tool::new(
        "get_weather",
        "Get the weather",
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    )])
    .with_stop(vec!["<|eot|>".into()]);

    let response = OLLAMA.invoke(fx.ctx(), request).await.expect("answer");
    assert_eq!(response.content, "Hello! How are you today?");
    assert_eq!(response.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        (
            response.usage.prompt_tokens,
            response.usage.completion_tokens
        ),
        (26, 298)
    );
    assert!(!response.usage.estimated);

    let sent = only_request(&server).await;
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(sent.url.path(), "/api/chat");
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(
        header(&sent, "authorization"),
        None,
        "a local server needs no key"
    );
    assert_eq!(
        body(&sent),
        json!({
            "model": "llama3.2",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "What is in this picture?", "images": ["iVBORw0KGgoAAAANSUhEUg", "/9j/4AAQ"]},
                {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Toronto"}}}]},
                {"role": "tool", "content": "11 degrees celsius", "tool_name": "get_weather"}
            ],
            "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
            "format": "json",
            "options": {"temperature": 0.7, "top_p": 0.9, "top_k": 40, "repeat_penalty": 1.1,
                        "num_predict": 128, "mirostat": 2, "mirostat_eta": 0.1, "mirostat_tau": 5.0,
                        "seed": 42, "num_ctx": 8192, "stop": ["<|eot|>"]},
            "stream": false,
            "keep_alive": "5m",
            "think": false
        })
    );
}

#[tokio::test]
async fn schema_format_and_completion_mode() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/api/chat",
        ResponseTemplate::new(200).set_body_json(done_record("{\"age\":22}", 5, 5)),
    )
    .await;
    let fx = ollama(&server.uri(), "llama3.2", &[]);
    let schema =
        json!({"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]});
    let request = LlmRequest::new(vec![Message::user("Age?")]).with_response_format(
        ResponseFormat::JsonSchema {
            name: "r".into(),
            schema: schema.clone(),
            strict: None,
        },
    );
    OLLAMA.invoke(fx.ctx(), request).await.expect("answer");
    assert_eq!(body(&only_request(&server).await)["format"], schema);

    let server = MockServer::builder().start().await;
    let generated = json!({"model": "llama3.2", "created_at": "2023-08-04T19:22:45.499127Z",
        "response": "The sky is blue because of Rayleigh scattering.", "done": true, "done_reason": "stop",
        "context": [1, 2, 3], "total_duration": 10706818083u64, "prompt_eval_count": 26, "eval_count": 290});
    answer_with(
        &server,
        "/api/generate",
        ResponseTemplate::new(200).set_body_json(generated),
    )
    .await;
    let fx = ollama(&server.uri(), "llama3.2", &[("mode", "completion")]);
    let response = OLLAMA
        .invoke(
            fx.ctx(),
            LlmRequest::new(vec![Message::user("Why is the sky blue?")]),
        )
        .await
        .expect("answer");
    assert_eq!(
        response.content,
        "The sky is blue because of Rayleigh scattering."
    );
    assert_eq!(response.usage.completion_tokens, 290);
    assert_eq!(
        body(&only_request(&server).await),
        json!({"model": "llama3.2", "prompt": "Why is the sky blue?", "stream": false})
    );
}

fn utf8_stream() -> String {
    lines(&[
        json!({"model": "qwen3", "created_at": "t", "message": {"role": "assistant", "content": "", "thinking": "Pensé "}, "done": false}),
        json!({"model": "qwen3", "created_at": "t", "message": {"role": "assistant", "content": "", "thinking": "à 🌍"}, "done": false}),
        partial("Grüße "),
        partial("から 🚀"),
        done_record("", 12, 7),
    ])
}

#[tokio::test]
async fn stream_split_at_every_byte_including_inside_utf8() {
    let stream = utf8_stream();
    for size in [1, 5, 64] {
        let pieces = stream.as_bytes().chunks(size).map(<[u8]>::to_vec).collect();
        let base = raw_server("HTTP/1.1 200 OK", pieces, false).await;
        let fx = ollama(&base, "qwen3", &[]);
        let (chunks, error) =
            collect(&OLLAMA, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
        assert!(error.is_none(), "size {size}: {error:?}");
        let response = accumulate(&chunks);
        assert_eq!(response.content, "Grüße から 🚀", "size {size}");
        assert_eq!(response.reasoning.as_deref(), Some("Pensé à 🌍"));
        assert_eq!(response.finish_reason, Some(FinishReason::Stop));
        assert_eq!(response.usage.prompt_tokens, 12);
        assert_eq!(response.usage.completion_tokens, 7);
    }
}

#[tokio::test]
async fn stream_with_tool_calls_finishes_with_tool_calls() {
    let server = MockServer::builder().start().await;
    let stream = lines(&[
        json!({"model": "qwen3", "created_at": "t", "message": {"role": "assistant", "content": "",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}},
                           {"function": {"name": "get_time", "arguments": {}}}]}, "done": false}),
        json!({"model": "qwen3", "created_at": "t", "message": {"role": "assistant", "content": ""},
               "done": true, "done_reason": "stop", "prompt_eval_count": 50, "eval_count": 20}),
    ]);
    answer_with(&server, "/api/chat", ndjson(stream)).await;
    let fx = ollama(&server.uri(), "qwen3", &[]);
    let (chunks, error) = collect(
        &OLLAMA,
        &fx,
        LlmRequest::new(vec![Message::user("Weather?")]),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    let response = accumulate(&chunks);
    assert_eq!(response.finish_reason, Some(FinishReason::ToolCalls));
    let calls: Vec<(&str, &str, &str)> = response
        .tool_calls
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str(), c.arguments.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("call_0", "get_weather", "{\"city\":\"Tokyo\"}"),
            ("call_1", "get_time", "{}")
        ]
    );
    assert_eq!(body(&only_request(&server).await)["stream"], json!(true));
}

#[tokio::test]
async fn stream_cut_before_done_is_an_error_after_the_deltas() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/api/chat",
        ndjson(lines(&[partial("The sky "), partial("is")])),
    )
    .await;
    let fx = ollama(&server.uri(), "llama3.2", &[]);
    let (chunks, error) = collect(&OLLAMA, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "The sky is");
    let error = error.expect("a stream without done is cut");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert_eq!(error.provider(), Some("ollama"));

    // Cut in the middle of a line: the complete lines still arrive first.
    let server = MockServer::builder().start().await;
    let mut body = lines(&[partial("Complete")]);
    body.push_str("{\"model\":\"llama3.2\",\"message\":{\"content\":\"tru");
    answer_with(&server, "/api/chat", ndjson(body)).await;
    let fx = ollama(&server.uri(), "llama3.2", &[]);
    let (chunks, error) = collect(&OLLAMA, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Complete");
    assert!(error.is_some());
}

#[tokio::test]
async fn error_line_mid_stream_reaches_the_caller_after_the_deltas() {
    let server = MockServer::builder().start().await;
    let mut stream = lines(&[partial("Once upon")]);
    stream.push_str(
        "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n",
    );
    answer_with(&server, "/api/chat", ndjson(stream)).await;
    let fx = ollama(&server.uri(), "llama3.2", &[]);
    let (chunks, error) =
        collect(&OLLAMA, &fx, LlmRequest::new(vec![Message::user("Story")])).await;
    assert_eq!(accumulate(&chunks).content, "Once upon");
    let error = error.expect("the error line ends the stream");
    assert!(error.message().contains("unexpected EOF"));
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
}

#[tokio::test]
async fn errors_are_mapped_and_retried_only_when_retryable() {
    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/api/chat",
        ResponseTemplate::new(404)
            .set_body_json(json!({"error": "model \"llama9\" not found, try pulling it first"})),
    )
    .await;
    let fx = ollama(&server.uri(), "llama9", &[]);
    let error = OLLAMA
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("no such model");
    assert_eq!(error.kind(), ErrorKind::ModelNotFound);
    assert_eq!(
        error.message(),
        "model \"llama9\" not found, try pulling it first"
    );
    assert_eq!(requests(&server).await.len(), 1);

    let server = MockServer::builder().start().await;
    answer_with(
        &server,
        "/api/chat",
        ResponseTemplate::new(503).set_body_json(
            json!({"error": "server busy, please try again.  maximum pending requests exceeded"}),
        ),
    )
    .await;
    let fx = ollama(&server.uri(), "llama3.2", &[]);
    let error = OLLAMA
        .stream(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .err()
        .expect("busy");
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
    assert_eq!(
        requests(&server).await.len(),
        3,
        "one attempt and two retries"
    );
}

#[tokio::test]
async fn unusable_input_is_rejected_before_sending() {
    let fx = ollama(
        "http://127.0.0.1:9",
        "llama3.2",
        &[("function_call_support", "false")],
    );
    let with_tool = LlmRequest::new(vec![Message::user("x")]).with_tools(vec![Tool::new(
        "t",
        "d",
        json!({"type": "object"}),
    )]);
    let error = OLLAMA
        .invoke(fx.ctx(), with_tool)
        .await
        .expect_err("tools are off");
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    let image_url = Message::user_parts(vec![ContentPart::image_url("https://x/y.png", None)]);
    let error = OLLAMA
        .invoke(fx.ctx(), LlmRequest::new(vec![image_url]))
        .await
        .expect_err("images by URL");
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    let bad_context = ollama("http://127.0.0.1:9", "llama3.2", &[("context_size", "big")]);
    let error = OLLAMA
        .invoke(bad_context.ctx(), LlmRequest::new(vec![Message::user("x")]))
        .await
        .expect_err("context size is not a number");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
}

#[tokio::test]
async fn embeddings_are_batched_by_max_chunks() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/api/embed"))
        .respond_with(|request: &wiremock::Request| {
            let sent: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let count = sent["input"].as_array().map_or(0, Vec::len);
            let vectors: Vec<Vec<f32>> = (0..count).map(|i| vec![i as f32, 0.5]).collect();
            ResponseTemplate::new(200).set_body_json(json!({
                "model": "nomic-embed-text", "embeddings": vectors,
                "total_duration": 14143917, "load_duration": 1019500, "prompt_eval_count": 4 * count}))
        })
        .mount(&server)
        .await;
    let fx = ollama(&server.uri(), "nomic-embed-text", &[("max_chunks", "2")]);
    let texts: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    let response = OLLAMA
        .embed(fx.ctx(), EmbeddingRequest::new(texts))
        .await
        .expect("embeddings");
    assert_eq!(
        response.embeddings,
        vec![vec![0.0, 0.5], vec![1.0, 0.5], vec![0.0, 0.5]]
    );
    assert_eq!(response.usage.tokens, 12);
    assert!(!response.usage.estimated);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        body(&sent[0]),
        json!({"model": "nomic-embed-text", "input": ["a", "b"]})
    );
    assert_eq!(
        body(&sent[1]),
        json!({"model": "nomic-embed-text", "input": ["c"]})
    );
}

#[tokio::test]
async fn tags_list_models_by_type_and_show_checks_the_model() {
    let server = MockServer::builder().start().await;
    let tag = |name: &str, family: &str| {
        json!({"name": name, "model": name, "modified_at": "2023-11-04T14:56:49.277302595-07:00",
        "size": 7365960935u64, "digest": "9f438cb9cd581fc025612d27f7c1a6669ff83a8bb0ed86c94fcf4c5440555697",
        "details": {"format": "gguf", "family": family, "families": [family], "parameter_size": "7B", "quantization_level": "Q4_0"}})
    };
    Mock::given(method("GET"))
        .and(path("/api/tags"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
            tag("llama3.2:latest", "llama"), tag("nomic-embed-text:latest", "nomic-bert"), tag("all-minilm:l6", "bert")]})))
        .mount(&server)
        .await;
    answer_with(
        &server,
        "/api/show",
        ResponseTemplate::new(200)
            .set_body_json(json!({"modelfile": "FROM llama3.2", "details": {"family": "llama"}})),
    )
    .await;
    let fx = ollama(&server.uri(), "llama3.2:latest", &[]);
    let llms = LlmProtocol::remote_models(&OLLAMA, fx.ctx().provider_context())
        .await
        .expect("tags");
    let embedders = TextEmbeddingProtocol::remote_models(&OLLAMA, fx.ctx().provider_context())
        .await
        .expect("tags");
    assert_eq!(
        llms.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["llama3.2:latest"]
    );
    assert_eq!(
        embedders.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["nomic-embed-text:latest", "all-minilm:l6"]
    );
    assert!(embedders
        .iter()
        .all(|m| m.model_type == ModelType::TextEmbedding));
    LlmProtocol::validate_credentials(&OLLAMA, fx.ctx())
        .await
        .expect("the model exists");
    let show = requests(&server)
        .await
        .into_iter()
        .find(|r| r.url.path() == "/api/show")
        .expect("show was called");
    assert_eq!(body(&show), json!({"model": "llama3.2:latest"}));
}

#[test]
fn registered_under_its_name() {
    let set = by_name("ollama").expect("registered");
    let types: Vec<_> = set.model_types().collect();
    assert_eq!(types, [ModelType::Llm, ModelType::TextEmbedding]);
}
