// acme-embed is a `text-embedding` model (acme/text_embedding/acme-embed.yaml), not an `llm`.
use modelrt_sdk::runtime::secret::Secret;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() -> modelrt_sdk::runtime::Result<()> {
    let client = acme::Client::new(acme::Credentials {
        api_key: Secret::new("key"),
    });
    let _model = client.llm(acme::models::AcmeEmbed)?;
    Ok(())
}
