//! Parameter rules (SCHEMA.md §6): parsing, template merge and default coercion.

use crate::ir::{DefaultValue, I18n, ParameterRule, ParameterType};

use super::fields::{self, Fields};
use super::report::{Place, Report};
use super::rule_lint;
use super::templates::template;
use super::yaml::Node;

/// Parses one rule at `path`, merging its template. `None` when the rule is unusable.
pub fn rule(node: &Node, path: &str, r: &mut Report) -> Option<ParameterRule> {
    let mut f = Fields::open(node, path, r)?;
    let name = f.required_string("name", r);
    let mut use_template = f.string("use_template", r);
    // Early core-tree files spell `use_template` as `alias`.
    if let Some(alias) = f.get("alias") {
        r.warn(
            alias,
            &f.path("alias"),
            "legacy key `alias`; it is read as `use_template`",
        );
        if use_template.is_none() {
            use_template = fields::string(alias, &f.path("alias"), r);
        }
    }
    let base = use_template.as_deref().and_then(|t| {
        let found = template(t);
        if found.is_none() {
            let at = f.get("use_template").map_or(f.place(), Into::into);
            r.warn(
                at,
                &f.path("use_template"),
                format!("unknown template `{t}`; the rule is used as written"),
            );
        }
        found
    });
    let label = f.i18n("label", r);
    let declared_type = f.enumeration(
        "type",
        r,
        |s| s.parse::<ParameterType>().ok(),
        &ParameterType::NAMES.join(", "),
    );
    let type_given = f.get("type").is_some();
    let help = f.i18n("help", r);
    let required = f.boolean("required", r).unwrap_or(false);
    let default_node = f.get("default");
    let places = rule_lint::Places {
        rule: f.place(),
        min: f.get("min").map(Place::from),
        max: f.get("max").map(Place::from),
        default: default_node.map(Place::from),
    };
    let min = number(&mut f, "min", r);
    let max = number(&mut f, "max", r);
    let precision = f.count("precision", r);
    let options: Vec<String> = f
        .list("options", r)
        .into_iter()
        .filter_map(|(p, n)| fields::string(n, &p, r))
        .collect();
    let options_given = f.get("options").is_some();
    // Plugin-era UI condition on other parameters; modelrt validates each rule on its own.
    f.ignore(&["show_on"]);
    let place = f.place();
    let default_path = f.path("default");
    f.finish(r);

    let name = name?;
    let param_type = match (declared_type, &base) {
        (Some(t), _) => t,
        (None, Some(b)) if !type_given => b.param_type,
        (None, _) if type_given => return None,
        (None, _) => {
            r.error(
                place,
                path,
                format!(
                    "parameter rule `{name}` has no type: add `type` ({}) \
                     or a known `use_template`",
                    ParameterType::NAMES.join(", ")
                ),
            );
            return None;
        }
    };
    let default = match default_node {
        Some(node) => Some(coerce_default(node, param_type, &default_path, r)?),
        None => base.as_ref().and_then(|b| b.default.clone()),
    };
    let default = default.map(|d| retype(d, param_type));
    let rule = ParameterRule {
        label: label
            .or_else(|| base.as_ref().map(|b| english(b.label)))
            .unwrap_or_else(|| english(&name)),
        help: help.or_else(|| base.as_ref().map(|b| english(b.help))),
        min: min.or_else(|| base.as_ref().and_then(|b| b.min)),
        max: max.or_else(|| base.as_ref().and_then(|b| b.max)),
        precision: precision.or_else(|| base.as_ref().and_then(|b| b.precision)),
        options: match (&base, options_given) {
            (Some(b), false) => b.options.iter().map(|o| o.to_string()).collect(),
            _ => options,
        },
        name,
        use_template,
        param_type,
        required,
        default,
    };
    rule_lint::check(&rule, &places, path, r);
    Some(rule)
}

fn english(text: &str) -> I18n {
    I18n {
        en_us: text.to_string(),
        others: Vec::new(),
    }
}

fn number(f: &mut Fields, key: &str, r: &mut Report) -> Option<f64> {
    let path = f.path(key);
    f.get(key).and_then(|n| fields::number(n, &path, r))
}

