// predefined/acme/acme.yaml does not declare customizable-model.
use modelrt::runtime::catalog::{ModelType, ParameterRule};
use modelrt::runtime::credentials::ValidatedCredentials;

modelrt::include_providers!("../fixtures/predefined");

#[modelrt::provider(acme)]
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
