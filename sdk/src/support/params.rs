//! The body of a generated params struct's `to_json`: one call per field with the field's
//! plain value. Each kind of value has its own method, so the generated code needs no generic
//! call or `dyn` coercion per field, which rustc checks more slowly (BENCHMARKS.md).

use std::fmt;

use serde_json::{Map, Value};

/// The `Debug` form of a generated params struct, `Name { temperature: 0.2 }`: its set fields
/// as `to_json` gives them, in name order. One call in each generated impl is cheaper to check than a
/// derived `Debug` (BENCHMARKS.md, "Build pipeline").
pub fn debug_params(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    json: &Map<String, Value>,
) -> fmt::Result {
    let mut fields = f.debug_struct(name);
    for (key, value) in json {
        fields.field(key, &format_args!("{value}"));
    }
    fields.finish()
}

/// The set fields of a params struct as the JSON object `validate_params` takes, each under
/// its rule's name (a params struct belongs to models with identical rules, so each field
/// has exactly one wire name).
#[derive(Debug, Default)]
pub struct ParamsJson {
    map: Map<String, Value>,
}

impl ParamsJson {
    /// An empty object.
    pub fn new() -> Self {
        ParamsJson::default()
    }

    /// An integer field.
    pub fn int(&mut self, name: &str, value: Option<i64>) {
        self.insert(name, value.map(Value::from));
    }

    /// A float field.
    pub fn float(&mut self, name: &str, value: Option<f64>) {
        self.insert(name, value.map(Value::from));
    }

    /// A boolean field.
    pub fn boolean(&mut self, name: &str, value: Option<bool>) {
        self.insert(name, value.map(Value::from));
    }

    /// A text field, or an option field as its wire value.
    pub fn text(&mut self, name: &str, value: Option<&str>) {
        self.insert(name, value.map(Value::from));
    }

    fn insert(&mut self, name: &str, value: Option<Value>) {
        if let Some(value) = value {
            self.map.insert(name.to_owned(), value);
        }
    }

    /// The object.
    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formats like a generated params struct's `Debug` impl.
    struct Shown(Map<String, Value>);

    impl fmt::Debug for Shown {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            debug_params(f, "ChatParams", &self.0)
        }
    }

    #[test]
    fn debug_shows_only_the_set_fields_as_json_values_in_name_order() {
        let mut json = ParamsJson::new();
        json.float("temperature", Some(0.5));
        json.int("max_tokens", None);
        json.text("response_format", Some("json_object"));
        let shown = format!("{:?}", Shown(json.into_map()));
        assert_eq!(
            shown,
            r#"ChatParams { response_format: "json_object", temperature: 0.5 }"#
        );
    }

    #[test]
    fn set_fields_go_under_their_names_and_unset_ones_are_left_out() {
        let mut json = ParamsJson::new();
        json.float("temperature", Some(0.5));
        json.int("max_tokens", None);
        json.int("seed", Some(3));
        json.boolean("stream", Some(false));
        json.text("response_format", Some("json_object"));
        let expected = serde_json::json!({
            "temperature": 0.5, "seed": 3, "stream": false, "response_format": "json_object"
        });
        assert_eq!(Value::Object(json.into_map()), expected);
    }
}