/// Coerces a declared default to the rule's effective type.
fn coerce_default(
    node: &Node,
    param_type: ParameterType,
    path: &str,
    r: &mut Report,
) -> Option<DefaultValue> {
    match param_type {
        ParameterType::Int => fields::integer(node, path, r).map(DefaultValue::Int),
        ParameterType::Float => fields::number(node, path, r).map(DefaultValue::Float),
        ParameterType::Boolean => fields::boolean(node, path, r).map(DefaultValue::Bool),
        ParameterType::String | ParameterType::Text => {
            fields::string(node, path, r).map(DefaultValue::Str)
        }
    }
}

/// A template default under a rule that changed the type (e.g. `top_k` declared as float).
fn retype(default: DefaultValue, param_type: ParameterType) -> DefaultValue {
    match (default, param_type) {
        (DefaultValue::Int(i), ParameterType::Float) => DefaultValue::Float(i as f64),
        (DefaultValue::Float(f), ParameterType::Int) if f.fract() == 0.0 => {
            DefaultValue::Int(f as i64)
        }
        (DefaultValue::Int(i), ParameterType::String | ParameterType::Text) => {
            DefaultValue::Str(i.to_string())
        }
        (DefaultValue::Float(f), ParameterType::String | ParameterType::Text) => {
            DefaultValue::Str(f.to_string())
        }
        (other, _) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;
    use crate::diagnostics::Diagnostic;

    fn load(text: &str) -> (Option<ParameterRule>, Vec<Diagnostic>) {
        let node = parse(text).unwrap();
        let mut out = Vec::new();
        let rule = rule(
            &node,
            "parameter_rules[0]",
            &mut Report::new("m.yaml", &mut out),
        );
        (rule, out)
    }

    #[test]
    fn template_merge_rule_keys_win() {
        let (rule, out) = load(
            "name: max_tokens_to_sample\nuse_template: max_tokens\nmax: 4096\ndefault: 1024\n",
        );
        assert!(out.is_empty(), "{out:?}");
        let rule = rule.unwrap();
        assert_eq!(rule.use_template.as_deref(), Some("max_tokens"));
        assert_eq!(rule.param_type, ParameterType::Int);
        assert_eq!(rule.max, Some(4096.0));
        assert_eq!(rule.min, Some(1.0));
        assert_eq!(rule.default, Some(DefaultValue::Int(1024)));
        assert_eq!(rule.label.en_us, "Max tokens");
        assert!(!rule.required);
    }

    #[test]
    fn plain_rule_label_defaults_to_name_and_default_is_coerced() {
        let (rule, out) = load("name: seed\ntype: float\ndefault: '3'\n");
        assert!(out.is_empty());
        let rule = rule.unwrap();
        assert_eq!(rule.label.en_us, "seed");
        assert_eq!(rule.default, Some(DefaultValue::Float(3.0)));
        let (rule, _) = load("name: stream\ntype: boolean\ndefault: true\n");
        assert_eq!(rule.unwrap().default, Some(DefaultValue::Bool(true)));
        let (rule, _) = load("name: fmt\ntype: string\ndefault: 1\noptions: [1, x]\n");
        let rule = rule.unwrap();
        assert_eq!(rule.default, Some(DefaultValue::Str("1".into())));
        assert_eq!(rule.options, vec!["1", "x"]);
    }

    #[test]
    fn unknown_template_warns_and_untyped_rule_fails() {
        let (rule, out) = load("name: x\nuse_template: nope\ntype: int\n");
        assert!(rule.is_some());
        assert_eq!(
            out[0].message,
            "unknown template `nope`; the rule is used as written"
        );
        assert_eq!(out[0].key, "parameter_rules[0].use_template");
        let (rule, out) = load("name: x\nuse_template: nope\n");
        assert!(rule.is_none());
        assert_eq!(out.len(), 2);
        assert!(out[1].message.contains("has no type"));
    }

    #[test]
    fn legacy_alias_reads_as_use_template() {
        let (rule, out) = load("name: max_tokens\nalias: max_tokens\ndefault: 512\n");
        let rule = rule.unwrap();
        assert_eq!(rule.use_template.as_deref(), Some("max_tokens"));
        assert_eq!(rule.param_type, ParameterType::Int);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].key, "parameter_rules[0].alias");
    }

    #[test]
    fn bad_default_is_an_error() {
        let (rule, out) = load("name: top_k\ntype: int\ndefault: 1.5\n");
        assert!(rule.is_none());
        assert_eq!(out[0].key, "parameter_rules[0].default");
        assert_eq!(out[0].message, "expected an integer, found a float `1.5`");
    }
}
