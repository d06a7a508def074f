//! Helpers the generated provider modules call, kept here so the generated code stays small.
//! Public only for generated code (as `modelrt::__private`); not part of the API.

use modelrt_runtime::catalog::{I18n, ModelProperties};

mod credentials;
mod params;
mod rows;

pub use credentials::{credential_fields, CredentialFields};
pub use params::{debug_params, ParamsJson};
pub use rows::*;

/// A text declared in English only (most labels): one short call instead of a struct literal.
pub const fn text(en_us: &'static str) -> I18n {
    I18n { en_us, others: &[] }
}

/// The `Debug` form of a generated model enum value, `Llm("gpt-4o")`: one call in each
/// generated impl, cheaper to check than a builder chain.
pub fn debug_model(f: &mut std::fmt::Formatter<'_>, enum_name: &str, id: &str) -> std::fmt::Result {
    f.debug_tuple(enum_name).field(&id).finish()
}

/// Model properties with nothing set; rows name only the keys they declare.
pub const NO_PROPERTIES: ModelProperties = ModelProperties::NONE;

/// How generated model and option enums implement `FromStr`: one scan of their table.
pub use modelrt_vocabulary::parse_name;
