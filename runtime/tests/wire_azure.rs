//! Azure OpenAI against a mock server: deployment routes with `api-version`, the v1 route,
//! the `api-key` header or an Entra ID bearer token, chat (whole and streamed, with Azure's
//! content-filter annotations), embeddings, speech and transcription, errors of every status
//! class with `retry-after`, a cut stream, and configuration errors that send nothing.

mod common;
mod protocols_support;

use std::time::Duration;

use common::{Fixture, API_KEY};
use futures::StreamExt;
use modelrt_runtime::catalog::ModelType;
use modelrt_runtime::credentials::CredentialValue;
use modelrt_runtime::embedding::EmbeddingRequest;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{FinishReason, LlmRequest, Message, Tool};
use modelrt_runtime::protocol::{
    LlmProtocol, Speech2TextProtocol, TextEmbeddingProtocol, TtsProtocol,
};
use modelrt_runtime::protocols::azure_openai::AZURE_OPENAI;
use modelrt_runtime::protocols::by_name;
use modelrt_runtime::secret::Secret;
use modelrt_runtime::speech2text::TranscriptionRequest;
use modelrt_runtime::tts::TtsRequest;
use protocols_support::{
    accumulate, assert_no_key, body, collect, fixture, header, only_request, params, requests,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VERSION: &str = "2024-10-21";
const DEPLOYMENT: &str = "gpt4o-prod";

/// The `azure_openai` provider as its YAML declares it; `texts` are text credentials.
fn azure(deployment: &str, texts: &[(&'static str, &str)]) -> Fixture {
    fixture(
        "azure_openai",
        vec![
            ("api_key_variable", "openai_api_key"),
            ("api_version_variable", "openai_api_version"),
            ("base_url_variable", "openai_api_base"),
            ("bearer_token_variable", "azure_ad_token"),
            ("protocol", "azure-openai"),
        ],
        deployment,
        &["openai_api_key"],
        texts,
    )
}

/// A deployment on `server` with the default API version.
fn deployment(server: &MockServer, name: &str) -> Fixture {
    azure(
        name,
        &[
            ("openai_api_base", server.uri().as_str()),
            ("openai_api_version", VERSION),
            ("base_model_name", "gpt-4o"),
        ],
    )
}

fn deployment_path(name: &str, operation: &str) -> String {
    format!("/openai/deployments/{name}/{operation}")
}

async fn answer_at(server: &MockServer, route: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .and(query_param("api-version", VERSION))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// Azure's content-filter verdicts, as they annotate prompts and choices.
fn filter_results() -> Value {
    json!({
        "hate": {"filtered": false, "severity": "safe"},
        "self_harm": {"filtered": false, "severity": "safe"},
        "sexual": {"filtered": false, "severity": "safe"},
        "violence": {"filtered": false, "severity": "safe"}
    })
}

fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-AEtlYdBQyVXBSXm1VR7NDBMdvVdkf",
        "object": "chat.completion",
        "created": 1727989020,
        "model": "gpt-4o-2024-08-06",
        "system_fingerprint": "fp_67802d9a6d",
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": filter_results()}],
        "choices": [{
            "index": 0,
            "finish_reason": "stop",
            "logprobs": null,
            "message": {"role": "assistant", "content": content, "refusal": null},
            "content_filter_results": filter_results()
        }],
        "usage": {
            "prompt_tokens": 19, "completion_tokens": 9, "total_tokens": 28,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0}
        }
    })
}

#[test]
fn the_protocol_serves_what_azure_has() {
    let set = by_name("azure-openai").expect("registered");
    let served: Vec<ModelType> = set.model_types().collect();
    assert_eq!(
        served,
        [
            ModelType::Llm,
            ModelType::TextEmbedding,
            ModelType::Tts,
            ModelType::Speech2Text
        ]
    );
}

#[tokio::test]
async fn chat_goes_to_the_deployment_with_the_api_key_header() {
    let server = MockServer::builder().start().await;
    let route = deployment_path(DEPLOYMENT, "chat/completions");
    let answer = ResponseTemplate::new(200).set_body_json(completion("Hello! How can I help?"));
    answer_at(&server, &route, answer).await;
    let mut fx = deployment(&server, DEPLOYMENT);
    fx.params = params(
        &[(
            "temperature",
            modelrt_runtime::catalog::ParameterType::Float,
        )],
        json!({"temperature": 0.5}),
    );
    let got = AZURE_OPENAI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .unwrap();

    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), route);
    assert_eq!(sent.url.query(), Some("api-version=2024-10-21"));
    assert_eq!(header(&sent, "api-key"), Some(API_KEY));
    assert_eq!(header(&sent, "authorization"), None);
    assert_eq!(
        body(&sent),
        json!({"model": DEPLOYMENT, "messages": [{"role": "user", "content": "Hi"}], "temperature": 0.5})
    );
    assert_eq!(got.content, "Hello! How can I help?");
    assert_eq!(got.model, "gpt-4o-2024-08-06");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        (got.usage.prompt_tokens, got.usage.completion_tokens),
        (19, 9)
    );
    assert_eq!(got.usage.cached_prompt_tokens, Some(0));
}

