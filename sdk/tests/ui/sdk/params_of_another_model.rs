// A handle of echo-mini takes echo-mini's parameters, not echo-pro's.
use modelrt_sdk::runtime::secret::Secret;
use modelrt_sdk::sdk::ParamsOf;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() -> modelrt_sdk::runtime::Result<()> {
    let client = echo::Client::new(echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
    });
    let _model = client
        .llm(echo::models::EchoMini)?
        .with_params(&ParamsOf::<echo::models::EchoPro> {
            max_tokens: Some(40),
            ..Default::default()
        })?;
    Ok(())
}
