//! Tencent Hunyuan's ChatCompletions against a mock server: a TC3-HMAC-SHA256 signed request
//! with the API 3.0 headers (the signing itself is checked against Tencent's documented
//! example in the unit tests), the enveloped answer, `data:` events ending with a
//! `FinishReason`, errors sent with status 200 in the envelope, a cut stream, tools (declared,
//! called, streamed in fragments), GetEmbedding, and credentials refused before sending.

mod common;
mod protocols_support;

use common::{Fixture, API_KEY};
use modelrt_runtime::catalog::ParameterType;
use modelrt_runtime::embedding::EmbeddingRequest;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{FinishReason, LlmRequest, Message, ToolCall, ToolChoice};
use modelrt_runtime::protocol::{LlmProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::hunyuan::HUNYUAN;
use modelrt_runtime::Error;
use protocols_support::{
    answer_post, assert_no_key, body, fixture, header, leak, only_request, params, requests,
    stream_text, weather_tool,
};
use serde_json::{json, Value};
use wiremock::{MockServer, ResponseTemplate};

const NOTE: &str = "以上内容为AI生成，不代表开发者立场，请勿删除或修改本标记";

/// Dify's `hunyuan` form (`secret_id`, `secret_key`) with `server` as the endpoint.
fn hunyuan(server: &MockServer) -> Fixture {
    fixture(
        "hunyuan",
        vec![("base_url", leak(server.uri())), ("protocol", "hunyuan")],
        "hunyuan-lite",
        &["secret_id", "secret_key"],
        &[],
    )
}

async fn answer(server: &MockServer, template: ResponseTemplate) {
    answer_post(server, "/", template).await;
}

fn documented_answer() -> Value {
    json!({"Response": {
        "RequestId": "e2d8a8a5-7a5c-4b5f-9d2b-0d1c6a5b3f01", "Note": NOTE,
        "Choices": [{"Message": {"Role": "assistant", "Content": "你好！有什么可以帮你？"},
                     "FinishReason": "stop"}],
        "Created": 1715843145, "Id": "e2d8a8a5-7a5c-4b5f-9d2b-0d1c6a5b3f01",
        "Usage": {"PromptTokens": 3, "CompletionTokens": 14, "TotalTokens": 17}
    }})
}

#[tokio::test]
async fn chat_is_signed_and_reads_the_envelope() {
    let server = MockServer::builder().start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(documented_answer()),
    )
    .await;
    let mut fx = hunyuan(&server);
    fx.params = params(
        &[
            ("temperature", ParameterType::Float),
            ("top_p", ParameterType::Float),
        ],
        json!({"temperature": 0.5, "top_p": 0.9}),
    );
    let request = LlmRequest::new(vec![Message::system("简短回答。"), Message::user("你好")]);
    let got = HUNYUAN.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(got.content, "你好！有什么可以帮你？");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert_eq!(
        (got.usage.prompt_tokens, got.usage.completion_tokens),
        (3, 14)
    );

    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "x-tc-action"), Some("ChatCompletions"));
    assert_eq!(header(&sent, "x-tc-version"), Some("2023-09-01"));
    let timestamp: u64 = header(&sent, "x-tc-timestamp").unwrap().parse().unwrap();
    let authorization = header(&sent, "authorization").unwrap();
    let prefix = format!("TC3-HMAC-SHA256 Credential={API_KEY}/");
    let rest = authorization.strip_prefix(&prefix).expect(authorization);
    let (scope, signed) = rest.split_once(", ").unwrap();
    assert!(scope.ends_with("/hunyuan/tc3_request"), "{scope}");
    let days = i64::try_from(timestamp / 86_400).unwrap();
    assert!(days > 19_000, "a current timestamp");
    let (signed_headers, signature) = signed.split_once(", Signature=").unwrap();
    assert_eq!(signed_headers, "SignedHeaders=content-type;host");
    assert_eq!(signature.len(), 64);
    assert_eq!(
        body(&sent),
        json!({
            "Model": "hunyuan-lite",
            "Messages": [{"Role": "system", "Content": "简短回答。"},
                         {"Role": "user", "Content": "你好"}],
            "Stream": false,
            "Temperature": 0.5,
            "TopP": 0.9
        })
    );
}

fn event(content: &str, finish: &str, completion_tokens: u64) -> String {
    let value = json!({
        "Note": NOTE,
        "Choices": [{"Delta": {"Role": "assistant", "Content": content}, "FinishReason": finish}],
        "Created": 1715843145, "Id": "0ff3d4f2-6a2c-4f0e-9a5e-2b9a1c3d4e5f",
        "Usage": {"PromptTokens": 3, "CompletionTokens": completion_tokens,
                  "TotalTokens": 3 + completion_tokens}
    });
    format!("data: {value}\n\n")
}

async fn collect(fx: &Fixture) -> (String, Option<Error>) {
    stream_text(&HUNYUAN, fx, LlmRequest::new(vec![Message::user("你好")])).await
}

