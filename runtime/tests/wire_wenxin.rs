//! Baidu's ERNIE chat API against a mock server: the client-credentials token exchange
//! (cached, and forgotten when the API rejects the token), the documented chat body and
//! answer, the `data:` event stream ending with `is_end`, errors that come with status 200,
//! a cut stream, tools as ERNIE functions (whole and streamed), the embedding and reranker
//! endpoints, and keys that never show in errors.

mod common;
mod protocols_support;

use common::{Fixture, API_KEY};
use modelrt_runtime::catalog::ParameterType;
use modelrt_runtime::embedding::EmbeddingRequest;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::llm::{FinishReason, LlmRequest, Message, ToolCall, ToolChoice};
use modelrt_runtime::protocol::{LlmProtocol, RerankProtocol, TextEmbeddingProtocol};
use modelrt_runtime::protocols::wenxin::WENXIN;
use modelrt_runtime::rerank::RerankRequest;
use protocols_support::{
    assert_no_key, body, fixture, leak, params, requests, stream_text, weather_tool,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "24.6c5e1ff107f0e8bcef8c46d3424a0e78.2592000.1485516651.282335-8574074";
const CHAT: &str = "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat";

/// Dify's `wenxin` form (`api_key`, `secret_key`, both secrets) on `server`, for `model`.
/// Each test uses its own server, hence its own token cache entry.
fn wenxin(server: &MockServer, model: &str) -> Fixture {
    fixture(
        "wenxin",
        vec![
            ("api_key_variable", "api_key"),
            ("base_url", leak(server.uri())),
            ("protocol", "wenxin"),
        ],
        model,
        &["api_key", "secret_key"],
        &[],
    )
}

/// Baidu's token endpoint, answering as its documentation shows.
async fn token_endpoint(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/oauth/2.0/token"))
        .and(query_param("grant_type", "client_credentials"))
        .and(query_param("client_id", API_KEY))
        .and(query_param("client_secret", API_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "refresh_token": "25.b55fe1d287227ca97aab219bb249b8ab.315360000.1798284651.282335-8574074",
            "expires_in": 2592000,
            "scope": "public wise_adapt",
            "session_key": "9mzdDZXu3dENdFZQurfg0Vz8slgSgvvOAUebNFzyzcpQ5EnbxbF",
            "access_token": TOKEN,
            "session_secret": "dfac94a3489fe9fca7c3221cbf7525ff"
        })))
        .mount(server)
        .await;
}

async fn chat_answers(server: &MockServer, endpoint: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(format!("{CHAT}/{endpoint}")))
        .and(query_param("access_token", TOKEN))
        .respond_with(answer)
        .mount(server)
        .await;
}

fn chat_requests(all: Vec<Request>) -> Vec<Request> {
    all.into_iter()
        .filter(|r| r.url.path().starts_with(CHAT))
        .collect()
}

fn token_requests(all: &[Request]) -> usize {
    all.iter()
        .filter(|r| r.url.path() == "/oauth/2.0/token")
        .count()
}

fn documented_answer() -> Value {
    json!({
        "id": "as-7ib2a0zjfy", "object": "chat.completion", "created": 1693218087,
        "result": "您好，我是文心一言。", "is_truncated": false, "need_clear_history": false,
        "finish_reason": "normal",
        "usage": {"prompt_tokens": 7, "completion_tokens": 20, "total_tokens": 27}
    })
}

#[tokio::test]
async fn chat_exchanges_the_keys_once_and_sends_the_documented_body() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    chat_answers(
        &server,
        "completions_pro",
        ResponseTemplate::new(200).set_body_json(documented_answer()),
    )
    .await;
    let mut fx = wenxin(&server, "ernie-4.0-8k");
    fx.params = params(
        &[
            ("temperature", ParameterType::Float),
            ("max_tokens", ParameterType::Int),
            ("presence_penalty", ParameterType::Float),
        ],
        json!({"temperature": 0.5, "max_tokens": 100, "presence_penalty": 1.2}),
    );
    let request = LlmRequest::new(vec![
        Message::system("你是一个助手。"),
        Message::user("你好"),
    ]);
    let got = WENXIN.invoke(fx.ctx(), request.clone()).await.unwrap();
    assert_eq!(got.content, "您好，我是文心一言。");
    assert_eq!(got.finish_reason, Some(FinishReason::Stop));
    assert_eq!(got.usage.prompt_tokens, 7);
    assert_eq!(got.usage.completion_tokens, 20);
    assert!(!got.usage.estimated);
    WENXIN.invoke(fx.ctx(), request).await.unwrap();

    let all = requests(&server).await;
    assert_eq!(token_requests(&all), 1, "the token is cached");
    let chats = chat_requests(all);
    assert_eq!(chats.len(), 2);
    assert_eq!(
        body(&chats[0]),
        json!({
            "messages": [{"role": "user", "content": "你好"}],
            "stream": false,
            "system": "你是一个助手。",
            "temperature": 0.5,
            "max_output_tokens": 100,
            "penalty_score": 1.2
        })
    );
}

