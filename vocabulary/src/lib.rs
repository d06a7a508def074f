//! modelrt-vocabulary: the words every part of modelrt must spell the same way.
//!
//! The loader (`modelrt-codegen`) reads these names from YAML, the macros match the blocks a
//! user writes against them, and the runtime dispatches on them. Keeping them in one
//! dependency-free crate means adding a model type, a feature or a protocol is one row here
//! (plus, for a protocol, its runtime module), not an edit in every crate that must agree.

mod blocks;
mod keywords;
mod protocols;
mod suggest;
mod wire;

pub use blocks::{Block, Declaration, BLOCKS};
pub use keywords::{is_keyword, KEYWORDS};
pub use protocols::{protocol, Protocol, PROTOCOLS};
pub use suggest::did_you_mean;
pub use wire::{
    parse_name, ConfigurateMethod, FormType, LlmMode, ModelFeature, ModelType, ParameterType,
    UnknownName, CAPABILITY_FEATURES,
};
