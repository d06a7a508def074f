// The model is `echo-mini`: its marker is `EchoMini`.
use modelrt_sdk::runtime::secret::Secret;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() -> modelrt_sdk::runtime::Result<()> {
    let client = echo::Client::new(echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
    });
    let _model = client.llm(echo::models::EchoMinni)?;
    Ok(())
}
