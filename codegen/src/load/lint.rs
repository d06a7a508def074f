//! Lints for YAML 1.1-only scalars: plain `yes`/`no`/`on`/`off` are booleans to a YAML 1.1
//! loader (such as the Python runtime's) but strings to YAML 1.2, so the two disagree.

use super::report::{child, index, Report};
use super::yaml::{Node, Value};

const YAML11_BOOLEANS: &[&str] = &[
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
];

/// Warns about every plain YAML 1.1 boolean spelling in the tree.
pub fn yaml11_booleans(node: &Node, path: &str, r: &mut Report) {
    // Nearly every file has none: find that out without building a key path per node.
    if !has_yaml11_boolean(node) {
        return;
    }
    match &node.value {
        Value::Str(s) if is_yaml11_boolean(node) => {
            r.warn(
                node,
                path,
                format!(
                    "`{s}` is a boolean in YAML 1.1 but a string in YAML 1.2; \
                     write true/false, or quote it if a string is meant"
                ),
            );
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                yaml11_booleans(item, &index(path, i), r);
            }
        }
        Value::Map(entries) => {
            for (key, value) in entries {
                yaml11_booleans(value, &child(path, &key.name), r);
            }
        }
        _ => {}
    }
}

fn is_yaml11_boolean(node: &Node) -> bool {
    matches!(&node.value, Value::Str(s) if !node.is_quoted() && YAML11_BOOLEANS.contains(&s.as_str()))
}

fn has_yaml11_boolean(node: &Node) -> bool {
    match &node.value {
        Value::Seq(items) => items.iter().any(has_yaml11_boolean),
        Value::Map(entries) => entries.iter().any(|(_, value)| has_yaml11_boolean(value)),
        _ => is_yaml11_boolean(node),
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;

    #[test]
    fn reports_plain_yes_only() {
        let node = parse("a: yes\nb: 'yes'\nc: [Off]\nd: true\n").unwrap();
        let mut out = Vec::new();
        yaml11_booleans(&node, "", &mut Report::new("f.yaml", &mut out));
        let keys: Vec<_> = out.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, vec!["a", "c[0]"]);
    }
}
