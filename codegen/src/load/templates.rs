//! The built-in parameter-rule templates (SCHEMA.md §6) that `use_template` refers to.

use crate::ir::{DefaultValue, ParameterType};

/// One template: the values a rule starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Template name.
    pub name: &'static str,
    /// Value type.
    pub param_type: ParameterType,
    /// Default value.
    pub default: Option<DefaultValue>,
    /// Lower bound.
    pub min: Option<f64>,
    /// Upper bound.
    pub max: Option<f64>,
    /// Decimal places.
    pub precision: Option<u32>,
    /// Allowed values.
    pub options: &'static [&'static str],
    /// English label.
    pub label: &'static str,
    /// English help text.
    pub help: &'static str,
}

const fn numeric(
    name: &'static str,
    param_type: ParameterType,
    default: DefaultValue,
    bounds: (f64, f64),
    precision: u32,
    label: &'static str,
    help: &'static str,
) -> Template {
    Template {
        name,
        param_type,
        default: Some(default),
        min: Some(bounds.0),
        max: Some(bounds.1),
        precision: Some(precision),
        options: &[],
        label,
        help,
    }
}

/// Finds a template by name.
pub fn template(name: &str) -> Option<Template> {
    use DefaultValue::{Float, Int};
    use ParameterType as T;
    let found = match name {
        "temperature" => numeric(
            "temperature",
            T::Float,
            Float(0.0),
            (0.0, 1.0),
            2,
            "Temperature",
            "How random the output is: low values give focused, repeatable answers, \
             high values give more varied ones.",
        ),
        "top_p" => numeric(
            "top_p",
            T::Float,
            Float(1.0),
            (0.0, 1.0),
            2,
            "Top P",
            "Nucleus sampling: only the most likely tokens whose probabilities add up to \
             this value are considered.",
        ),
        "top_k" => numeric(
            "top_k",
            T::Int,
            Int(50),
            (1.0, 100.0),
            0,
            "Top K",
            "Only the K most likely tokens are considered at each step.",
        ),
        "presence_penalty" => numeric(
            "presence_penalty",
            T::Float,
            Float(0.0),
            (0.0, 1.0),
            2,
            "Presence penalty",
            "Penalises tokens that already appeared, nudging the model towards new topics.",
        ),
        "frequency_penalty" => numeric(
            "frequency_penalty",
            T::Float,
            Float(0.0),
            (0.0, 1.0),
            2,
            "Frequency penalty",
            "Penalises tokens by how often they already appeared, reducing repetition.",
        ),
        "max_tokens" => numeric(
            "max_tokens",
            T::Int,
            Int(64),
            (1.0, 2048.0),
            0,
            "Max tokens",
            "The largest number of tokens the model may generate in its answer.",
        ),
        "response_format" => Template {
            name: "response_format",
            param_type: T::String,
            default: None,
            min: None,
            max: None,
            precision: None,
            options: &["JSON", "XML"],
            label: "Response format",
            help: "The format the answer must be written in.",
        },
        "json_schema" => Template {
            name: "json_schema",
            param_type: T::Text,
            default: None,
            min: None,
            max: None,
            precision: None,
            options: &[],
            label: "JSON schema",
            help: "A JSON schema the answer must conform to.",
        },
        _ => return None,
    };
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_schema() {
        let t = template("top_k").unwrap();
        assert_eq!(t.param_type, ParameterType::Int);
        assert_eq!(t.default, Some(DefaultValue::Int(50)));
        assert_eq!(
            (t.min, t.max, t.precision),
            (Some(1.0), Some(100.0), Some(0))
        );
        let t = template("max_tokens").unwrap();
        assert_eq!((t.min, t.max), (Some(1.0), Some(2048.0)));
        assert_eq!(
            template("response_format").unwrap().options,
            &["JSON", "XML"]
        );
        assert_eq!(
            template("json_schema").unwrap().param_type,
            ParameterType::Text
        );
        for name in [
            "temperature",
            "top_p",
            "presence_penalty",
            "frequency_penalty",
        ] {
            let t = template(name).unwrap();
            assert_eq!((t.param_type, t.precision), (ParameterType::Float, Some(2)));
            assert_eq!((t.min, t.max), (Some(0.0), Some(1.0)));
        }
        assert_eq!(
            template("top_p").unwrap().default,
            Some(DefaultValue::Float(1.0))
        );
        assert!(template("nope").is_none());
    }
}
