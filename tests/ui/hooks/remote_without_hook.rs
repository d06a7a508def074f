// hooks_declared/acme/acme.yaml declares fetch-from-remote; only the customizable hook exists.
use modelrt::runtime::catalog::{ModelType, ParameterRule};
use modelrt::runtime::credentials::ValidatedCredentials;

modelrt::include_providers!("../fixtures/hooks_declared");

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
