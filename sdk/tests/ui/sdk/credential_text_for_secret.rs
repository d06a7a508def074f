// vault/vault.yaml asks for `access_token` in a plain text box in its provider form, but its
// model form hides it (`secret-input`): it is a `Secret` in every struct.
modelrt_sdk::include_providers!("../fixtures/vault");

fn main() {
    let _ = vault::Credentials {
        api_key: modelrt_sdk::runtime::secret::Secret::new("key"),
        access_token: Some("tok-1234".to_owned()),
        endpoint_url: None,
    };
}
