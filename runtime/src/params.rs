//! Validation of call parameters against a model's parameter rules (SCHEMA.md §6).
//!
//! Parameters arrive as a JSON object (from a UI, a config file or a typed params struct);
//! [`validate_params`] returns only the values the model's rules accept, typed.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Number, Value};

use crate::catalog::{DefaultValue, ModelInfo, ParameterRule, ParameterType};

/// A validated parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// An `int` rule's value.
    Int(i64),
    /// A `float` rule's value.
    Float(f64),
    /// A `string` or `text` rule's value.
    Str(String),
    /// A `boolean` rule's value.
    Bool(bool),
}

impl ParamValue {
    /// The value as JSON, as it is sent to a provider.
    pub fn to_json(&self) -> Value {
        match self {
            ParamValue::Int(v) => Value::from(*v),
            ParamValue::Float(v) => Number::from_f64(*v).map_or(Value::Null, Value::Number),
            ParamValue::Str(v) => Value::from(v.as_str()),
            ParamValue::Bool(v) => Value::from(*v),
        }
    }

    /// The value as a float, for numeric values.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Int(v) => Some(*v as f64),
            ParamValue::Float(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as an integer, for `int` values.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            ParamValue::Int(v) => Some(*v),
            _ => None,
        }
    }

    /// The value as a string, for `string`/`text` values.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ParamValue::Str(v) => Some(v),
            _ => None,
        }
    }

    /// The value as a bool, for `boolean` values.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            ParamValue::Bool(v) => Some(*v),
            _ => None,
        }
    }
}

impl From<DefaultValue> for ParamValue {
    fn from(value: DefaultValue) -> Self {
        match value {
            DefaultValue::Int(v) => ParamValue::Int(v),
            DefaultValue::Float(v) => ParamValue::Float(v),
            DefaultValue::Str(v) => ParamValue::Str(v.to_owned()),
            DefaultValue::Bool(v) => ParamValue::Bool(v),
        }
    }
}

/// Parameters that passed validation, keyed by rule name, in rule order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidatedParams {
    values: Vec<(&'static str, ParamValue)>,
}

impl ValidatedParams {
    /// The value of the rule named `name`.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values
            .iter()
            .find(|(rule, _)| *rule == name)
            .map(|(_, value)| value)
    }

    /// Removes and returns the value of `name` (for protocols that send it elsewhere).
    pub fn take(&mut self, name: &str) -> Option<ParamValue> {
        let index = self.values.iter().position(|(rule, _)| *rule == name)?;
        Some(self.values.remove(index).1)
    }

    /// Whether no parameter was given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// All values in rule order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &ParamValue)> {
        self.values.iter().map(|(name, value)| (*name, value))
    }

    /// The values as a JSON object keyed by rule name.
    pub fn to_json(&self) -> Map<String, Value> {
        self.iter()
            .map(|(name, value)| (name.to_owned(), value.to_json()))
            .collect()
    }
}

/// Which rule a parameter broke.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamProblem {
    /// Required, no value given and no default declared.
    Missing,
    /// The value has the wrong JSON type.
    WrongType {
        /// The rule's type.
        expected: ParameterType,
        /// The JSON value received.
        got: String,
    },
    /// More decimal places than the rule's `precision`.
    TooPrecise {
        /// Allowed decimal places.
        precision: u32,
        /// The value received.
        got: String,
    },
    /// Below `min`.
    BelowMin {
        /// The bound.
        min: f64,
        /// The value received.
        got: String,
    },
    /// Above `max`.
    AboveMax {
        /// The bound.
        max: f64,
        /// The value received.
        got: String,
    },
    /// Not one of the rule's `options`.
    NotAnOption {
        /// The value received.
        got: String,
        /// The allowed values.
        allowed: Vec<&'static str>,
    },
    /// The model has no rule of this name (nor one using it as its template).
    NotDeclared {
        /// The names the model's rules declare.
        declared: Vec<&'static str>,
    },
}

