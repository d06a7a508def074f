//! A tree in Dify's core shape, with no `extra.modelrt` (codegen/tests/fixtures/dify_overlay),
//! compiled with `include_providers!`: the Dify protocol overlay makes `yi` callable with the
//! credentials Dify's form asks for, `spark` and `oci` callable through their own protocols, and
//! `in_house`, which it has no entry for, catalog-only.

use modelrt::runtime::catalog::Callability;
use modelrt::runtime::secret::Secret;
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

modelrt::include_providers!("../codegen/tests/fixtures/dify_overlay");

#[test]
fn the_overlay_decides_callability_and_is_marked() {
    assert_eq!(
        yi::PROVIDER.callability,
        Callability::Protocol("openai-compatible")
    );
    assert_eq!(yi::PROVIDER.extra("overlay"), Some("dify"));
    assert_eq!(spark::PROVIDER.callability, Callability::Protocol("spark"));
    assert_eq!(oci::PROVIDER.callability, Callability::Protocol("oci"));
    assert_eq!(in_house::PROVIDER.callability, Callability::CatalogOnly);
}

#[tokio::test]
async fn a_dify_provider_is_called_with_its_own_form() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .and(header("authorization", "Bearer yi-key"))
        .and(body_partial_json(json!({
            "model": "yi-lightning",
            "messages": [{"role": "user", "content": "hello"}],
            "max_tokens": 64
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "c1", "object": "chat.completion", "model": "yi-lightning",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "hi"}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = yi::Client::new(yi::Credentials {
        api_key: Secret::new("yi-key"),
        endpoint_url: Some(server.uri()),
    });
    let model = client
        .llm(yi::models::YiLightning)
        .unwrap()
        .with_params(&modelrt::ParamsOf::<yi::models::YiLightning> {
            max_tokens: Some(64),
            ..Default::default()
        })
        .unwrap();
    let answer = model.invoke(model.chat().user("hello")).await.unwrap();
    assert_eq!(answer.content, "hi");
    assert_eq!(answer.usage.total_tokens, 4);
}
