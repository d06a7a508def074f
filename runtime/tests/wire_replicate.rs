//! Replicate's predictions API against a mock server: the model's latest version (or the
//! pinned one, or none for an official model) and its input schema, a prediction created
//! with `Prefer: wait` and polled through `urls.get` until it succeeds, the `urls.stream`
//! events (`output`, `error`, `done`) of a streamed one, a cut stream, failed predictions,
//! problem bodies of every status class, and Dify's two shapes of embedding models.

mod common;
mod protocols_support;

use std::time::Duration;

use common::{Fixture, API_KEY};
use modelrt_runtime::catalog::{ModelType, ParameterType};
use modelrt_runtime::credentials::CredentialValue;
use modelrt_runtime::embedding::EmbeddingRequest;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{FinishReason, LlmRequest, Message};
use modelrt_runtime::protocol::{LlmProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::{by_name, replicate::REPLICATE};
use protocols_support::{
    accumulate, assert_no_key, body, collect, fixture, header, params, requests, sse_answer,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MODEL: &str = "meta/meta-llama-3-8b-instruct";
const VERSION: &str = "5a6809ca6288247d06daf6365557e5e429063f32a21146b2a807c682652136b8";
const PREDICTION: &str = "gm3qorzdhgbfurvjtvhg6dckhu";

/// Dify's `replicate` model form for `model`, with the mock server as the API.
fn replicate(server: &MockServer, model: &str) -> Fixture {
    let base: &'static str = Box::leak(server.uri().into_boxed_str());
    fixture(
        "replicate",
        vec![
            ("api_key_variable", "replicate_api_token"),
            ("base_url", base),
            ("protocol", "replicate"),
        ],
        model,
        &["replicate_api_token"],
        &[],
    )
}

/// A version whose input schema lists `inputs` (name, x-order).
fn version(inputs: &[(&str, u32)]) -> Value {
    let properties: serde_json::Map<String, Value> = inputs
        .iter()
        .map(|(name, order)| {
            (
                (*name).to_owned(),
                json!({"type": "string", "x-order": order, "title": name}),
            )
        })
        .collect();
    json!({
        "id": VERSION, "created_at": "2024-04-17T21:44:13.482217Z", "cog_version": "0.9.6",
        "openapi_schema": {"components": {"schemas": {"Input": {"type": "object", "properties": properties}}}}
    })
}

async fn mount(server: &MockServer, verb: &str, route: &str, template: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(template)
        .mount(server)
        .await;
}

/// Answers the create-prediction call with `prediction` (201 Created).
async fn created(server: &MockServer, prediction: Value) {
    mount(
        server,
        "POST",
        "/v1/predictions",
        ResponseTemplate::new(201).set_body_json(prediction),
    )
    .await;
}

async fn model_with(server: &MockServer, model: &str, latest: Value) {
    let (owner, name) = model.split_once('/').unwrap();
    mount(
        server,
        "GET",
        &format!("/v1/models/{model}"),
        ResponseTemplate::new(200).set_body_json(json!({
            "url": format!("https://replicate.com/{model}"), "owner": owner, "name": name,
            "description": "A language model", "visibility": "public",
            "latest_version": latest
        })),
    )
    .await;
}

/// A prediction in `status`, with `output` and `extra` fields, its URLs on `server`.
fn prediction(server: &MockServer, status: &str, output: Value, extra: Value) -> Value {
    let base = server.uri();
    let mut value = json!({
        "id": PREDICTION, "model": MODEL, "version": VERSION,
        "input": {}, "logs": "", "output": output, "error": null, "status": status,
        "created_at": "2024-07-01T10:00:00.000Z",
        "urls": {
            "cancel": format!("{base}/v1/predictions/{PREDICTION}/cancel"),
            "get": format!("{base}/v1/predictions/{PREDICTION}"),
            "stream": format!("{base}/stream/{PREDICTION}")
        }
    });
    for (key, field) in extra.as_object().into_iter().flatten() {
        value[key] = field.clone();
    }
    value
}

fn chat_inputs() -> Value {
    version(&[
        ("prompt", 0),
        ("system_prompt", 1),
        ("max_tokens", 2),
        ("stop_sequences", 5),
    ])
}

#[test]
fn the_protocol_is_registered_for_chat_and_embeddings() {
    let set = by_name("replicate").expect("registered");
    let served: Vec<ModelType> = set.model_types().collect();
    assert_eq!(served, [ModelType::Llm, ModelType::TextEmbedding]);
}

#[tokio::test]
async fn a_prediction_is_created_with_the_latest_version_and_polled_to_its_end() {
    let server = MockServer::start().await;
    model_with(&server, MODEL, chat_inputs()).await;
    created(
        &server,
        prediction(&server, "processing", Value::Null, json!({})),
    )
    .await;
    let done = prediction(
        &server,
        "succeeded",
        json!(["The", " capital", " is", " Paris", "."]),
        json!({"metrics": {"input_token_count": 24, "output_token_count": 5, "predict_time": 0.41}}),
    );
    mount(
        &server,
        "GET",
        &format!("/v1/predictions/{PREDICTION}"),
        ResponseTemplate::new(200).set_body_json(done),
    )
    .await;
    let mut fx = replicate(&server, MODEL);
    fx.params = params(
        &[("max_tokens", ParameterType::Int)],
        json!({"max_tokens": 64}),
    );
    let request = LlmRequest::new(vec![
        Message::system("Answer in one sentence."),
        Message::user("Capital of France?"),
    ])
    .with_stop(vec!["\n".into(), "User:".into()]);
    let got = REPLICATE.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(got.content, "The capital is Paris.");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        (got.usage.prompt_tokens, got.usage.completion_tokens),
        (24, 5)
    );

    let all = requests(&server).await;
    let routes: Vec<String> = all
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        routes,
        [
            format!("GET /v1/models/{MODEL}"),
            "POST /v1/predictions".to_owned(),
            format!("GET /v1/predictions/{PREDICTION}"),
        ]
    );
    for request in &all {
        assert_eq!(
            header(request, "authorization"),
            Some(format!("Bearer {API_KEY}").as_str())
        );
    }
    assert_eq!(header(&all[1], "prefer"), Some("wait"));
    assert_eq!(
        body(&all[1]),
        json!({
            "version": VERSION,
            "input": {
                "prompt": "Capital of France?",
                "system_prompt": "Answer in one sentence.",
                "max_tokens": 64,
                "stop_sequences": "\n,User:"
            }
        })
    );
}