impl std::fmt::Display for ParamProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamProblem::Missing => f.write_str("is required and has no default"),
            ParamProblem::WrongType { expected, got } => {
                write!(f, "must be of type {expected}, got {got}")
            }
            ParamProblem::TooPrecise { precision, got } => {
                write!(f, "allows {precision} decimal places, got {got}")
            }
            ParamProblem::BelowMin { min, got } => write!(f, "must be at least {min}, got {got}"),
            ParamProblem::AboveMax { max, got } => write!(f, "must be at most {max}, got {got}"),
            ParamProblem::NotAnOption { got, allowed } => {
                write!(f, "must be one of {}, got {got}", allowed.join(", "))
            }
            ParamProblem::NotDeclared { declared } if declared.is_empty() => {
                f.write_str("is not a parameter of this model, which declares none")
            }
            ParamProblem::NotDeclared { declared } => write!(
                f,
                "is not a parameter of this model, which declares: {}",
                declared.join(", ")
            ),
        }
    }
}

/// A parameter that failed validation, naming provider, model, parameter and rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid parameter for {provider}/{model}: `{parameter}` {problem}")]
pub struct ParamError {
    /// Provider id.
    pub provider: String,
    /// Model id.
    pub model: String,
    /// The rule's name.
    pub parameter: String,
    /// The rule broken.
    pub problem: ParamProblem,
}

impl From<ParamError> for crate::error::Error {
    fn from(error: ParamError) -> Self {
        let message = format!("`{}` {}", error.parameter, error.problem);
        crate::error::Error::new(crate::error::ErrorKind::InvalidParams, message)
            .in_call(&error.provider, &error.model)
    }
}

/// Validates `input` against the rules of a catalogued model.
pub fn validate_params(
    provider: &str,
    model: &ModelInfo,
    input: &Map<String, Value>,
) -> Result<ValidatedParams, ParamError> {
    validate_against_rules(provider, model.id, model.parameter_rules, input)
}

/// Validates `input` against `rules` (SCHEMA.md §6). Works for models that have no catalog
/// row too (customizable and remote models), whose protocol supplies the rules.
///
/// A rule's value is taken from its own name, else from its template's name (a `max_tokens`
/// value feeds a rule named `max_tokens_to_sample`). A key that matches no rule is an error
/// ([`ParamProblem::NotDeclared`]), never dropped silently; a `null` value counts as not
/// given. A missing required value takes the rule's default or is an error; a missing
/// optional value is left out, so the provider's own default applies.
pub fn validate_against_rules(
    provider: &str,
    model: &str,
    rules: &[ParameterRule],
    input: &Map<String, Value>,
) -> Result<ValidatedParams, ParamError> {
    let declared = |key: &str| {
        rules
            .iter()
            .any(|r| r.name == key || r.use_template == Some(key))
    };
    if let Some((key, _)) = input
        .iter()
        .find(|(key, value)| !value.is_null() && !declared(key))
    {
        return Err(ParamError {
            provider: provider.to_owned(),
            model: model.to_owned(),
            parameter: key.clone(),
            problem: ParamProblem::NotDeclared {
                declared: rules.iter().map(|r| r.name).collect(),
            },
        });
    }
    let mut validated = ValidatedParams::default();
    for rule in rules {
        let error = |problem| ParamError {
            provider: provider.to_owned(),
            model: model.to_owned(),
            parameter: rule.name.to_owned(),
            problem,
        };
        let given = input.get(rule.name).filter(|v| !v.is_null()).or_else(|| {
            rule.use_template
                .and_then(|template| input.get(template))
                .filter(|v| !v.is_null())
        });
        let value = match given {
            Some(value) => check_value(rule, value).map_err(error)?,
            None if rule.required => match rule.default {
                Some(default) => ParamValue::from(default),
                None => return Err(error(ParamProblem::Missing)),
            },
            None => continue,
        };
        validated.values.push((rule.name, value));
    }
    Ok(validated)
}

