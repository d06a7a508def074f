//! A prompt-cache breakpoint set through the typed SDK (`Chat::cache_breakpoint`) reaches
//! Anthropic's Messages API as `cache_control`, and the cache usage it reports comes back.

use modelrt::anthropic;
use modelrt::runtime::llm::CacheControl;
use modelrt::runtime::secret::Secret;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_cached_system_prompt_is_sent_as_a_cache_control_block() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_01", "type": "message", "role": "assistant",
            "model": "claude-haiku-4-5-20251001",
            "content": [{"type": "text", "text": "Sunny."}],
            "stop_reason": "end_turn", "stop_sequence": null,
            "usage": {"input_tokens": 12, "output_tokens": 3,
                      "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1800}
        })))
        .mount(&server)
        .await;
    let client = anthropic::Client::new(anthropic::Credentials {
        anthropic_api_key: Secret::new("sk-ant-test".to_owned()),
        anthropic_api_url: Some(server.uri()),
    });
    let model = client
        .llm(anthropic::models::ClaudeHaiku4520251001)
        .unwrap();
    let chat = model
        .chat()
        .system("You are a weather bot with a very long manual.")
        .cache_breakpoint(CacheControl::ephemeral())
        .user("Is it sunny?");
    let answer = model.invoke(chat).await.unwrap();
    assert_eq!(answer.content, "Sunny.");
    assert_eq!(answer.usage.cached_prompt_tokens, Some(1800));

    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        sent["system"],
        json!([{"type": "text", "text": "You are a weather bot with a very long manual.",
                "cache_control": {"type": "ephemeral"}}])
    );
    assert_eq!(
        sent["messages"],
        json!([{"role": "user", "content": [{"type": "text", "text": "Is it sunny?"}]}])
    );
}
