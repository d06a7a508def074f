//! The blocks a provider implemented in Rust can write: `#[modelrt::provider(<id>)] impl <name>`.

use crate::wire::{ConfigurateMethod, ModelType};

/// What in the provider YAML declares a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declaration {
    /// A model type under `supported_model_types`: the block is that type's protocol.
    ModelType(ModelType),
    /// A method under `configurate_methods`: the block is that method's hook.
    Method(ConfigurateMethod),
}

impl Declaration {
    /// The YAML key holding the declaration.
    pub const fn yaml_key(self) -> &'static str {
        match self {
            Declaration::ModelType(_) => "supported_model_types",
            Declaration::Method(_) => "configurate_methods",
        }
    }

    /// The value declared under [`Declaration::yaml_key`].
    pub const fn yaml_value(self) -> &'static str {
        match self {
            Declaration::ModelType(t) => t.as_str(),
            Declaration::Method(m) => m.as_str(),
        }
    }
}

/// One implementable block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// The name written after `impl` (`Llm`, `CustomizableModel`).
    pub name: &'static str,
    /// The runtime module holding its trait (`protocol`, `rust_impl`).
    pub runtime_module: &'static str,
    /// The runtime trait the block implements.
    pub runtime_trait: &'static str,
    /// The associated const of the generated `<name>Impl` trait that holds the object.
    pub constant: &'static str,
    /// What in the YAML declares it.
    pub declared_by: Declaration,
}

impl Block {
    /// The model type whose protocol this block is, or `None` for a hook.
    pub const fn model_type(&self) -> Option<ModelType> {
        match self.declared_by {
            Declaration::ModelType(t) => Some(t),
            Declaration::Method(_) => None,
        }
    }

    /// The block that implements `model_type`'s protocol, if the runtime has one.
    pub fn of_model_type(model_type: ModelType) -> Option<&'static Block> {
        BLOCKS.iter().find(|b| b.model_type() == Some(model_type))
    }

    /// The block named `name`.
    pub fn named(name: &str) -> Option<&'static Block> {
        BLOCKS.iter().find(|b| b.name == name)
    }
}

const fn protocol(name: &'static str, runtime_trait: &'static str, t: ModelType) -> Block {
    Block {
        name,
        runtime_module: "protocol",
        runtime_trait,
        constant: "PROTOCOL",
        declared_by: Declaration::ModelType(t),
    }
}

const fn hook(name: &'static str, runtime_trait: &'static str, m: ConfigurateMethod) -> Block {
    Block {
        name,
        runtime_module: "rust_impl",
        runtime_trait,
        constant: "HOOK",
        declared_by: Declaration::Method(m),
    }
}

/// Every block: the model types' protocols in the runtime's `ProtocolSet` order, then the
/// hooks. The model types listed here are the ones the runtime can call.
pub const BLOCKS: &[Block] = &[
    protocol("Llm", "LlmProtocol", ModelType::Llm),
    protocol(
        "TextEmbedding",
        "TextEmbeddingProtocol",
        ModelType::TextEmbedding,
    ),
    protocol("Rerank", "RerankProtocol", ModelType::Rerank),
    protocol("Tts", "TtsProtocol", ModelType::Tts),
    protocol("Speech2Text", "Speech2TextProtocol", ModelType::Speech2Text),
    protocol("Moderation", "ModerationProtocol", ModelType::Moderation),
    hook(
        "CustomizableModel",
        "CustomizableModelProtocol",
        ConfigurateMethod::CustomizableModel,
    ),
    hook(
        "RemoteModels",
        "RemoteModelsProtocol",
        ConfigurateMethod::FetchFromRemote,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_blocks_are_named_after_their_model_type() {
        for block in BLOCKS {
            if let Some(t) = block.model_type() {
                assert_eq!(block.name, t.variant_name());
                assert_eq!(Block::of_model_type(t), Some(block));
            }
        }
        assert_eq!(
            Block::named("RemoteModels").map(|b| b.declared_by.yaml_value()),
            Some("fetch-from-remote")
        );
    }
}