fn check_value(rule: &ParameterRule, value: &Value) -> Result<ParamValue, ParamProblem> {
    let wrong_type = || ParamProblem::WrongType {
        expected: rule.param_type,
        got: describe(value),
    };
    match rule.param_type {
        ParameterType::Int => {
            let number = value.as_number().ok_or_else(wrong_type)?;
            let int = integral(number).ok_or_else(wrong_type)?;
            check_range(rule, int as f64, number)?;
            Ok(ParamValue::Int(int))
        }
        ParameterType::Float => {
            let number = value.as_number().ok_or_else(wrong_type)?;
            let float = number.as_f64().ok_or_else(wrong_type)?;
            if let Some(precision) = rule.precision {
                if decimal_places(number) > precision {
                    return Err(ParamProblem::TooPrecise {
                        precision,
                        got: number.to_string(),
                    });
                }
            }
            check_range(rule, float, number)?;
            Ok(ParamValue::Float(float))
        }
        ParameterType::Boolean => value.as_bool().map(ParamValue::Bool).ok_or_else(wrong_type),
        ParameterType::String | ParameterType::Text => {
            let text = value.as_str().ok_or_else(wrong_type)?;
            if !rule.options.is_empty() && !rule.options.contains(&text) {
                return Err(ParamProblem::NotAnOption {
                    got: text.to_owned(),
                    allowed: rule.options.to_vec(),
                });
            }
            Ok(ParamValue::Str(text.to_owned()))
        }
    }
}

/// An integer, also from a float with no fractional part (`256.0`), as JSON writers produce.
fn integral(number: &Number) -> Option<i64> {
    if let Some(int) = number.as_i64() {
        return Some(int);
    }
    let float = number.as_f64()?;
    let in_range = float >= i64::MIN as f64 && float <= i64::MAX as f64;
    (float.fract() == 0.0 && in_range).then_some(float as i64)
}

/// Decimal places of a JSON number as written (`0.70` counts as `0.7`).
fn decimal_places(number: &Number) -> u32 {
    let text = number.to_string();
    let parsed = Decimal::from_str(&text).or_else(|_| Decimal::from_scientific(&text));
    match parsed {
        Ok(decimal) => decimal.normalize().scale(),
        // Too large or small for a Decimal: far outside any precision rule anyway.
        Err(_) => u32::MAX,
    }
}

