// echo-tools declares no `structured-output` feature.
use modelrt_sdk::runtime::secret::Secret;

modelrt_sdk::include_providers!("../fixtures/complete");

fn client() -> echo::Client {
    echo::Client::new(echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
    })
}

fn main() -> modelrt_sdk::runtime::Result<()> {
    let model = client().llm(echo::models::EchoTools)?;
    let schema = serde_json::json!({"type": "object"});
    let _chat = model.chat().user("as JSON").json_schema("answer", schema);
    Ok(())
}
