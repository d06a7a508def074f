//! Params structs: one per distinct rule set of a provider's models of one model type (models
//! whose `parameter_rules` are identical share one), named after the first model that uses
//! it (`EchoMiniParams`). Each model's marker names its struct as `Model::Params`
//! (`modelrt::ParamsOf<models::EchoMini>`), so the struct has exactly the model's
//! parameters: one typed `Option` field per rule, under the rule's snake_case name, sent
//! under the rule's own name. Setting a parameter the model does not declare, or an option
//! value its rule does not list, does not compile.
//!
//! Value types: `int` -> `i64`, `float` -> `f64`, `boolean` -> `bool`, `string`/`text` ->
//! `String`, or a generated enum of the rule's `options`. Option enums are one per distinct
//! option list: named after the parameter (`ResponseFormat`) when every rule set of the model
//! type lists the same options, else after the struct and the parameter
//! (`EchoMiniResponseFormat`), so a value one model accepts and another does not is a
//! variant of the first one's enum only.
//!
//! The same rule sets also drive `modelrt_sdk::sdk::Params<Marker>`, whose errors name the
//! model's YAML file ([`setters`]).

pub mod setters;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::enums::EnumSet;
use crate::emit::models::TypeGroup;
use crate::emit::names::{ident, snake_case, Scope};
use crate::ir::{Model, ParameterRule, ParameterType};

/// How many models a struct's doc names before it only counts the rest.
const NAMED_MODELS: usize = 8;

/// The params types of one model type.
pub struct ParamsPlan<'a> {
    /// The params type of each model of the group, in group order: a struct name, or `None`
    /// for a model that declares no parameter (`modelrt_sdk::sdk::NoParams`).
    pub per_model: Vec<Option<String>>,
    /// The structs with their `TypedParams` impls.
    pub items: TokenStream,
    /// The distinct rule sets, one per struct (for the typed setters, `emit::setters`).
    pub sets: Vec<RuleSet<'a>>,
}

/// One distinct rule set and the models that declare it.
pub struct RuleSet<'a> {
    /// The rules.
    pub rules: &'a [ParameterRule],
    /// The models declaring exactly these rules, in group order.
    pub models: Vec<&'a Model>,
    /// The name of its params struct.
    pub name: String,
}

/// One field of a params struct.
struct Field<'a> {
    name: String,
    rule: &'a ParameterRule,
    kind: ValueType,
}

/// A field's value type.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ValueType {
    Int,
    Float,
    Bool,
    Str,
    Choice(String),
}

/// Plans and emits the params structs of `group`, claiming their names (and their option
/// enums') in the provider module through `enums`.
pub fn params_structs<'a>(
    provider_label: &str,
    group: &TypeGroup<'a>,
    enums: &mut EnumSet<'_>,
) -> ParamsPlan<'a> {
    let mut sets: Vec<RuleSet<'a>> = Vec::new();
    let mut per_model = Vec::with_capacity(group.models.len());
    for &model in &group.models {
        if model.parameter_rules.is_empty() {
            per_model.push(None);
            continue;
        }
        let index = match sets.iter().position(|s| s.rules == model.parameter_rules) {
            Some(index) => index,
            None => {
                let name = enums.claim_type(&format!("{}Params", model.rust_ident));
                sets.push(RuleSet {
                    rules: &model.parameter_rules,
                    models: Vec::new(),
                    name,
                });
                sets.len() - 1
            }
        };
        if let Some(set) = sets.get_mut(index) {
            set.models.push(model);
            per_model.push(Some(set.name.clone()));
        }
    }
    let type_prefix = group.model_type.variant_name();
    let items = sets
        .iter()
        .map(|set| {
            let fields = fields(set, &sets, type_prefix, enums);
            params_struct(provider_label, group, set, &fields)
        })
        .collect();
    ParamsPlan {
        per_model,
        items,
        sets,
    }
}

