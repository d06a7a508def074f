//! Vertex AI against a mock server: the OAuth2 token exchange (a JWT signed with a test
//! service-account key, checked against its public key), the cached token on Vertex URLs,
//! Gemini payloads whole and streamed, `:predict` embeddings, error bodies, and neither the
//! key nor the token in any error.

mod common;
mod protocols_support;

use base64::Engine as _;
use common::Fixture;
use futures::StreamExt;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use modelrt_runtime::catalog::ModelType;
use modelrt_runtime::credentials::CredentialValue;
use modelrt_runtime::embedding::{EmbeddingInputType, EmbeddingRequest};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{
    FinishReason, LlmRequest, Message, StreamAccumulator, Tool, ToolChoice,
};
use modelrt_runtime::protocol::{LlmProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::by_name;
use modelrt_runtime::protocols::vertex_ai::{self, VERTEX_AI};
use modelrt_runtime::secret::Secret;
use modelrt_runtime::Error;
use protocols_support::{body, fixture, header, requests};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A test-only RSA key (see the comment in the file); the public half checks signatures.
const PRIVATE_KEY_FILE: &str = include_str!("fixtures/vertex-test-private.pem");
const PUBLIC_KEY: &str = include_str!("fixtures/vertex-test-public.pem");

const MODEL: &str = "gemini-2.5-flash";
const CLIENT_EMAIL: &str = "modelrt-test@my-project.iam.gserviceaccount.com";
const KEY_ID: &str = "0123456789abcdef0123456789abcdef01234567";
const TOKEN: &str = "ya29.c.test-ACCESS-token-0123456789";
const MODEL_PATH: &str =
    "/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash";

fn private_key() -> &'static str {
    let start = PRIVATE_KEY_FILE.find("-----BEGIN").expect("a PEM block");
    &PRIVATE_KEY_FILE[start..]
}

/// A service-account key file whose `token_uri` is the mock server's.
fn key_file(server_uri: &str) -> String {
    json!({
        "type": "service_account",
        "project_id": "my-project",
        "private_key_id": KEY_ID,
        "private_key": private_key(),
        "client_email": CLIENT_EMAIL,
        "client_id": "113545814931671546333",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": format!("{server_uri}/token"),
    })
    .to_string()
}

/// The `vertex_ai` provider as its YAML declares it, pointed at the mock server, with the
/// key base64-encoded as Dify's form asks for it.
fn vertex(server_uri: &str, model: &str, location: &str) -> Fixture {
    let base_url: &'static str = Box::leak(format!("{server_uri}/v1").into_boxed_str());
    let mut fx = fixture(
        "vertex_ai",
        vec![("base_url", base_url), ("protocol", "vertex-ai")],
        model,
        &[],
        &[
            ("vertex_project_id", "my-project"),
            ("vertex_location", location),
        ],
    );
    let encoded = base64::engine::general_purpose::STANDARD.encode(key_file(server_uri));
    fx.credentials.insert(
        "vertex_service_account_key",
        CredentialValue::Secret(Secret::new(encoded)),
    );
    fx
}

async fn token_endpoint(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"}),
        ))
        .mount(server)
        .await;
}

async fn answer_with(server: &MockServer, route: &str, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(template)
        .mount(server)
        .await;
}

fn answer(text: &str) -> Value {
    json!({
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": "STOP", "avgLogprobs": -0.12}],
        "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 4, "totalTokenCount": 20,
                          "thoughtsTokenCount": 7, "trafficType": "ON_DEMAND"},
        "modelVersion": MODEL,
        "createTime": "2026-12-02T05:00:00.000000Z",
        "responseId": "bUhcaL2yBvGp2fMPp-fY2Ac"
    })
}

fn sent_to(all: &[Request], route: &str) -> Vec<Request> {
    all.iter()
        .filter(|r| r.url.path() == route)
        .cloned()
        .collect()
}

fn assert_no_secret(error: &Error) {
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    assert!(
        !shown.contains("PRIVATE KEY") && !shown.contains(&private_key()[40..80]),
        "the key leaked: {shown}"
    );
}

