//! Reading typed values out of the YAML tree, reporting every mismatch with its key path.

use crate::ir::I18n;

use super::report::{child, index, Place, Report};
use super::yaml::{Key, Node, Value};

/// A mapping being validated: hands out values by key and, at the end, reports unknown keys.
pub struct Fields<'n> {
    entries: &'n [(Key, Node)],
    used: Vec<bool>,
    place: Place,
    path: String,
}

impl<'n> Fields<'n> {
    /// Opens `node` as a mapping at `path`; reports an error and returns `None` otherwise.
    /// Repeated keys are reported; the last one wins, as in most YAML loaders.
    pub fn open(node: &'n Node, path: &str, r: &mut Report) -> Option<Self> {
        let Some(entries) = node.as_map() else {
            r.error(
                node,
                path,
                format!("expected a mapping, found {}", node.kind()),
            );
            return None;
        };
        for (i, (key, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(k, _)| k.name == key.name) {
                r.warn(
                    key,
                    &child(path, &key.name),
                    format!("duplicate key `{}`; the last one is used", key.name),
                );
            }
        }
        Some(Fields {
            entries,
            used: vec![false; entries.len()],
            place: Place::from(node),
            path: path.to_string(),
        })
    }

    /// The key path of a child key.
    pub fn path(&self, key: &str) -> String {
        child(&self.path, key)
    }

    /// Where the mapping starts.
    pub fn place(&self) -> Place {
        self.place
    }

    /// The value of `key` (the last one if repeated), marking the key as known.
    /// A `null` value counts as absent.
    pub fn get(&mut self, key: &str) -> Option<&'n Node> {
        let mut found = None;
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if k.name == key {
                self.used[i] = true;
                found = Some(v);
            }
        }
        found.filter(|v| v.value != Value::Null)
    }

    /// Like [`Fields::get`], reporting a missing (or null) key as an error.
    pub fn require(&mut self, key: &str, r: &mut Report) -> Option<&'n Node> {
        let found = self.get(key);
        if found.is_none() {
            r.error(
                self.place,
                &self.path(key),
                format!("missing required key `{key}`"),
            );
        }
        found
    }

    /// Marks keys as known without reading them.
    pub fn ignore(&mut self, keys: &[&str]) {
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if keys.contains(&k.name.as_str()) {
                self.used[i] = true;
            }
        }
    }

    /// Reports every key that was never asked for as a warning.
    pub fn finish(self, r: &mut Report) {
        for ((key, _), used) in self.entries.iter().zip(&self.used) {
            if !used {
                r.warn(
                    key,
                    &child(&self.path, &key.name),
                    format!("unknown key `{}` (ignored)", key.name),
                );
            }
        }
    }

    /// An optional string.
    pub fn string(&mut self, key: &str, r: &mut Report) -> Option<String> {
        let path = self.path(key);
        self.get(key).and_then(|n| string(n, &path, r))
    }

    /// A required string.
    pub fn required_string(&mut self, key: &str, r: &mut Report) -> Option<String> {
        let path = self.path(key);
        self.require(key, r).and_then(|n| string(n, &path, r))
    }

    /// An optional I18n text.
    pub fn i18n(&mut self, key: &str, r: &mut Report) -> Option<I18n> {
        let path = self.path(key);
        self.get(key).and_then(|n| i18n(n, &path, r))
    }

    /// A required I18n text.
    pub fn required_i18n(&mut self, key: &str, r: &mut Report) -> Option<I18n> {
        let path = self.path(key);
        self.require(key, r).and_then(|n| i18n(n, &path, r))
    }

    /// An optional boolean.
    pub fn boolean(&mut self, key: &str, r: &mut Report) -> Option<bool> {
        let path = self.path(key);
        self.get(key).and_then(|n| boolean(n, &path, r))
    }

    /// An optional non-negative integer that fits `u32`.
    pub fn count(&mut self, key: &str, r: &mut Report) -> Option<u32> {
        let path = self.path(key);
        self.get(key).and_then(|n| count(n, &path, r))
    }

    /// An optional list (absent or null is empty); reports a non-list.
    pub fn list(&mut self, key: &str, r: &mut Report) -> Vec<(String, &'n Node)> {
        let path = self.path(key);
        self.get(key).map(|n| list(n, &path, r)).unwrap_or_default()
    }

    /// An optional enum value given as a string.
    pub fn enumeration<T>(
        &mut self,
        key: &str,
        r: &mut Report,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        let path = self.path(key);
        self.get(key)
            .and_then(|n| enumeration(n, &path, r, parse, expected))
    }
}

/// The items of a list with their key paths; reports a non-list.
pub fn list<'n>(node: &'n Node, path: &str, r: &mut Report) -> Vec<(String, &'n Node)> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (index(path, i), item))
            .collect(),
        Value::Null => Vec::new(),
        _ => {
            r.error(
                node,
                path,
                format!("expected a list, found {}", node.kind()),
            );
            Vec::new()
        }
    }
}

/// A string; other scalars are taken as written (`4096` -> `"4096"`).
pub fn string(node: &Node, path: &str, r: &mut Report) -> Option<String> {
    let text = node.scalar_text();
    if text.is_none() {
        r.error(
            node,
            path,
            format!("expected a string, found {}", node.kind()),
        );
    }
    text
}

