// echo-tools declares `tool-call` but not `multi-tool-call`: it calls one tool per turn.
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
    let tool = modelrt_sdk::runtime::llm::Tool::new("lookup", "Looks a word up", Default::default());
    let _chat = model.chat().user("define two words").tool(tool).parallel_tool_calls(true);
    Ok(())
}
