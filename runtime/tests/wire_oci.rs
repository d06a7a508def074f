//! Oracle Cloud Generative AI inference against a mock server: chat and embedText requests
//! signed with the user's RSA key (the signing string rebuilt from the request as received
//! and the signature verified with the public key; the signing string itself is checked
//! against Oracle's documented examples in the unit tests), Cohere and generic chat bodies
//! from Dify's base64 form, documented answers, streamed `data:` events ending with a
//! `finishReason`, a cut stream, `{"code", "message"}` errors of every status class, and
//! credentials refused without echoing them.

mod common;
mod protocols_support;

use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::{raw_server, Fixture};
use jsonwebtoken::{Algorithm, DecodingKey};
use modelrt_runtime::catalog::{ModelType, ParameterType};
use modelrt_runtime::credentials::CredentialValue;
use modelrt_runtime::embedding::{EmbeddingInputType, EmbeddingRequest};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{FinishReason, LlmRequest, Message};
use modelrt_runtime::protocol::{LlmProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::{by_name, oci::OCI};
use modelrt_runtime::secret::Secret;
use protocols_support::{
    accumulate, body, collect, fixture, header, only_request, params, requests, sse_answer,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A test-only RSA key pair (see the comment in the file).
const PRIVATE_KEY_FILE: &str = include_str!("fixtures/vertex-test-private.pem");
const PUBLIC_KEY: &str = include_str!("fixtures/vertex-test-public.pem");

const USER: &str = "ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq";
const FINGERPRINT: &str = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34";
const TENANCY: &str =
    "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq";
const COMPARTMENT: &str =
    "ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa";

/// Dify's `oci` form, base64 as its placeholders ask, for `model`, with the mock server in
/// place of `inference.generativeai.{region}.oci.oraclecloud.com`.
fn oci(server: &str, model: &str) -> Fixture {
    let base: &'static str = Box::leak(server.to_owned().into_boxed_str());
    let config = STANDARD.encode(format!(
        "{USER}/{FINGERPRINT}/{TENANCY}/us-chicago-1/{COMPARTMENT}"
    ));
    let mut fixture = fixture(
        "oci",
        vec![
            ("api_key_variable", "oci_key_content"),
            ("base_url", base),
            ("protocol", "oci"),
        ],
        model,
        &[],
        &[("oci_config_content", &config)],
    );
    fixture.credentials.insert(
        "oci_key_content",
        CredentialValue::Secret(Secret::new(STANDARD.encode(PRIVATE_KEY_FILE))),
    );
    fixture
}

async fn answer(server: &MockServer, action: &str, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(format!("/20231130/actions/{action}")))
        .respond_with(template)
        .mount(server)
        .await;
}

/// The value of `name="..."` in an `Authorization: Signature ...` header.
fn field<'a>(authorization: &'a str, name: &str) -> &'a str {
    let start = authorization
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("{name} in {authorization}"))
        + name.len()
        + 2;
    let end = start + authorization[start..].find('"').unwrap();
    &authorization[start..end]
}

/// Asserts the request is signed as OCI requires: the headers named, the body's hash, and
/// an RSA-SHA256 signature over the signing string rebuilt from the request as received.
fn assert_signed(request: &Request) {
    let authorization = header(request, "authorization").expect("authorization");
    assert!(
        authorization.starts_with("Signature version=\"1\","),
        "{authorization}"
    );
    assert_eq!(
        field(authorization, "keyId"),
        format!("{TENANCY}/{USER}/{FINGERPRINT}")
    );
    assert_eq!(field(authorization, "algorithm"), "rsa-sha256");
    let names = field(authorization, "headers");
    assert_eq!(
        names,
        "date (request-target) host content-length content-type x-content-sha256"
    );
    assert_eq!(
        header(request, "x-content-sha256").unwrap(),
        STANDARD.encode(Sha256::digest(&request.body))
    );
    assert_eq!(
        header(request, "content-length").unwrap(),
        request.body.len().to_string()
    );
    assert!(httpdate::parse_http_date(header(request, "date").unwrap()).is_ok());
    let signing_string: Vec<String> = names
        .split(' ')
        .map(|name| match name {
            "(request-target)" => format!(
                "(request-target): {} {}",
                request.method.as_str().to_ascii_lowercase(),
                request.url.path()
            ),
            _ => format!("{name}: {}", header(request, name).unwrap()),
        })
        .collect();
    let signature = STANDARD
        .decode(field(authorization, "signature"))
        .expect("standard base64");
    let public = DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
    let verified = jsonwebtoken::crypto::verify(
        &URL_SAFE_NO_PAD.encode(signature),
        signing_string.join("\n").as_bytes(),
        &public,
        Algorithm::RS256,
    )
    .unwrap();
    assert!(verified, "the signature verifies with the public key");
}

