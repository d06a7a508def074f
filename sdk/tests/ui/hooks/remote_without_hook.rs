// hooks_declared/acme/acme.yaml declares fetch-from-remote; only the customizable hook exists.
use modelrt_sdk::runtime::catalog::{ModelType, ParameterRule};
use modelrt_sdk::runtime::credentials::ValidatedCredentials;

modelrt_sdk::include_providers!("../fixtures/hooks_declared");

#[modelrt_sdk::provider(acme)]
impl CustomizableModel {
    fn model_schema(
        &self,
        _model_type: ModelType,
        _model: &str,
        _credentials: &ValidatedCredentials,
    ) -> Vec<ParameterRule> {
        Vec::new()
    }
}

fn main() {}
