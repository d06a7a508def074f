// predefined/acme/acme.yaml does not declare customizable-model.
use modelrt_sdk::runtime::catalog::{ModelType, ParameterRule};
use modelrt_sdk::runtime::credentials::ValidatedCredentials;

modelrt_sdk::include_providers!("../fixtures/predefined");

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