const RULES: &[(&str, ParameterType)] = &[
    ("temperature", ParameterType::Float),
    ("topP", ParameterType::Float),
    ("maxTokens", ParameterType::Int),
    ("frequencyPenalty", ParameterType::Float),
    ("presencePenalty", ParameterType::Float),
];

#[test]
fn the_protocol_is_registered_for_chat_and_embeddings() {
    let set = by_name("oci").expect("registered");
    let served: Vec<ModelType> = set.model_types().collect();
    assert_eq!(served, [ModelType::Llm, ModelType::TextEmbedding]);
}

#[tokio::test]
async fn cohere_chat_is_signed_and_sends_the_cohere_format() {
    let server = MockServer::start().await;
    answer(
        &server,
        "chat",
        ResponseTemplate::new(200).set_body_json(json!({
            "modelId": "cohere.command-r-plus", "modelVersion": "1.2",
            "chatResponse": {
                "apiFormat": "COHERE",
                "text": "The capital of France is Paris.",
                "chatHistory": [
                    {"role": "USER", "message": "And of France?"},
                    {"role": "CHATBOT", "message": "The capital of France is Paris."}
                ],
                "finishReason": "COMPLETE",
                "usage": {"completionTokens": 8, "promptTokens": 31, "totalTokens": 39}
            }
        })),
    )
    .await;
    let mut fx = oci(&server.uri(), "cohere.command-r-plus");
    fx.params = params(
        RULES,
        json!({"temperature": 0.3, "topP": 0.75, "maxTokens": 200}),
    );
    let request = LlmRequest::new(vec![
        Message::system("Be brief."),
        Message::user("Capital of Italy?"),
        Message::assistant("Rome."),
        Message::user("And of France?"),
    ]);
    let got = OCI.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(got.content, "The capital of France is Paris.");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        (got.usage.prompt_tokens, got.usage.completion_tokens),
        (31, 8)
    );
    assert!(!got.usage.estimated);
    let sent = only_request(&server).await;
    assert_signed(&sent);
    assert_eq!(
        body(&sent),
        json!({
            "compartmentId": COMPARTMENT,
            "servingMode": {"servingType": "ON_DEMAND", "modelId": "cohere.command-r-plus"},
            "chatRequest": {
                "apiFormat": "COHERE",
                "message": "And of France?",
                "chatHistory": [
                    {"role": "USER", "message": "Capital of Italy?"},
                    {"role": "CHATBOT", "message": "Rome."}
                ],
                "preambleOverride": "Be brief.",
                "maxTokens": 200,
                "temperature": 0.3,
                "topP": 0.75,
                "isStream": false
            }
        })
    );
}

#[tokio::test]
async fn generic_chat_sends_messages_and_reads_choices() {
    let server = MockServer::start().await;
    answer(
        &server,
        "chat",
        ResponseTemplate::new(200).set_body_json(json!({
            "modelId": "meta.llama-3-70b-instruct", "modelVersion": "1.0.0",
            "chatResponse": {
                "apiFormat": "GENERIC", "timeCreated": "2024-06-20T10:11:12.345Z",
                "choices": [{"index": 0, "finishReason": "stop", "logprobs": {},
                             "message": {"role": "ASSISTANT",
                                         "content": [{"type": "TEXT", "text": "Paris."}]}}]
            }
        })),
    )
    .await;
    let fx = oci(&server.uri(), "meta.llama-3-70b-instruct");
    let request = LlmRequest::new(vec![
        Message::system("Be brief."),
        Message::user("Capital of France?"),
    ])
    .with_stop(vec!["\n".into()]);
    let got = OCI.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(got.content, "Paris.");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert!(got.usage.estimated, "no usage in this answer");
    let sent = only_request(&server).await;
    assert_signed(&sent);
    assert_eq!(
        body(&sent)["chatRequest"],
        json!({
            "apiFormat": "GENERIC",
            "messages": [
                {"role": "SYSTEM", "content": [{"type": "TEXT", "text": "Be brief."}]},
                {"role": "USER", "content": [{"type": "TEXT", "text": "Capital of France?"}]}
            ],
            "numGenerations": 1,
            "stop": ["\n"],
            "maxTokens": 600,
            "isStream": false
        })
    );
}