#[tokio::test]
async fn a_stream_ends_with_a_finish_reason_and_a_cut_one_is_an_error() {
    let server = MockServer::builder().start().await;
    let whole = format!("{}{}", event("你好", "", 1), event("！", "stop", 2));
    answer(
        &server,
        ResponseTemplate::new(200).set_body_raw(whole, "text/event-stream"),
    )
    .await;
    let fx = hunyuan(&server);
    let (text, error) = collect(&fx).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text, "你好！");
    assert_eq!(body(&only_request(&server).await)["Stream"], json!(true));

    let cut = MockServer::builder().start().await;
    answer(
        &cut,
        ResponseTemplate::new(200).set_body_raw(event("你好", "", 1), "text/event-stream"),
    )
    .await;
    let (text, error) = collect(&hunyuan(&cut)).await;
    assert_eq!(text, "你好");
    assert_eq!(error.expect("cut").kind(), ErrorKind::Connection);
}

#[tokio::test]
async fn errors_in_the_envelope_map_by_code() {
    let cases = [
        (
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
            ErrorKind::Authorization,
        ),
        ("RequestLimitExceeded", "Your current request count exceeds the limit.", ErrorKind::RateLimit),
        ("InvalidParameterValue.Model", "模型不存在", ErrorKind::BadRequest),
        ("InternalError", "An internal error has occurred.", ErrorKind::ServerUnavailable),
    ];
    for (code, message, kind) in cases {
        let server = MockServer::builder().start().await;
        let error_body = json!({"Response": {"Error": {"Code": code, "Message": message},
                                             "RequestId": "7f2d3b1c-0000-4a3b-9c1d-2e3f4a5b6c7d"}});
        answer(
            &server,
            ResponseTemplate::new(200).set_body_json(error_body.clone()),
        )
        .await;
        let fx = hunyuan(&server);
        let error = HUNYUAN
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), kind, "{code}: {error}");
        assert_eq!(error.code(), Some(code));
        assert!(error.to_string().contains(message), "{error}");
        assert_no_key(&error);
        // The same envelope in place of a stream.
        let stream_server = MockServer::builder().start().await;
        answer(
            &stream_server,
            ResponseTemplate::new(200).set_body_json(error_body),
        )
        .await;
        let (_, error) = collect(&hunyuan(&stream_server)).await;
        assert_eq!(error.expect("an error").kind(), kind);
    }
}

#[tokio::test]
async fn without_both_keys_nothing_is_sent() {
    let server = MockServer::builder().start().await;
    let mut fx = hunyuan(&server);
    fx.credentials = Default::default();
    let error = HUNYUAN
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.to_string().contains("secret_id"), "{error}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn tools_are_declared_and_tool_calls_read_back() {
    let server = MockServer::builder().start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"Response": {
            "RequestId": "a3c1d0b2-1f2e-4d5c-8b7a-6e5f4d3c2b1a", "Note": NOTE,
            "Choices": [{"Index": 0, "FinishReason": "tool_calls", "Message": {
                "Role": "assistant", "Content": "",
                "ToolCalls": [{"Id": "call_cs2t4hnbqsqflflf4eag", "Type": "function", "Index": 0,
                               "Function": {"Name": "get_current_weather",
                                            "Arguments": "{\"location\":\"北京\"}"}}]}}],
            "Created": 1729070400, "Id": "a3c1d0b2-1f2e-4d5c-8b7a-6e5f4d3c2b1a",
            "Usage": {"PromptTokens": 92, "CompletionTokens": 19, "TotalTokens": 111}
        }})),
    )
    .await;
    let fx = hunyuan(&server);
    let request = LlmRequest::new(vec![
        Message::user("北京天气怎么样"),
        Message::assistant_tool_calls(
            None,
            vec![ToolCall {
                id: "call_earlier".into(),
                name: "get_current_weather".into(),
                arguments: "{\"location\":\"上海\"}".into(),
            }],
        ),
        Message::tool("call_earlier", "上海 晴 25°C"),
        Message::assistant("上海晴。"),
        Message::user("那北京呢？"),
    ])
    .with_tools(vec![weather_tool()])
    .with_tool_choice(ToolChoice::Function("get_current_weather".into()));
    let got = HUNYUAN.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(got.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(
        got.tool_calls,
        [ToolCall {
            id: "call_cs2t4hnbqsqflflf4eag".into(),
            name: "get_current_weather".into(),
            arguments: "{\"location\":\"北京\"}".into(),
        }]
    );
    let sent = body(&only_request(&server).await);
    let declared = json!({"Type": "function", "Function": {
        "Name": "get_current_weather",
        "Description": "Get the current weather in a given city",
        "Parameters": weather_tool().parameters.to_string()
    }});
    assert_eq!(sent["Tools"], json!([declared.clone()]));
    assert_eq!(sent["ToolChoice"], json!("custom"));
    assert_eq!(sent["CustomTool"], declared);
    assert_eq!(
        sent["Messages"][1],
        json!({"Role": "assistant", "Content": "", "ToolCalls": [{
            "Id": "call_earlier", "Type": "function",
            "Function": {"Name": "get_current_weather", "Arguments": "{\"location\":\"上海\"}"}}]})
    );
    assert_eq!(
        sent["Messages"][2],
        json!({"Role": "tool", "Content": "上海 晴 25°C", "ToolCallId": "call_earlier"})
    );
}