#[tokio::test]
async fn a_pinned_version_and_an_official_model_take_their_own_routes() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        &format!("/v1/models/{MODEL}/versions/{VERSION}"),
        ResponseTemplate::new(200).set_body_json(version(&[("prompt", 0)])),
    )
    .await;
    created(
        &server,
        prediction(&server, "succeeded", json!("Hi!"), json!({})),
    )
    .await;
    let mut fx = replicate(&server, MODEL);
    fx.credentials
        .insert("model_version", CredentialValue::Text(VERSION.into()));
    let request = LlmRequest::new(vec![Message::system("Be kind."), Message::user("Hello")]);
    let got = REPLICATE.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(got.content, "Hi!");
    assert!(got.usage.estimated, "no metrics in this answer");
    let sent = &requests(&server).await[1];
    // No `system_prompt` input: the system text leads the prompt.
    assert_eq!(body(sent)["input"], json!({"prompt": "Be kind.\n\nHello"}));

    let official = MockServer::start().await;
    model_with(&official, "openai/gpt-4o-mini", Value::Null).await;
    mount(
        &official,
        "POST",
        "/v1/models/openai/gpt-4o-mini/predictions",
        ResponseTemplate::new(201).set_body_json(prediction(
            &official,
            "succeeded",
            json!(["Hi"]),
            json!({}),
        )),
    )
    .await;
    let fx = replicate(&official, "openai/gpt-4o-mini");
    let got = REPLICATE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hello")]))
        .await
        .unwrap();
    assert_eq!(got.content, "Hi");
    assert_eq!(
        body(&requests(&official).await[1]),
        json!({"input": {"prompt": "Hello"}})
    );
}

#[tokio::test]
async fn a_failed_prediction_is_an_error_naming_provider_and_model() {
    let server = MockServer::start().await;
    model_with(&server, MODEL, chat_inputs()).await;
    created(
        &server,
        prediction(
            &server,
            "failed",
            Value::Null,
            json!({"error": "CUDA error: out of memory"}),
        ),
    )
    .await;
    let fx = replicate(&server, MODEL);
    let error = REPLICATE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.kind(), ErrorKind::BadRequest);
    assert_eq!(error.code(), Some("prediction_failed"));
    assert_eq!(error.message(), "CUDA error: out of memory");
    assert_eq!(
        (error.provider(), error.model()),
        (Some("replicate"), Some(MODEL))
    );
}