/// The fields of `set`; option enums are requested from `enums` (see the module doc).
fn fields<'a>(
    set: &RuleSet<'a>,
    sets: &[RuleSet<'a>],
    type_prefix: &str,
    enums: &mut EnumSet<'_>,
) -> Vec<Field<'a>> {
    let mut scope = Scope::default();
    set.rules
        .iter()
        .map(|rule| {
            let name = scope.claim(&snake_case(&rule.name));
            let kind = match rule.param_type {
                ParameterType::Int => ValueType::Int,
                ParameterType::Float => ValueType::Float,
                ParameterType::Boolean => ValueType::Bool,
                ParameterType::String | ParameterType::Text if rule.options.is_empty() => {
                    ValueType::Str
                }
                ParameterType::String | ParameterType::Text => {
                    let values: Vec<(String, String)> = rule
                        .options
                        .iter()
                        .map(|o| (o.clone(), String::new()))
                        .collect();
                    let doc = format!("Values of the `{}` parameter.", rule.name);
                    let base = if options_differ(sets, &rule.name) {
                        format!("{}_{}", set.name.trim_end_matches("Params"), rule.name)
                    } else {
                        rule.name.clone()
                    };
                    ValueType::Choice(enums.request(&base, type_prefix, &doc, &values))
                }
            };
            Field { name, rule, kind }
        })
        .collect()
}

