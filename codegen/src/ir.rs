//! The catalog IR: what the loader produces from a provider tree and the emitter turns into Rust.
//!
//! Everything here is already validated and normalised: templates merged, defaults coerced,
//! models ordered by `_position.yaml`, duplicates resolved, Rust identifiers assigned.
//! The emitter never needs to look at YAML again.

use std::path::PathBuf;

macro_rules! ir_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(#[doc = $wire] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in provider YAML.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// The variant's name, which is also the variant's name in `modelrt_runtime::catalog`.
            pub const fn variant_name(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant)),+ }
            }

            /// Parses the YAML spelling; `None` for an unknown value.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

ir_enum! {
    /// A kind of model (SCHEMA.md §3). Legacy aliases are mapped by the loader.
    ModelType {
        Llm = "llm",
        TextEmbedding = "text-embedding",
        Rerank = "rerank",
        Speech2Text = "speech2text",
        Tts = "tts",
        Moderation = "moderation",
        Text2Img = "text2img",
        MultimodalEmbedding = "multimodal-embedding",
        MultimodalRerank = "multimodal-rerank",
    }
}

impl ModelType {
    /// The folder name of this type (`-` replaced by `_`).
    pub fn type_dir(self) -> String {
        self.as_str().replace('-', "_")
    }
}

ir_enum! {
    /// A model capability (SCHEMA.md §5).
    ModelFeature {
        ToolCall = "tool-call",
        MultiToolCall = "multi-tool-call",
        AgentThought = "agent-thought",
        Vision = "vision",
        StreamToolCall = "stream-tool-call",
        Document = "document",
        Video = "video",
        Audio = "audio",
        StructuredOutput = "structured-output",
        Polling = "polling",
    }
}

ir_enum! {
    /// How a provider's models are configured (SCHEMA.md §3).
    ConfigurateMethod {
        PredefinedModel = "predefined-model",
        CustomizableModel = "customizable-model",
        FetchFromRemote = "fetch-from-remote",
    }
}

ir_enum! {
    /// A credential form widget (SCHEMA.md §4).
    FormType {
        TextInput = "text-input",
        SecretInput = "secret-input",
        Select = "select",
        Radio = "radio",
        Switch = "switch",
    }
}

ir_enum! {
    /// A parameter rule's value type (SCHEMA.md §6).
    ParameterType {
        Float = "float",
        Int = "int",
        String = "string",
        Boolean = "boolean",
        Text = "text",
    }
}

ir_enum! {
    /// An LLM's mode.
    LlmMode {
        Chat = "chat",
        Completion = "completion",
    }
}

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
