//! The catalog IR: what the loader produces from a provider tree and the emitter turns into Rust.
//!
//! Everything here is already validated and normalised: templates merged, defaults coerced,
//! models ordered by `_position.yaml`, duplicates resolved, Rust identifiers assigned.
//! The emitter never needs to look at YAML again.

use std::path::PathBuf;

pub use modelrt_vocabulary::{
    ConfigurateMethod, FormType, LlmMode, ModelFeature, ModelType, ParameterType,
};

/// A text in several languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct I18n {
    /// `en_US`, always present.
    pub en_us: String,
    /// Other languages as `(code, text)`, sorted by code.
    pub others: Vec<(String, String)>,
}

/// A `show_on` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowOn {
    /// Variable tested.
    pub variable: String,
    /// Value required.
    pub value: String,
}

/// An option of a select/radio field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormOption {
    /// Submitted value (always a string).
    pub value: String,
    /// Display text.
    pub label: I18n,
    /// UI-only condition.
    pub show_on: Vec<ShowOn>,
}

/// A credential form field (SCHEMA.md §4), with the format's defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialForm {
    /// Variable name.
    pub variable: String,
    /// Label.
    pub label: I18n,
    /// Widget.
    pub form_type: FormType,
    /// `required`, default true.
    pub required: bool,
    /// Default, verbatim.
    pub default: Option<String>,
    /// Options of select/radio.
    pub options: Vec<FormOption>,
    /// Placeholder.
    pub placeholder: Option<I18n>,
    /// 0 = unlimited.
    pub max_length: u32,
    /// Conditions.
    pub show_on: Vec<ShowOn>,
}

/// `model_credential_schema`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelCredentialSchema {
    /// Label of the model-name input.
    pub model_label: I18n,
    /// Placeholder of the model-name input.
    pub model_placeholder: Option<I18n>,
    /// Fields.
    pub forms: Vec<CredentialForm>,
}

/// A parameter default coerced to the rule's type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// int
    Int(i64),
    /// float
    Float(f64),
    /// string / text
    Str(String),
    /// boolean
    Bool(bool),
}

/// A parameter rule after the template merge.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterRule {
    /// Name sent to the provider.
    pub name: String,
    /// Template it came from.
    pub use_template: Option<String>,
    /// Label (the name when none was declared).
    pub label: I18n,
    /// Value type.
    pub param_type: ParameterType,
    /// Help.
    pub help: Option<I18n>,
    /// Required.
    pub required: bool,
    /// Default.
    pub default: Option<DefaultValue>,
    /// Min.
    pub min: Option<f64>,
    /// Max.
    pub max: Option<f64>,
    /// Precision.
    pub precision: Option<u32>,
    /// Options (strings).
    pub options: Vec<String>,
}

/// Prices as declared (decimal strings, validated to parse exactly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    /// Input price, as written.
    pub input: String,
    /// Output price, as written.
    pub output: Option<String>,
    /// Unit, as written.
    pub unit: String,
    /// Currency.
    pub currency: String,
}

/// A TTS voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voice {
    /// Voice id (`mode`).
    pub mode: String,
    /// Name.
    pub name: String,
    /// Languages.
    pub language: Vec<String>,
}

/// `model_properties`, only the keys of the model's type set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModelProperties {
    /// llm
    pub mode: Option<LlmMode>,
    /// llm, text-embedding, rerank
    pub context_size: Option<u32>,
    /// text-embedding, moderation
    pub max_chunks: Option<u32>,
    /// speech2text
    pub file_upload_limit: Option<u32>,
    /// speech2text
    pub supported_file_extensions: Option<String>,
    /// tts
    pub default_voice: Option<String>,
    /// tts
    pub voices: Vec<Voice>,
    /// tts
    pub word_limit: Option<u32>,
    /// tts
    pub audio_type: Option<String>,
    /// tts
    pub max_workers: Option<u32>,
    /// moderation
    pub max_characters_per_chunk: Option<u32>,
}

/// A predefined model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Id (`model:` key).
    pub id: String,
    /// Rust identifier of its enum variant, unique within the provider and model type.
    pub rust_ident: String,
    /// Label (the id when none was declared).
    pub label: I18n,
    /// Model type.
    pub model_type: ModelType,
    /// Features.
    pub features: Vec<ModelFeature>,
    /// `fetch_from`, `PredefinedModel` when absent.
    pub fetch_from: ConfigurateMethod,
    /// Properties.
    pub properties: ModelProperties,
    /// Merged parameter rules.
    pub parameter_rules: Vec<ParameterRule>,
    /// Pricing.
    pub pricing: Option<Pricing>,
    /// Deprecated.
    pub deprecated: bool,
    /// `extra.modelrt`, flattened to dotted keys with scalar values, sorted by key.
    pub extra_modelrt: Vec<(String, String)>,
    /// Source file, relative to the providers root, `/`-separated.
    pub source: String,
}

