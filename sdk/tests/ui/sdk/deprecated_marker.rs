// vault/llm/vault-legacy.yaml says `deprecated: true`: its marker is `#[deprecated]`, like the
// `vault::Llm::VaultLegacy` variant.
#![deny(deprecated)]

modelrt_sdk::include_providers!("../fixtures/vault");

fn main() -> modelrt_sdk::runtime::Result<()> {
    let client = vault::Client::new(vault::Credentials::new("key"));
    let _model = client.llm(vault::models::VaultLegacy)?;
    Ok(())
}
