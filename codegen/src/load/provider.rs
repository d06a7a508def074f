//! A provider declaration file (SCHEMA.md §3).

use std::path::PathBuf;

use crate::ir::{ConfigurateMethod, ModelType, Provider, ProviderHelp};

use super::credentials;
use super::extra;
use super::fields::{self, Fields};
use super::model::{parse_model_type, type_folder};
use super::report::{Place, Report};
use super::yaml::Node;

/// A plugin-era `models.<type_dir>` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelGlobs {
    /// The `type_dir` key.
    pub type_dir: String,
    /// `predefined` globs, each with the place it was written.
    pub predefined: Vec<(String, Place)>,
    /// `position` path.
    pub position: Option<(String, Place)>,
}

/// A parsed provider declaration: the provider (without models) and its plugin model globs.
#[derive(Debug, Clone)]
pub struct Declaration {
    /// The provider; `id` holds the `provider:` key, `models` is empty.
    pub provider: Provider,
    /// Where the `provider:` key's value is (for messages about the id).
    pub id_place: Place,
    /// Where `extra.modelrt.protocol` is written, when it is.
    pub protocol_place: Option<Place>,
    /// `models:` (plugin layout).
    pub models: Vec<ModelGlobs>,
}

/// Parses a provider file's root node. `None` when unusable (errors were reported).
pub fn provider(root: &Node, source: &str, dir: PathBuf, r: &mut Report) -> Option<Declaration> {
    let mut f = Fields::open(root, "", r)?;
    let id_place = f.get("provider").map_or(Place::FILE, Place::from);
    let id = f.required_string("provider", r);
    let label = f.required_i18n("label", r);
    let description = f.i18n("description", r);
    let icon_small = f.i18n("icon_small", r);
    let icon_large = f.i18n("icon_large", r);
    f.i18n("icon_small_dark", r);
    f.i18n("icon_large_dark", r);
    let background = f.string("background", r);
    let help = f.get("help").and_then(|n| help(n, &f.path("help"), r));
    let supported_model_types = match f.require("supported_model_types", r) {
        Some(n) => fields::list(n, &f.path("supported_model_types"), r)
            .into_iter()
            .filter_map(|(p, n)| {
                fields::enumeration(n, &p, r, parse_model_type, &ModelType::NAMES.join(", "))
            })
            .collect(),
        None => Vec::new(),
    };
    let methods_node = f.require("configurate_methods", r);
    let configurate_methods: Vec<ConfigurateMethod> = match methods_node {
        Some(n) => fields::list(n, &f.path("configurate_methods"), r)
            .into_iter()
            .filter_map(|(p, n)| {
                let names = ConfigurateMethod::NAMES.join(", ");
                fields::enumeration(n, &p, r, |s| s.parse::<ConfigurateMethod>().ok(), &names)
            })
            .collect(),
        None => Vec::new(),
    };
    let provider_schema = f.get("provider_credential_schema");
    let provider_credentials = provider_schema
        .map(|n| credentials::provider_schema(n, "provider_credential_schema", r))
        .unwrap_or_default();
    let model_schema = f.get("model_credential_schema");
    let model_credential_schema =
        model_schema.and_then(|n| credentials::model_schema(n, "model_credential_schema", r));
    let models = f
        .get("models")
        .map(|n| model_globs(n, "models", r))
        .unwrap_or_default();
    let extra_context = extra::Context {
        model_types: &supported_model_types,
        forms: provider_credentials
            .iter()
            .chain(model_credential_schema.iter().flat_map(|s| &s.forms))
            .collect(),
    };
    let settings = f
        .get("extra")
        .map(|n| extra::modelrt_extra(n, "extra", &extra_context, r))
        .unwrap_or_default();
    f.finish(r);

    check_methods(
        &configurate_methods,
        methods_node.map_or(Place::FILE, Place::from),
        provider_schema,
        model_schema,
        r,
    );

    Some(Declaration {
        provider: Provider {
            id: id?,
            rust_module: String::new(),
            source: source.to_string(),
            dir,
            label: label?,
            description,
            icon_small,
            icon_large,
            background,
            help,
            supported_model_types,
            configurate_methods,
            provider_credentials,
            model_credential_schema,
            models: Vec::new(),
            extra_modelrt: settings.values,
            rust_files: Vec::new(),
        },
        id_place,
        protocol_place: settings.protocol_place,
        models,
    })
}

fn help(node: &Node, path: &str, r: &mut Report) -> Option<ProviderHelp> {
    let mut f = Fields::open(node, path, r)?;
    let title = f.required_i18n("title", r);
    let url = f.required_i18n("url", r);
    f.finish(r);
    Some(ProviderHelp {
        title: title?,
        url: url?,
    })
}

