//! The static catalog tables that generated code fills in.
//!
//! Every provider and model declared in YAML becomes a `static` row of these types
//! (DESIGN.md: "tables, not code"). They hold only `&'static` data and `const`-constructible
//! values, so the generated code is plain data that compiles fast. Nothing here knows YAML.

use rust_decimal::Decimal;

/// A text in several languages. `en_US` is always present; other languages fall back to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct I18n {
    /// The English text (`en_US`), required by the format.
    pub en_us: &'static str,
    /// Every other language as `(code, text)`, e.g. `("zh_Hans", "...")`, sorted by code.
    pub others: &'static [(&'static str, &'static str)],
}

impl I18n {
    /// The text in `lang` (e.g. `zh_Hans`), falling back to `en_US`.
    pub fn get(&self, lang: &str) -> &'static str {
        self.others
            .iter()
            .find(|(code, _)| *code == lang)
            .map_or(self.en_us, |(_, text)| text)
    }
}

pub use modelrt_vocabulary::{
    ConfigurateMethod, FormType, LlmMode, ModelFeature, ModelType, ParameterType, UnknownName,
};

/// A condition `variable == value` under which a form field or option applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShowOn {
    /// The variable tested (`__model_type` for the model type being configured).
    pub variable: &'static str,
    /// The value it must have.
    pub value: &'static str,
}

/// One option of a `select` or `radio` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormOption {
    /// The value submitted.
    pub value: &'static str,
    /// The text shown.
    pub label: I18n,
    /// When the option is shown (a UI hint only).
    pub show_on: &'static [ShowOn],
}

/// One field of a credential form (SCHEMA.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialForm {
    /// The credential's name. The same name may appear in several forms with exclusive `show_on`.
    pub variable: &'static str,
    /// The field's label.
    pub label: I18n,
    /// The widget, which also decides the value type.
    pub form_type: FormType,
    /// Whether a value must be given (the format's default is `true`).
    pub required: bool,
    /// The default, verbatim as declared (always a string).
    pub default: Option<&'static str>,
    /// Allowed values of `select` and `radio` fields.
    pub options: &'static [FormOption],
    /// Placeholder text.
    pub placeholder: Option<I18n>,
    /// Maximum length in characters; 0 means unlimited.
    pub max_length: u32,
    /// The field applies only when all of these hold.
    pub show_on: &'static [ShowOn],
}

/// The credential schema of a `customizable-model` provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelCredentialSchema {
    /// Label of the model-name input (not itself a form field).
    pub model_label: I18n,
    /// Placeholder of the model-name input.
    pub model_placeholder: Option<I18n>,
    /// The form fields.
    pub forms: &'static [CredentialForm],
}

/// A default value of a parameter rule, already coerced to the rule's type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultValue {
    /// For `int` rules.
    Int(i64),
    /// For `float` rules.
    Float(f64),
    /// For `string` and `text` rules.
    Str(&'static str),
    /// For `boolean` rules.
    Bool(bool),
}

/// A parameter rule after the template merge (SCHEMA.md §6).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParameterRule {
    /// The parameter's name, as sent to the provider.
    pub name: &'static str,
    /// The template it was built from; callers may pass values under this name too.
    pub use_template: Option<&'static str>,
    /// The label (the name when none was declared).
    pub label: I18n,
    /// The value type.
    pub param_type: ParameterType,
    /// Help text.
    pub help: Option<I18n>,
    /// Whether a value must be present (a default satisfies it).
    pub required: bool,
    /// The default value.
    pub default: Option<DefaultValue>,
    /// Lower bound for numbers.
    pub min: Option<f64>,
    /// Upper bound for numbers.
    pub max: Option<f64>,
    /// Decimal places allowed for floats.
    pub precision: Option<u32>,
    /// Allowed values for strings; empty means any.
    pub options: &'static [&'static str],
}

/// An exact decimal price, with the text it was declared as.
///
/// Kept as mantissa and scale (`0.000001` is `1` at scale `6`) rather than a `Decimal`, so a
/// generated catalog row is a plain literal: building thousands of `Decimal`s through a const
/// fn was a measurable part of the generated code's check time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    /// The text as written in YAML, e.g. `"0.000001"`.
    pub declared: &'static str,
    /// The value's digits as an integer (at most 96 bits, as a `Decimal` holds).
    pub mantissa: i128,
    /// How many of those digits are decimals (at most 28).
    pub scale: u32,
}