#[tokio::test]
async fn a_reasoning_base_model_takes_max_completion_tokens() {
    let server = MockServer::builder().start().await;
    let route = deployment_path("reasoner", "chat/completions");
    answer_at(
        &server,
        &route,
        ResponseTemplate::new(200).set_body_json(completion("4")),
    )
    .await;
    let mut fx = azure(
        "reasoner",
        &[
            ("openai_api_base", server.uri().as_str()),
            ("openai_api_version", VERSION),
            ("base_model_name", "o3-mini"),
        ],
    );
    fx.params = params(
        &[("max_tokens", modelrt_runtime::catalog::ParameterType::Int)],
        json!({"max_tokens": 500}),
    );
    AZURE_OPENAI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("2+2?")]))
        .await
        .unwrap();
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["max_completion_tokens"], json!(500));
    assert!(sent.get("max_tokens").is_none(), "{sent}");
}

#[tokio::test]
async fn an_entra_token_is_sent_as_a_bearer_token_instead_of_the_key() {
    let server = MockServer::builder().start().await;
    let route = deployment_path(DEPLOYMENT, "chat/completions");
    answer_at(
        &server,
        &route,
        ResponseTemplate::new(200).set_body_json(completion("ok")),
    )
    .await;
    let token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-test-token";
    let mut fx = deployment(&server, DEPLOYMENT);
    fx.credentials.insert(
        "azure_ad_token",
        CredentialValue::Secret(Secret::new(token)),
    );
    AZURE_OPENAI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .unwrap();
    let sent = only_request(&server).await;
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(header(&sent, "api-key"), None);
}

#[tokio::test]
async fn the_v1_route_takes_openai_paths_without_api_version() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/openai/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("v1")))
        .mount(&server)
        .await;
    let base = format!("{}/openai/v1/", server.uri());
    let fx = azure(
        DEPLOYMENT,
        &[
            ("openai_api_base", base.as_str()),
            ("openai_api_version", VERSION),
        ],
    );
    let got = AZURE_OPENAI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .unwrap();
    assert_eq!(got.content, "v1");
    let sent = only_request(&server).await;
    assert_eq!(sent.url.query(), None);
    assert_eq!(header(&sent, "api-key"), Some(API_KEY));
    assert_eq!(body(&sent)["model"], json!(DEPLOYMENT));
}

fn chunk(delta: Value, finish_reason: Value) -> String {
    json!({
        "id": "chatcmpl-ABqgUmGV2VKSsT0ozOi4Y8nD3Hm0M",
        "object": "chat.completion.chunk",
        "created": 1727385062,
        "model": "gpt-4o-2024-08-06",
        "system_fingerprint": "fp_5050236cbd",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason,
                     "logprobs": null, "content_filter_results": {}}]
    })
    .to_string()
}

fn sse(payloads: &[String]) -> ResponseTemplate {
    let text: String = payloads.iter().map(|p| format!("data: {p}\n\n")).collect();
    ResponseTemplate::new(200).set_body_raw(text, "text/event-stream")
}

