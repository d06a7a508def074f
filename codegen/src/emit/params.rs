//! One params struct per model type (`LlmParams`, ...): a typed `Option` field per parameter
//! name that the provider's models of that type use, and a conversion to the JSON map the
//! runtime's `validate_params` takes, so typed parameters get exactly the same validation.
//!
//! Naming rules (SCHEMA.md §8): rules are grouped by their snake_case name, so `top_p` and
//! `topP` share one field `top_p`, and each model is sent the wire name its own rules use.
//! When rules of one group disagree in value type (say `seed` is `int` in one model and
//! `string` in another), the group splits into one field per type, suffixed with the type
//! (`seed_int`, `seed_string`). `string` and `text` are one type; string rules with `options`
//! get a generated enum over the union of their options, unless some rule of the group is a
//! free string, in which case the field is a `String`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::enums::EnumSet;
use crate::emit::models::TypeGroup;
use crate::emit::names::{ident, snake_case, Scope};
use crate::ir::{ParameterRule, ParameterType};

/// A field's value type.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ValueType {
    Int,
    Float,
    Bool,
    Str,
    Choice(String),
}

/// Value types that can share one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Int,
    Float,
    Bool,
    Str,
}

impl Family {
    fn of(t: ParameterType) -> Family {
        match t {
            ParameterType::Int => Family::Int,
            ParameterType::Float => Family::Float,
            ParameterType::Boolean => Family::Bool,
            ParameterType::String | ParameterType::Text => Family::Str,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Family::Int => "int",
            Family::Float => "float",
            Family::Bool => "bool",
            Family::Str => "string",
        }
    }
}

/// One field of a params struct.
#[derive(Debug)]
struct Field<'a> {
    name: String,
    /// Wire names, in first-use order (`["top_p", "topP"]`).
    wire_names: Vec<&'a str>,
    kind: ValueType,
    /// The first rule of the group, for the doc.
    rule: &'a ParameterRule,
    /// How many models of the group use it.
    used_by: usize,
}