/// Each method needs its schema (error); a schema no method uses is a warning.
fn check_methods(
    methods: &[ConfigurateMethod],
    methods_place: Place,
    provider_schema: Option<&Node>,
    model_schema: Option<&Node>,
    r: &mut Report,
) {
    let provider_wide = methods
        .iter()
        .find(|m| **m != ConfigurateMethod::CustomizableModel);
    let customizable = methods.contains(&ConfigurateMethod::CustomizableModel);
    match (provider_wide, provider_schema) {
        (Some(m), None) => r.error(
            methods_place,
            "provider_credential_schema",
            format!(
                "`{}` needs `provider_credential_schema`, which is missing",
                m.as_str()
            ),
        ),
        (None, Some(n)) => r.warn(
            n,
            "provider_credential_schema",
            "`provider_credential_schema` is unused: no `predefined-model` or `fetch-from-remote` \
             in configurate_methods",
        ),
        _ => {}
    }
    match (customizable, model_schema) {
        (true, None) => r.error(
            methods_place,
            "model_credential_schema",
            "`customizable-model` needs `model_credential_schema`, which is missing",
        ),
        (false, Some(n)) => r.warn(
            n,
            "model_credential_schema",
            "`model_credential_schema` is unused: no `customizable-model` in configurate_methods",
        ),
        _ => {}
    }
}

fn model_globs(node: &Node, path: &str, r: &mut Report) -> Vec<ModelGlobs> {
    let Some(entries) = node.as_map() else {
        r.error(
            node,
            path,
            format!("expected a mapping, found {}", node.kind()),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let key_path = super::report::child(path, &key.name);
        if parse_model_type(&key.name.replace('_', "-")).is_none() {
            r.warn(
                key,
                &key_path,
                format!("`{}` is not a model type folder (ignored)", key.name),
            );
            continue;
        }
        let Some(mut f) = Fields::open(value, &key_path, r) else {
            continue;
        };
        let predefined = f
            .list("predefined", r)
            .into_iter()
            .filter_map(|(p, n)| fields::string(n, &p, r).map(|s| (s, Place::from(n))))
            .collect();
        let position = f
            .get("position")
            .and_then(|n| fields::string(n, &f.path("position"), r).map(|s| (s, Place::from(n))));
        f.finish(r);
        out.push(ModelGlobs {
            type_dir: key.name.clone(),
            predefined,
            position,
        });
    }
    out
}

/// The model type a `type_dir` folder name stands for.
pub fn type_of_dir(dir: &str) -> Option<ModelType> {
    ModelType::ALL
        .iter()
        .copied()
        .find(|&t| type_folder(t) == dir)
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;

    fn load(text: &str) -> (Option<Declaration>, Vec<crate::Diagnostic>) {
        let node = parse(text).unwrap();
        let mut out = Vec::new();
        let d = provider(
            &node,
            "p/p.yaml",
            PathBuf::from("/x"),
            &mut Report::new("p/p.yaml", &mut out),
        );
        (d, out)
    }

    const BASE: &str = "provider: p\nlabel: {en_US: P}\nsupported_model_types: [llm, embeddings]\n";

    #[test]
    fn methods_need_their_schemas() {
        let (d, out) = load(&format!(
            "{BASE}configurate_methods: [predefined-model, customizable-model]\n"
        ));
        assert!(d.is_some());
        let got: Vec<_> = out
            .iter()
            .map(|d| (d.severity, d.key.as_str(), d.line))
            .collect();
        use crate::Severity::Error;
        assert_eq!(
            got,
            vec![
                (Error, "provider_credential_schema", 4),
                (Error, "model_credential_schema", 4)
            ]
        );
    }

    #[test]
    fn unused_schema_warns_and_help_needs_both_keys() {
        let text = format!(
            "{BASE}configurate_methods: [customizable-model]\nhelp: {{title: {{en_US: Key}}}}\n\
provider_credential_schema: {{credential_form_schemas: []}}\n\
model_credential_schema: {{model: {{label: {{en_US: M}}}}, credential_form_schemas: []}}\n"
        );
        let (d, out) = load(&text);
        let d = d.unwrap();
        assert_eq!(
            d.provider.supported_model_types,
            vec![ModelType::Llm, ModelType::TextEmbedding]
        );
        let got: Vec<_> = out
            .iter()
            .map(|d| (d.key.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(got[0], ("help.url", "missing required key `url`"));
        assert_eq!(got[1].0, "provider_credential_schema");
        assert!(got[1].1.contains("unused"));
    }

    #[test]
    fn plugin_models_section() {
        let text = format!(
            "{BASE}configurate_methods: [customizable-model]\n\
model_credential_schema: {{model: {{label: {{en_US: M}}}}, credential_form_schemas: []}}\n\
models:\n  llm:\n    predefined: ['models/llm/*.yaml']\n    position: models/llm/_position.yaml\n\
extra:\n  python: {{source: provider/p.py}}\n  modelrt: {{protocol: openai-compatible, headers: {{X-Title: hi}}}}\n"
        );
        let (d, out) = load(&text);
        assert!(out.is_empty(), "{out:?}");
        let d = d.unwrap();
        assert_eq!(d.models[0].type_dir, "llm");
        assert_eq!(d.models[0].predefined[0].0, "models/llm/*.yaml");
        assert_eq!(
            d.models[0].position.as_ref().unwrap().0,
            "models/llm/_position.yaml"
        );
        assert_eq!(
            d.provider.extra_modelrt,
            vec![
                ("headers.X-Title".into(), "hi".into()),
                ("protocol".into(), "openai-compatible".into())
            ]
        );
    }
}