fn cohere_event(text: &str, finish: Option<&str>) -> String {
    let mut event = json!({"apiFormat": "COHERE", "text": text});
    if let Some(finish) = finish {
        event["finishReason"] = json!(finish);
    }
    format!("data: {event}\n\n")
}

fn generic_event(text: Option<&str>, finish: Option<&str>) -> String {
    let mut event = json!({"message": {"role": "ASSISTANT"}, "pad": "aaaaaaaa"});
    if let Some(text) = text {
        event["index"] = json!(0);
        event["message"]["content"] = json!([{"type": "TEXT", "text": text}]);
    }
    if let Some(finish) = finish {
        event["finishReason"] = json!(finish);
    }
    format!("data: {event}\n\n")
}

#[tokio::test]
async fn streams_of_both_formats_end_with_a_finish_reason() {
    let server = MockServer::start().await;
    let events = [
        cohere_event("Hello", None),
        cohere_event(" there", None),
        // The last event repeats the whole answer: it adds nothing.
        cohere_event("Hello there", Some("COMPLETE")),
    ]
    .concat();
    answer(&server, "chat", sse_answer(events)).await;
    let fx = oci(&server.uri(), "cohere.command-r-16k");
    let (chunks, error) = collect(&OCI, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert!(error.is_none(), "{error:?}");
    let whole = accumulate(&chunks);
    assert_eq!(whole.content, "Hello there");
    assert_eq!(whole.finish_reason, Some(FinishReason::Stop));
    let sent = only_request(&server).await;
    assert_signed(&sent);
    assert_eq!(body(&sent)["chatRequest"]["isStream"], json!(true));

    let server = MockServer::start().await;
    let events = [
        generic_event(Some("Bon"), None),
        generic_event(Some("jour"), None),
        generic_event(None, Some("length")),
    ]
    .concat();
    answer(&server, "chat", sse_answer(events)).await;
    let fx = oci(&server.uri(), "meta.llama-3-70b-instruct");
    let (chunks, error) = collect(&OCI, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert!(error.is_none(), "{error:?}");
    let whole = accumulate(&chunks);
    assert_eq!(whole.content, "Bonjour");
    assert_eq!(whole.finish_reason, Some(FinishReason::Length));
}

#[tokio::test]
async fn a_cut_stream_is_an_error_after_what_came_before() {
    let pieces = vec![
        generic_event(Some("Par"), None).into_bytes(),
        b"data: {\"index\":0,\"message\":{\"role\":\"ASS".to_vec(),
    ];
    let base = raw_server("HTTP/1.1 200 OK", pieces, false).await;
    let fx = oci(&base, "meta.llama-3-70b-instruct");
    let (chunks, error) = collect(&OCI, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Par");
    let error = error.expect("the cut is reported");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert_eq!(error.provider(), Some("oci"));

    let server = MockServer::start().await;
    answer(
        &server,
        "chat",
        sse_answer(generic_event(Some("Par"), None)),
    )
    .await;
    let fx = oci(&server.uri(), "meta.llama-3-70b-instruct");
    let (_, error) = collect(&OCI, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    let error = error.expect("a stream without its last event is cut");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.message().contains("finishReason"), "{error}");
}

fn oci_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("opc-request-id", "3F1B5B1E1D4E4A5E9C551B2F1E6C2A10/0A1B2C")
        .set_body_json(json!({"code": code, "message": message}))
}

#[tokio::test]
async fn errors_of_every_status_class_are_mapped() {
    let cases = [
        (400, "InvalidParameter", "Please pass in correct format of request", ErrorKind::BadRequest, 1),
        (401, "NotAuthenticated", "The required information to complete authentication was not provided or was incorrect.", ErrorKind::Authorization, 1),
        (404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.", ErrorKind::Authorization, 1),
        (429, "TooManyRequests", "User-rate limit exceeded.", ErrorKind::RateLimit, 3),
        (500, "InternalServerError", "Internal error occurred", ErrorKind::ServerUnavailable, 3),
    ];
    for (status, code, message, kind, attempts) in cases {
        let server = MockServer::start().await;
        answer(&server, "chat", oci_error(status, code, message)).await;
        let fx = oci(&server.uri(), "cohere.command-r-plus");
        let error = OCI
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .expect_err("an error");
        assert_eq!(error.kind(), kind, "{code}: {error}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.code(), Some(code));
        assert_eq!(error.message(), message);
        assert_eq!(
            (error.provider(), error.model()),
            (Some("oci"), Some("cohere.command-r-plus"))
        );
        assert_eq!(requests(&server).await.len(), attempts, "{code}");
    }
    let server = MockServer::start().await;
    answer(
        &server,
        "chat",
        oci_error(429, "TooManyRequests", "slow down").insert_header("retry-after", "1"),
    )
    .await;
    let mut fx = oci(&server.uri(), "cohere.command-r-plus");
    fx.http.max_retries = 0;
    let error = OCI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn embeddings_are_batched_by_max_chunks_and_signed() {
    let server = MockServer::start().await;
    answer(
        &server,
        "embedText",
        ResponseTemplate::new(200).set_body_json(json!({
            "id": "ocid1.generativeaiembedding.oc1.us-chicago-1.amaaaaaa",
            "embeddings": [[0.25, -0.5], [0.125, 0.75]],
            "modelId": "cohere.embed-english-v3.0", "modelVersion": "3.0"
        })),
    )
    .await;
    let mut fx = oci(&server.uri(), "cohere.embed-english-v3.0");
    fx.credentials
        .insert("max_chunks", CredentialValue::Text("2".into()));
    let mut request = EmbeddingRequest::new(vec!["a".into(), "b".into(), "c".into(), "d".into()]);
    request.input_type = EmbeddingInputType::Query;
    let got = OCI.embed(fx.ctx(), request).await.unwrap();
    assert_eq!(got.embeddings.len(), 4);
    assert_eq!(got.model, "cohere.embed-english-v3.0");
    let all = requests(&server).await;
    assert_eq!(all.len(), 2);
    assert_signed(&all[1]);
    assert_eq!(
        body(&all[1]),
        json!({
            "compartmentId": COMPARTMENT,
            "servingMode": {"servingType": "ON_DEMAND", "modelId": "cohere.embed-english-v3.0"},
            "inputs": ["c", "d"],
            "truncate": "NONE",
            "inputType": "SEARCH_QUERY"
        })
    );
}

#[tokio::test]
async fn bad_credentials_fail_before_sending_and_never_show_the_key() {
    let server = MockServer::start().await;
    let mut fx = oci(&server.uri(), "cohere.command-r-plus");
    let not_a_key =
        "-----BEGIN PRIVATE KEY-----\nTOP-SECRET-KEY-MATERIAL\n-----END PRIVATE KEY-----";
    fx.credentials.insert(
        "oci_key_content",
        CredentialValue::Secret(Secret::new(STANDARD.encode(not_a_key))),
    );
    let error = OCI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert_eq!(error.provider(), Some("oci"));
    assert!(
        !format!("{error} {error:?}").contains("TOP-SECRET"),
        "{error:?}"
    );

    let mut fx = oci(&server.uri(), "cohere.command-r-plus");
    fx.credentials.insert(
        "oci_config_content",
        CredentialValue::Text(STANDARD.encode("only/four/parts/here")),
    );
    let error = OCI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert!(error.message().contains("oci_config_content"), "{error}");
    assert!(
        !format!("{:?}", fx.credentials).contains("BEGIN"),
        "the key is a secret"
    );
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn cohere_refuses_both_penalties_before_sending() {
    let server = MockServer::start().await;
    let mut fx = oci(&server.uri(), "cohere.command-r-plus");
    fx.params = params(
        RULES,
        json!({"frequencyPenalty": 0.5, "presencePenalty": 0.5}),
    );
    let error = OCI
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    assert!(requests(&server).await.is_empty());
}
