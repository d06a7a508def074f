//! Matching our models to an external catalog's and listing where they differ.

use std::collections::HashMap;

use modelrt::runtime::catalog::{ModelFeature, ModelInfo, ModelType, ProviderInfo};
use modelrt::runtime::Decimal;

use super::external::ExternalModel;
use crate::render::per_million;

/// Names other catalogs give our providers (LiteLLM's first, then models.dev's), where they
/// differ from our id.
const ALIASES: &[(&str, &[&str])] = &[
    ("fireworks", &["fireworks_ai", "fireworks-ai"]),
    ("huggingface_hub", &["huggingface"]),
    ("jina", &["jina_ai"]),
    ("mistralai", &["mistral"]),
    ("moonshot", &["moonshotai"]),
    ("novita", &["novita-ai"]),
    ("nvidia", &["nvidia_nim"]),
    ("togetherai", &["together_ai"]),
    ("tongyi", &["dashscope", "alibaba"]),
    ("x", &["xai"]),
    ("zhipuai", &["zai"]),
];

/// One disagreement.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Our provider id.
    pub provider: &'static str,
    /// The model id.
    pub model: &'static str,
    /// What differs: `input price`, `output price` (USD per 1M tokens), `context size`,
    /// `tool-call` or `vision`.
    pub field: &'static str,
    /// Our value (`-` when we state none).
    pub ours: String,
    /// Theirs.
    pub theirs: String,
}

/// The outcome of a comparison.
#[derive(Debug, Default)]
pub struct Report {
    /// Our models the external catalog has.
    pub compared: usize,
    /// Our models it does not have.
    pub not_found: usize,
    /// Every difference, in catalog order.
    pub differences: Vec<Difference>,
}

/// Compares every model of `providers` with its entry in `external`.
pub fn compare(providers: &[&'static ProviderInfo], external: &[ExternalModel]) -> Report {
    let index: HashMap<(&str, &str), &ExternalModel> = external
        .iter()
        .map(|m| ((m.provider.as_str(), m.model.as_str()), m))
        .collect();
    let mut report = Report::default();
    for provider in providers {
        let names = names(provider.id);
        for model in provider.models {
            let found = names
                .iter()
                .find_map(|name| index.get(&(*name, model.id)).copied());
            match found {
                Some(theirs) => {
                    report.compared += 1;
                    differences(provider, model, theirs, &mut report.differences);
                }
                None => report.not_found += 1,
            }
        }
    }
    report
}

fn names(id: &'static str) -> Vec<&'static str> {
    let aliases = ALIASES.iter().find(|(ours, _)| *ours == id);
    let mut names = vec![id];
    names.extend(aliases.into_iter().flat_map(|(_, names)| names.iter()));
    names
}

fn show(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn differences(
    provider: &'static ProviderInfo,
    model: &'static ModelInfo,
    theirs: &ExternalModel,
    out: &mut Vec<Difference>,
) {
    let mut differ = |field: &'static str, ours: String, theirs: String| {
        if ours != theirs {
            out.push(Difference {
                provider: provider.id,
                model: model.id,
                field,
                ours,
                theirs,
            });
        }
    };
    let (input, output) = prices(model);
    // Their prices are in USD: ours in another currency cannot be compared.
    if model.pricing.is_none_or(|p| p.currency == "USD") {
        if let Some(price) = theirs.input_per_million {
            differ("input price", show(input), price.normalize().to_string());
        }
        if let Some(price) = theirs.output_per_million {
            let priced_output = matches!(model.model_type, ModelType::Llm);
            if priced_output || !price.is_zero() {
                differ("output price", show(output), price.normalize().to_string());
            }
        }
    }
    if let (Some(ours), Some(context)) = (model.properties.context_size, theirs.context_size) {
        differ("context size", ours.to_string(), context.to_string());
    }
    if model.model_type == ModelType::Llm {
        let features = [
            ("tool-call", ModelFeature::ToolCall, theirs.tool_call),
            ("vision", ModelFeature::Vision, theirs.vision),
        ];
        for (field, feature, stated) in features {
            if let Some(stated) = stated {
                let ours = model.has_feature(feature);
                differ(field, ours.to_string(), stated.to_string());
            }
        }
    }
}

/// Our input and output prices per million tokens (output `0` when declared free).
fn prices(model: &ModelInfo) -> (Option<Decimal>, Option<Decimal>) {
    let Some(pricing) = &model.pricing else {
        return (None, None);
    };
    let input = per_million(&pricing.input, &pricing.unit);
    let output = match &pricing.output {
        Some(price) => per_million(price, &pricing.unit),
        None => Some(Decimal::ZERO),
    };
    (input, output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_follow_our_id_and_are_sorted() {
        assert_eq!(names("x"), ["x", "xai"]);
        assert_eq!(names("groq"), ["groq"]);
        let ids: Vec<&str> = ALIASES.iter().map(|(id, _)| *id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted);
    }
}
