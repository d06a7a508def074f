//! A JSON Schema (draft 2020-12) of a provider's credential forms, for building a settings UI:
//! what `modelrt schema PROVIDER` prints and the gateway's console renders.
//!
//! The top level describes the provider-wide form. A `customizable-model` provider also gets
//! `$defs/model_credentials_<type>` per supported model type: its model credential form with
//! `__model_type` conditions resolved, plus the `model` name field. `x-field-order` lists the
//! fields in form order. Conditions on ordinary
//! variables become `if`/`then` entries under `allOf`, and every conditional field keeps its
//! conditions in the `x-show-on` keyword.

use serde_json::{json, Map, Value};

use crate::catalog::{CredentialForm, FormType, I18n, ProviderInfo, ShowOn};
use crate::credentials::MODEL_TYPE_VARIABLE;

/// The JSON Schema dialect emitted.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The whole document for `provider`.
pub fn provider_schema(provider: &ProviderInfo) -> Value {
    let mut schema = form_schema(provider.provider_credentials, None);
    let mut top = Map::new();
    top.insert("$schema".into(), json!(DIALECT));
    top.insert(
        "title".into(),
        json!(format!("{} credentials", provider.label.en_us)),
    );
    if let Some(description) = provider.description {
        top.insert("description".into(), json!(description.en_us));
    }
    top.append(&mut schema);
    if let Some(model_schema) = provider.model_credential_schema {
        let mut defs = Map::new();
        for model_type in provider.supported_model_types {
            let mut form = form_schema(model_schema.forms, Some(model_type.as_str()));
            add_model_name(
                &mut form,
                &model_schema.model_label,
                model_schema.model_placeholder,
            );
            let mut def = Map::new();
            def.insert(
                "title".into(),
                json!(format!(
                    "{} {model_type} model credentials",
                    provider.label.en_us
                )),
            );
            def.append(&mut form);
            defs.insert(
                format!("model_credentials_{model_type}"),
                Value::Object(def),
            );
        }
        top.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(top)
}

/// The keyword listing the fields in form order (JSON object keys carry no order).
const ORDER_KEYWORD: &str = "x-field-order";

/// Adds the required `model` name field first in a model credential form.
fn add_model_name(form: &mut Map<String, Value>, label: &I18n, placeholder: Option<I18n>) {
    let mut field = Map::new();
    field.insert("type".into(), json!("string"));
    field.insert("title".into(), json!(label.en_us));
    if let Some(placeholder) = placeholder {
        field.insert("description".into(), json!(placeholder.en_us));
    }
    field.insert("minLength".into(), json!(1));
    if let Some(Value::Object(properties)) = form.get_mut("properties") {
        properties.insert("model".into(), Value::Object(field));
    }
    for list in ["required", ORDER_KEYWORD] {
        if let Some(Value::Array(names)) = form.get_mut(list) {
            names.insert(0, json!("model"));
        }
    }
}

/// `type`, `properties`, `required` and `allOf` of one form; `model_type` resolves
/// `__model_type` conditions (forms whose condition names another type are left out).
fn form_schema(forms: &[CredentialForm], model_type: Option<&str>) -> Map<String, Value> {
    let kept: Vec<(&CredentialForm, Vec<ShowOn>)> = forms
        .iter()
        .filter_map(|form| {
            let mut conditions = Vec::new();
            for condition in form.show_on {
                if condition.variable == MODEL_TYPE_VARIABLE {
                    if model_type != Some(condition.value) {
                        return None;
                    }
                } else {
                    conditions.push(*condition);
                }
            }
            Some((form, conditions))
        })
        .collect();
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut all_of = Vec::new();
    let mut order: Vec<Value> = Vec::new();
    for (form, conditions) in &kept {
        if !order.contains(&json!(form.variable)) {
            order.push(json!(form.variable));
        }
        let field = field_schema(form, conditions);
        if conditions.is_empty() {
            if form.required && !required.contains(&json!(form.variable)) {
                required.push(json!(form.variable));
            }
            properties.insert(form.variable.to_owned(), field);
            continue;
        }
        // A conditional field: listed (first declaration wins), constrained when it applies.
        if !properties.contains_key(form.variable) {
            properties.insert(form.variable.to_owned(), field.clone());
        }
        let mut then = Map::new();
        then.insert("properties".into(), json!({ form.variable: field }));
        if form.required {
            then.insert("required".into(), json!([form.variable]));
        }
        all_of.push(json!({"if": condition_schema(conditions, forms), "then": then}));
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), Value::Array(required));
    schema.insert("additionalProperties".into(), json!(false));
    schema.insert(ORDER_KEYWORD.into(), Value::Array(order));
    if !all_of.is_empty() {
        schema.insert("allOf".into(), Value::Array(all_of));
    }
    schema
}

/// The `if` of conditional fields: every tested variable equals its value. A variable left out
/// counts as its unconditional default, as validation does, so it is only `required` when its
/// default differs.
fn condition_schema(conditions: &[ShowOn], forms: &[CredentialForm]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for condition in conditions {
        properties.insert(
            condition.variable.to_owned(),
            json!({"const": condition.value}),
        );
        let default = forms
            .iter()
            .find(|f| f.variable == condition.variable && f.show_on.is_empty())
            .and_then(|f| f.default);
        if default != Some(condition.value) {
            required.push(json!(condition.variable));
        }
    }
    json!({"properties": properties, "required": required})
}

