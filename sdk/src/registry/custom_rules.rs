//! Parameter rules for models that have no catalog row (customizable and remote models).
//!
//! A predefined model's rules come from its YAML. A model the user names (or the provider
//! lists) has none, so, as Dify does for its OpenAI-compatible provider, a common set applies,
//! with the `max_tokens` bound taken from the model's credentials when they declare one.

use modelrt_runtime::catalog::{DefaultValue, I18n, ModelType, ParameterRule, ParameterType};
use modelrt_runtime::credentials::ValidatedCredentials;

const fn rule(
    name: &'static str,
    label: &'static str,
    param_type: ParameterType,
    min: Option<f64>,
    max: Option<f64>,
) -> ParameterRule {
    ParameterRule {
        name,
        use_template: Some(name),
        label: I18n {
            en_us: label,
            others: &[],
        },
        param_type,
        help: None,
        required: false,
        default: None,
        min,
        max,
        precision: None,
        options: &[],
    }
}

/// The largest `max_tokens` allowed when the credentials give no bound.
const DEFAULT_MAX_TOKENS_BOUND: f64 = 4096.0;

/// The rules of a customizable or remote model of `model_type`.
pub fn rules_for(model_type: ModelType, credentials: &ValidatedCredentials) -> Vec<ParameterRule> {
    if model_type != ModelType::Llm {
        return Vec::new();
    }
    let max_tokens_bound = ["max_tokens_to_sample", "max_tokens", "context_size"]
        .iter()
        .find_map(|variable| credentials.text(variable)?.trim().parse::<f64>().ok())
        .filter(|bound| *bound >= 1.0)
        .unwrap_or(DEFAULT_MAX_TOKENS_BOUND);
    let float = |name, label, min, max| ParameterRule {
        precision: Some(2),
        ..rule(name, label, ParameterType::Float, Some(min), Some(max))
    };
    vec![
        float("temperature", "Temperature", 0.0, 2.0),
        float("top_p", "Top P", 0.0, 1.0),
        float("presence_penalty", "Presence penalty", -2.0, 2.0),
        float("frequency_penalty", "Frequency penalty", -2.0, 2.0),
        ParameterRule {
            default: Some(DefaultValue::Int(512)),
            ..rule(
                "max_tokens",
                "Max tokens",
                ParameterType::Int,
                Some(1.0),
                Some(max_tokens_bound),
            )
        },
        rule("seed", "Seed", ParameterType::Int, None, None),
        ParameterRule {
            options: &["JSON", "XML", "json_object", "json_schema"],
            ..rule(
                "response_format",
                "Response format",
                ParameterType::String,
                None,
                None,
            )
        },
        rule(
            "json_schema",
            "JSON schema",
            ParameterType::Text,
            None,
            None,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use modelrt_runtime::catalog::{CredentialForm, FormType};
    use modelrt_runtime::credentials::validate_credentials;
    use modelrt_runtime::params::validate_against_rules;
    use serde_json::json;

    static FORMS: [CredentialForm; 1] = [CredentialForm {
        variable: "max_tokens_to_sample",
        label: I18n {
            en_us: "Max tokens",
            others: &[],
        },
        form_type: FormType::TextInput,
        required: true,
        default: None,
        options: &[],
        placeholder: None,
        max_length: 0,
        show_on: &[],
    }];

    #[test]
    fn max_tokens_is_bounded_by_the_credentials() {
        let submitted = [("max_tokens_to_sample", "100")];
        let credentials = validate_credentials("p", &FORMS, None, &submitted[..]).unwrap();
        let rules = rules_for(ModelType::Llm, &credentials);
        let params = |value| {
            let json = json!({ "max_tokens": value });
            validate_against_rules("p", "m", &rules, json.as_object().unwrap())
        };
        assert!(params(100).is_ok());
        assert!(params(101).is_err());
        assert!(rules_for(ModelType::TextEmbedding, &credentials).is_empty());
    }
}
