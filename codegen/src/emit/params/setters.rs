//! What `modelrt_sdk::sdk::Params<M>` needs to set a model's parameters one at a time, with a
//! compile error naming the model's YAML file for a parameter or option value it does not
//! declare:
//!
//! - `param`: one unit type per distinct parameter name of the tree (`param::max_tokens`),
//!   the key of `Params::set`, defined once in `providers::param` and re-exported by each
//!   provider's `param` for the parameters its models declare;
//! - `options`: one module per parameter with `options`, one unit type per value
//!   (`options::response_format::JsonObject`), the argument of `Params::choose`, likewise
//!   defined once in `providers::options`;
//! - per rule set (params struct, so per model only where no two models share rules): a
//!   trait in `param` implemented by the parameters it declares, and one in `options`
//!   implemented by the option values it lists. Each carries a
//!   `#[diagnostic::on_unimplemented]` message naming the model and its YAML file; the SDK's
//!   `Declares` / `Accepts` reach them through one blanket impl each, whose failing bound
//!   (on the parameter or option type, not on the struct) rustc reports with that message.
//!
//! The keys are per tree and the traits per rule set: `temperature` is one type however many
//! providers take it, and a tree whose models share rules pays for each set once
//! (BENCHMARKS.md, "Build pipeline").

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{ParamsPlan, RuleSet};
use crate::emit::docs::doc_attrs;
use crate::emit::names::{ident, pascal_case, snake_case, Scope};
use crate::emit::sdk::callable_type;
use crate::ir::{Callability, ParameterRule, ParameterType, Provider};

/// How many YAML files a shared rule set's message names before it only counts the rest.
const NAMED_FILES: usize = 4;

/// The Rust names of the tree's parameters and option values, and of the two modules of
/// `providers` that define them.
pub struct Keys {
    /// Wire name -> type name in `param`.
    params: BTreeMap<String, String>,
    /// Wire name -> (wire value -> type name in `options::<param>`).
    options: BTreeMap<String, BTreeMap<String, String>>,
    /// The shared modules' names: `param` and `options`, unless a provider module took one
    /// (text: the keys are shared by threads, which tokens cannot cross).
    param_module: String,
    options_module: String,
}

impl Keys {
    /// Names every parameter and option value of the models the typed SDK covers (those of
    /// callable providers, of callable model types).
    pub fn plan(providers: &[Provider]) -> Keys {
        let modules: Vec<&str> = providers.iter().map(|p| p.rust_module.as_str()).collect();
        let rules = providers
            .iter()
            .filter(|p| !matches!(p.callability(), Callability::CatalogOnly))
            .flat_map(|p| &p.models)
            .filter(|m| callable_type(m.model_type))
            .flat_map(|m| &m.parameter_rules);
        Keys::of_rules(&modules, rules)
    }