/// Groups the rules of a model type into fields (see the module doc).
fn fields<'a>(group: &TypeGroup<'a>, enums: &mut EnumSet<'_>) -> Vec<Field<'a>> {
    // (snake name, family) -> rules and the models using them, in first-use order.
    let mut buckets: Vec<(String, Family, Vec<&'a ParameterRule>, usize)> = Vec::new();
    for model in &group.models {
        let mut seen: Vec<usize> = Vec::new();
        for rule in &model.parameter_rules {
            let key = (snake_case(&rule.name), Family::of(rule.param_type));
            let index = match buckets.iter().position(|b| b.0 == key.0 && b.1 == key.1) {
                Some(index) => index,
                None => {
                    buckets.push((key.0, key.1, Vec::new(), 0));
                    buckets.len() - 1
                }
            };
            if let Some(bucket) = buckets.get_mut(index) {
                bucket.2.push(rule);
                if !seen.contains(&index) {
                    seen.push(index);
                    bucket.3 += 1;
                }
            }
        }
    }
    let type_prefix = group.model_type.variant_name();
    let mut scope = Scope::default();
    buckets
        .iter()
        .filter_map(|(snake, family, rules, used_by)| {
            let first = *rules.first()?;
            let split = buckets.iter().filter(|b| &b.0 == snake).count() > 1;
            let base = if split {
                format!("{snake}_{}", family.suffix())
            } else {
                snake.clone()
            };
            let mut wire_names: Vec<&str> = Vec::new();
            for rule in rules {
                if !wire_names.contains(&rule.name.as_str()) {
                    wire_names.push(&rule.name);
                }
            }
            let kind = match family {
                Family::Int => ValueType::Int,
                Family::Float => ValueType::Float,
                Family::Bool => ValueType::Bool,
                Family::Str if rules.iter().any(|r| r.options.is_empty()) => ValueType::Str,
                Family::Str => {
                    let mut values: Vec<(String, String)> = Vec::new();
                    for option in rules.iter().flat_map(|r| &r.options) {
                        if !values.iter().any(|(v, _)| v == option) {
                            values.push((option.clone(), String::new()));
                        }
                    }
                    let doc = format!("Values of the `{}` parameter.", first.name);
                    ValueType::Choice(enums.request(&base, type_prefix, &doc, &values))
                }
            };
            Some(Field {
                name: scope.claim(&base),
                wire_names,
                kind,
                rule: first,
                used_by: *used_by,
            })
        })
        .collect()
}

fn field_doc(field: &Field<'_>, models: usize) -> String {
    let rule = field.rule;
    let names: Vec<String> = field.wire_names.iter().map(|n| format!("`{n}`")).collect();
    let mut doc = format!(
        "{} ({}, {}",
        rule.label.en_us,
        names.join(" / "),
        rule.param_type.as_str()
    );
    if let (Some(min), Some(max)) = (rule.min, rule.max) {
        doc.push_str(&format!(", {min} to {max}"));
    }
    doc.push_str(&format!("; used by {} of {models} models).", field.used_by));
    if let Some(help) = &rule.help {
        doc.push_str("\n\n");
        doc.push_str(&help.en_us);
    }
    doc
}

/// The params struct of one model type, with `to_json` and `validate`.
pub fn params_struct(
    provider_label: &str,
    group: &TypeGroup<'_>,
    enums: &mut EnumSet<'_>,
) -> TokenStream {
    let model_enum = ident(group.model_type.variant_name());
    let name = ident(&params_name(group));
    if !has_params(group) {
        // One generic type instead of a struct, its derives and methods per provider: most
        // embedding, rerank and speech models declare no parameters.
        let doc = doc_attrs(&format!(
            "Call parameters of {provider_label}'s {} models: none of them declares any.",
            group.model_type.as_str()
        ));
        return quote! {
            #doc
            pub type #name = ::modelrt_sdk::sdk::NoParams<Provider, ::modelrt_sdk::runtime::capability::kind::#model_enum>;
        };
    }
    let fields = fields(group, enums);
    let struct_doc = doc_attrs(&format!(
        "Call parameters of {provider_label}'s {} models: one optional field per parameter \
         that any of them declares. Each model accepts only its own (see its `parameter_rules`); \
         `validate` drops the others.",
        group.model_type.as_str()
    ));
    let declarations = fields.iter().map(|f| {
        let field = ident(&f.name);
        let doc_attrs = doc_attrs(&field_doc(f, group.models.len()));
        let ty = value_type(f);
        quote!(#doc_attrs pub #field: Option<#ty>)
    });
    let json_fields = fields.iter().map(json_call);
    let derives = if fields.iter().any(|f| f.kind == ValueType::Float) {
        quote!(#[derive(Debug, Clone, Default, PartialEq)])
    } else {
        quote!(#[derive(Debug, Clone, Default, PartialEq, Eq)])
    };
    quote! {
        #struct_doc
        #derives
        pub struct #name { #(#declarations),* }

        impl #name {
            /// The set fields as the JSON object `validate_params` takes, each under the wire
            /// name `model` declares for it (the first name when `model` declares none).
            pub fn to_json(&self, model: #model_enum) -> ::modelrt_sdk::__private::serde_json::Map<String, ::modelrt_sdk::__private::serde_json::Value> {
                let mut json = ::modelrt_sdk::__private::ParamsJson::new(model.info());
                #(#json_fields)*
                json.into_map()
            }

            /// Validates the set fields against `model`'s parameter rules, exactly as JSON
            /// parameters are: defaults applied, unknown ones dropped, bounds checked.
            pub fn validate(
                &self,
                model: #model_enum,
            ) -> Result<::modelrt_sdk::runtime::params::ValidatedParams, ::modelrt_sdk::runtime::params::ParamError> {
                ::modelrt_sdk::runtime::params::validate_params(PROVIDER.id, model.info(), &self.to_json(model))
            }
        }
    }
}

/// The Rust type of a field's value.
fn value_type(field: &Field<'_>) -> TokenStream {
    match &field.kind {
        ValueType::Int => quote!(i64),
        ValueType::Float => quote!(f64),
        ValueType::Bool => quote!(bool),
        ValueType::Str => quote!(String),
        ValueType::Choice(e) => {
            let e = ident(e);
            quote!(#e)
        }
    }
}

/// The statement of `to_json` for one field: its plain value through the method of its kind
/// on `__private::ParamsJson`, under its wire name.
fn json_call(field: &Field<'_>) -> TokenStream {
    let name = ident(&field.name);
    let (method, value) = match &field.kind {
        ValueType::Int => (quote!(int), quote!(self.#name)),
        ValueType::Float => (quote!(float), quote!(self.#name)),
        ValueType::Bool => (quote!(boolean), quote!(self.#name)),
        ValueType::Str => (quote!(text), quote!(self.#name.as_deref())),
        ValueType::Choice(e) => {
            let e = ident(e);
            (quote!(text), quote!(self.#name.map(#e::as_str)))
        }
    };
    let wire_name = match field.wire_names.as_slice() {
        [wire_name] => quote!(#wire_name),
        names => quote!(json.wire_name(&[#(#names),*])),
    };
    quote!(json.#method(#wire_name, #value);)
}

/// Whether some model of `group` declares a parameter (else its params type is
/// `modelrt_sdk::sdk::NoParams`).
pub fn has_params(group: &TypeGroup<'_>) -> bool {
    group.models.iter().any(|m| !m.parameter_rules.is_empty())
}

/// `LlmParams`, `TextEmbeddingParams`, ...
pub fn params_name(group: &TypeGroup<'_>) -> String {
    format!("{}Params", group.model_type.variant_name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ConfigurateMethod, I18n, Model, ModelProperties, ModelType};

    fn rule(name: &str, param_type: ParameterType, options: &[&str]) -> ParameterRule {
        ParameterRule {
            name: name.into(),
            use_template: None,
            label: I18n {
                en_us: name.into(),
                others: vec![],
            },
            param_type,
            help: None,
            required: false,
            default: None,
            min: None,
            max: None,
            precision: None,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
        }
    }

    fn model(id: &str, rules: Vec<ParameterRule>) -> Model {
        Model {
            id: id.into(),
            rust_ident: id.into(),
            label: I18n {
                en_us: id.into(),
                others: vec![],
            },
            model_type: ModelType::Llm,
            features: vec![],
            fetch_from: ConfigurateMethod::PredefinedModel,
            properties: ModelProperties::default(),
            parameter_rules: rules,
            pricing: None,
            deprecated: false,
            extra_modelrt: vec![],
            source: format!("p/llm/{id}.yaml"),
        }
    }

    fn summary(fields: &[Field<'_>]) -> Vec<String> {
        fields
            .iter()
            .map(|f| {
                format!(
                    "{}:{:?}:{}:{}",
                    f.name,
                    f.kind,
                    f.wire_names.join("|"),
                    f.used_by
                )
            })
            .collect()
    }

    #[test]
    fn same_concept_shares_a_field_and_type_conflicts_split() {
        let a = model(
            "A",
            vec![
                rule("top_p", ParameterType::Float, &[]),
                rule("seed", ParameterType::Int, &[]),
                rule("response_format", ParameterType::String, &["JSON", "XML"]),
            ],
        );
        let b = model(
            "B",
            vec![
                rule("topP", ParameterType::Float, &[]),
                rule("seed", ParameterType::String, &[]),
                rule(
                    "response_format",
                    ParameterType::String,
                    &["json_object", "JSON"],
                ),
                rule("stop", ParameterType::Text, &[]),
            ],
        );
        let group = TypeGroup {
            model_type: ModelType::Llm,
            start: 0,
            models: vec![&a, &b],
        };
        let mut scope = Scope::with_reserved(&["Llm"]);
        let mut enums = EnumSet::new(&mut scope);
        let got = fields(&group, &mut enums);
        assert_eq!(
            summary(&got),
            [
                "top_p:Float:top_p|topP:2",
                "seed_int:Int:seed:1",
                "response_format:Choice(\"ResponseFormat\"):response_format:2",
                "seed_string:Str:seed:1",
                "stop:Str:stop:1",
            ]
        );
        let e = &enums.into_enums()[0];
        let wires: Vec<&str> = e.variants.iter().map(|v| v.0.as_str()).collect();
        assert_eq!(wires, ["JSON", "XML", "json_object"]);
    }

    #[test]
    fn a_free_string_rule_makes_the_field_a_string() {
        let a = model(
            "A",
            vec![rule("format", ParameterType::String, &["a", "b"])],
        );
        let b = model("B", vec![rule("format", ParameterType::String, &[])]);
        let group = TypeGroup {
            model_type: ModelType::Llm,
            start: 0,
            models: vec![&a, &b],
        };
        let mut scope = Scope::default();
        let mut enums = EnumSet::new(&mut scope);
        assert_eq!(
            summary(&fields(&group, &mut enums)),
            ["format:Str:format:2"]
        );
    }
}
