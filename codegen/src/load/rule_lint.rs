//! Lints on a merged parameter rule: its limits and default must agree with each other.
//! Each is a warning, since the rule still loads and a provider may accept the value anyway.

use crate::ir::{DefaultValue, ParameterRule};

use super::report::{child, Place, Report};

/// Where the keys a lint points at were written; a key taken from the template points at the
/// rule.
#[derive(Debug, Clone, Copy)]
pub struct Places {
    /// The rule.
    pub rule: Place,
    /// `min`, when the rule declares it.
    pub min: Option<Place>,
    /// `max`, when the rule declares it.
    pub max: Option<Place>,
    /// `default`, when the rule declares it.
    pub default: Option<Place>,
}

/// Warns about `min` > `max` and a default outside the limits, options or precision.
pub fn check(rule: &ParameterRule, places: &Places, path: &str, r: &mut Report) {
    let name = &rule.name;
    let at = |place: Option<Place>, key: &str| (place.unwrap_or(places.rule), child(path, key));
    if let (Some(min), Some(max)) = (rule.min, rule.max) {
        if min > max {
            let (place, key) = at(places.max.or(places.min), "max");
            r.warn(
                place,
                &key,
                format!("parameter `{name}` has min {min} above its max {max}"),
            );
        }
    }
    let Some(default) = &rule.default else {
        return;
    };
    let (place, key) = at(places.default, "default");
    let mut warn = |message: String| r.warn(place, &key, message);
    let number = match default {
        DefaultValue::Int(i) => Some(*i as f64),
        DefaultValue::Float(f) => Some(*f),
        DefaultValue::Str(_) | DefaultValue::Bool(_) => None,
    };
    if let Some(value) = number {
        let shown = shown(default);
        if rule.min.is_some_and(|min| value < min) || rule.max.is_some_and(|max| value > max) {
            let bound = |b: Option<f64>| b.map_or("unbounded".to_owned(), |b| b.to_string());
            warn(format!(
                "parameter `{name}` has default {shown} outside [{}, {}]",
                bound(rule.min),
                bound(rule.max)
            ));
        }
        if let (DefaultValue::Float(f), Some(precision)) = (default, rule.precision) {
            if decimals(*f) > precision as usize {
                warn(format!(
                    "parameter `{name}` has default {shown} with more than its precision of \
                     {precision} decimal places"
                ));
            }
        }
    }
    if let DefaultValue::Str(text) = default {
        if !rule.options.is_empty() && !rule.options.contains(text) {
            warn(format!(
                "parameter `{name}` has default `{text}`, which is not among its options: {}",
                rule.options.join(", ")
            ));
        }
    }
}

fn shown(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Float(f) => f.to_string(),
        DefaultValue::Str(s) => s.clone(),
        DefaultValue::Bool(b) => b.to_string(),
    }
}

/// Decimal places of `value` in its shortest exact spelling (`0.25` -> 2).
fn decimals(value: f64) -> usize {
    let text = value.to_string();
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{I18n, ParameterType};

    fn rule(default: Option<DefaultValue>, min: Option<f64>, max: Option<f64>) -> ParameterRule {
        ParameterRule {
            name: "t".into(),
            use_template: None,
            label: I18n::default(),
            param_type: ParameterType::Float,
            help: None,
            required: false,
            default,
            min,
            max,
            precision: Some(1),
            options: vec![],
        }
    }

    fn warnings(rule: &ParameterRule) -> Vec<String> {
        let mut out = Vec::new();
        let places = Places {
            rule: Place { line: 1, column: 3 },
            min: None,
            max: Some(Place { line: 4, column: 8 }),
            default: None,
        };
        check(rule, &places, "r", &mut Report::new("m.yaml", &mut out));
        out.iter()
            .map(|d| format!("{}:{} {}: {}", d.line, d.column, d.key, d.message))
            .collect()
    }

    #[test]
    fn agreeing_rules_pass() {
        let fine = rule(Some(DefaultValue::Float(0.5)), Some(0.0), Some(1.0));
        assert!(warnings(&fine).is_empty());
        assert_eq!(decimals(2.0), 0);
        assert_eq!(decimals(0.25), 2);
    }

    #[test]
    fn limits_default_and_precision_disagreeing() {
        let bad = rule(Some(DefaultValue::Float(1.25)), Some(2.0), Some(1.0));
        assert_eq!(
            warnings(&bad),
            vec![
                "4:8 r.max: parameter `t` has min 2 above its max 1",
                "1:3 r.default: parameter `t` has default 1.25 outside [2, 1]",
                "1:3 r.default: parameter `t` has default 1.25 with more than its precision of \
                 1 decimal places",
            ]
        );
        let mut choice = rule(Some(DefaultValue::Str("c".into())), None, None);
        choice.options = vec!["a".into(), "b".into()];
        assert_eq!(
            warnings(&choice),
            vec!["1:3 r.default: parameter `t` has default `c`, which is not among its options: a, b"]
        );
    }
}