#[tokio::test]
async fn a_signed_jwt_buys_a_token_that_is_cached_and_sent_to_the_vertex_url() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    let route = format!("{MODEL_PATH}:generateContent");
    answer_with(
        &server,
        &route,
        ResponseTemplate::new(200).set_body_json(answer("Hello.")),
    )
    .await;
    let fx = vertex(&server.uri(), MODEL, "us-central1");
    for _ in 0..2 {
        let response = VERTEX_AI
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .expect("answer");
        assert_eq!(response.content, "Hello.");
        assert_eq!(response.usage.prompt_tokens, 9);
        assert_eq!(response.usage.completion_tokens, 4 + 7);
        assert_eq!(response.usage.reasoning_tokens, Some(7));
    }
    let all = requests(&server).await;
    let exchanges = sent_to(&all, "/token");
    assert_eq!(exchanges.len(), 1, "the token is cached across calls");
    let calls = sent_to(&all, &route);
    assert_eq!(calls.len(), 2);
    for call in &calls {
        assert_eq!(
            header(call, "authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(header(call, "x-goog-api-key"), None);
        assert_eq!(
            body(call),
            json!({"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]})
        );
    }

    // The exchange: a form with the JWT bearer grant and an RS256 assertion for the key.
    let exchange = &exchanges[0];
    assert_eq!(
        header(exchange, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = String::from_utf8(exchange.body.clone()).expect("a text form");
    let assertion = form
        .strip_prefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=")
        .expect("the JWT bearer grant");
    let token_uri = format!("{}/token", server.uri());
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[token_uri.as_str()]);
    validation.set_issuer(&[CLIENT_EMAIL]);
    let decoded = jsonwebtoken::decode::<Value>(
        assertion,
        &DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).expect("the public key"),
        &validation,
    )
    .expect("the assertion is signed by the service account's key");
    assert_eq!(decoded.header.kid.as_deref(), Some(KEY_ID));
    let claims = decoded.claims;
    assert_eq!(
        claims["scope"],
        "https://www.googleapis.com/auth/cloud-platform"
    );
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3600
    );
}

#[tokio::test]
async fn streamed_calls_on_vertex_and_a_cut_stream() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    let stream: String = [
        json!({"candidates": [{"content": {"role": "model", "parts": [
            {"functionCall": {"name": "get_time", "args": {"zone": "CET"}}, "thoughtSignature": "Cp0BAdHtim8"}
        ]}}], "modelVersion": MODEL}),
        json!({"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]}, "finishReason": "STOP"}],
               "usageMetadata": {"promptTokenCount": 30, "candidatesTokenCount": 6, "totalTokenCount": 36}}),
    ]
    .iter()
    .map(|event| format!("data: {event}\r\n\r\n"))
    .collect();
    let route = format!("{MODEL_PATH}:streamGenerateContent");
    Mock::given(method("POST"))
        .and(path(route.as_str()))
        .and(query_param("alt", "sse"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(stream, "text/event-stream"))
        .mount(&server)
        .await;
    let fx = vertex(&server.uri(), MODEL, "us-central1");
    let mut chunks = VERTEX_AI
        .stream(fx.ctx(), LlmRequest::new(vec![Message::user("Time?")]))
        .await
        .expect("stream starts");
    let mut acc = StreamAccumulator::new();
    while let Some(chunk) = chunks.next().await {
        acc.push(&chunk.expect("no error"));
    }
    let response = acc.finish();
    assert_eq!(response.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(response.tool_calls[0].name, "get_time");
    assert_eq!(response.tool_calls[0].arguments, "{\"zone\":\"CET\"}");
    assert_eq!(response.usage.total_tokens, 36);
    let calls = sent_to(&requests(&server).await, &route);
    assert_eq!(calls[0].url.query(), Some("alt=sse"));

    // Without the event that carries the finish reason, the answer was cut.
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    let half = format!(
        "data: {}\r\n\r\n",
        json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Half"}]}}]})
    );
    answer_with(
        &server,
        &route,
        ResponseTemplate::new(200).set_body_raw(half, "text/event-stream"),
    )
    .await;
    let fx = vertex(&server.uri(), MODEL, "us-central1");
    let mut chunks = VERTEX_AI
        .stream(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect("stream starts");
    let first = chunks.next().await.expect("a chunk").expect("text");
    assert_eq!(first.content, "Half");
    let error = chunks
        .next()
        .await
        .expect("an error")
        .expect_err("cut stream");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert_eq!(error.provider(), Some("vertex_ai"));
}

#[tokio::test]
async fn embeddings_go_through_predict_with_their_token_counts() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    let route =
        "/v1/projects/my-project/locations/us-central1/publishers/google/models/text-embedding-005:predict";
    answer_with(
        &server,
        route,
        ResponseTemplate::new(200).set_body_json(json!({
            "predictions": [
                {"embeddings": {"statistics": {"truncated": false, "token_count": 6}, "values": [0.25, -0.5]}},
                {"embeddings": {"statistics": {"truncated": false, "token_count": 4}, "values": [0.75, 0.125]}}
            ],
            "metadata": {"billableCharacterCount": 40}
        })),
    )
    .await;
    let fx = vertex(&server.uri(), "text-embedding-005", "us-central1");
    let request = EmbeddingRequest {
        texts: vec!["What is life?".into(), "Why?".into()],
        input_type: EmbeddingInputType::Document,
    };
    let response = VERTEX_AI
        .embed(fx.ctx(), request)
        .await
        .expect("embeddings");
    assert_eq!(
        response.embeddings,
        vec![vec![0.25, -0.5], vec![0.75, 0.125]]
    );
    assert_eq!(response.usage.tokens, 10);
    assert!(!response.usage.estimated);
    let sent = sent_to(&requests(&server).await, route);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        header(&sent[0], "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        body(&sent[0]),
        json!({"instances": [
            {"content": "What is life?", "task_type": "RETRIEVAL_DOCUMENT"},
            {"content": "Why?", "task_type": "RETRIEVAL_DOCUMENT"}
        ]})
    );
}

#[tokio::test]
async fn count_tokens_sends_the_request_fields_flat() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    let route = format!("{MODEL_PATH}:countTokens");
    answer_with(
        &server,
        &route,
        ResponseTemplate::new(200)
            .set_body_json(json!({"totalTokens": 14, "totalBillableCharacters": 44})),
    )
    .await;
    let fx = vertex(&server.uri(), MODEL, "us-central1");
    let noop = Tool::new("noop", "Does nothing", json!({"type": "object"}));
    let request = LlmRequest::new(vec![Message::user("Count these tokens, please.")])
        .with_tools(vec![noop])
        .with_tool_choice(ToolChoice::None);
    let count = vertex_ai::count_tokens(fx.ctx(), &request)
        .await
        .expect("a count");
    assert_eq!(count, 14);
    let sent = sent_to(&requests(&server).await, &route);
    assert_eq!(
        header(&sent[0], "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        body(&sent[0]),
        json!({"contents": [{"role": "user", "parts": [{"text": "Count these tokens, please."}]}],
               "tools": [{"functionDeclarations": [{"name": "noop", "description": "Does nothing",
                                                     "parametersJsonSchema": {"type": "object"}}]}]}),
        "Vertex's countTokens takes no toolConfig"
    );
}

#[tokio::test]
async fn a_rejected_key_is_an_authorization_error_without_secrets() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}),
        ))
        .mount(&server)
        .await;
    let fx = vertex(&server.uri(), MODEL, "us-central1");
    let error = VERTEX_AI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("the key is rejected");
    assert_eq!(error.kind(), ErrorKind::Authorization);
    assert_eq!(error.code(), Some("invalid_grant"));
    assert_eq!(error.message(), "Invalid JWT Signature.");
    assert_eq!(error.provider(), Some("vertex_ai"));
    assert_eq!(error.model(), Some(MODEL));
    assert_no_secret(&error);
    assert_eq!(requests(&server).await.len(), 1, "nothing else is sent");
}

