// The enum value gives a model known only at run time: the compiler grants no capability.
use modelrt_sdk::runtime::secret::Secret;

modelrt_sdk::include_providers!("../fixtures/complete");

fn client() -> echo::Client {
    echo::Client::new(echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
    })
}

fn main() -> modelrt_sdk::runtime::Result<()> {
    let model = client().llm(echo::Llm::EchoPro)?;
    let _chat = model.chat().user_image("what is this?", "https://img.invalid/cat.png", None);
    Ok(())
}