#[tokio::test]
async fn streamed_tool_call_fragments_add_up() {
    let server = MockServer::builder().start().await;
    let delta = |calls: Value, finish: &str| {
        let value = json!({"Note": NOTE, "Created": 1729070400,
            "Id": "b1c2d3e4-0000-4a5b-9c8d-7e6f5a4b3c2d",
            "Choices": [{"Delta": {"Role": "assistant", "Content": "", "ToolCalls": calls},
                         "FinishReason": finish}],
            "Usage": {"PromptTokens": 92, "CompletionTokens": 19, "TotalTokens": 111}});
        format!("data: {value}\n\n")
    };
    let call = |id: &str, name: &str, arguments: &str| {
        json!([{"Id": id, "Type": "function", "Index": 0,
                "Function": {"Name": name, "Arguments": arguments}}])
    };
    let whole = [
        delta(
            call("call_cs2t4hnbqsqflflf4eag", "get_current_weather", ""),
            "",
        ),
        delta(call("call_cs2t4hnbqsqflflf4eag", "", "{\"location\":"), ""),
        delta(call("call_cs2t4hnbqsqflflf4eag", "", "\"北京\"}"), ""),
        delta(json!([]), "tool_calls"),
    ]
    .concat();
    answer(
        &server,
        ResponseTemplate::new(200).set_body_raw(whole, "text/event-stream"),
    )
    .await;
    let fx = hunyuan(&server);
    let request =
        LlmRequest::new(vec![Message::user("北京天气怎么样")]).with_tools(vec![weather_tool()]);
    let (chunks, error) = protocols_support::collect(&HUNYUAN, &fx, request).await;
    assert!(error.is_none(), "{error:?}");
    let whole = protocols_support::accumulate(&chunks);
    assert_eq!(whole.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(whole.tool_calls.len(), 1);
    assert_eq!(whole.tool_calls[0].name, "get_current_weather");
    assert_eq!(whole.tool_calls[0].arguments, "{\"location\":\"北京\"}");
    let sent = body(&only_request(&server).await);
    assert!(sent.get("ToolChoice").is_none(), "{sent}");
}

#[tokio::test]
async fn a_required_tool_choice_is_refused_before_sending() {
    let server = MockServer::builder().start().await;
    let fx = hunyuan(&server);
    let request = LlmRequest::new(vec![Message::user("hi")])
        .with_tools(vec![weather_tool()])
        .with_tool_choice(ToolChoice::Required);
    let error = HUNYUAN.invoke(fx.ctx(), request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn get_embedding_is_signed_and_keeps_the_order() {
    let server = MockServer::builder().start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"Response": {
            "RequestId": "0e5f4c3b-2a19-4d8e-b7c6-5a4b3c2d1e0f",
            "Data": [{"Embedding": [0.25, -0.5], "Index": 1, "Object": "embedding"},
                     {"Embedding": [0.125, 0.75], "Index": 0, "Object": "embedding"}],
            "Usage": {"PromptTokens": 6, "TotalTokens": 6}
        }})),
    )
    .await;
    let mut fx = hunyuan(&server);
    fx.model = "hunyuan-embedding".into();
    let request = EmbeddingRequest::new(vec!["你好".into(), "世界".into()]);
    let got = HUNYUAN.embed(fx.ctx(), request).await.unwrap();
    assert_eq!(got.embeddings, [vec![0.125, 0.75], vec![0.25, -0.5]]);
    assert_eq!((got.usage.tokens, got.usage.estimated), (6, false));
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "x-tc-action"), Some("GetEmbedding"));
    assert!(header(&sent, "authorization")
        .unwrap()
        .starts_with("TC3-HMAC-SHA256 Credential="));
    assert_eq!(body(&sent), json!({"InputList": ["你好", "世界"]}));

    let failing = MockServer::builder().start().await;
    answer(
        &failing,
        ResponseTemplate::new(200).set_body_json(json!({"Response": {
            "Error": {"Code": "AuthFailure.SecretIdNotFound",
                      "Message": "The SecretId is not found, please ensure that your SecretId is correct."},
            "RequestId": "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"}})),
    )
    .await;
    let mut fx = hunyuan(&failing);
    fx.model = "hunyuan-embedding".into();
    let error = HUNYUAN
        .embed(fx.ctx(), EmbeddingRequest::new(vec!["你好".into()]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authorization);
    assert_eq!(error.provider(), Some("hunyuan"));
    assert_no_key(&error);
    assert_eq!(
        body(&only_request(&failing).await),
        json!({"Input": "你好"})
    );
}