#[tokio::test]
async fn a_model_baidu_names_like_itself_goes_to_its_own_endpoint() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    chat_answers(
        &server,
        "ernie-speed-128k",
        ResponseTemplate::new(200).set_body_json(documented_answer()),
    )
    .await;
    let fx = wenxin(&server, "ernie-speed-128k");
    WENXIN
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap();
}

fn event(sentence: u32, result: &str, is_end: bool) -> String {
    let value = json!({
        "id": "as-vb0m37ti8y", "object": "chat.completion", "created": 1709089502,
        "sentence_id": sentence, "is_end": is_end, "is_truncated": false,
        "result": result, "need_clear_history": false, "finish_reason": "normal",
        "usage": {"prompt_tokens": 5, "completion_tokens": 2 + sentence, "total_tokens": 7 + sentence}
    });
    format!("data: {value}\n\n")
}

#[tokio::test]
async fn a_stream_ends_with_is_end_and_a_cut_one_is_an_error() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    let whole = format!(
        "{}{}",
        event(0, "当然可以，", false),
        event(1, "这是答案。", true)
    );
    chat_answers(
        &server,
        "completions",
        ResponseTemplate::new(200).set_body_raw(whole, "text/event-stream"),
    )
    .await;
    let fx = wenxin(&server, "ernie-3.5-8k");
    let (text, error) = stream_text(
        &WENXIN,
        &fx,
        LlmRequest::new(vec![Message::user("讲个笑话")]),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text, "当然可以，这是答案。");
    let chats = chat_requests(requests(&server).await);
    assert_eq!(body(&chats[0])["stream"], json!(true));

    let cut_server = MockServer::builder().start().await;
    token_endpoint(&cut_server).await;
    chat_answers(
        &cut_server,
        "completions",
        ResponseTemplate::new(200).set_body_raw(event(0, "当然可以，", false), "text/event-stream"),
    )
    .await;
    let fx = wenxin(&cut_server, "ernie-3.5-8k");
    let (text, error) = stream_text(
        &WENXIN,
        &fx,
        LlmRequest::new(vec![Message::user("讲个笑话")]),
    )
    .await;
    assert_eq!(text, "当然可以，");
    let error = error.expect("a stream without is_end is cut");
    assert_eq!(error.kind(), ErrorKind::Connection);
}

#[tokio::test]
async fn errors_with_status_200_map_by_code_and_a_rejected_token_is_forgotten() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    chat_answers(
        &server,
        "completions_pro",
        ResponseTemplate::new(200).set_body_json(json!({
            "error_code": 110,
            "error_msg": "Access token invalid or no longer valid"
        })),
    )
    .await;
    let fx = wenxin(&server, "ernie-4.0-8k");
    for _ in 0..2 {
        let error = WENXIN
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Authorization);
        assert_eq!(error.code(), Some("110"));
        assert!(error.to_string().contains("no longer valid"), "{error}");
        assert_no_key(&error);
        assert!(!format!("{error:?}").contains(TOKEN));
    }
    assert_eq!(
        token_requests(&requests(&server).await),
        2,
        "exchanged again"
    );

    let cases = [
        (18, "QPS limit reached", ErrorKind::RateLimit),
        (
            336_003,
            "the length of messages must be an odd number",
            ErrorKind::BadRequest,
        ),
        (336_100, "try again later", ErrorKind::ServerUnavailable),
    ];
    for (code, message, kind) in cases {
        let server = MockServer::builder().start().await;
        token_endpoint(&server).await;
        chat_answers(
            &server,
            "completions_pro",
            ResponseTemplate::new(200)
                .set_body_json(json!({"error_code": code, "error_msg": message})),
        )
        .await;
        let fx = wenxin(&server, "ernie-4.0-8k");
        let error = WENXIN
            .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), kind, "{code}: {error}");
        assert!(error.to_string().contains(message));
    }
}