/// Provider help link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderHelp {
    /// Title.
    pub title: I18n,
    /// URL.
    pub url: I18n,
}

/// A provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// Id (directory name in the core layout; `provider:` key in the plugin layout).
    pub id: String,
    /// Rust module name (sanitised id, snake case), unique in the catalog.
    pub rust_module: String,
    /// The provider YAML, relative to the providers root, `/`-separated.
    pub source: String,
    /// The provider's directory on disk (absolute), where hand-written Rust may live.
    pub dir: PathBuf,
    /// Label.
    pub label: I18n,
    /// Description.
    pub description: Option<I18n>,
    /// Small icon.
    pub icon_small: Option<I18n>,
    /// Large icon.
    pub icon_large: Option<I18n>,
    /// Background colour.
    pub background: Option<String>,
    /// Help link.
    pub help: Option<ProviderHelp>,
    /// Supported model types, in declared order.
    pub supported_model_types: Vec<ModelType>,
    /// Configuration methods, in declared order.
    pub configurate_methods: Vec<ConfigurateMethod>,
    /// `provider_credential_schema.credential_form_schemas` (empty if absent).
    pub provider_credentials: Vec<CredentialForm>,
    /// `model_credential_schema`.
    pub model_credential_schema: Option<ModelCredentialSchema>,
    /// Models: grouped by type in `supported_model_types` order (types not listed there
    /// follow in `ModelType` order), each group in position order.
    pub models: Vec<Model>,
    /// `extra.modelrt`, flattened to dotted keys with scalar values, sorted by key.
    pub extra_modelrt: Vec<(String, String)>,
    /// Hand-written Rust files beside the provider YAML (`*.rs` in the provider directory),
    /// absolute paths, sorted.
    pub rust_files: Vec<PathBuf>,
}

/// The `extra.modelrt` key naming a wire protocol the runtime implements.
pub const PROTOCOL_KEY: &str = "protocol";

/// How a provider will be callable (mirrors `modelrt_runtime::catalog::Callability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callability<'a> {
    /// `extra.modelrt.protocol` names a protocol (YAML only).
    Protocol(&'a str),
    /// Hand-written Rust files sit beside the YAML.
    RustImpl,
    /// Neither: listed and typed, not callable.
    CatalogOnly,
}

impl Provider {
    /// How the provider is called: a declared protocol, else hand-written Rust, else not at
    /// all. The loader reports Rust beside a protocol provider, so the two never meet in a
    /// catalog without errors.
    pub fn callability(&self) -> Callability<'_> {
        if let Some((_, protocol)) = self.extra_modelrt.iter().find(|(k, _)| k == PROTOCOL_KEY) {
            Callability::Protocol(protocol)
        } else if !self.rust_files.is_empty() {
            Callability::RustImpl
        } else {
            Callability::CatalogOnly
        }
    }

    /// The value of one `extra.modelrt` key (dotted, as flattened).
    pub fn extra(&self, key: &str) -> Option<&str> {
        self.extra_modelrt
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A whole provider tree.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    /// Providers in `_position.yaml` order, then by id.
    pub providers: Vec<Provider>,
    /// Every file the loader read or listed (for `rerun-if-changed`), absolute, sorted.
    pub inputs: Vec<PathBuf>,
}

impl Catalog {
    /// Number of predefined model declarations kept after duplicate resolution.
    pub fn model_count(&self) -> usize {
        self.providers.iter().map(|p| p.models.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(extra: &[(&str, &str)], rust_files: &[&str]) -> Provider {
        Provider {
            id: "p".into(),
            rust_module: "p".into(),
            source: "p/p.yaml".into(),
            dir: PathBuf::from("/tree/p"),
            label: I18n::default(),
            description: None,
            icon_small: None,
            icon_large: None,
            background: None,
            help: None,
            supported_model_types: vec![],
            configurate_methods: vec![],
            provider_credentials: vec![],
            model_credential_schema: None,
            models: vec![],
            extra_modelrt: extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            rust_files: rust_files.iter().map(PathBuf::from).collect(),
        }
    }

    #[test]
    fn protocol_wins_then_rust_then_catalog_only() {
        let both = provider(&[("protocol", "openai-compatible")], &["/tree/p/llm.rs"]);
        assert_eq!(
            both.callability(),
            Callability::Protocol("openai-compatible")
        );
        let rust = provider(&[("base_url", "https://x.invalid")], &["/tree/p/llm.rs"]);
        assert_eq!(rust.callability(), Callability::RustImpl);
        let neither = provider(&[("base_url", "https://x.invalid")], &[]);
        assert_eq!(neither.callability(), Callability::CatalogOnly);
    }
}
