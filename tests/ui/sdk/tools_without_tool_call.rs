// echo-mini declares no `tool-call` feature.
use modelrt::runtime::secret::Secret;

modelrt::include_providers!("../fixtures/complete");

fn client() -> echo::Client {
    echo::Client::new(echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
    })
}

fn main() -> modelrt::runtime::Result<()> {
    let model = client().llm(echo::models::EchoMini)?;
    let tool = modelrt::runtime::llm::Tool::new("lookup", "Looks a word up", Default::default());
    let _chat = model.chat().user("define 'modelrt'").tool(tool);
    Ok(())
}