#[tokio::test]
async fn a_streamed_tool_call_with_azures_filter_annotations() {
    let server = MockServer::builder().start().await;
    let route = deployment_path(DEPLOYMENT, "chat/completions");
    // Azure first annotates the prompt in a chunk without choices, and ends with usage.
    let prompt_filter = json!({
        "choices": [], "created": 0, "id": "", "model": "", "object": "",
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": filter_results()}]
    })
    .to_string();
    let usage = json!({
        "id": "chatcmpl-ABqgUmGV2VKSsT0ozOi4Y8nD3Hm0M", "object": "chat.completion.chunk",
        "created": 1727385062, "model": "gpt-4o-2024-08-06", "choices": [],
        "usage": {"prompt_tokens": 60, "completion_tokens": 17, "total_tokens": 77,
                  "prompt_tokens_details": {"cached_tokens": 32},
                  "completion_tokens_details": {"reasoning_tokens": 0}}
    })
    .to_string();
    let stream = sse(&[
        prompt_filter,
        chunk(
            json!({"role": "assistant", "content": null, "tool_calls": [{"index": 0, "id": "call_Kx9", "type": "function",
                   "function": {"name": "get_weather", "arguments": ""}}]}),
            Value::Null,
        ),
        chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"loc"}}]}),
            Value::Null,
        ),
        chunk(
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "ation\":\"Oslo\"}"}}]}),
            Value::Null,
        ),
        chunk(json!({}), json!("tool_calls")),
        usage,
        "[DONE]".to_owned(),
    ]);
    answer_at(&server, &route, stream).await;
    let fx = deployment(&server, DEPLOYMENT);
    let tool = Tool::new(
        "get_weather",
        "Weather at a place.",
        json!({"type": "object"}),
    );
    let request = LlmRequest::new(vec![Message::user("Weather in Oslo?")]).with_tools(vec![tool]);
    let (chunks, error) = collect(&AZURE_OPENAI, &fx, request).await;
    assert!(error.is_none(), "{error:?}");
    let got = accumulate(&chunks);
    assert_eq!(got.tool_calls.len(), 1);
    assert_eq!(got.tool_calls[0].id, "call_Kx9");
    assert_eq!(got.tool_calls[0].arguments, "{\"location\":\"Oslo\"}");
    assert_eq!(got.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(got.usage.cached_prompt_tokens, Some(32));
    assert_eq!(got.usage.total_tokens, 77);
    let sent = only_request(&server).await;
    assert_eq!(sent.url.query(), Some("api-version=2024-10-21"));
    let sent = body(&sent);
    assert_eq!(sent["stream"], json!(true));
    assert_eq!(sent["stream_options"], json!({"include_usage": true}));
}

#[tokio::test]
async fn a_stream_cut_before_done_is_a_connection_error() {
    let server = MockServer::builder().start().await;
    let route = deployment_path(DEPLOYMENT, "chat/completions");
    let stream = sse(&[chunk(
        json!({"role": "assistant", "content": "Half"}),
        Value::Null,
    )]);
    answer_at(&server, &route, stream).await;
    let fx = deployment(&server, DEPLOYMENT);
    let (chunks, error) = collect(
        &AZURE_OPENAI,
        &fx,
        LlmRequest::new(vec![Message::user("Hi")]),
    )
    .await;
    assert_eq!(accumulate(&chunks).content, "Half");
    let error = error.expect("a cut stream is an error");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert_eq!(error.provider(), Some("azure_openai"));
}

#[tokio::test]
async fn embeddings_go_to_the_deployment() {
    let server = MockServer::builder().start().await;
    let route = deployment_path("embed-large", "embeddings");
    let answer = json!({
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": [0.0023064255, -0.009327292]}],
        "model": "text-embedding-3-large",
        "usage": {"prompt_tokens": 4, "total_tokens": 4}
    });
    answer_at(
        &server,
        &route,
        ResponseTemplate::new(200).set_body_json(answer),
    )
    .await;
    let fx = deployment(&server, "embed-large");
    let got = AZURE_OPENAI
        .embed(
            fx.ctx(),
            EmbeddingRequest::new(vec!["The food was delicious".into()]),
        )
        .await
        .unwrap();
    assert_eq!(
        got.embeddings,
        vec![vec![0.002_306_425_5_f32, -0.009_327_292]]
    );
    assert_eq!(got.usage.tokens, 4);
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "api-key"), Some(API_KEY));
    assert_eq!(
        body(&sent),
        json!({"model": "embed-large", "input": ["The food was delicious"]})
    );
}