/// One field's schema.
fn field_schema(form: &CredentialForm, conditions: &[ShowOn]) -> Value {
    let mut field = Map::new();
    let is_switch = form.form_type == FormType::Switch;
    field.insert(
        "type".into(),
        json!(if is_switch { "boolean" } else { "string" }),
    );
    field.insert("title".into(), json!(form.label.en_us));
    if let Some(placeholder) = form.placeholder {
        field.insert("description".into(), json!(placeholder.en_us));
    }
    match form.form_type {
        FormType::SecretInput => {
            field.insert("writeOnly".into(), json!(true));
        }
        FormType::Select | FormType::Radio => {
            let values: Vec<&str> = form.options.iter().map(|o| o.value).collect();
            field.insert("enum".into(), json!(values));
            let labels: Map<String, Value> = form
                .options
                .iter()
                .map(|o| (o.value.to_owned(), json!(o.label.en_us)))
                .collect();
            field.insert("x-enum-labels".into(), Value::Object(labels));
            let option_conditions: Map<String, Value> = form
                .options
                .iter()
                .filter(|o| !o.show_on.is_empty())
                .map(|o| (o.value.to_owned(), show_on_json(o.show_on)))
                .collect();
            if !option_conditions.is_empty() {
                field.insert("x-option-show-on".into(), Value::Object(option_conditions));
            }
        }
        FormType::TextInput | FormType::Switch => {}
    }
    if let Some(default) = form.default.filter(|d| !d.is_empty()) {
        let value = match (is_switch, default) {
            (true, "true") => json!(true),
            (true, "false") => json!(false),
            _ => json!(default),
        };
        field.insert("default".into(), value);
    }
    if form.max_length > 0 && !is_switch {
        field.insert("maxLength".into(), json!(form.max_length));
    }
    field.insert("x-form-type".into(), json!(form.form_type.as_str()));
    if !conditions.is_empty() {
        field.insert("x-show-on".into(), show_on_json(conditions));
    }
    Value::Object(field)
}

fn show_on_json(conditions: &[ShowOn]) -> Value {
    let list: Vec<Value> = conditions
        .iter()
        .map(|c| json!({"variable": c.variable, "value": c.value}))
        .collect();
    Value::Array(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::FormOption;

    const fn text(en_us: &'static str) -> I18n {
        I18n { en_us, others: &[] }
    }

    const fn form(
        variable: &'static str,
        form_type: FormType,
        required: bool,
        default: Option<&'static str>,
        show_on: &'static [ShowOn],
    ) -> CredentialForm {
        CredentialForm {
            variable,
            label: text(variable),
            form_type,
            required,
            default,
            options: &[],
            placeholder: None,
            max_length: 0,
            show_on,
        }
    }

    static FORMS: &[CredentialForm] = &[
        CredentialForm {
            options: &[
                FormOption {
                    value: "cloud",
                    label: text("Cloud"),
                    show_on: &[],
                },
                FormOption {
                    value: "self",
                    label: text("Self-hosted"),
                    show_on: &[ShowOn {
                        variable: MODEL_TYPE_VARIABLE,
                        value: "llm",
                    }],
                },
            ],
            ..form("deployment", FormType::Radio, true, Some("cloud"), &[])
        },
        CredentialForm {
            max_length: 64,
            ..form("token", FormType::SecretInput, true, None, &[])
        },
        form(
            "host",
            FormType::TextInput,
            true,
            None,
            &[ShowOn {
                variable: "deployment",
                value: "self",
            }],
        ),
        form(
            "region",
            FormType::TextInput,
            false,
            Some("eu"),
            &[ShowOn {
                variable: "deployment",
                value: "cloud",
            }],
        ),
        form(
            "verify_tls",
            FormType::Switch,
            false,
            Some("true"),
            &[ShowOn {
                variable: MODEL_TYPE_VARIABLE,
                value: "llm",
            }],
        ),
    ];

    #[test]
    fn fields_map_to_json_schema_keywords() {
        let schema = Value::Object(form_schema(FORMS, Some("llm")));
        let properties = &schema["properties"];
        assert_eq!(properties["deployment"]["enum"], json!(["cloud", "self"]));
        assert_eq!(properties["deployment"]["default"], "cloud");
        assert_eq!(
            properties["deployment"]["x-option-show-on"]["self"],
            json!([{"variable": "__model_type", "value": "llm"}])
        );
        assert_eq!(properties["token"]["writeOnly"], true);
        assert_eq!(properties["token"]["maxLength"], 64);
        assert_eq!(properties["verify_tls"]["type"], "boolean");
        assert_eq!(properties["verify_tls"]["default"], true);
        assert_eq!(schema["required"], json!(["deployment", "token"]));
        assert_eq!(
            schema["x-field-order"],
            json!(["deployment", "token", "host", "region", "verify_tls"])
        );
    }

    #[test]
    fn conditions_on_other_fields_become_if_then() {
        let schema = Value::Object(form_schema(FORMS, Some("text-embedding")));
        // The `__model_type` condition for another type drops the field.
        assert!(schema["properties"].get("verify_tls").is_none());
        assert_eq!(
            schema["properties"]["host"]["x-show-on"],
            json!([{"variable": "deployment", "value": "self"}])
        );
        assert_eq!(
            schema["allOf"][0]["if"],
            json!({"properties": {"deployment": {"const": "self"}}, "required": ["deployment"]})
        );
        assert_eq!(schema["allOf"][0]["then"]["required"], json!(["host"]));
        // `cloud` is the default, so a form without `deployment` satisfies the condition.
        assert_eq!(
            schema["allOf"][1]["if"],
            json!({"properties": {"deployment": {"const": "cloud"}}, "required": []})
        );
        assert!(schema["allOf"][1]["then"].get("required").is_none());
    }
}
