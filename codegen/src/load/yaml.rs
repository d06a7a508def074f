//! A generic YAML tree with source positions, built by serde-saphyr.
//!
//! Every node keeps its line, column and, for scalars, the raw source text, so validation can
//! report exact places, keep numbers verbatim where a string is wanted, and lint YAML 1.1 forms.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

/// A YAML node and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// 1-based line (0 if unknown).
    pub line: u32,
    /// 1-based column (0 if unknown).
    pub column: u32,
    /// For scalars other than strings: the source text as written; empty otherwise (strings
    /// need only [`Node::is_quoted`], so most scalars keep no copy of their text).
    spelling: String,
    /// Whether the scalar was written in quotes.
    quoted: bool,
}

/// A YAML value, resolved by the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float (also integers too large for `i64`).
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key as text.
    pub name: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl Node {
    /// The entries when this is a mapping.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items when this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Whether the scalar was written in quotes.
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// A scalar as text: strings as they are, other scalars as written in the source.
    /// `None` for null and collections.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(_) | Value::Int(_) | Value::Float(_) => Some(self.plain_spelling()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// The source spelling of a non-string scalar (an alias has none, so format the value).
    fn plain_spelling(&self) -> String {
        if !self.spelling.is_empty() && !self.spelling.starts_with('*') {
            return self.spelling.clone();
        }
        match &self.value {
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            _ => String::new(),
        }
    }

    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax (or structure) error with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line, 0 if unknown.
    pub line: u32,
    /// 1-based column, 0 if unknown.
    pub column: u32,
    /// The parser's message, without its location prefix.
    pub message: String,
}

/// Parses one YAML document into a [`Node`] tree.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut options = serde_saphyr::Options::default();
    // Keep `yes`/`no`/`on`/`off` as strings (YAML 1.2); the linter reports them.
    options.strict_booleans = true;
    // Duplicate keys reach our visitor, which keeps the last one and reports it.
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    let source = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(source, options) {
        Ok(spanned) => Ok(into_node(spanned, source)),
        Err(err) => {
            let (line, column) = err
                .location()
                .map(|l| (clamp(l.line()), clamp(l.column())))
                .unwrap_or((0, 0));
            Err(SyntaxError {
                line,
                column,
                message: strip_location_prefix(&err.to_string()),
            })
        }
    }
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// serde-saphyr's messages start with `error: line N column M: `; the diagnostic has its own place.
fn strip_location_prefix(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or("").trim();
    let rest = first_line.strip_prefix("error: ").unwrap_or(first_line);
    let rest = match rest.strip_prefix("line ") {
        Some(after) => after.split_once(": ").map(|(_, msg)| msg).unwrap_or(after),
        None => rest,
    };
    rest.to_string()
}

/// The shape serde-saphyr fills; converted to [`Node`] once the source text is at hand.
#[derive(Debug)]
enum RawNode {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(RawNode::Map(entries))
    }
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawNode, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

/// The source text of a scalar, quotes included ("" if the parser gave no span).
fn raw_text<'s>(location: &Location, source: &'s str) -> &'s str {
    let span = location.span();
    let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) else {
        return "";
    };
    let (Ok(start), Ok(len)) = (usize::try_from(start), usize::try_from(len)) else {
        return "";
    };
    start
        .checked_add(len)
        .and_then(|end| source.get(start..end))
        .unwrap_or("")
}

fn into_node(spanned: Spanned<RawNode>, source: &str) -> Node {
    let location = spanned.referenced;
    let node = |value: Value, spelling: &str, quoted: bool| Node {
        value,
        line: clamp(location.line()),
        column: clamp(location.column()),
        spelling: spelling.to_owned(),
        quoted,
    };
    let scalar = |value: Value| node(value, raw_text(&location, source), false);
    match spanned.value {
        RawNode::Null => scalar(Value::Null),
        RawNode::Bool(b) => scalar(Value::Bool(b)),
        RawNode::Int(i) => scalar(Value::Int(i)),
        RawNode::Float(f) => scalar(Value::Float(f)),
        RawNode::Str(s) => {
            let raw = raw_text(&location, source);
            node(Value::Str(s), "", raw.starts_with(['"', '\'']))
        }
        RawNode::Seq(items) => node(
            Value::Seq(items.into_iter().map(|n| into_node(n, source)).collect()),
            "",
            false,
        ),
        RawNode::Map(entries) => node(
            Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (into_key(k, source), into_node(v, source)))
                    .collect(),
            ),
            "",
            false,
        ),
    }
}

fn into_key(spanned: Spanned<RawNode>, source: &str) -> Key {
    let node = into_node(spanned, source);
    let name = match node.value {
        Value::Str(s) => s,
        Value::Null => "null".to_string(),
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => node.plain_spelling(),
        // A collection as a key has no text of its own to go by.
        Value::Seq(_) | Value::Map(_) => String::new(),
    };
    Key {
        name,
        line: node.line,
        column: node.column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field<'a>(node: &'a Node, key: &str) -> &'a Node {
        let entries = node.as_map().unwrap();
        &entries.iter().find(|(k, _)| k.name == key).unwrap().1
    }

    #[test]
    fn keeps_positions_raw_text_and_types() {
        let node = parse("\u{feff}a: \"4096\"\r\nb: 4096\r\nc: yes\r\nd: 0.10\r\ne: ~").unwrap();
        let a = field(&node, "a");
        assert_eq!((a.line, a.column), (1, 4));
        assert_eq!(a.value, Value::Str("4096".into()));
        assert!(a.is_quoted());
        assert_eq!(field(&node, "b").value, Value::Int(4096));
        assert_eq!(field(&node, "c").value, Value::Str("yes".into()));
        assert!(!field(&node, "c").is_quoted());
        assert_eq!(field(&node, "d").scalar_text().unwrap(), "0.10");
        assert_eq!(field(&node, "e").value, Value::Null);
    }

    #[test]
    fn aliases_and_timestamps() {
        let node = parse("x: &a {k: 1}\ny: *a\nt: 2024-09-20T00:13:50.29-04:00\n").unwrap();
        assert_eq!(field(field(&node, "y"), "k").value, Value::Int(1));
        assert_eq!(
            field(&node, "t").value,
            Value::Str("2024-09-20T00:13:50.29-04:00".into())
        );
    }

    #[test]
    fn syntax_error_has_a_place_and_a_bare_message() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 2));
        assert!(!err.message.starts_with("error"), "{}", err.message);
        assert!(!err.message.contains("line 2"), "{}", err.message);
    }

    #[test]
    fn duplicate_keys_are_kept_for_the_validator() {
        let node = parse("a: 1\na: 2\n").unwrap();
        assert_eq!(node.as_map().unwrap().len(), 2);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).is_err());
    }
}
