//! The body of a generated params struct's `to_json`: one call per field with the field's
//! plain value. Each kind of value has its own method, so the generated code needs no generic
//! call or `dyn` coercion per field (rustc checked the table of `dyn` fields it replaced about
//! twice as slowly).

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
    pub fn wire_name(&self, names: &'static [&'static str]) -> &'static str {
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
    use modelrt_runtime::catalog::{
        ConfigurateMethod, I18n, ModelType, ParameterRule, ParameterType,
    };

    /// A model declaring one parameter, `topK`.
    static MODEL: ModelInfo = ModelInfo {
        id: "m",
        label: I18n {
            en_us: "m",
            others: &[],
        },
        model_type: ModelType::Llm,
        features: &[],
        fetch_from: ConfigurateMethod::PredefinedModel,
        properties: crate::support::NO_PROPERTIES,
        parameter_rules: &[ParameterRule {
            name: "topK",
            use_template: None,
            label: I18n {
                en_us: "Top K",
                others: &[],
            },
            param_type: ParameterType::Int,
            help: None,
            required: false,
            default: None,
            min: None,
            max: None,
            precision: None,
            options: &[],
        }],
        pricing: None,
        deprecated: false,
        source: "p/llm/m.yaml",
    };

    #[test]
    fn set_fields_go_under_the_name_the_model_declares() {
        let mut json = ParamsJson::new(&MODEL);
        json.float("temperature", Some(0.5));
        json.int("seed", None);
        json.int(json.wire_name(&["top_k", "topK"]), Some(3));
        json.text(json.wire_name(&["stop", "stop_sequences"]), Some("x"));
        let object = Value::Object(json.into_map());
        // `seed` is unset; `stop` is declared under neither name, so it keeps the first.
        let expected = serde_json::json!({"temperature": 0.5, "topK": 3, "stop": "x"});
        assert_eq!(object, expected);
    }
}
