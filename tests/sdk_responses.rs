//! The bundled GPT-6 models, opened from `openai::Client` by marker type, go through OpenAI's
//! Responses API (their YAML says `extra.modelrt.api: responses`, since OpenAI serves their
//! tool calls there only), with their typed parameters in the Responses API's places.

use modelrt::runtime::llm::{FinishReason, Tool};
use modelrt::runtime::secret::Secret;
use modelrt::{openai, ParamsOf};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> openai::Client {
    openai::Client::new(openai::Credentials {
        openai_api_key: Secret::new("sk-test".to_owned()),
        openai_organization: None,
        openai_api_base: Some(format!("{}/v1", server.uri())),
    })
}

fn weather_tool() -> Tool {
    Tool::new(
        "get_weather",
        "Current weather in a city",
        json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
    )
}

/// A completed response whose only output is a function call, as the API returns it.
fn function_call_response() -> Value {
    json!({
        "id": "resp_1", "object": "response", "created_at": 1764633600, "status": "completed",
        "error": null, "incomplete_details": null, "model": "gpt-6.1-terra",
        "output": [{
            "type": "function_call", "id": "fc_1", "call_id": "call_1",
            "name": "get_weather", "arguments": "{\"city\":\"Paris\"}", "status": "completed"
        }],
        "usage": {
            "input_tokens": 52, "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 18, "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 70
        }
    })
}

#[tokio::test]
async fn a_gpt6_model_calls_tools_through_the_responses_api() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .and(header("authorization", "Bearer sk-test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(function_call_response()))
        .expect(1)
        .mount(&server)
        .await;
    let model = client(&server)
        .llm(openai::models::Gpt61Terra)
        .unwrap()
        .with_params(&ParamsOf::<openai::models::Gpt61Terra> {
            max_output_tokens: Some(400),
            reasoning_effort: Some(openai::Gpt61terraReasoningEffort::None),
            verbosity: Some(openai::Verbosity::Low),
            temperature: Some(0.3),
            ..Default::default()
        })
        .unwrap();
    let chat = model
        .chat()
        .user("What's the weather in Paris?")
        .tool(weather_tool());
    let answer = model.invoke(chat).await.unwrap();

    assert_eq!(answer.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(answer.tool_calls[0].name, "get_weather");
    assert_eq!(answer.tool_calls[0].arguments, "{\"city\":\"Paris\"}");
    let requests = server.received_requests().await.unwrap_or_default();
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        sent,
        json!({
            "model": "gpt-6.1-terra",
            "input": [{"role": "user", "content": "What's the weather in Paris?"}],
            "tools": [{
                "type": "function",
                "name": "get_weather",
                "description": "Current weather in a city",
                "parameters": weather_tool().parameters
            }],
            "text": {"verbosity": "low"},
            "temperature": 0.3,
            "max_output_tokens": 400,
            "reasoning": {"effort": "none", "summary": "auto"},
            "include": ["reasoning.encrypted_content"],
            "store": false
        })
    );
}

#[test]
fn every_gpt6_model_is_declared_responses_first() {
    let gpt6: Vec<openai::Llm> = openai::Llm::ALL
        .iter()
        .copied()
        .filter(|model| model.id().starts_with("gpt-6"))
        .collect();
    let ids: Vec<&str> = gpt6.iter().map(|model| model.id()).collect();
    assert_eq!(ids.len(), 4, "{ids:?}");
    for model in gpt6 {
        let info = model.info();
        assert_eq!(info.extra("api"), Some("responses"), "{}", info.id);
        // The Responses API's name for the limit, and no `seed`, which it does not take.
        assert!(
            info.parameter_rule("max_output_tokens").is_some(),
            "{}",
            info.id
        );
        assert!(info.parameter_rule("seed").is_none(), "{}", info.id);
    }
}