/// Whether the rule sets list different options for the parameter `name`.
fn options_differ(sets: &[RuleSet<'_>], name: &str) -> bool {
    let mut lists = sets
        .iter()
        .flat_map(|s| {
            s.rules
                .iter()
                .filter(|r| r.name == name && !r.options.is_empty())
        })
        .map(|r| &r.options);
    let first = lists.next();
    lists.any(|list| Some(list) != first)
}

fn field_doc(rule: &ParameterRule) -> String {
    let mut doc = format!(
        "{} (`{}`, {}",
        rule.label.en_us,
        rule.name,
        rule.param_type.as_str()
    );
    if let (Some(min), Some(max)) = (rule.min, rule.max) {
        doc.push_str(&format!(", {min} to {max}"));
    }
    doc.push_str(").");
    if let Some(help) = &rule.help {
        doc.push_str("\n\n");
        doc.push_str(&help.en_us);
    }
    doc
}

/// The struct's doc: whose parameters these are and where they are declared.
fn struct_doc(provider_label: &str, group: &TypeGroup<'_>, set: &RuleSet<'_>) -> String {
    let named: Vec<String> = set
        .models
        .iter()
        .take(NAMED_MODELS)
        .map(|m| format!("`{}` ({})", m.id, m.source))
        .collect();
    let mut models = named.join(", ");
    if set.models.len() > NAMED_MODELS {
        models.push_str(&format!(" and {} more", set.models.len() - NAMED_MODELS));
    }
    format!(
        "Call parameters of {provider_label}'s {} model(s) {models}: one optional field per \
         rule of their YAML `parameter_rules`, and no other. Name it by model as \
         `ParamsOf<models::Marker>`.",
        group.model_type.as_str()
    )
}

/// One params struct with its `TypedParams` impl.
fn params_struct(
    provider_label: &str,
    group: &TypeGroup<'_>,
    set: &RuleSet<'_>,
    fields: &[Field<'_>],
) -> TokenStream {
    let name = ident(&set.name);
    let doc = doc_attrs(&struct_doc(provider_label, group, set));
    let declarations = fields.iter().map(|f| {
        let field = ident(&f.name);
        let doc_attrs = doc_attrs(&field_doc(f.rule));
        let ty = value_type(&f.kind);
        quote!(#doc_attrs pub #field: Option<#ty>)
    });
    let json_fields = fields.iter().map(json_call);
    // A derived `Clone` of a `Copy` struct is one copy, not a call per field; `Eq` where no
    // field is a float. `Debug` is written out below (a derive costs a call per field).
    let copy = fields.iter().all(|f| f.kind != ValueType::Str);
    let derives = match (copy, fields.iter().any(|f| f.kind == ValueType::Float)) {
        (true, true) => quote!(#[derive(Clone, Copy, Default, PartialEq)]),
        (true, false) => quote!(#[derive(Clone, Copy, Default, PartialEq, Eq)]),
        (false, true) => quote!(#[derive(Clone, Default, PartialEq)]),
        (false, false) => quote!(#[derive(Clone, Default, PartialEq, Eq)]),
    };
    let name_str = &set.name;
    quote! {
        #doc
        #derives
        pub struct #name { #(#declarations),* }

        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::modelrt_sdk::__private::debug_params(f, #name_str, &::modelrt_sdk::sdk::TypedParams::to_json(self))
            }
        }

        impl ::modelrt_sdk::sdk::TypedParams for #name {
            fn to_json(&self) -> ::modelrt_sdk::__private::serde_json::Map<String, ::modelrt_sdk::__private::serde_json::Value> {
                let mut json = ::modelrt_sdk::__private::ParamsJson::new();
                #(#json_fields)*
                json.into_map()
            }
        }
    }
}

/// The Rust type of a field's value.
fn value_type(kind: &ValueType) -> TokenStream {
    match kind {
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
/// on `__private::ParamsJson`, under its rule's name.
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
    let wire_name = &field.rule.name;
    quote!(json.#method(#wire_name, #value);)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::ir::{ConfigurateMethod, I18n, ModelProperties, ModelType};

    pub(super) fn rule(name: &str, param_type: ParameterType, options: &[&str]) -> ParameterRule {
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

    pub(super) fn model(id: &str, rules: Vec<ParameterRule>) -> Model {
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

    pub(super) fn plan(models: &[Model]) -> (ParamsPlan<'_>, Vec<String>) {
        let group = TypeGroup {
            model_type: ModelType::Llm,
            start: 0,
            models: models.iter().collect(),
        };
        let mut scope = Scope::with_reserved(&["Llm"]);
        let mut enums = EnumSet::new(&mut scope);
        let plan = params_structs("P", &group, &mut enums);
        let names = enums.into_enums().into_iter().map(|e| e.name).collect();
        (plan, names)
    }

    fn format(plan: &ParamsPlan<'_>) -> String {
        let file = syn::parse2::<syn::File>(plan.items.clone()).unwrap();
        prettyplease::unparse(&file)
    }

    #[test]
    fn models_with_identical_rules_share_a_struct_of_exactly_their_fields() {
        let small = || {
            vec![
                rule("temperature", ParameterType::Float, &[]),
                rule("topP", ParameterType::Float, &[]),
            ]
        };
        let mut large = small();
        large.push(rule("top_k", ParameterType::Int, &[]));
        let models = [
            model("A", small()),
            model("B", large),
            model("C", small()),
            model("D", vec![]),
        ];
        let (plan, _) = plan(&models);
        let names: Vec<Option<&str>> = plan.per_model.iter().map(Option::as_deref).collect();
        assert_eq!(
            names,
            [Some("AParams"), Some("BParams"), Some("AParams"), None]
        );
        let code = format(&plan);
        let a = &code
            [code.find("pub struct AParams").unwrap()..code.find("pub struct BParams").unwrap()];
        assert!(a.contains("pub temperature: Option<f64>"), "{a}");
        assert!(a.contains("pub top_p: Option<f64>"), "{a}");
        assert!(!a.contains("top_k"), "{a}");
        assert!(code.contains("json.float(\"topP\", self.top_p);"), "{code}");
        assert!(code.contains("json.int(\"top_k\", self.top_k);"), "{code}");
    }

    #[test]
    fn differing_option_lists_get_an_enum_per_struct() {
        let format_rule =
            |options: &[&str]| rule("response_format", ParameterType::String, options);
        let models = [
            model("A", vec![format_rule(&["text", "json_object"])]),
            model(
                "B",
                vec![format_rule(&["text", "json_object", "json_schema"])],
            ),
        ];
        let (planned, enums) = plan(&models);
        assert_eq!(enums, ["AResponseFormat", "BResponseFormat"]);
        let code = format(&planned);
        assert!(
            code.contains("pub response_format: Option<AResponseFormat>"),
            "{code}"
        );

        let same = [
            model("A", vec![format_rule(&["text", "json_object"])]),
            model(
                "B",
                vec![
                    format_rule(&["text", "json_object"]),
                    rule("seed", ParameterType::Int, &[]),
                ],
            ),
        ];
        assert_eq!(plan(&same).1, ["ResponseFormat"]);
    }

    #[test]
    fn a_free_string_rule_is_a_string_field() {
        let models = [model("A", vec![rule("stop", ParameterType::Text, &[])])];
        let code = format(&plan(&models).0);
        assert!(code.contains("pub stop: Option<String>"), "{code}");
        assert!(
            code.contains("json.text(\"stop\", self.stop.as_deref());"),
            "{code}"
        );
    }
}