/// An enum value spelled as a string.
pub fn enumeration<T>(
    node: &Node,
    path: &str,
    r: &mut Report,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Option<T> {
    let text = string(node, path, r)?;
    let parsed = parse(&text);
    if parsed.is_none() {
        r.error(
            node,
            path,
            format!("unknown value `{text}`, expected one of: {expected}"),
        );
    }
    parsed
}

/// A boolean; `"true"`/`"false"` strings (any case) and YAML 1.1 spellings are accepted.
pub fn boolean(node: &Node, path: &str, r: &mut Report) -> Option<bool> {
    let parsed = match &node.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Some(true),
            "false" | "no" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    };
    if parsed.is_none() {
        r.error(
            node,
            path,
            format!("expected a boolean (true or false), found {}", node.kind()),
        );
    }
    parsed
}

/// A number (int or float; numeric strings are accepted).
pub fn number(node: &Node, path: &str, r: &mut Report) -> Option<f64> {
    let parsed = match &node.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Str(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    };
    if parsed.is_none() {
        r.error(
            node,
            path,
            format!("expected a number, found {}", node.kind()),
        );
    }
    parsed
}

/// An integer (integral floats and integer strings are accepted).
pub fn integer(node: &Node, path: &str, r: &mut Report) -> Option<i64> {
    let parsed = match &node.value {
        Value::Int(i) => Some(*i),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
        Value::Str(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    if parsed.is_none() {
        r.error(
            node,
            path,
            format!("expected an integer, found {}", describe(node)),
        );
    }
    parsed
}

/// A non-negative integer that fits `u32`.
pub fn count(node: &Node, path: &str, r: &mut Report) -> Option<u32> {
    let value = integer(node, path, r)?;
    let parsed = u32::try_from(value).ok();
    if parsed.is_none() {
        r.error(
            node,
            path,
            format!(
                "expected a non-negative integer up to {}, found {value}",
                u32::MAX
            ),
        );
    }
    parsed
}

/// A text in several languages: a mapping with at least `en_US`.
/// A plain string is accepted as the `en_US` text, with a warning.
pub fn i18n(node: &Node, path: &str, r: &mut Report) -> Option<I18n> {
    if let Value::Str(s) = &node.value {
        r.warn(
            node,
            path,
            "expected a mapping of languages such as `en_US: ...`; the string is used as en_US",
        );
        return Some(I18n {
            en_us: s.clone(),
            others: Vec::new(),
        });
    }
    let Some(entries) = node.as_map() else {
        r.error(
            node,
            path,
            format!(
                "expected a mapping of languages such as `en_US: ...`, found {}",
                node.kind()
            ),
        );
        return None;
    };
    let mut en_us = None;
    let mut others: Vec<(String, String)> = Vec::new();
    for (key, value) in entries {
        let key_path = child(path, &key.name);
        if value.value == Value::Null {
            continue;
        }
        let Some(text) = string(value, &key_path, r) else {
            continue;
        };
        if key.name == "en_US" {
            en_us = Some(text);
        } else {
            others.retain(|(lang, _)| lang != &key.name);
            others.push((key.name.clone(), text));
        }
    }
    let Some(en_us) = en_us else {
        r.error(node, &child(path, "en_US"), "missing required key `en_US`");
        return None;
    };
    others.sort();
    Some(I18n { en_us, others })
}

fn describe(node: &Node) -> String {
    match node.scalar_text() {
        Some(text) => format!("{} `{text}`", node.kind()),
        None => node.kind().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;
    use crate::diagnostics::Diagnostic;

    fn with_fields(text: &str, f: impl FnOnce(&mut Fields, &mut Report)) -> Vec<Diagnostic> {
        let node = parse(text).unwrap();
        let mut out = Vec::new();
        let mut r = Report::new("f.yaml", &mut out);
        let mut fields = Fields::open(&node, "", &mut r).unwrap();
        f(&mut fields, &mut r);
        fields.finish(&mut r);
        out
    }

    #[test]
    fn unknown_and_duplicate_keys_are_warnings_with_paths() {
        let out = with_fields("a: 1\ndepraceted: true\na: 2\n", |f, r| {
            assert_eq!(f.count("a", r), Some(2));
        });
        let got: Vec<_> = out.iter().map(|d| (d.line, d.key.as_str())).collect();
        assert_eq!(got, vec![(3, "a"), (2, "depraceted")]);
    }

    #[test]
    fn coercions() {
        let out = with_fields(
            "s: 4096\nf: 0.10\nb: 'True'\nn: '12'\ni: {en_US: Hi, zh_Hans: 你好}\nx: [1]\n",
            |f, r| {
                assert_eq!(f.string("s", r).as_deref(), Some("4096"));
                assert_eq!(f.string("f", r).as_deref(), Some("0.10"));
                assert_eq!(f.boolean("b", r), Some(true));
                assert_eq!(f.count("n", r), Some(12));
                let text = f.i18n("i", r).unwrap();
                assert_eq!(text.en_us, "Hi");
                assert_eq!(text.others, vec![("zh_Hans".into(), "你好".into())]);
                assert_eq!(f.string("x", r), None);
            },
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].message, "expected a string, found a list");
        assert_eq!(out[0].key, "x");
    }

    #[test]
    fn missing_required_and_missing_en_us() {
        let out = with_fields("label: {zh_Hans: x}\n", |f, r| {
            assert_eq!(f.required_string("model", r), None);
            assert_eq!(f.required_i18n("label", r), None);
        });
        let got: Vec<_> = out
            .iter()
            .map(|d| (d.key.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("model", "missing required key `model`"),
                ("label.en_US", "missing required key `en_US`")
            ]
        );
    }
}
