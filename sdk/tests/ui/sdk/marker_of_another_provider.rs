// acme-echo is an `acme` model: an `echo` client cannot open it.
use modelrt_sdk::runtime::secret::Secret;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() -> modelrt_sdk::runtime::Result<()> {
    let client = echo::Client::new(echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
    });
    let _model = client.llm(acme::models::AcmeEcho)?;
    Ok(())
}
