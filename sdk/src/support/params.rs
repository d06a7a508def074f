//! The body of a generated params struct's `to_json`: one call per field with the field's
//! plain value. Each kind of value has its own method, so the generated code needs no generic
//! call or `dyn` coercion per field, which rustc checks more slowly (BENCHMARKS.md).

use modelrt_runtime::catalog::ModelInfo;
use serde_json::{Map, Value};

/// The set fields of a params struct as the JSON object `validate_params` takes, each under
/// the wire name its model declares.
pub struct ParamsJson {
    model: &'static ModelInfo,
    map: Map<String, Value>,
}

impl ParamsJson {
    /// An empty object for `model`'s parameters.
    pub fn new(model: &'static ModelInfo) -> Self {
        ParamsJson {
            model,
            map: Map::new(),
        }
    }

    /// Of a field that several models name differently, the name `model` declares, else the
    /// first (which validation then drops as unknown).
    pub fn wire_name(&self, names: &[&'static str]) -> &'static str {
        let declared = |name: &&&str| self.model.parameter_rules.iter().any(|r| r.name == **name);
        names
            .iter()
            .find(declared)
            .or(names.first())
            .copied()
            .unwrap_or_default()
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

    use modelrt_runtime::catalog::{ModelType, ParameterRule, ParameterType};

    static RULES: [ParameterRule; 1] = [ParameterRule {
        name: "max_tokens",
        use_template: None,
        label: crate::support::text("Max tokens"),
        param_type: ParameterType::Int,
        help: None,
        required: false,
        default: None,
        min: None,
        max: None,
        precision: None,
        options: &[],
    }];
    static MODEL: ModelInfo = crate::support::model(
        "m1",
        "M1",
        crate::support::ENGLISH_ONLY,
        ModelType::Llm,
        &[],
        crate::support::CHAT,
        0,
        0,
        &RULES,
        false,
        "acme/llm/m1.yaml",
    );

    #[test]
    fn set_fields_go_under_the_name_the_model_declares() {
        let mut json = ParamsJson::new(&MODEL);
        json.float("undeclared_a", Some(0.5));
        json.int("undeclared_b", None);
        json.int(json.wire_name(&["not_its_name", "max_tokens"]), Some(3));
        json.text(json.wire_name(&["first", "second"]), Some("x"));
        let object = Value::Object(json.into_map());
        // The unset field is left out; a field declared under neither name keeps the first.
        let expected = serde_json::json!({"undeclared_a": 0.5, "first": "x", "max_tokens": 3});
        assert_eq!(object, expected);
    }
}