#[tokio::test]
async fn speech_and_transcription_go_to_their_deployments() {
    let server = MockServer::builder().start().await;
    let audio = vec![0x49u8, 0x44, 0x33, 0x04];
    answer_at(
        &server,
        &deployment_path("tts-hd", "audio/speech"),
        ResponseTemplate::new(200).set_body_raw(audio.clone(), "audio/mpeg"),
    )
    .await;
    answer_at(
        &server,
        &deployment_path("whisper", "audio/transcriptions"),
        ResponseTemplate::new(200).set_body_json(json!({"text": "Hello there."})),
    )
    .await;

    let fx = deployment(&server, "tts-hd");
    let request = TtsRequest {
        text: "Hello there.".into(),
        voice: Some("alloy".into()),
        ..TtsRequest::default()
    };
    let mut spoken = AZURE_OPENAI.synthesize(fx.ctx(), request).await.unwrap();
    let mut bytes = Vec::new();
    while let Some(piece) = spoken.next().await {
        bytes.extend(piece.unwrap());
    }
    assert_eq!(bytes, audio);

    let fx = deployment(&server, "whisper");
    let request = TranscriptionRequest {
        audio: vec![1, 2, 3],
        file_name: "hello.mp3".into(),
        mime_type: Some("audio/mpeg".into()),
        ..TranscriptionRequest::default()
    };
    let text = AZURE_OPENAI.transcribe(fx.ctx(), request).await.unwrap();
    assert_eq!(text.text, "Hello there.");

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        body(&sent[0]),
        json!({"model": "tts-hd", "input": "Hello there.", "voice": "alloy", "response_format": "mp3"})
    );
    assert!(sent.iter().all(|r| header(r, "api-key") == Some(API_KEY)));
    assert!(sent
        .iter()
        .all(|r| r.url.query() == Some("api-version=2024-10-21")));
}

#[tokio::test]
async fn the_transcription_credential_check_lists_the_resources_models() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/openai/models"))
        .and(query_param("api-version", VERSION))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "object": "list"})),
        )
        .mount(&server)
        .await;
    let fx = deployment(&server, "whisper");
    Speech2TextProtocol::validate_credentials(&AZURE_OPENAI, fx.ctx())
        .await
        .unwrap();
    assert_eq!(
        header(&only_request(&server).await, "api-key"),
        Some(API_KEY)
    );
}

fn azure_error(code: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message}})
}