    /// Names the parameters and option values of `rules`, beside provider modules `modules`.
    fn of_rules<'a>(modules: &[&str], rules: impl Iterator<Item = &'a ParameterRule>) -> Keys {
        let mut module_scope = Scope::with_reserved(modules);
        let mut keys = Keys {
            params: BTreeMap::new(),
            options: BTreeMap::new(),
            param_module: module_scope.claim("param"),
            options_module: module_scope.claim("options"),
        };
        let mut param_scope = Scope::default();
        for rule in rules {
            if !keys.params.contains_key(&rule.name) {
                let name = param_scope.claim(&snake_case(&rule.name));
                keys.params.insert(rule.name.clone(), name);
            }
            let values = keys.options.entry(rule.name.clone()).or_default();
            for option in &rule.options {
                if !values.contains_key(option) {
                    let taken: Vec<&str> = values.values().map(String::as_str).collect();
                    let name = Scope::with_reserved(&taken).claim(&pascal_case(option));
                    values.insert(option.clone(), name);
                }
            }
        }
        keys.options.retain(|_, values| !values.is_empty());
        keys
    }

    /// `providers::param` and `providers::options`, or nothing when no model declares a
    /// parameter.
    pub fn shared_modules(&self) -> TokenStream {
        if self.params.is_empty() {
            return TokenStream::new();
        }
        let (param_module, options_module) =
            (ident(&self.param_module), ident(&self.options_module));
        let param_types = self.params.iter().map(|(wire, name)| {
            let name = ident(name);
            let doc = doc_attrs(&format!("The parameter `{wire}`."));
            quote! {
                #doc
                pub struct #name;
                impl ::modelrt_sdk::sdk::Parameter for #name {
                    const NAME: &'static str = #wire;
                }
            }
        });
        let option_modules = self.options.iter().map(|(param, values)| {
            let module = self.param_name(param);
            let types = values.iter().map(|(wire, name)| {
                let name = ident(name);
                let doc = doc_attrs(&format!("`{wire}`, a value of `{param}`."));
                quote! {
                    #doc
                    pub struct #name;
                    impl ::modelrt_sdk::sdk::OptionValue for #name {
                        type Parameter = super::super::#param_module::#module;
                        const VALUE: &'static str = #wire;
                    }
                }
            });
            let doc = doc_attrs(&format!("The values of `{param}`."));
            quote!(#doc pub mod #module { #(#types)* })
        });
        let param_doc = doc_attrs(
            "Every parameter of the tree's models, one type each: the keys of \
             `modelrt_sdk::sdk::Params::set`. Each provider's `param` module re-exports those \
             its models declare.",
        );
        let options_doc = doc_attrs(
            "Every parameter's `options`, one module per parameter and one type per value: the \
             arguments of `modelrt_sdk::sdk::Params::choose`. Each provider's `options` module \
             re-exports those of its parameters.",
        );
        quote! {
            #param_doc
            #[allow(non_camel_case_types)]
            pub mod #param_module { #(#param_types)* }
            #options_doc
            pub mod #options_module { #(#option_modules)* }
        }
    }

    /// The type name of parameter `wire` (every rule of the collected sets has one).
    fn param_name(&self, wire: &str) -> proc_macro2::Ident {
        ident(
            &self
                .params
                .get(wire)
                .cloned()
                .unwrap_or_else(|| snake_case(wire)),
        )
    }

    fn param(&self, rule: &ParameterRule) -> TokenStream {
        let name = self.param_name(&rule.name);
        quote!(param::#name)
    }

    fn option(&self, rule: &ParameterRule, value: &str) -> TokenStream {
        let param = self.param_name(&rule.name);
        let name = self
            .options
            .get(&rule.name)
            .and_then(|values| values.get(value))
            .cloned()
            .unwrap_or_else(|| pascal_case(value));
        let name = ident(&name);
        quote!(options::#param::#name)
    }
}

/// The `param` and `options` modules of a provider (re-exports of the shared keys its rules
/// name, and a trait per rule set) and the setter glue of each rule set of `plans`, or nothing
/// when no model declares a parameter.
pub fn setters(provider_label: &str, plans: &[&ParamsPlan<'_>], keys: &Keys) -> TokenStream {
    let sets: Vec<&RuleSet<'_>> = plans.iter().flat_map(|p| &p.sets).collect();
    if sets.is_empty() {
        return TokenStream::new();
    }
    let mut params: Vec<proc_macro2::Ident> = Vec::new();
    let mut option_modules: Vec<proc_macro2::Ident> = Vec::new();
    for rule in sets.iter().flat_map(|s| s.rules) {
        let name = keys.param_name(&rule.name);
        if !rule.options.is_empty() && !option_modules.contains(&name) {
            option_modules.push(name.clone());
        }
        if !params.contains(&name) {
            params.push(name);
        }
    }
    let (param_module, options_module) = (ident(&keys.param_module), ident(&keys.options_module));
    let option_reexports = (!option_modules.is_empty())
        .then(|| quote!(pub use super::super::#options_module::{#(#option_modules),*};));
    let rule_traits = sets.iter().map(|set| rule_trait(set));
    let option_traits = sets.iter().map(|set| option_trait(set));
    let glue = sets.iter().map(|set| set_glue(set, keys));
    let param_doc = doc_attrs(&format!(
        "The parameters of {provider_label}'s models, one type each: the keys of \
         `modelrt_sdk::sdk::Params::set`. (Name them through the module, `param::max_tokens`: \
         a glob import would make them patterns.)"
    ));
    let options_doc = doc_attrs(&format!(
        "The `options` of {provider_label}'s parameters, one module per parameter and one type \
         per value: the arguments of `modelrt_sdk::sdk::Params::choose`."
    ));
    quote! {
        #param_doc
        pub mod param {
            pub use super::super::#param_module::{#(#params),*};
            #(#rule_traits)*
        }
        #options_doc
        pub mod options {
            #option_reexports
            #(#option_traits)*
        }
        #(#glue)*
    }
}

/// Where a rule set is declared, for its messages (a `diagnostic` format string): the model
/// id and file of its one model, or `{M}` (the chosen marker) and the files of all.
fn subject(set: &RuleSet<'_>) -> String {
    match set.models.as_slice() {
        [model] => format!(
            "model `{}` ({})",
            escaped(&model.id),
            escaped(&model.source)
        ),
        models => {
            let mut files: Vec<String> = models
                .iter()
                .take(NAMED_FILES)
                .map(|m| escaped(&m.source))
                .collect();
            let more = models.len().saturating_sub(NAMED_FILES);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            files.dedup();
            format!("model `{{M}}` (one of {}{more})", files.join(", "))
        }
    }
}

/// Escapes the braces of a YAML-given text for a `diagnostic` format string.
fn escaped(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// The trait of `param` naming the parameters `set` declares.
fn rule_trait(set: &RuleSet<'_>) -> TokenStream {
    let name = ident(&set.name);
    let subject = subject(set);
    let declared: Vec<String> = set.rules.iter().map(|r| format!("`{}`", r.name)).collect();
    let message = format!("{subject} does not declare the parameter `{{Self}}`");
    let label = "not in the model's `parameter_rules`".to_owned();
    let note = escaped(&format!(
        "it declares {}; set only those, or add a rule to its YAML `parameter_rules` if the \
         provider takes this parameter",
        declared.join(", ")
    ));
    quote! {
        #[doc(hidden)]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub trait #name<M> {
            type Value: ::modelrt_sdk::sdk::ParamValue;
        }
    }
}

/// The trait of `options` naming the option values `set` lists.
fn option_trait(set: &RuleSet<'_>) -> TokenStream {
    let name = ident(&set.name);
    let subject = subject(set);
    let message = format!("{subject} does not accept the option `{{Self}}`");
    let label = "not in the `options` of the model's rule".to_owned();
    let note = "pick one of the `options` its YAML rule lists, or add the value there if the \
                provider accepts it";
    quote! {
        #[doc(hidden)]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub trait #name<P, M> {}
    }
}

/// A rule set's impls: its parameters and option values, the SDK's `Declares`, `Accepts` and
/// `ParamsFor` for its struct.
fn set_glue(set: &RuleSet<'_>, keys: &Keys) -> TokenStream {
    let name = ident(&set.name);
    let params = set.rules.iter().map(|rule| {
        let param = keys.param(rule);
        let value = match rule.param_type {
            ParameterType::Int => quote!(i64),
            ParameterType::Float => quote!(f64),
            ParameterType::Boolean => quote!(bool),
            ParameterType::String | ParameterType::Text if rule.options.is_empty() => {
                quote!(String)
            }
            ParameterType::String | ParameterType::Text => {
                quote!(::modelrt_sdk::sdk::ChosenByOption)
            }
        };
        quote!(impl<M> param::#name<M> for #param { type Value = #value; })
    });
    let options = set.rules.iter().flat_map(|rule| {
        let param = keys.param(rule);
        let name = &name;
        rule.options.iter().map(move |value| {
            let option = keys.option(rule, value);
            quote!(impl<M> options::#name<#param, M> for #option {})
        })
    });
    quote! {
        #(#params)*
        #(#options)*
        impl<P: param::#name<M>, M> ::modelrt_sdk::sdk::Declares<P, M> for #name {
            type Value = <P as param::#name<M>>::Value;
        }
        impl<V: ::modelrt_sdk::sdk::OptionValue + options::#name<V::Parameter, M>, M>
            ::modelrt_sdk::sdk::Accepts<V, M> for #name {}
        impl<M: ::modelrt_sdk::sdk::Model<Params = #name>> ::modelrt_sdk::sdk::ParamsFor<M> for #name {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{model, plan, rule};
    use super::*;

    /// The keys of the rule sets of `planned` alone.
    fn keys_of(planned: &ParamsPlan<'_>) -> Keys {
        Keys::of_rules(&[], planned.sets.iter().flat_map(|s| s.rules))
    }

    fn format(code: TokenStream) -> String {
        let file = syn::parse2::<syn::File>(code).unwrap();
        prettyplease::unparse(&file)
    }

    #[test]
    fn a_rule_set_of_one_model_names_its_id_and_file_and_lists_what_it_declares() {
        let response_format = || rule("response_format", ParameterType::String, &["text"]);
        let models = [
            model(
                "A",
                vec![rule("topP", ParameterType::Float, &[]), response_format()],
            ),
            model("B", vec![response_format()]),
        ];
        let (planned, _) = plan(&models);
        let keys = keys_of(&planned);
        let shared = format(keys.shared_modules());
        assert!(shared.contains("pub struct top_p;"), "{shared}");
        assert!(
            shared.contains("const NAME: &'static str = \"topP\";"),
            "{shared}"
        );
        assert!(
            shared.contains("type Parameter = super::super::param::response_format;"),
            "{shared}"
        );
        let code = format(setters("P", &[&planned], &keys));
        assert!(
            code.contains("pub use super::super::param::{top_p, response_format};"),
            "{code}"
        );
        assert!(
            code.contains("pub use super::super::options::response_format;"),
            "{code}"
        );
        assert!(
            code.contains(
                "message = \"model `A` (p/llm/A.yaml) does not declare the parameter `{Self}`\""
            ),
            "{code}"
        );
        assert!(
            code.contains("note = \"it declares `topP`, `response_format`;"),
            "{code}"
        );
        assert!(
            code.contains("impl<M> param::AParams<M> for param::top_p {\n    type Value = f64;"),
            "{code}"
        );
        assert!(
            code.contains("impl<M> param::BParams<M> for param::response_format {\n    type Value = ::modelrt_sdk::sdk::ChosenByOption;"),
            "{code}"
        );
        assert!(
            code.contains("impl<M> options::BParams<param::response_format, M> for options::response_format::Text {}"),
            "{code}"
        );
        assert!(
            !code.contains("impl<M> param::BParams<M> for param::top_p"),
            "{code}"
        );
    }

    #[test]
    fn a_shared_rule_set_names_the_chosen_marker_and_the_files_of_its_models() {
        let rules = || vec![rule("seed", ParameterType::Int, &[])];
        let models: Vec<_> = ["A", "B", "C", "D", "E", "F"]
            .iter()
            .map(|id| model(id, rules()))
            .collect();
        let (planned, _) = plan(&models);
        let code = format(setters("P", &[&planned], &keys_of(&planned)));
        assert!(
            code.contains(
                "model `{M}` (one of p/llm/A.yaml, p/llm/B.yaml, p/llm/C.yaml, p/llm/D.yaml and 2 more) does not declare the parameter `{Self}`"
            ),
            "{code}"
        );
    }

    #[test]
    fn braces_in_yaml_text_are_escaped_for_the_diagnostic_format() {
        let mut odd = model("X", vec![rule("seed", ParameterType::Int, &[])]);
        odd.id = "x{1}".into();
        odd.source = "p/llm/x{1}.yaml".into();
        let models = [odd];
        let (planned, _) = plan(&models);
        let code = format(setters("P", &[&planned], &keys_of(&planned)));
        assert!(
            code.contains("model `x{{1}}` (p/llm/x{{1}}.yaml)"),
            "{code}"
        );
    }

    #[test]
    fn the_shared_modules_step_aside_for_a_provider_module_of_their_name() {
        let models = [model("A", vec![rule("seed", ParameterType::Int, &[])])];
        let (planned, _) = plan(&models);
        let keys = Keys::of_rules(&["param"], planned.sets.iter().flat_map(|s| s.rules));
        let code = format(setters("P", &[&planned], &keys));
        assert!(
            code.contains("pub use super::super::param_2::seed;"),
            "{code}"
        );
        assert!(format(keys.shared_modules()).contains("pub mod param_2 {"));
    }

    #[test]
    fn no_parameters_no_modules() {
        let models = [model("a", vec![])];
        let (planned, _) = plan(&models);
        let keys = keys_of(&planned);
        assert!(setters("P", &[&planned], &keys).is_empty());
        assert!(keys.shared_modules().is_empty());
    }
}
