//! Constructors of catalog rows for the generated tables (see [`model`]).

use modelrt_runtime::catalog::{
    ConfigurateMethod, I18n, LlmMode, ModelFeature, ModelInfo, ModelProperties, ModelType,
    ParameterRule, Price, Pricing,
};

use super::NO_PROPERTIES;

/// A price as the generated rows write it: the text declared, its digits and its scale
/// (the fields of [`Price`]).
pub type PriceParts = (&'static str, i128, u32);

/// A row's mode, as a path: rows name these rather than writing `Some(..)`/`None`, whose
/// type inference costs rustc more than the rest of the row.
pub const CHAT: Option<LlmMode> = Some(LlmMode::Chat);
/// See [`CHAT`].
pub const COMPLETION: Option<LlmMode> = Some(LlmMode::Completion);
/// See [`CHAT`].
pub const NO_MODE: Option<LlmMode> = None;
/// The translations of a label declared in English only.
pub const ENGLISH_ONLY: &[(&str, &str)] = &[];

/// The `Price` of `PriceParts`, written inline (a `const fn` would be one more frame in the
/// compile-time evaluation of every row).
macro_rules! price {
    ($parts:expr) => {
        Price {
            declared: $parts.0,
            mantissa: $parts.1,
            scale: $parts.2,
        }
    };
}

/// Defines a row constructor: the columns every row has, then the given ones, building the
/// row in one frame with the given pricing.
macro_rules! row_constructor {
    ($(#[$doc:meta])* $name:ident($($column:ident: $ty:ty),*) => $pricing:expr) => {
        $(#[$doc])*
        #[allow(clippy::too_many_arguments)] // one per column of the row
        pub const fn $name(
            id: &'static str,
            label: &'static str,
            translations: &'static [(&'static str, &'static str)],
            model_type: ModelType,
            features: &'static [ModelFeature],
            mode: Option<LlmMode>,
            context_size: u32,
            max_chunks: u32,
            parameter_rules: &'static [ParameterRule],
            deprecated: bool,
            source: &'static str,
            $($column: $ty),*
        ) -> ModelInfo {
            ModelInfo {
                id,
                label: I18n {
                    en_us: label,
                    others: translations,
                },
                model_type,
                features,
                fetch_from: ConfigurateMethod::PredefinedModel,
                properties: ModelProperties {
                    mode,
                    context_size: if context_size == 0 { None } else { Some(context_size) },
                    max_chunks: if max_chunks == 0 { None } else { Some(max_chunks) },
                    ..NO_PROPERTIES
                },
                parameter_rules,
                pricing: $pricing,
                deprecated,
                extra: &[],
                source,
            }
        }
    };
}

row_constructor! {
    /// The row of a predefined model whose properties are at most mode, context size and
    /// max chunks (nearly every LLM, embedding and rerank model), unpriced.
    ///
    /// The generated tables write such rows as one call with plain literals and paths, which
    /// rustc checks faster than a struct literal needing type inference for each `Some(..)`
    /// (BENCHMARKS.md). `context_size` and `max_chunks` are 0 when not declared (rows
    /// declaring 0 are written in full).
    model() => None
}

row_constructor! {
    /// [`model`] priced for input and output: its columns, then input, output, unit and
    /// currency.
    priced_model(input: PriceParts, output: PriceParts, unit: PriceParts, currency: &'static str) =>
        Some(Pricing {
            input: price!(input),
            output: Some(price!(output)),
            unit: price!(unit),
            currency,
        })
}

row_constructor! {
    /// [`model`] priced for input only (output is free): its columns, then input, unit and
    /// currency.
    input_priced_model(input: PriceParts, unit: PriceParts, currency: &'static str) =>
        Some(Pricing {
            input: price!(input),
            output: None,
            unit: price!(unit),
            currency,
        })
}