#[tokio::test]
async fn errors_are_mapped_with_the_servers_delay() {
    let content_filter = json!({"error": {
        "message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
        "type": null, "param": "prompt", "code": "content_filter", "status": 400,
        "innererror": {"code": "ResponsibleAIPolicyViolation",
                       "content_filter_result": {"sexual": {"filtered": true, "severity": "high"}}}
    }});
    let cases = [
        (400, content_filter, ErrorKind::ContentFiltered, 1),
        (
            401,
            azure_error(
                "401",
                "Access denied due to invalid subscription key or wrong API endpoint.",
            ),
            ErrorKind::Authorization,
            1,
        ),
        (
            404,
            azure_error(
                "DeploymentNotFound",
                "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
            ),
            ErrorKind::ModelNotFound,
            1,
        ),
        (
            500,
            azure_error("InternalServerError", "The server had an error processing your request."),
            ErrorKind::ServerUnavailable,
            3,
        ),
    ];
    for (status, answer, expected, attempts) in cases {
        let server = MockServer::builder().start().await;
        let route = deployment_path(DEPLOYMENT, "chat/completions");
        answer_at(
            &server,
            &route,
            ResponseTemplate::new(status).set_body_json(answer),
        )
        .await;
        let fx = deployment(&server, DEPLOYMENT);
        let error = AZURE_OPENAI
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .expect_err("the call fails");
        assert_eq!(error.kind(), expected, "{status}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.provider(), Some("azure_openai"));
        assert_eq!(error.model(), Some(DEPLOYMENT));
        assert_eq!(requests(&server).await.len(), attempts, "{status}");
        assert_no_key(&error);
    }

    let server = MockServer::builder().start().await;
    let route = deployment_path(DEPLOYMENT, "chat/completions");
    let limited = azure_error(
        "429",
        "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 30 seconds.",
    );
    let answer = ResponseTemplate::new(429)
        .insert_header("retry-after", "30")
        .set_body_json(limited);
    answer_at(&server, &route, answer).await;
    let fx = deployment(&server, DEPLOYMENT);
    let error = AZURE_OPENAI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("rate limited");
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn configuration_errors_send_nothing() {
    let server = MockServer::builder().start().await;
    let no_version = azure(DEPLOYMENT, &[("openai_api_base", server.uri().as_str())]);
    let error = AZURE_OPENAI
        .invoke(no_version.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("no API version");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.message().contains("openai_api_version"), "{error}");
    assert_eq!(error.provider(), Some("azure_openai"));

    let bad_name = deployment(&server, "../admin");
    let error = AZURE_OPENAI
        .invoke(bad_name.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("not a deployment name");
    assert_eq!(error.kind(), ErrorKind::BadRequest);

    let bad_version = azure(
        DEPLOYMENT,
        &[
            ("openai_api_base", server.uri().as_str()),
            ("openai_api_version", "2024-10-21&x=1"),
        ],
    );
    let error = AZURE_OPENAI
        .invoke(
            bad_version.ctx(),
            LlmRequest::new(vec![Message::user("Hi")]),
        )
        .await
        .expect_err("not a version");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(requests(&server).await.is_empty());
}

// Microsoft Entra service principal -------------------------------------------------------

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT_ID: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";
const ENTRA_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik5HVEZ2ZEstZnl0aEV1Q";

/// A deployment on `server` whose credentials name a service principal, with `server` as
/// the Entra authority too.
fn service_principal(server: &MockServer, texts: &[(&'static str, &str)]) -> Fixture {
    let authority: &'static str = Box::leak(server.uri().into_boxed_str());
    let mut all = vec![
        ("openai_api_base", server.uri()),
        ("openai_api_version", VERSION.to_owned()),
    ];
    all.extend(texts.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let all: Vec<(&'static str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fixture(
        "azure_openai",
        vec![
            ("api_key_variable", "openai_api_key"),
            ("api_version_variable", "openai_api_version"),
            ("base_url_variable", "openai_api_base"),
            ("entra_authority", authority),
            ("entra_client_id_variable", "azure_client_id"),
            ("entra_client_secret_variable", "azure_client_secret"),
            ("entra_tenant_variable", "azure_tenant_id"),
            ("protocol", "azure-openai"),
        ],
        DEPLOYMENT,
        &["azure_client_secret"],
        &all,
    )
}

fn token_path() -> String {
    format!("/{TENANT}/oauth2/v2.0/token")
}

/// Entra's token endpoint answering as its documentation shows.
async fn entra_answers(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(token_path()))
        .respond_with(answer)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_service_principal_gets_a_token_once_and_calls_with_it() {
    let server = MockServer::builder().start().await;
    entra_answers(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
            "access_token": ENTRA_TOKEN
        })),
    )
    .await;
    let route = deployment_path(DEPLOYMENT, "chat/completions");
    answer_at(
        &server,
        &route,
        ResponseTemplate::new(200).set_body_json(completion("Hi")),
    )
    .await;
    let fx = service_principal(
        &server,
        &[("azure_tenant_id", TENANT), ("azure_client_id", CLIENT_ID)],
    );
    for _ in 0..2 {
        AZURE_OPENAI
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .unwrap();
    }
    let all = requests(&server).await;
    let tokens: Vec<_> = all
        .iter()
        .filter(|r| r.url.path() == token_path())
        .collect();
    assert_eq!(tokens.len(), 1, "the token is cached");
    assert_eq!(
        header(tokens[0], "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = String::from_utf8(tokens[0].body.clone()).unwrap();
    assert_eq!(
        form,
        format!(
            "client_id={CLIENT_ID}&scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default\
             &client_secret={}&grant_type=client_credentials",
            API_KEY
        )
    );
    let chats: Vec<_> = all.iter().filter(|r| r.url.path() == route).collect();
    assert_eq!(chats.len(), 2);
    for chat in chats {
        assert_eq!(
            header(chat, "authorization"),
            Some(format!("Bearer {ENTRA_TOKEN}").as_str())
        );
        assert_eq!(header(chat, "api-key"), None);
    }
}

#[tokio::test]
async fn a_rejected_client_secret_is_an_authorization_error_that_hides_it() {
    let server = MockServer::builder().start().await;
    entra_answers(
        &server,
        ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
            "error_codes": [7000215],
            "timestamp": "2024-05-01 10:22:12Z",
            "trace_id": "2b4b1c6f-25f5-4a1d-9a6e-3a1c2a9b1d00"
        })),
    )
    .await;
    let fx = service_principal(
        &server,
        &[("azure_tenant_id", TENANT), ("azure_client_id", CLIENT_ID)],
    );
    let error = AZURE_OPENAI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authorization);
    assert_eq!(error.code(), Some("invalid_client"));
    assert!(error.to_string().contains("AADSTS7000215"), "{error}");
    assert_eq!(error.provider(), Some("azure_openai"));
    assert_no_key(&error);
    let all = requests(&server).await;
    assert!(
        all.iter().all(|r| r.url.path() == token_path()),
        "no call without a token"
    );
}

#[tokio::test]
async fn half_a_service_principal_is_a_configuration_error_that_sends_nothing() {
    let server = MockServer::builder().start().await;
    let fx = service_principal(&server, &[("azure_tenant_id", TENANT)]);
    let error = AZURE_OPENAI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.to_string().contains("azure_client_id"), "{error}");
    assert!(requests(&server).await.is_empty());
}
