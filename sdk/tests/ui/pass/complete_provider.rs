// A complete provider implemented in Rust beside its YAML (fixtures/complete/acme: llm.rs,
// embedding.rs, hooks.rs) and a YAML-only one (echo), used through the typed SDK.
use modelrt_sdk::runtime::llm::Tool;
use modelrt_sdk::runtime::secret::Secret;
use modelrt_sdk::sdk::{Params, ParamsOf};

modelrt_sdk::include_providers!("../fixtures/complete");

async fn run() -> modelrt_sdk::runtime::Result<()> {
    let acme = acme::Client::new(acme::Credentials {
        api_key: Secret::new("acme-key"),
    });
    let model = acme.llm(acme::models::AcmeEcho)?.with_params(&ParamsOf::<acme::models::AcmeEcho> {
        temperature: Some(0.5),
        ..Default::default()
    })?;
    let tool = Tool::new("lookup", "Looks a word up", serde_json::json!({"type": "object"}));
    let chat = model.chat().system("be brief").user("hello").tool(tool);
    let answer = model.invoke(chat).await?;
    assert_eq!(answer.content, "echo: hello");
    // acme-echo declares stream-tool-call: streaming with tools compiles.
    let tool = Tool::new("lookup", "Looks a word up", serde_json::json!({"type": "object"}));
    let _stream = model.stream(model.chat().user("hi").tool(tool)).await?;

    let embedder = acme.text_embedding(acme::models::AcmeEmbed)?;
    assert_eq!(embedder.embed(["a"]).await?.embeddings.len(), 1);

    // echo-pro declares vision, tool-call, stream-tool-call and structured-output.
    let echo = echo::Client::new(echo::Credentials {
        api_key: Secret::new("echo-key"),
        endpoint_url: None,
    });
    let pro = echo.llm(echo::models::EchoPro)?;
    let _chat = pro
        .chat()
        .user_image("what is this?", "https://img.invalid/cat.png", None)
        .json_schema("answer", serde_json::json!({"type": "object"}))
        .tool(Tool::new("lookup", "Looks a word up", serde_json::json!({})))
        .tool_choice(modelrt_sdk::runtime::llm::ToolChoice::Auto);
    // Parameters one at a time: each compiles for a model whose YAML declares it.
    let params = Params::<echo::models::EchoPro>::new()
        .set(echo::param::temperature, 0.2)
        .set(echo::param::max_tokens, 40)
        .choose(echo::options::response_format::JsonSchema);
    let pro = pro.with_params(&params)?;
    let _chat = pro.chat().user("hi").params(&Params::new().set(echo::param::max_tokens, 8));
    // A model enum value opens the same model, without compile-time capabilities.
    let _dynamic = echo.llm(echo::Llm::EchoMini)?;
    Ok(())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(run()).expect("the complete provider answers");
}