#[tokio::test]
async fn vertex_error_bodies_are_mapped() {
    let cases = [
        (
            403,
            "PERMISSION_DENIED",
            "Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash' (or it may not exist).",
            ErrorKind::Authorization,
            1,
        ),
        (
            404,
            "NOT_FOUND",
            "Publisher Model `projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash` was not found or your project does not have access to it.",
            ErrorKind::ModelNotFound,
            1,
        ),
        (
            429,
            "RESOURCE_EXHAUSTED",
            "Resource exhausted. Please try again later.",
            ErrorKind::RateLimit,
            3,
        ),
    ];
    for (status, name, message, expected, attempts) in cases {
        let server = MockServer::builder().start().await;
        token_endpoint(&server).await;
        let route = format!("{MODEL_PATH}:generateContent");
        answer_with(
            &server,
            &route,
            ResponseTemplate::new(status).set_body_json(
                json!({"error": {"code": status, "message": message, "status": name}}),
            ),
        )
        .await;
        let fx = vertex(&server.uri(), MODEL, "us-central1");
        let error = VERTEX_AI
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .expect_err("fails");
        assert_eq!(error.kind(), expected, "{name}");
        assert_eq!(error.code(), Some(name));
        assert_eq!(error.message(), message);
        assert_eq!(
            sent_to(&requests(&server).await, &route).len(),
            attempts,
            "{name}"
        );
        assert_no_secret(&error);
    }
}

#[tokio::test]
async fn missing_or_unsafe_credentials_are_errors_before_sending() {
    let server = MockServer::builder().start().await;
    let mut fx = vertex(&server.uri(), MODEL, "us-central1/../../x");
    let error = VERTEX_AI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("a location that changes the path");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.message().contains("vertex_location"), "{error}");

    fx = vertex(&server.uri(), MODEL, "us-central1");
    fx.credentials.insert(
        "vertex_service_account_key",
        CredentialValue::Secret(Secret::new("{\"client_email\": \"a@b\"}")),
    );
    let error = VERTEX_AI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("no private key");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.message().contains("`private_key`"), "{error}");
    assert_eq!(error.provider(), Some("vertex_ai"));

    fx.credentials.insert(
        "vertex_service_account_key",
        CredentialValue::Secret(Secret::new(
            json!({"client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"})
                .to_string(),
        )),
    );
    let error = VERTEX_AI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("a broken private key");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(!error.to_string().contains("not a key"), "{error}");
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[test]
fn registered_under_its_name() {
    let set = by_name("vertex-ai").expect("registered");
    let served: Vec<ModelType> = set.model_types().collect();
    assert_eq!(served, [ModelType::Llm, ModelType::TextEmbedding]);
}
