//! Triton Inference Server's generate extension against a mock server: the documented
//! request (`text_input`, `max_tokens`, `parameters`) and answer (`text_output`), the
//! `generate_stream` SSE events, an error object inside a 200 stream, a connection broken
//! mid-stream, error bodies by status, and requests refused before sending.

mod common;
mod protocols_support;

use common::{raw_server, Fixture};
use modelrt_runtime::catalog::ParameterType;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{FinishReason, LlmRequest, Message, Tool};
use modelrt_runtime::protocol::LlmProtocol;
use modelrt_runtime::protocols::triton::TRITON;
use protocols_support::{answer_post, body, fixture, only_request, params, requests, stream_text};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

/// Dify's `triton_inference_server` form: `server_url`, `completion_type`, `stream`.
fn triton(server_url: &str, texts: &[(&'static str, &str)]) -> Fixture {
    let mut all = vec![("server_url", server_url)];
    all.extend_from_slice(texts);
    fixture(
        "triton_inference_server",
        vec![("base_url_variable", "server_url"), ("protocol", "triton")],
        "ensemble",
        &[],
        &all,
    )
}

fn conversation() -> LlmRequest {
    LlmRequest::new(vec![
        Message::system("Be brief."),
        Message::user("What is ML?"),
    ])
}

#[tokio::test]
async fn generate_sends_the_documented_body_and_reads_text_output() {
    let server = MockServer::builder().start().await;
    let documented = json!({"model_name": "ensemble", "model_version": "1",
                            "text_output": "Machine learning is learning from data."});
    answer_post(
        &server,
        "/v2/models/ensemble/generate",
        ResponseTemplate::new(200).set_body_json(documented),
    )
    .await;
    let mut fx = triton(&server.uri(), &[("completion_type", "chat")]);
    fx.params = params(
        &[
            ("temperature", ParameterType::Float),
            ("max_tokens", ParameterType::Int),
        ],
        json!({"temperature": 0.2, "max_tokens": 64}),
    );
    let got = TRITON.invoke(fx.ctx(), conversation()).await.unwrap();
    assert_eq!(got.content, "Machine learning is learning from data.");
    assert_eq!(got.model, "ensemble");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert!(got.usage.estimated, "Triton reports no usage");
    assert!(got.usage.prompt_tokens > 0 && got.usage.completion_tokens > 0);
    assert_eq!(
        body(&only_request(&server).await),
        json!({
            "text_input": "System: Be brief.\nUser: What is ML?",
            "max_tokens": 64,
            "parameters": {"stream": false, "temperature": 0.2}
        })
    );
}

#[tokio::test]
async fn completion_mode_sends_the_texts_alone_with_the_default_limit() {
    let server = MockServer::builder().start().await;
    let documented = json!({"model_name": "ensemble", "model_version": "1", "text_output": " 42"});
    answer_post(
        &server,
        "/v2/models/ensemble/generate",
        ResponseTemplate::new(200).set_body_json(documented),
    )
    .await;
    let fx = triton(&server.uri(), &[("completion_type", "completion")]);
    TRITON
        .invoke(
            fx.ctx(),
            LlmRequest::new(vec![Message::user("The answer is")]),
        )
        .await
        .unwrap();
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["text_input"], json!("The answer is"));
    assert_eq!(sent["max_tokens"], json!(512));
}

#[tokio::test]
async fn generate_stream_yields_each_event() {
    let server = MockServer::builder().start().await;
    let events: String = ["Machine", " learning", " rocks."]
        .iter()
        .map(|t| {
            format!(
                "data: {}\n\n",
                json!({"model_name": "ensemble", "model_version": "1", "text_output": t})
            )
        })
        .collect();
    answer_post(
        &server,
        "/v2/models/ensemble/generate_stream",
        ResponseTemplate::new(200).set_body_raw(events, "text/event-stream; charset=utf-8"),
    )
    .await;
    let fx = triton(&server.uri(), &[]);
    let (text, error) = stream_text(&TRITON, &fx, conversation()).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text, "Machine learning rocks.");
    let sent = body(&only_request(&server).await);
    assert_eq!(sent["parameters"]["stream"], json!(true));
}

