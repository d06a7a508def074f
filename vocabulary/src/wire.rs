//! The enumerations of the provider format (SCHEMA.md), with their YAML spellings.

use std::fmt;
use std::str::FromStr;

use crate::suggest::did_you_mean;

/// A spelling that names no value of an enumeration: the one error of every `FromStr` of
/// modelrt (vocabulary enums, generated model and option enums).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being parsed (`model type`, `` `openai::Llm` model ``, ...).
    pub what: &'static str,
    /// The spelling given.
    pub name: String,
    /// Every valid spelling, in declaration order.
    pub expected: Vec<&'static str>,
}

/// Up to this many valid spellings are listed in full; a longer list (a provider's models)
/// is summed up by its length and the closest spelling.
const LISTED: usize = 16;

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`", self.what, self.name)?;
        if self.expected.is_empty() {
            return Ok(());
        }
        if self.expected.len() <= LISTED {
            return write!(f, ", expected one of: {}", self.expected.join(", "));
        }
        if let Some(close) = did_you_mean(&self.name, self.expected.iter().copied()) {
            write!(f, ", did you mean `{close}`?")?;
        }
        write!(f, " ({} are known)", self.expected.len())
    }
}

impl std::error::Error for UnknownName {}

/// The entry of `all` whose spelling (`name_of`) is `name`, or the error naming `what` was
/// parsed: every `FromStr` of an enumeration is this scan over its table.
pub fn parse_name<T: Copy>(
    what: &'static str,
    all: &[T],
    name_of: fn(T) -> &'static str,
    name: &str,
) -> Result<T, UnknownName> {
    all.iter()
        .copied()
        .find(|entry| name_of(*entry) == name)
        .ok_or_else(|| UnknownName {
            what,
            name: name.to_owned(),
            expected: all.iter().map(|entry| name_of(*entry)).collect(),
        })
}

/// Declares an enum of YAML spellings with `ALL`, `NAMES`, `as_str`, `variant_name`,
/// `FromStr` and `Display` (the YAML spelling).
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident ($what:literal) {
        $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every YAML spelling, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($wire),+];

            /// The spelling used in provider YAML.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// The variant's name, which generated code also uses for the types it derives
            /// from this value (`Llm` -> `LlmParams`).
            pub const fn variant_name(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant)),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            /// Parses the YAML spelling.
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                parse_name($what, Self::ALL, Self::as_str, s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// A kind of model a provider can serve (SCHEMA.md §3). The loader maps legacy aliases.
    ModelType ("model type") {
        /// Chat or completion language model.
        Llm = "llm",
        /// Text embeddings.
        TextEmbedding = "text-embedding",
        /// Document reranking.
        Rerank = "rerank",
        /// Speech to text (transcription).
        Speech2Text = "speech2text",
        /// Text to speech.
        Tts = "tts",
        /// Content moderation.
        Moderation = "moderation",
        /// Image generation.
        Text2Img = "text2img",
        /// Embeddings of text and images (plugin era).
        MultimodalEmbedding = "multimodal-embedding",
        /// Reranking of text and images (plugin era).
        MultimodalRerank = "multimodal-rerank",
    }
}

wire_enum! {
    /// A capability a model declares under `features` (SCHEMA.md §5).
    ModelFeature ("feature") {
        /// Can call one tool per turn.
        ToolCall = "tool-call",
        /// Can call several tools in one turn.
        MultiToolCall = "multi-tool-call",
        /// Suited to agent reasoning loops.
        AgentThought = "agent-thought",
        /// Accepts images.
        Vision = "vision",
        /// Streams tool calls as deltas.
        StreamToolCall = "stream-tool-call",
        /// Accepts documents (PDF and similar).
        Document = "document",
        /// Accepts video.
        Video = "video",
        /// Accepts audio.
        Audio = "audio",
        /// Follows a JSON schema for its answer (plugin era).
        StructuredOutput = "structured-output",
        /// Answers by polling a job (plugin era).
        Polling = "polling",
    }
}

/// The features with a capability trait, in the parameter order of the runtime's
/// `capability::FeatureSet` (generated marker types name one `Yes`/`No` per entry).
pub const CAPABILITY_FEATURES: [ModelFeature; 9] = [
    ModelFeature::ToolCall,
    ModelFeature::MultiToolCall,
    ModelFeature::StreamToolCall,
    ModelFeature::Vision,
    ModelFeature::Document,
    ModelFeature::Audio,
    ModelFeature::Video,
    ModelFeature::StructuredOutput,
    ModelFeature::AgentThought,
];

wire_enum! {
    /// How a provider's models are configured (SCHEMA.md §3).
    ConfigurateMethod ("configuration method") {
        /// Models come from YAML; credentials are provider-wide.
        PredefinedModel = "predefined-model",
        /// The user names a model and gives credentials for it.
        CustomizableModel = "customizable-model",
        /// Provider-wide credentials; the model list comes from the provider's API.
        FetchFromRemote = "fetch-from-remote",
    }
}

wire_enum! {
    /// The widget of a credential form field (SCHEMA.md §4).
    FormType ("form type") {
        /// Free text.
        TextInput = "text-input",
        /// Free text that is a secret (API keys).
        SecretInput = "secret-input",
        /// One of `options`, as a drop-down.
        Select = "select",
        /// One of `options`, as radio buttons.
        Radio = "radio",
        /// `true` or `false`.
        Switch = "switch",
    }
}

wire_enum! {
    /// The value type of a parameter rule (SCHEMA.md §6).
    ParameterType ("parameter type") {
        /// A decimal number, limited by `precision`.
        Float = "float",
        /// A whole number.
        Int = "int",
        /// A short string, possibly one of `options`.
        String = "string",
        /// `true` or `false`.
        Boolean = "boolean",
        /// A long text (e.g. a JSON schema).
        Text = "text",
    }
}

wire_enum! {
    /// The mode of an LLM.
    LlmMode ("mode") {
        /// Messages in, message out.
        Chat = "chat",
        /// Prompt in, text out.
        Completion = "completion",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for &t in ModelType::ALL {
            assert_eq!(t.as_str().parse::<ModelType>(), Ok(t));
            assert_eq!(t.to_string(), t.as_str());
        }
        assert_eq!(ModelType::Speech2Text.variant_name(), "Speech2Text");
    }

    #[test]
    fn an_unknown_spelling_names_the_valid_ones() {
        let error = "toggle".parse::<FormType>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown form type `toggle`, expected one of: text-input, secret-input, select, \
             radio, switch"
        );
    }

    #[test]
    fn a_long_list_is_summed_up_with_the_closest_spelling() {
        const IDS: [&str; 20] = [
            "m-0", "m-1", "m-2", "m-3", "m-4", "m-5", "m-6", "m-7", "m-8", "m-9", "gpt-4o", "m-11",
            "m-12", "m-13", "m-14", "m-15", "m-16", "m-17", "m-18", "m-19",
        ];
        let parse = |name| parse_name("`acme::Llm` model", &IDS, |id| id, name);
        assert_eq!(parse("gpt-4o"), Ok("gpt-4o"));
        let error = parse("gpt-4oo").unwrap_err();
        assert_eq!(error.name, "gpt-4oo");
        assert_eq!(
            error.to_string(),
            "unknown `acme::Llm` model `gpt-4oo`, did you mean `gpt-4o`? (20 are known)"
        );
        assert_eq!(
            parse("claude").unwrap_err().to_string(),
            "unknown `acme::Llm` model `claude` (20 are known)"
        );
    }

    #[test]
    fn every_capability_feature_is_listed_once() {
        for feature in CAPABILITY_FEATURES {
            assert_eq!(
                CAPABILITY_FEATURES
                    .iter()
                    .filter(|&&f| f == feature)
                    .count(),
                1
            );
        }
    }
}