fn check_range(rule: &ParameterRule, value: f64, shown: &Number) -> Result<(), ParamProblem> {
    if let Some(min) = rule.min {
        if value < min {
            return Err(ParamProblem::BelowMin {
                min,
                got: shown.to_string(),
            });
        }
    }
    if let Some(max) = rule.max {
        if value > max {
            return Err(ParamProblem::AboveMax {
                max,
                got: shown.to_string(),
            });
        }
    }
    Ok(())
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::I18n;
    use serde_json::json;

    const fn rule(name: &'static str, param_type: ParameterType) -> ParameterRule {
        ParameterRule {
            name,
            use_template: None,
            label: I18n {
                en_us: name,
                others: &[],
            },
            param_type,
            help: None,
            required: false,
            default: None,
            min: None,
            max: None,
            precision: None,
            options: &[],
        }
    }

    static RULES: [ParameterRule; 5] = [
        ParameterRule {
            use_template: Some("temperature"),
            min: Some(0.0),
            max: Some(2.0),
            precision: Some(2),
            ..rule("temperature", ParameterType::Float)
        },
        ParameterRule {
            use_template: Some("max_tokens"),
            required: true,
            default: Some(DefaultValue::Int(512)),
            min: Some(1.0),
            max: Some(4096.0),
            ..rule("max_tokens_to_sample", ParameterType::Int)
        },
        ParameterRule {
            options: &["JSON", "XML"],
            ..rule("response_format", ParameterType::String)
        },
        rule("stream_usage", ParameterType::Boolean),
        ParameterRule {
            required: true,
            ..rule("seed_text", ParameterType::Text)
        },
    ];

    fn check(input: Value) -> Result<ValidatedParams, ParamError> {
        let Value::Object(map) = input else {
            unreachable!("test inputs are objects")
        };
        validate_against_rules("prov", "m1", &RULES, &map)
    }

    #[test]
    fn accepts_values_template_names_and_defaults() {
        let got = check(json!({
            "temperature": 0.75, "max_tokens": 100.0, "response_format": "JSON",
            "stream_usage": true, "seed_text": "x", "unset": null
        }))
        .unwrap();
        assert_eq!(got.get("temperature"), Some(&ParamValue::Float(0.75)));
        assert_eq!(got.get("max_tokens_to_sample"), Some(&ParamValue::Int(100)));
        assert_eq!(got.get("stream_usage"), Some(&ParamValue::Bool(true)));
        assert!(got.get("unset").is_none() && got.get("max_tokens").is_none());
        assert_eq!(
            got.to_json(),
            json!({"temperature": 0.75, "max_tokens_to_sample": 100, "response_format": "JSON",
                   "stream_usage": true, "seed_text": "x"})
            .as_object()
            .cloned()
            .unwrap()
        );

        let got = check(json!({"seed_text": "x"})).unwrap();
        assert_eq!(got.get("max_tokens_to_sample"), Some(&ParamValue::Int(512)));
        assert!(
            got.get("temperature").is_none(),
            "optional params are left out"
        );
    }

    #[test]
    fn own_name_wins_over_template_name() {
        let got = check(json!({"max_tokens": 5, "max_tokens_to_sample": 7, "seed_text": "x"}));
        assert_eq!(
            got.unwrap().get("max_tokens_to_sample"),
            Some(&ParamValue::Int(7))
        );
    }

    #[test]
    fn reports_the_rule_broken() {
        let problem = |input| check(input).unwrap_err();
        let err = problem(json!({}));
        assert_eq!(
            (err.parameter.as_str(), &err.problem),
            ("seed_text", &ParamProblem::Missing)
        );
        let err = problem(json!({"seed_text": "x", "temperature": 0.123}));
        assert_eq!(
            err.to_string(),
            "invalid parameter for prov/m1: `temperature` allows 2 decimal places, got 0.123"
        );
        let err = problem(json!({"seed_text": "x", "temperature": 2.5}));
        assert!(matches!(err.problem, ParamProblem::AboveMax { .. }));
        let err = problem(json!({"seed_text": "x", "max_tokens": 0}));
        assert!(matches!(err.problem, ParamProblem::BelowMin { .. }));
        let err = problem(json!({"seed_text": "x", "max_tokens": 1.5}));
        assert!(matches!(err.problem, ParamProblem::WrongType { .. }));
        let err = problem(json!({"seed_text": "x", "stream_usage": "true"}));
        assert!(matches!(err.problem, ParamProblem::WrongType { .. }));
        let err = problem(json!({"seed_text": "x", "response_format": "yaml"}));
        assert!(matches!(err.problem, ParamProblem::NotAnOption { .. }));
        let err = problem(json!({"seed_text": 3}));
        assert_eq!(
            err.to_string(),
            "invalid parameter for prov/m1: `seed_text` must be of type text, got number 3"
        );
    }

    #[test]
    fn an_undeclared_parameter_is_an_error_not_dropped() {
        let err = check(json!({"seed_text": "x", "top_k": 40})).unwrap_err();
        assert_eq!(err.parameter, "top_k");
        assert_eq!(
            err.to_string(),
            "invalid parameter for prov/m1: `top_k` is not a parameter of this model, which \
             declares: temperature, max_tokens_to_sample, response_format, stream_usage, seed_text"
        );
        let error = crate::error::Error::from(err);
        assert_eq!(error.kind(), crate::error::ErrorKind::InvalidParams);
        let shown = error.to_string();
        assert!(
            shown.contains("prov") && shown.contains("m1") && shown.contains("`top_k`"),
            "{shown}"
        );

        let none =
            validate_against_rules("prov", "m1", &[], json!({"top_k": 1}).as_object().unwrap());
        assert_eq!(
            none.unwrap_err().to_string(),
            "invalid parameter for prov/m1: `top_k` is not a parameter of this model, which declares none"
        );
    }

    #[test]
    fn precision_counts_written_decimals() {
        for (value, ok) in [(json!(0.1), true), (json!(0.7), true), (json!(1), true)] {
            let got = check(json!({"seed_text": "x", "temperature": value}));
            assert_eq!(got.is_ok(), ok);
        }
        let got = check(json!({"seed_text": "x", "temperature": 1e-9}));
        assert!(matches!(
            got.unwrap_err().problem,
            ParamProblem::TooPrecise { .. }
        ));
    }
}