impl Price {
    /// The exact value.
    pub fn value(&self) -> Decimal {
        let digits = self.mantissa.unsigned_abs();
        // The three 32-bit words of the 96-bit mantissa (`from_parts` does not panic).
        Decimal::from_parts(
            digits as u32,
            (digits >> 32) as u32,
            (digits >> 64) as u32,
            self.mantissa < 0,
            self.scale,
        )
    }
}

/// A model's prices (SCHEMA.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pricing {
    /// Price per unit of input tokens.
    pub input: Price,
    /// Price per unit of output tokens; `None` means output is free.
    pub output: Option<Price>,
    /// The unit multiplier: `0.000001` means prices are per million tokens.
    pub unit: Price,
    /// The currency, e.g. `USD` or `RMB`.
    pub currency: &'static str,
}

/// One voice of a text-to-speech model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voice {
    /// The voice id sent to the provider (YAML key `mode`).
    pub mode: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Languages it speaks.
    pub language: &'static [&'static str],
}

/// A model's `model_properties`; only the keys of its model type can be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelProperties {
    /// LLM mode (llm).
    pub mode: Option<LlmMode>,
    /// Context window in tokens (llm, text-embedding, rerank).
    pub context_size: Option<u32>,
    /// Inputs per request (text-embedding, moderation).
    pub max_chunks: Option<u32>,
    /// Upload limit in MB (speech2text).
    pub file_upload_limit: Option<u32>,
    /// Comma-separated file extensions (speech2text).
    pub supported_file_extensions: Option<&'static str>,
    /// Default voice id (tts).
    pub default_voice: Option<&'static str>,
    /// Voices (tts).
    pub voices: &'static [Voice],
    /// Words per request (tts).
    pub word_limit: Option<u32>,
    /// Output audio format (tts).
    pub audio_type: Option<&'static str>,
    /// Parallel requests (tts).
    pub max_workers: Option<u32>,
    /// Characters per chunk (moderation).
    pub max_characters_per_chunk: Option<u32>,
}

impl ModelProperties {
    /// Nothing set, for a row to name only the keys it declares (`..ModelProperties::NONE`,
    /// usable in a `const`, where `Default` is not).
    pub const NONE: ModelProperties = ModelProperties {
        mode: None,
        context_size: None,
        max_chunks: None,
        file_upload_limit: None,
        supported_file_extensions: None,
        default_voice: None,
        voices: &[],
        word_limit: None,
        audio_type: None,
        max_workers: None,
        max_characters_per_chunk: None,
    };
}

/// One model's row in the catalog.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelInfo {
    /// The id sent to the API (the YAML `model` key).
    pub id: &'static str,
    /// Display name (the id when none was declared).
    pub label: I18n,
    /// The model type.
    pub model_type: ModelType,
    /// Declared capabilities.
    pub features: &'static [ModelFeature],
    /// Where the model comes from (predefined for YAML models).
    pub fetch_from: ConfigurateMethod,
    /// Type-specific properties.
    pub properties: ModelProperties,
    /// Parameter rules after the template merge.
    pub parameter_rules: &'static [ParameterRule],
    /// Prices, when declared.
    pub pricing: Option<Pricing>,
    /// Deprecated models are hidden from listings but still callable.
    pub deprecated: bool,
    /// Settings under the model's `extra.modelrt`, as `(key, value)` pairs with dotted keys
    /// (e.g. `api: responses`, docs/provider-extra.md).
    pub extra: &'static [(&'static str, &'static str)],
    /// The YAML file it was declared in, relative to the providers directory.
    pub source: &'static str,
}

impl ModelInfo {
    /// A value under the model's `extra.modelrt` (dotted key).
    pub fn extra(&self, key: &str) -> Option<&'static str> {
        self.extra.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// Whether the model declares `feature`.
    pub fn has_feature(&self, feature: ModelFeature) -> bool {
        self.features.contains(&feature)
    }

    /// The rule named `name`, or whose template is `name`.
    pub fn parameter_rule(&self, name: &str) -> Option<&'static ParameterRule> {
        self.parameter_rules
            .iter()
            .find(|r| r.name == name)
            .or_else(|| {
                self.parameter_rules
                    .iter()
                    .find(|r| r.use_template == Some(name))
            })
    }
}