#[tokio::test]
async fn a_rejected_key_pair_is_an_authorization_error_without_the_keys() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/2.0/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client", "error_description": "unknown client id"
        })))
        .mount(&server)
        .await;
    let fx = wenxin(&server, "ernie-4.0-8k");
    let error = WENXIN
        .invoke(fx.ctx(), LlmRequest::new(vec![Message::user("hi")]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authorization);
    assert!(error.to_string().contains("unknown client id"), "{error}");
    assert_eq!(error.provider(), Some("wenxin"));
    assert_no_key(&error);
    assert!(chat_requests(requests(&server).await).is_empty());
}

#[tokio::test]
async fn conversations_ernie_cannot_take_are_refused_before_any_request() {
    let server = MockServer::builder().start().await;
    let fx = wenxin(&server, "ernie-4.0-8k");
    let even = LlmRequest::new(vec![Message::user("a"), Message::assistant("b")]);
    let error = WENXIN.invoke(fx.ctx(), even).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BadRequest);
    let mut no_secret = wenxin(&server, "ernie-4.0-8k");
    no_secret.credentials = Default::default();
    let error = WENXIN
        .invoke(no_secret.ctx(), LlmRequest::new(vec![Message::user("a")]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.to_string().contains("api_key"), "{error}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn tools_go_as_functions_and_a_function_call_comes_back_as_a_tool_call() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    chat_answers(
        &server,
        "completions",
        ResponseTemplate::new(200).set_body_json(json!({
            "id": "as-bcmt5ct4id", "object": "chat.completion", "created": 1693220014,
            "result": "", "is_truncated": false, "need_clear_history": false,
            "finish_reason": "function_call",
            "function_call": {"name": "get_current_weather",
                              "thoughts": "用户想知道北京的天气，需要调用get_current_weather。",
                              "arguments": "{\"location\":\"北京\"}"},
            "usage": {"prompt_tokens": 74, "completion_tokens": 34, "total_tokens": 108}
        })),
    )
    .await;
    let fx = wenxin(&server, "ernie-3.5-8k");
    let request = LlmRequest::new(vec![
        Message::user("上海天气如何"),
        Message::assistant_tool_calls(
            None,
            vec![ToolCall {
                id: "call_0".into(),
                name: "get_current_weather".into(),
                arguments: "{\"location\":\"上海\"}".into(),
            }],
        ),
        Message::tool("call_0", "{\"temperature\":25}"),
        Message::assistant("上海25度。"),
        Message::user("北京呢"),
    ])
    .with_tools(vec![weather_tool()])
    .with_tool_choice(ToolChoice::Function("get_current_weather".into()));
    let got = WENXIN.invoke(fx.ctx(), request).await.unwrap();
    assert_eq!(got.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(got.tool_calls.len(), 1);
    assert_eq!(got.tool_calls[0].name, "get_current_weather");
    assert_eq!(got.tool_calls[0].arguments, "{\"location\":\"北京\"}");
    assert!(!got.tool_calls[0].id.is_empty());

    let sent = body(&chat_requests(requests(&server).await)[0]);
    assert_eq!(
        sent["functions"],
        json!([{"name": "get_current_weather", "description": weather_tool().description,
                "parameters": weather_tool().parameters}])
    );
    assert_eq!(
        sent["tool_choice"],
        json!({"type": "function", "function": {"name": "get_current_weather"}})
    );
    assert_eq!(
        sent["messages"][1],
        json!({"role": "assistant", "content": "", "function_call":
               {"name": "get_current_weather", "arguments": "{\"location\":\"上海\"}"}})
    );
    assert_eq!(
        sent["messages"][2],
        json!({"role": "function", "name": "get_current_weather",
               "content": "{\"temperature\":25}"})
    );
}

#[tokio::test]
async fn a_streamed_function_call_ends_the_stream_as_a_tool_call() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    let event = json!({
        "id": "as-bcmt5ct4id", "object": "chat.completion", "created": 1693220014,
        "sentence_id": 0, "is_end": true, "is_truncated": false, "result": "",
        "need_clear_history": false, "finish_reason": "function_call",
        "function_call": {"name": "get_current_weather", "thoughts": "",
                          "arguments": "{\"location\":\"北京\"}"},
        "usage": {"prompt_tokens": 74, "completion_tokens": 34, "total_tokens": 108}
    });
    chat_answers(
        &server,
        "completions",
        ResponseTemplate::new(200).set_body_raw(format!("data: {event}\n\n"), "text/event-stream"),
    )
    .await;
    let fx = wenxin(&server, "ernie-3.5-8k");
    let request = LlmRequest::new(vec![Message::user("北京天气")]).with_tools(vec![weather_tool()]);
    let (chunks, error) = protocols_support::collect(&WENXIN, &fx, request).await;
    assert!(error.is_none(), "{error:?}");
    let whole = protocols_support::accumulate(&chunks);
    assert_eq!(whole.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(whole.tool_calls[0].arguments, "{\"location\":\"北京\"}");
}

#[tokio::test]
async fn a_required_tool_choice_and_parallel_calls_are_refused() {
    let server = MockServer::builder().start().await;
    let fx = wenxin(&server, "ernie-3.5-8k");
    let required = LlmRequest::new(vec![Message::user("hi")])
        .with_tools(vec![weather_tool()])
        .with_tool_choice(ToolChoice::Required);
    let error = WENXIN.invoke(fx.ctx(), required).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    let call = |id: &str| ToolCall {
        id: id.into(),
        name: "get_current_weather".into(),
        arguments: "{}".into(),
    };
    let parallel = LlmRequest::new(vec![
        Message::user("两个城市"),
        Message::assistant_tool_calls(None, vec![call("a"), call("b")]),
        Message::tool("a", "晴"),
    ]);
    let error = WENXIN.invoke(fx.ctx(), parallel).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn embeddings_use_the_models_endpoint_and_keep_the_order() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    Mock::given(method("POST"))
        .and(path(
            "/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/bge_large_zh",
        ))
        .and(query_param("access_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "as-gjs275mj6s", "object": "embedding_list", "created": 1687155816,
            "data": [{"object": "embedding", "embedding": [0.5, 0.25], "index": 1},
                     {"object": "embedding", "embedding": [0.125, -0.375], "index": 0}],
            "usage": {"prompt_tokens": 12, "total_tokens": 12}
        })))
        .mount(&server)
        .await;
    let fx = wenxin(&server, "bge-large-zh");
    let got = WENXIN
        .embed(
            fx.ctx(),
            EmbeddingRequest::new(vec!["推荐一些美食".into(), "你好".into()]),
        )
        .await
        .unwrap();
    assert_eq!(got.embeddings, [vec![0.125, -0.375], vec![0.5, 0.25]]);
    assert_eq!((got.usage.tokens, got.usage.estimated), (12, false));
    let sent = requests(&server)
        .await
        .into_iter()
        .find(|r| r.url.path().contains("/embeddings/"))
        .unwrap();
    assert_eq!(body(&sent), json!({"input": ["推荐一些美食", "你好"]}));

    // An error in place of the answer (status 200), with the token redacted.
    let failing = MockServer::builder().start().await;
    token_endpoint(&failing).await;
    Mock::given(method("POST"))
        .and(path(
            "/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "error_code": 18, "error_msg": "Open api qps request limit reached"
        })))
        .mount(&failing)
        .await;
    let fx = wenxin(&failing, "embedding-v1");
    let error = WENXIN
        .embed(fx.ctx(), EmbeddingRequest::new(vec!["你好".into()]))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(error.model(), Some("embedding-v1"));
    assert_no_key(&error);
    assert!(!format!("{error:?}").contains(TOKEN));
}