fn event(name: &str, data: &str) -> String {
    let lines: String = data
        .split('\n')
        .map(|line| format!("data: {line}\n"))
        .collect();
    format!("event: {name}\nid: 1719828000000:{}\n{lines}\n", data.len())
}

async fn streaming(server: &MockServer, stream: ResponseTemplate) {
    model_with(server, MODEL, chat_inputs()).await;
    created(
        server,
        prediction(server, "starting", Value::Null, json!({})),
    )
    .await;
    mount(server, "GET", &format!("/stream/{PREDICTION}"), stream).await;
}

#[tokio::test]
async fn a_stream_is_read_from_urls_stream_up_to_done() {
    let server = MockServer::start().await;
    let events = [
        event("output", "Bon"),
        event("output", "jour,\nmonde"),
        event("done", "{}"),
    ]
    .concat();
    streaming(&server, sse_answer(events)).await;
    let fx = replicate(&server, MODEL);
    let (chunks, error) =
        collect(&REPLICATE, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert!(error.is_none(), "{error:?}");
    let whole = accumulate(&chunks);
    assert_eq!(whole.content, "Bonjour,\nmonde");
    assert_eq!(whole.finish_reason, Some(FinishReason::Stop));
    let all = requests(&server).await;
    assert_eq!(body(&all[1])["stream"], json!(true));
    assert_eq!(header(&all[1], "prefer"), None);
    assert_eq!(header(&all[2], "accept"), Some("text/event-stream"));
    assert_eq!(
        header(&all[2], "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test]
async fn error_events_and_cut_streams_end_the_stream_with_an_error() {
    let server = MockServer::start().await;
    let events = [
        event("output", "Par"),
        event(
            "error",
            r#"{"detail": "Prediction interrupted; please retry (code: PA)"}"#,
        ),
        event("done", r#"{"reason": "error"}"#),
    ]
    .concat();
    streaming(&server, sse_answer(events)).await;
    let fx = replicate(&server, MODEL);
    let (chunks, error) =
        collect(&REPLICATE, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Par");
    let error = error.expect("the error event is reported");
    assert_eq!(
        error.message(),
        "Prediction interrupted; please retry (code: PA)"
    );
    assert_eq!(error.provider(), Some("replicate"));

    let server = MockServer::start().await;
    streaming(&server, sse_answer(event("output", "Par"))).await;
    let fx = replicate(&server, MODEL);
    let (chunks, error) =
        collect(&REPLICATE, &fx, LlmRequest::new(vec![Message::user("Hi")])).await;
    assert_eq!(accumulate(&chunks).content, "Par");
    let error = error.expect("the missing `done` is reported");
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.message().contains("done"), "{error}");
}

#[tokio::test]
async fn problem_bodies_of_every_status_class_are_mapped() {
    let cases = [
        (
            401,
            json!({"title": "Unauthenticated", "detail": "You did not pass a valid authentication token", "status": 401}),
            ErrorKind::Authorization,
            1,
        ),
        (
            402,
            json!({"title": "Insufficient credit", "detail": "You have insufficient credit to run this model.", "status": 402}),
            ErrorKind::Quota,
            1,
        ),
        (
            404,
            json!({"detail": "Not found."}),
            ErrorKind::ModelNotFound,
            1,
        ),
        (
            422,
            json!({"title": "Input validation failed", "detail": "- input: prompt is required", "status": 422}),
            ErrorKind::BadRequest,
            1,
        ),
        (
            429,
            json!({"title": "Request was throttled.", "detail": "Request was throttled. Expected available in 1 second.", "status": 429}),
            ErrorKind::RateLimit,
            3,
        ),
        (
            500,
            json!({"detail": "Internal server error"}),
            ErrorKind::ServerUnavailable,
            3,
        ),
    ];
    for (status, problem, kind, attempts) in cases {
        let server = MockServer::start().await;
        mount(
            &server,
            "GET",
            &format!("/v1/models/{MODEL}"),
            ResponseTemplate::new(status)
                .insert_header("content-type", "application/problem+json")
                .set_body_json(problem.clone()),
        )
        .await;
        let fx = replicate(&server, MODEL);
        let error = REPLICATE
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
            .await
            .expect_err("an error");
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.message(), problem["detail"].as_str().unwrap());
        assert_eq!(requests(&server).await.len(), attempts, "{status}");
        assert_no_key(&error);
    }
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        &format!("/v1/models/{MODEL}"),
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1")
            .set_body_json(json!({"detail": "Request was throttled."})),
    )
    .await;
    let mut fx = replicate(&server, MODEL);
    fx.http.max_retries = 0;
    let error = REPLICATE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
}

/// A server for embedding `model`, whose schema lists `inputs` and whose every prediction
/// succeeds with `output`, and what the protocol made of two texts.
async fn embedding_model(
    model: &str,
    inputs: &[(&str, u32)],
    output: Value,
) -> (MockServer, Vec<Vec<f32>>) {
    let server = MockServer::start().await;
    model_with(&server, model, version(inputs)).await;
    let succeeded = prediction(&server, "succeeded", output, json!({}));
    created(&server, succeeded).await;
    let fx = replicate(&server, model);
    let got = REPLICATE
        .embed(
            fx.ctx(),
            EmbeddingRequest::new(vec!["a".into(), "b".into()]),
        )
        .await
        .unwrap();
    (server, got.embeddings)
}

#[tokio::test]
async fn embedding_models_get_their_text_input_as_dify_sends_it() {
    // `texts`: every text at once, as a JSON array in a string; one vector per text.
    let (server, embeddings) = embedding_model(
        "replicate/all-mpnet-base-v2",
        &[("texts", 0), ("batch_size", 1)],
        json!([[0.25, -0.5], [0.125, 1.0]]),
    )
    .await;
    assert_eq!(embeddings, [vec![0.25, -0.5], vec![0.125, 1.0]]);
    assert_eq!(
        body(&requests(&server).await[1])["input"],
        json!({"texts": "[\"a\",\"b\"]", "batch_size": 4, "convert_to_numpy": false, "normalize_embeddings": true})
    );

    // `text`: one prediction per text, answered with `[{"embedding": [...]}]`.
    let (server, embeddings) = embedding_model(
        "nateraw/bge-large-en-v1.5",
        &[("text", 0)],
        json!([{"embedding": [0.5, 0.5]}]),
    )
    .await;
    assert_eq!(embeddings, [vec![0.5, 0.5], vec![0.5, 0.5]]);
    let all = requests(&server).await;
    assert_eq!(all.len(), 3, "the version once, a prediction per text");
    assert_eq!(body(&all[2])["input"], json!({"text": "b"}));
}

#[tokio::test]
async fn a_model_name_without_owner_or_a_missing_token_fails_before_sending() {
    let server = MockServer::start().await;
    let fx = replicate(&server, "llama-3");
    let error = REPLICATE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.kind(), ErrorKind::BadRequest);
    assert!(error.message().contains("owner/name"), "{error}");
    let mut fx = replicate(&server, MODEL);
    fx.credentials = Default::default();
    let error = REPLICATE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn the_token_never_follows_a_link_to_a_foreign_plain_http_url() {
    let server = MockServer::start().await;
    model_with(&server, MODEL, chat_inputs()).await;
    let mut running = prediction(&server, "processing", Value::Null, json!({}));
    running["urls"]["get"] = json!("http://203.0.113.7/v1/predictions/x");
    created(&server, running).await;
    let fx = replicate(&server, MODEL);
    let error = REPLICATE
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("Hi")]))
        .await
        .expect_err("an error");
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
    assert!(error.message().contains("HTTPS"), "{error}");
    assert_eq!(error.provider(), Some("replicate"));
}

#[tokio::test]
async fn checking_credentials_reads_the_model_and_runs_nothing() {
    let server = MockServer::start().await;
    model_with(&server, MODEL, chat_inputs()).await;
    let fx = replicate(&server, MODEL);
    LlmProtocol::validate_credentials(&REPLICATE, fx.ctx())
        .await
        .unwrap();
    let all = requests(&server).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].url.path(), format!("/v1/models/{MODEL}"));
}
