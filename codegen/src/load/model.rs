//! A model declaration file (SCHEMA.md §5).

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::ir::{ConfigurateMethod, Model, ModelFeature, ModelType, Pricing};

use super::extra::model_extra;
use super::fields::{self, Fields};
use super::params;
use super::properties::properties;
use super::report::Report;
use super::yaml::Node;

/// Parses a model type, accepting the legacy aliases.
pub fn parse_model_type(s: &str) -> Option<ModelType> {
    match s {
        "text-generation" => Some(ModelType::Llm),
        "embeddings" => Some(ModelType::TextEmbedding),
        "reranking" => Some(ModelType::Rerank),
        _ => s.parse().ok(),
    }
}

/// The folder of `model_type`'s model files in the core layout (`-` becomes `_`).
pub fn type_folder(model_type: ModelType) -> String {
    model_type.as_str().replace('-', "_")
}

/// What the model's layout says about its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeSource {
    /// Core layout: the folder is the type, and `model_type` must agree.
    Folder(ModelType),
    /// Plugin layout: `model_type` decides.
    File,
}

/// Parses a model file's root node. `source` is the file, relative to the tree root.
/// `None` when the declaration is unusable (errors were reported).
pub fn model(root: &Node, source: &str, types: TypeSource, r: &mut Report) -> Option<Model> {
    let mut f = Fields::open(root, "", r)?;
    let id = f.required_string("model", r);
    let label = f.i18n("label", r);
    let model_type = match f.require("model_type", r) {
        Some(n) => {
            let path = f.path("model_type");
            let parsed =
                fields::enumeration(n, &path, r, parse_model_type, &ModelType::NAMES.join(", "));
            match (parsed, types) {
                (Some(t), TypeSource::Folder(folder)) if t != folder => {
                    r.error(
                        n,
                        &path,
                        format!(
                            "model_type `{}` does not match its folder `{}`",
                            t.as_str(),
                            type_folder(folder)
                        ),
                    );
                    None
                }
                (parsed, _) => parsed,
            }
        }
        None => None,
    };
    let features = f
        .list("features", r)
        .into_iter()
        .filter_map(|(p, n)| {
            fields::enumeration(
                n,
                &p,
                r,
                |s| s.parse::<ModelFeature>().ok(),
                &ModelFeature::NAMES.join(", "),
            )
        })
        .collect();
    let fetch_from = f
        .enumeration(
            "fetch_from",
            r,
            |s| s.parse::<ConfigurateMethod>().ok(),
            &ConfigurateMethod::NAMES.join(", "),
        )
        .unwrap_or(ConfigurateMethod::PredefinedModel);
    let props = f
        .require("model_properties", r)
        .map(|n| properties(n, "model_properties", model_type, r));
    let rules: Vec<_> = f
        .list("parameter_rules", r)
        .into_iter()
        .map(|(p, n)| params::rule(n, &p, r))
        .collect();
    let pricing = f.get("pricing").and_then(|n| pricing(n, "pricing", r));
    let deprecated = f.boolean("deprecated", r).unwrap_or(false);
    let extra_modelrt = f
        .get("extra")
        .map(|n| model_extra(n, "extra", r))
        .unwrap_or_default();
    f.finish(r);

    let id = id?;
    Some(Model {
        rust_ident: String::new(),
        label: label.unwrap_or_else(|| crate::ir::I18n {
            en_us: id.clone(),
            others: Vec::new(),
        }),
        model_type: model_type?,
        features,
        fetch_from,
        properties: props?,
        parameter_rules: rules.into_iter().collect::<Option<Vec<_>>>()?,
        pricing,
        deprecated,
        extra_modelrt,
        source: source.to_string(),
        id,
    })
}

fn pricing(node: &Node, path: &str, r: &mut Report) -> Option<Pricing> {
    let mut f = Fields::open(node, path, r)?;
    let input = decimal(&mut f, "input", true, r);
    let output = decimal(&mut f, "output", false, r);
    let unit = decimal(&mut f, "unit", true, r);
    let currency = f.required_string("currency", r);
    // Plugin-era pricing details modelrt does not model yet.
    f.ignore(&["tiered_pricing", "cached"]);
    f.finish(r);
    Some(Pricing {
        input: input??,
        output: output?,
        unit: unit??,
        currency: currency?,
    })
}