#[tokio::test]
async fn an_error_object_inside_a_200_stream_ends_it_with_that_error() {
    let server = MockServer::builder().start().await;
    let events = format!(
        "data: {}\n\ndata: {}\n\n",
        json!({"model_name": "ensemble", "model_version": "1", "text_output": "Half"}),
        json!({"error": "Executor failed: out of KV cache blocks"})
    );
    answer_post(
        &server,
        "/v2/models/ensemble/generate_stream",
        ResponseTemplate::new(200).set_body_raw(events, "text/event-stream"),
    )
    .await;
    let fx = triton(&server.uri(), &[]);
    let (text, error) = stream_text(&TRITON, &fx, conversation()).await;
    assert_eq!(text, "Half");
    let error = error.expect("the error object is an error");
    assert!(
        error.to_string().contains("out of KV cache blocks"),
        "{error}"
    );
    assert_eq!(error.provider(), Some("triton_inference_server"));
}

#[tokio::test]
async fn a_connection_broken_mid_stream_is_an_error() {
    let event = format!(
        "data: {}\n\n",
        json!({"model_name": "ensemble", "model_version": "1", "text_output": "Half"})
    );
    let pieces = vec![event.into_bytes(), b"data: {\"text_out".to_vec()];
    let base = raw_server("HTTP/1.1 200 OK", pieces, true).await;
    let fx = triton(&base, &[]);
    let (text, error) = stream_text(&TRITON, &fx, conversation()).await;
    assert_eq!(text, "Half");
    let error = error.expect("a broken connection is an error");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
}

#[tokio::test]
async fn error_bodies_map_by_status() {
    let cases = [
        (
            400,
            "Request for unknown model: 'ensemble' is not found",
            ErrorKind::BadRequest,
        ),
        (
            404,
            "Request for unknown model: 'ensemble' is not found",
            ErrorKind::ModelNotFound,
        ),
        (503, "Server not ready", ErrorKind::ServerUnavailable),
    ];
    for (status, message, kind) in cases {
        let server = MockServer::builder().start().await;
        answer_post(
            &server,
            "/v2/models/ensemble/generate",
            ResponseTemplate::new(status).set_body_json(json!({"error": message})),
        )
        .await;
        let mut fx = triton(&server.uri(), &[]);
        fx.http.max_retries = 0;
        let error = TRITON.invoke(fx.ctx(), conversation()).await.unwrap_err();
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert_eq!(error.status(), Some(status));
        assert!(error.to_string().contains(message), "{error}");
        assert_eq!(error.model(), Some("ensemble"));
    }
}

#[tokio::test]
async fn what_the_endpoint_cannot_take_is_refused_before_sending() {
    let server = MockServer::builder().start().await;
    let fx = triton(&server.uri(), &[]);
    let tool = Tool::new("f", "A tool.", json!({"type": "object"}));
    let mut with_stop = conversation();
    with_stop.stop = vec!["\n".into()];
    for request in [conversation().with_tools(vec![tool]), with_stop] {
        let error = TRITON.invoke(fx.ctx(), request).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unsupported, "{error}");
    }
    let no_stream = triton(&server.uri(), &[("stream", "false")]);
    let error = TRITON
        .stream(no_stream.ctx(), conversation())
        .await
        .err()
        .expect("streaming is refused");
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    let odd_name = fixture(
        "triton_inference_server",
        vec![("base_url_variable", "server_url"), ("protocol", "triton")],
        "../admin",
        &[],
        &[("server_url", &server.uri())],
    );
    let error = TRITON
        .invoke(odd_name.ctx(), conversation())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BadRequest);
    assert!(requests(&server).await.is_empty());
}
