//! `extra.modelrt`: modelrt's own provider settings, flattened to dotted keys.

use super::report::{child, Report};
use super::yaml::{Node, Value};

/// Flattens `extra.modelrt` (other `extra` keys, such as `python`, belong to other runtimes).
pub fn modelrt_extra(extra: &Node, path: &str, r: &mut Report) -> Vec<(String, String)> {
    let Some(entries) = extra.as_map() else {
        r.error(
            extra,
            path,
            format!("expected a mapping, found {}", extra.kind()),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries.iter().filter(|(k, _)| k.name == "modelrt") {
        let modelrt_path = child(path, &key.name);
        if value.as_map().is_none() && value.value != Value::Null {
            r.error(
                value,
                &modelrt_path,
                format!("expected a mapping, found {}", value.kind()),
            );
            continue;
        }
        flatten(value, "", &mut out);
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

fn flatten(node: &Node, prefix: &str, out: &mut Vec<(String, String)>) {
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                flatten(value, &child(prefix, &key.name), out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(item, &child(prefix, &i.to_string()), out);
            }
        }
        Value::Null => {}
        _ => {
            if let Some(text) = node.scalar_text() {
                out.push((prefix.to_string(), text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;

    #[test]
    fn flattens_nested_keys_and_lists() {
        let node = parse("python: {x: 1}\nmodelrt:\n  protocol: openai\n  base_url: https://h/v1\n  api_key_variable: api_key\n  headers: {X-Title: modelrt}\n  stop: [a, b]\n  retries: 3\n").unwrap();
        let mut out = Vec::new();
        let got = modelrt_extra(&node, "extra", &mut Report::new("p.yaml", &mut out));
        assert!(out.is_empty());
        let keys: Vec<_> = got.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            keys,
            vec![
                "api_key_variable=api_key",
                "base_url=https://h/v1",
                "headers.X-Title=modelrt",
                "protocol=openai",
                "retries=3",
                "stop.0=a",
                "stop.1=b"
            ]
        );
    }
}