/// A decimal written as a string or number, kept as written once it parses exactly.
/// The outer `None` means invalid; `Some(None)` means absent.
fn decimal(f: &mut Fields, key: &str, required: bool, r: &mut Report) -> Option<Option<String>> {
    let path = f.path(key);
    let node = if required {
        f.require(key, r)
    } else {
        f.get(key)
    };
    let Some(node) = node else {
        return if required { None } else { Some(None) };
    };
    let text = fields::string(node, &path, r)?;
    let trimmed = text.trim();
    if Decimal::from_str(trimmed).is_err() {
        r.error(
            node,
            &path,
            format!("expected a decimal number such as '0.000001', found `{text}`"),
        );
        return None;
    }
    Some(Some(trimmed.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;
    use crate::ir::{LlmMode, ParameterType};

    fn load(text: &str, types: TypeSource) -> (Option<Model>, Vec<crate::Diagnostic>) {
        let node = parse(text).unwrap();
        let mut out = Vec::new();
        let m = model(
            &node,
            "p/llm/m.yaml",
            types,
            &mut Report::new("p/llm/m.yaml", &mut out),
        );
        (m, out)
    }

    const GOOD: &str = "model: gpt-4o\nmodel_type: llm\nfeatures: [vision, tool-call]\n\
model_properties: {mode: chat, context_size: 128000}\n\
parameter_rules:\n  - name: temperature\n    use_template: temperature\n\
pricing: {input: '2.50', output: 10, unit: '0.000001', currency: USD}\n";

    #[test]
    fn a_full_model() {
        let (m, out) = load(GOOD, TypeSource::Folder(ModelType::Llm));
        assert!(out.is_empty(), "{out:?}");
        let m = m.unwrap();
        assert_eq!(m.id, "gpt-4o");
        assert_eq!(m.label.en_us, "gpt-4o");
        assert_eq!(
            m.features,
            vec![ModelFeature::Vision, ModelFeature::ToolCall]
        );
        assert_eq!(m.fetch_from, ConfigurateMethod::PredefinedModel);
        assert_eq!(m.properties.mode, Some(LlmMode::Chat));
        assert_eq!(m.parameter_rules[0].param_type, ParameterType::Float);
        let p = m.pricing.unwrap();
        assert_eq!(
            (p.input.as_str(), p.output.as_deref(), p.unit.as_str()),
            ("2.50", Some("10"), "0.000001")
        );
        assert!(!m.deprecated);
        assert!(m.extra_modelrt.is_empty());
    }

    #[test]
    fn extra_modelrt_is_kept_and_other_runtimes_extras_ignored() {
        let text =
            format!("{GOOD}extra:\n  python: {{source: m.py}}\n  modelrt: {{api: responses}}\n");
        let (m, out) = load(&text, TypeSource::Folder(ModelType::Llm));
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(
            m.unwrap().extra_modelrt,
            vec![("api".to_owned(), "responses".to_owned())]
        );
        let (_, out) = load(
            &format!("{GOOD}extra: [1]\n"),
            TypeSource::Folder(ModelType::Llm),
        );
        assert_eq!(out[0].key, "extra");
    }

    #[test]
    fn folder_mismatch_and_legacy_alias() {
        let (m, out) = load(GOOD, TypeSource::Folder(ModelType::Rerank));
        assert!(m.is_none());
        assert_eq!(
            out[0].message,
            "model_type `llm` does not match its folder `rerank`"
        );
        let text = GOOD.replace("model_type: llm", "model_type: text-generation");
        let (m, out) = load(&text, TypeSource::File);
        assert!(out.is_empty());
        assert_eq!(m.unwrap().model_type, ModelType::Llm);
    }

    #[test]
    fn bad_price_and_feature() {
        let text = GOOD.replace("'2.50'", "two").replace("vision", "telepathy");
        let (m, out) = load(&text, TypeSource::File);
        assert!(m.is_some(), "a bad feature or price drops only that part");
        let msgs: Vec<_> = out
            .iter()
            .map(|d| (d.key.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(msgs[0].0, "features[0]");
        assert!(msgs[0].1.starts_with("unknown value `telepathy`"));
        assert_eq!(
            msgs[1],
            (
                "pricing.input",
                "expected a decimal number such as '0.000001', found `two`"
            )
        );
    }
}