/// Help link of a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderHelp {
    /// Link text.
    pub title: I18n,
    /// Link target.
    pub url: I18n,
}

/// Whether and how a provider can be called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callability {
    /// Listed and typed but no protocol code: calls fail with a clear error.
    CatalogOnly,
    /// Hand-written Rust beside the YAML implements the protocol.
    RustImpl,
    /// A protocol named under `extra.modelrt` (YAML only).
    Protocol(&'static str),
}

/// One provider's row in the catalog.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProviderInfo {
    /// The provider id (its directory name).
    pub id: &'static str,
    /// Display name.
    pub label: I18n,
    /// Description.
    pub description: Option<I18n>,
    /// Small icon file name in `_assets/`.
    pub icon_small: Option<I18n>,
    /// Large icon file name in `_assets/`.
    pub icon_large: Option<I18n>,
    /// CSS background colour.
    pub background: Option<&'static str>,
    /// Help link.
    pub help: Option<ProviderHelp>,
    /// Model types the provider serves.
    pub supported_model_types: &'static [ModelType],
    /// How models are configured.
    pub configurate_methods: &'static [ConfigurateMethod],
    /// Provider-wide credential form; empty when none is declared.
    pub provider_credentials: &'static [CredentialForm],
    /// Per-model credential form of `customizable-model` providers.
    pub model_credential_schema: Option<ModelCredentialSchema>,
    /// Predefined models, grouped by model type in `supported_model_types` order,
    /// each group in `_position.yaml` order.
    pub models: &'static [ModelInfo],
    /// Settings under `extra.modelrt`, as `(key, value)` pairs with dotted keys.
    pub extra: &'static [(&'static str, &'static str)],
    /// Whether and how it can be called.
    pub callability: Callability,
    /// The provider YAML file, relative to the providers directory.
    pub source: &'static str,
}

impl ProviderInfo {
    /// Whether the provider declares `method`.
    pub fn supports_method(&self, method: ConfigurateMethod) -> bool {
        self.configurate_methods.contains(&method)
    }

    /// Predefined models of one type, in position order.
    pub fn models_of(&self, model_type: ModelType) -> impl Iterator<Item = &'static ModelInfo> {
        self.models
            .iter()
            .filter(move |m| m.model_type == model_type)
    }

    /// The predefined model `id` of `model_type`.
    pub fn model(&self, model_type: ModelType, id: &str) -> Option<&'static ModelInfo> {
        self.models
            .iter()
            .find(|m| m.model_type == model_type && m.id == id)
    }

    /// Whether `variable` is a `secret-input` in any of its credential forms (provider or
    /// model): such a value is a secret wherever it is asked for.
    pub fn is_secret_variable(&self, variable: &str) -> bool {
        let model_forms = self.model_credential_schema.map_or(&[][..], |s| s.forms);
        self.provider_credentials
            .iter()
            .chain(model_forms)
            .any(|f| f.variable == variable && f.form_type == FormType::SecretInput)
    }

    /// A value under `extra.modelrt` (dotted key, e.g. `base_url`).
    pub fn extra(&self, key: &str) -> Option<&'static str> {
        self.extra.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// Every credential form: provider-wide, then the model credential form.
    pub fn credential_forms(&self) -> impl Iterator<Item = &'static CredentialForm> {
        let model_forms = self.model_credential_schema.map_or(&[][..], |s| s.forms);
        self.provider_credentials.iter().chain(model_forms)
    }

    /// The non-empty default of the first required form declaring `variable` whose
    /// `__model_type` conditions hold for `model_type` (forms with no such condition always
    /// qualify): what a settings UI pre-fills, and what credential sources fall back to.
    pub fn required_default(
        &self,
        model_type: Option<ModelType>,
        variable: &str,
    ) -> Option<&'static str> {
        self.credential_forms()
            .filter(|f| f.variable == variable && f.required)
            .find(|f| {
                f.show_on
                    .iter()
                    .filter(|c| c.variable == crate::credentials::MODEL_TYPE_VARIABLE)
                    .all(|c| model_type.is_some_and(|t| t.as_str() == c.value))
            })
            .and_then(|f| f.default)
            .filter(|d| !d.is_empty())
    }
}
