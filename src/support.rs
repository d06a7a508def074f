//! Helpers the generated provider modules call, kept here so the generated code stays small.
//! Public only for generated code (as `modelrt::__private`); not part of the API.

use modelrt_runtime::catalog::{
    ConfigurateMethod, I18n, LlmMode, ModelFeature, ModelInfo, ModelProperties, ModelType,
    ParameterRule, Price, Pricing,
};
use modelrt_runtime::credentials::{CredentialError, CredentialProblem};
use serde_json::{Map, Value};

/// A text declared in English only (most labels): one short call instead of a struct literal.
pub const fn text(en_us: &'static str) -> I18n {
    I18n { en_us, others: &[] }
}

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

/// The row of a predefined model whose properties are at most mode, context size and max
/// chunks (nearly every LLM, embedding and rerank model), unpriced.
///
/// The generated tables write such rows as one call with plain literals and paths: rustc
/// checks that about three times faster than the struct literal, whose nested `Some(..)`,
/// `None` and calls each need type inference and split the static's MIR. `context_size` and
/// `max_chunks` are 0 when not declared (rows declaring 0 are written in full). These
/// functions build the row without calling helpers, as each call is a frame more for the
/// compile-time evaluation of every row.
#[allow(clippy::too_many_arguments)] // one per column of the row
pub const fn model(
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
) -> ModelInfo {
    row(
        [id, label, source],
        translations,
        model_type,
        features,
        mode,
        [context_size, max_chunks],
        parameter_rules,
        deprecated,
        None,
    )
}

/// [`model`] priced for input and output: its arguments, then input, output, unit and
/// currency.
#[allow(clippy::too_many_arguments)] // one per column of the row
pub const fn priced_model(
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
    input: PriceParts,
    output: PriceParts,
    unit: PriceParts,
    currency: &'static str,
) -> ModelInfo {
    let pricing = Pricing {
        input: Price {
            declared: input.0,
            mantissa: input.1,
            scale: input.2,
        },
        output: Some(Price {
            declared: output.0,
            mantissa: output.1,
            scale: output.2,
        }),
        unit: Price {
            declared: unit.0,
            mantissa: unit.1,
            scale: unit.2,
        },
        currency,
    };
    row(
        [id, label, source],
        translations,
        model_type,
        features,
        mode,
        [context_size, max_chunks],
        parameter_rules,
        deprecated,
        Some(pricing),
    )
}

/// [`model`] priced for input only (output is free): its arguments, then input, unit and
/// currency.
#[allow(clippy::too_many_arguments)] // one per column of the row
pub const fn input_priced_model(
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
    input: PriceParts,
    unit: PriceParts,
    currency: &'static str,
) -> ModelInfo {
    let pricing = Pricing {
        input: Price {
            declared: input.0,
            mantissa: input.1,
            scale: input.2,
        },
        output: None,
        unit: Price {
            declared: unit.0,
            mantissa: unit.1,
            scale: unit.2,
        },
        currency,
    };
    row(
        [id, label, source],
        translations,
        model_type,
        features,
        mode,
        [context_size, max_chunks],
        parameter_rules,
        deprecated,
        Some(pricing),
    )
}

/// The row of [`model`] and its priced forms; `texts` are id, label and source, `sizes`
/// context size and max chunks (0 when not declared).
#[allow(clippy::too_many_arguments)] // one per column of the row
const fn row(
    [id, label, source]: [&'static str; 3],
    translations: &'static [(&'static str, &'static str)],
    model_type: ModelType,
    features: &'static [ModelFeature],
    mode: Option<LlmMode>,
    [context_size, max_chunks]: [u32; 2],
    parameter_rules: &'static [ParameterRule],
    deprecated: bool,
    pricing: Option<Pricing>,
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
            context_size: if context_size == 0 {
                None
            } else {
                Some(context_size)
            },
            max_chunks: if max_chunks == 0 {
                None
            } else {
                Some(max_chunks)
            },
            ..NO_PROPERTIES
        },
        parameter_rules,
        pricing,
        deprecated,
        source,
    }
}

/// The `Debug` form of a generated model enum value, `Llm("gpt-4o")`: one call in each
/// generated impl rather than a builder chain rustc checks 400 times over at 5,000 models.
pub fn debug_model(f: &mut std::fmt::Formatter<'_>, enum_name: &str, id: &str) -> std::fmt::Result {
    f.debug_tuple(enum_name).field(&id).finish()
}

/// Model properties with nothing set; rows name only the keys they declare.
pub const NO_PROPERTIES: ModelProperties = ModelProperties {
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

/// A value validation guarantees (a required or defaulted field); its absence is reported as
/// missing rather than trusted.
pub fn required<T>(provider: &str, variable: &str, value: Option<T>) -> Result<T, CredentialError> {
    value.ok_or_else(|| CredentialError {
        provider: provider.to_owned(),
        variable: variable.to_owned(),
        problem: CredentialProblem::Missing,
    })
}

/// A validated select/radio value as its generated enum.
pub fn choice<E>(
    provider: &str,
    variable: &str,
    value: Option<String>,
    from_wire: fn(&str) -> Option<E>,
    allowed: &'static [&'static str],
) -> Result<Option<E>, CredentialError> {
    let Some(value) = value else {
        return Ok(None);
    };
    match from_wire(&value) {
        Some(choice) => Ok(Some(choice)),
        None => Err(CredentialError {
            provider: provider.to_owned(),
            variable: variable.to_owned(),
            problem: CredentialProblem::NotAnOption {
                value,
                allowed: allowed.to_vec(),
            },
        }),
    }
}

/// A field of a generated params struct, as the JSON value it is sent as.
pub trait ParamValue {
    /// The value, or `None` when the field is not set.
    fn to_json(&self) -> Option<Value>;
}

impl<T: Clone + Into<Value>> ParamValue for Option<T> {
    fn to_json(&self) -> Option<Value> {
        self.clone().map(Into::into)
    }
}

/// The set fields of a params struct as the JSON object `validate_params` takes: each under
/// the wire name `model` declares for it, else the first of its names (which validation then
/// drops as unknown). One call with a table of fields, so a generated `to_json` is one
/// expression rather than a statement per field.
pub fn params_json(model: &ModelInfo, fields: &[(&[&str], &dyn ParamValue)]) -> Map<String, Value> {
    let mut map = Map::new();
    for (wire_names, field) in fields {
        let Some(value) = field.to_json() else {
            continue;
        };
        let name = wire_names
            .iter()
            .find(|name| model.parameter_rules.iter().any(|r| r.name == **name))
            .or(wire_names.first());
        if let Some(name) = name {
            map.insert((*name).to_owned(), value);
        }
    }
    map
}

/// The entry of `all` whose name (`name_of`) is `name`: `from_id` of model enums and
/// `from_wire` of wire enums, as one generic function rather than a closure per enum.
pub fn find_by<T: Copy>(all: &[T], name: &str, name_of: fn(T) -> &'static str) -> Option<T> {
    all.iter().copied().find(|entry| name_of(*entry) == name)
}
