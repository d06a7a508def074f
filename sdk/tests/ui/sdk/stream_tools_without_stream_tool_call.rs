// echo-tools calls tools but does not declare `stream-tool-call`.
use modelrt_sdk::runtime::secret::Secret;

modelrt_sdk::include_providers!("../fixtures/complete");

fn client() -> echo::Client {
    echo::Client::new(echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
    })
}

async fn ask() -> modelrt_sdk::runtime::Result<()> {
    let model = client().llm(echo::models::EchoTools)?;
    let tool = modelrt_sdk::runtime::llm::Tool::new("lookup", "Looks a word up", Default::default());
    let _stream = model.stream(model.chat().user("define 'modelrt'").tool(tool)).await?;
    Ok(())
}

fn main() {
    let _ = ask();
}