#[tokio::test]
async fn rerank_orders_the_documents_by_score() {
    let server = MockServer::builder().start().await;
    token_endpoint(&server).await;
    Mock::given(method("POST"))
        .and(path(
            "/rpc/2.0/ai_custom/v1/wenxinworkshop/reranker/bce_reranker_base",
        ))
        .and(query_param("access_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "as-a8k3x5ng1z", "object": "reranker_list", "created": 1709011018,
            "results": [
                {"document": "上海天气晴朗", "relevance_score": 0.52, "index": 1},
                {"document": "北京天气晴朗", "relevance_score": 0.98, "index": 0}
            ],
            "usage": {"prompt_tokens": 32, "total_tokens": 32}
        })))
        .mount(&server)
        .await;
    let fx = wenxin(&server, "bce-reranker-base_v1");
    let request = RerankRequest {
        query: "北京天气".into(),
        documents: vec!["北京天气晴朗".into(), "上海天气晴朗".into()],
        top_n: Some(2),
        ..RerankRequest::default()
    };
    let got = WENXIN.rerank(fx.ctx(), request).await.unwrap();
    let order: Vec<(usize, &str)> = got
        .results
        .iter()
        .map(|r| (r.index, r.document.as_str()))
        .collect();
    assert_eq!(order, [(0, "北京天气晴朗"), (1, "上海天气晴朗")]);
    assert_eq!(got.usage.map(|u| u.tokens), Some(32));
    let sent = requests(&server)
        .await
        .into_iter()
        .find(|r| r.url.path().contains("/reranker/"))
        .unwrap();
    assert_eq!(
        body(&sent),
        json!({"query": "北京天气", "documents": ["北京天气晴朗", "上海天气晴朗"], "top_n": 2})
    );
}
