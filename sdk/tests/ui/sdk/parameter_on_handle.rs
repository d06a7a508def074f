// The same check where parameters are set on a handle: echo-tools declares `temperature`
// only.
use modelrt_sdk::runtime::secret::Secret;
use modelrt_sdk::sdk::Params;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() -> modelrt_sdk::runtime::Result<()> {
    let client = echo::Client::new(echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
    });
    let _model = client
        .llm(echo::models::EchoTools)?
        .with_params(&Params::new().set(echo::param::max_tokens, 40))?;
    Ok(())
}
