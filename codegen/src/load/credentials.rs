//! Credential forms (SCHEMA.md §4) and the two credential schemas of a provider (§3).

use crate::ir::{CredentialForm, FormOption, FormType, ModelCredentialSchema, ShowOn};

use super::fields::{self, Fields};
use super::report::Report;
use super::yaml::Node;

/// `provider_credential_schema`: its forms.
pub fn provider_schema(node: &Node, path: &str, r: &mut Report) -> Vec<CredentialForm> {
    let Some(mut f) = Fields::open(node, path, r) else {
        return Vec::new();
    };
    let forms = forms(&mut f, r);
    f.finish(r);
    forms
}

/// `model_credential_schema`: the model-name input and the forms.
pub fn model_schema(node: &Node, path: &str, r: &mut Report) -> Option<ModelCredentialSchema> {
    let mut f = Fields::open(node, path, r)?;
    let model = f.require("model", r).and_then(|n| {
        let model_path = f.path("model");
        let mut m = Fields::open(n, &model_path, r)?;
        let label = m.required_i18n("label", r);
        let placeholder = m.i18n("placeholder", r);
        m.finish(r);
        Some((label?, placeholder))
    });
    let forms = forms(&mut f, r);
    f.finish(r);
    let (model_label, model_placeholder) = model?;
    Some(ModelCredentialSchema {
        model_label,
        model_placeholder,
        forms,
    })
}

fn forms(f: &mut Fields, r: &mut Report) -> Vec<CredentialForm> {
    f.list("credential_form_schemas", r)
        .into_iter()
        .filter_map(|(path, node)| form(node, &path, r))
        .collect()
}

/// One form field; `None` when a required key is missing or malformed.
pub fn form(node: &Node, path: &str, r: &mut Report) -> Option<CredentialForm> {
    let mut f = Fields::open(node, path, r)?;
    let variable = f.required_string("variable", r);
    let label = f.required_i18n("label", r);
    let form_type = match f.get("type") {
        Some(n) => fields::enumeration(
            n,
            &f.path("type"),
            r,
            |s| s.parse::<FormType>().ok(),
            &FormType::NAMES.join(", "),
        ),
        None => {
            // Real trees omit it (the Python runtime's UI fell back to a text box).
            r.warn(
                f.place(),
                &f.path("type"),
                "missing key `type`; `text-input` is assumed",
            );
            Some(FormType::TextInput)
        }
    };
    let required = f.boolean("required", r).unwrap_or(true);
    let default = f.string("default", r);
    let options = f
        .list("options", r)
        .into_iter()
        .filter_map(|(p, n)| option(n, &p, r))
        .collect();
    let placeholder = f.i18n("placeholder", r);
    let max_length = f.count("max_length", r).unwrap_or(0);
    let show_on = show_on(&mut f, r);
    // Plugin-era extras, tolerated in every tree.
    f.ignore(&["help", "url"]);
    f.finish(r);
    Some(CredentialForm {
        variable: variable?,
        label: label?,
        form_type: form_type?,
        required,
        default,
        options,
        placeholder,
        max_length,
        show_on,
    })
}

fn option(node: &Node, path: &str, r: &mut Report) -> Option<FormOption> {
    let mut f = Fields::open(node, path, r)?;
    let value = f.required_string("value", r);
    let label = f.required_i18n("label", r);
    let show_on = show_on(&mut f, r);
    f.finish(r);
    Some(FormOption {
        value: value?,
        label: label?,
        show_on,
    })
}

fn show_on(f: &mut Fields, r: &mut Report) -> Vec<ShowOn> {
    f.list("show_on", r)
        .into_iter()
        .filter_map(|(path, node)| {
            let mut c = Fields::open(node, &path, r)?;
            let variable = c.required_string("variable", r);
            let value = c.required_string("value", r);
            c.finish(r);
            Some(ShowOn {
                variable: variable?,
                value: value?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;

    #[test]
    fn defaults_repeats_and_verbatim_strings() {
        let text = r#"
model:
  label: {en_US: Model name}
credential_form_schemas:
  - variable: context_size
    label: {en_US: Context size}
    type: text-input
    default: '4096'
    show_on: [{variable: __model_type, value: llm}]
  - variable: context_size
    label: {en_US: Context size}
    type: text-input
    required: false
    default: 512
    show_on: [{variable: __model_type, value: text-embedding}]
  - variable: stop
    label: {en_US: Stop}
    type: select
    default: '\n\n'
    max_length: 10
    options:
      - value: 1
        label: {en_US: one}
"#;
        let node = parse(text).unwrap();
        let mut out = Vec::new();
        let schema = model_schema(
            &node,
            "model_credential_schema",
            &mut Report::new("p.yaml", &mut out),
        )
        .unwrap();
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(schema.model_label.en_us, "Model name");
        assert_eq!(schema.forms.len(), 3);
        assert!(schema.forms[0].required);
        assert_eq!(schema.forms[0].default.as_deref(), Some("4096"));
        assert_eq!(schema.forms[0].show_on[0].value, "llm");
        assert!(!schema.forms[1].required);
        assert_eq!(schema.forms[1].default.as_deref(), Some("512"));
        assert_eq!(schema.forms[2].default.as_deref(), Some("\\n\\n"));
        assert_eq!(schema.forms[2].max_length, 10);
        assert_eq!(schema.forms[2].options[0].value, "1");
        assert_eq!(schema.forms[2].form_type, FormType::Select);
    }

    #[test]
    fn bad_type_and_missing_variable_are_errors() {
        let node =
            parse("credential_form_schemas:\n  - label: {en_US: K}\n    type: password\n").unwrap();
        let mut out = Vec::new();
        let forms = provider_schema(
            &node,
            "provider_credential_schema",
            &mut Report::new("p.yaml", &mut out),
        );
        assert!(forms.is_empty());
        let got: Vec<_> = out
            .iter()
            .map(|d| (d.key.as_str(), d.line, d.column))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "provider_credential_schema.credential_form_schemas[0].variable",
                    2,
                    5
                ),
                (
                    "provider_credential_schema.credential_form_schemas[0].type",
                    3,
                    11
                ),
            ]
        );
        assert_eq!(
            out[1].message,
            "unknown value `password`, expected one of: text-input, secret-input, select, radio, switch"
        );
    }
}
