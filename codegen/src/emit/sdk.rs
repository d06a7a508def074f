//! The typed SDK surface of a callable provider (DESIGN.md, use 4): `Client`, one marker type
//! per predefined model in `models` with its capability traits, and the glue that lets model
//! enums and params structs feed the generic handles of `modelrt_sdk::sdk`.
//!
//! Compile cost stays flat per model: a marker is a unit struct and one `Model` impl of three
//! items, its id, params type and `Spec`; the provider, model type and features sit on one
//! `Spec<N>` type shared by every marker that agrees on them (BENCHMARKS.md, "Build pipeline").

use modelrt_vocabulary::{Block, CAPABILITY_FEATURES};
use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::credentials::model_credentials_name;
use crate::emit::docs::{deprecated_attr, doc_attrs, model_doc};
use crate::emit::models::{checked_ident, TypeGroup};
use crate::emit::names::{ident, Scope};
use crate::emit::params::setters::{setters, Keys};
use crate::emit::params::ParamsPlan;
use crate::emit::EmitError;
use crate::ir::{Callability, ConfigurateMethod, Model, ModelFeature, ModelType, Provider};

/// Names the SDK adds to a provider module.
pub const RESERVED_NAMES: &[&str] = &["Client", "models", "options", "param"];

/// Which of [`CAPABILITY_FEATURES`] a model declares.
fn feature_flags(features: &[ModelFeature]) -> [bool; 9] {
    CAPABILITY_FEATURES.map(|f| features.contains(&f))
}

/// Whether the runtime can call models of `model_type` (a protocol block exists for it).
pub(crate) fn callable_type(model_type: ModelType) -> bool {
    Block::of_model_type(model_type).is_some()
}

/// `FeatureSet<Yes, No, ..>` for those flags.
fn feature_set(flags: &[bool; 9]) -> TokenStream {
    let flags = flags
        .iter()
        .map(|&declared| if declared { quote!(Yes) } else { quote!(No) });
    quote!(FeatureSet<#(#flags),*>)
}

/// The SDK items of `provider`, or nothing for a catalog-only provider: the `models` markers
/// (each naming its params type from `params`, one plan per group), the parameter setters
/// (naming the tree's `keys`), the glue of model enums, `ProviderSpec` and `Client`.
pub fn sdk(
    provider: &Provider,
    groups: &[TypeGroup<'_>],
    params: &[ParamsPlan<'_>],
    keys: &Keys,
) -> Result<TokenStream, EmitError> {
    let implementation = match provider.callability() {
        Callability::CatalogOnly => return Ok(TokenStream::new()),
        Callability::RustImpl => quote!(Some(&IMPLEMENTATION)),
        Callability::Protocol(_) => quote!(None),
    };
    let groups: Vec<(&TypeGroup<'_>, &ParamsPlan<'_>)> = groups
        .iter()
        .zip(params)
        .filter(|(g, _)| callable_type(g.model_type))
        .collect();
    let models = models_module(&provider.label.en_us, &groups)?;
    let glue = groups.iter().map(|(group, _)| glue(group));
    let plans: Vec<&ParamsPlan<'_>> = groups.iter().map(|(_, plan)| *plan).collect();
    let setters = setters(&provider.label.en_us, &plans, keys);
    let customizable = customizable_impls(provider);
    let client_doc = doc_attrs(&format!(
        "A typed client of {}: validated credentials and the models it opens \
         (`client.llm(models::..)`, ...).",
        provider.label.en_us
    ));
    Ok(quote! {
        #models

        #(#glue)*

        #setters

        impl ::modelrt_sdk::sdk::ProviderSpec for Provider {
            type Credentials = Credentials;
            const INFO: &'static catalog::ProviderInfo = &PROVIDER;
            const IMPLEMENTATION: Option<&'static ::modelrt_sdk::runtime::rust_impl::RustImplementation> = #implementation;
            fn credentials_from(
                submitted: &dyn ::modelrt_sdk::runtime::credentials::CredentialSource,
            ) -> Result<Credentials, ::modelrt_sdk::runtime::credentials::CredentialError> {
                Credentials::from_map(submitted)
            }
        }

        #customizable

        #client_doc
        pub type Client = ::modelrt_sdk::sdk::Client<Provider>;
    })
}

/// `pub mod models`: one marker type per model of `groups`, each a `Model` impl naming its
/// params type and one of the distinct specs (model type and feature set).
fn models_module(
    label: &str,
    groups: &[(&TypeGroup<'_>, &ParamsPlan<'_>)],
) -> Result<TokenStream, EmitError> {
    // The names the `models` module imports; a model named like one is renamed.
    let mut scope = Scope::with_reserved(&[
        "FeatureSet",
        "Model",
        "ModelSpec",
        "No",
        "NoParams",
        "Yes",
        "kind",
    ]);
    let specs = Specs::plan(groups, &mut scope);
    let mut markers = Vec::new();
    let mut no_params = false;
    for (group, plan) in groups {
        for (model, params) in group.models.iter().zip(&plan.per_model) {
            no_params |= params.is_none();
            let spec = specs.of(group.model_type, model)?;
            markers.push(marker(
                model,
                group.model_type,
                spec,
                params.as_deref(),
                &mut scope,
            )?);
        }
    }
    let imports = specs.imports();
    let no_params_import = no_params.then(|| {
        quote!(
            use ::modelrt_sdk::sdk::NoParams;
        )
    });
    let definitions = specs.definitions();
    let doc = doc_attrs(&format!(
        "One marker type per predefined model of {label}, implementing the capability traits of \
         `modelrt_sdk::runtime::capability` its YAML `features` declare; its parameters are \
         those of its YAML `parameter_rules`, set with `modelrt_sdk::sdk::Params<Marker>` (or \
         the struct `modelrt_sdk::sdk::ParamsOf<Marker>`)."
    ));
    Ok(quote! {
        #doc
        pub mod models {
            #imports
            #no_params_import
            #definitions
            #(#markers)*
        }
    })
}

/// What a model's spec says: its model type and features.
#[derive(PartialEq)]
struct SpecKey {
    model_type: ModelType,
    flags: [bool; 9],
}

/// The distinct specs of a `models` module, each a `Spec<N>` type the markers name: a marker
/// is then two types and one constant, where five items were most of its check time.
struct Specs {
    specs: Vec<(SpecKey, proc_macro2::Ident)>,
}

impl Specs {
    /// Names each distinct spec of the models of `groups` in `scope`, in first-use order.
    fn plan(groups: &[(&TypeGroup<'_>, &ParamsPlan)], scope: &mut Scope) -> Self {
        let mut specs: Vec<(SpecKey, proc_macro2::Ident)> = Vec::new();
        for (group, _) in groups {
            for model in &group.models {
                let key = SpecKey {
                    model_type: group.model_type,
                    flags: feature_flags(&model.features),
                };
                if !specs.iter().any(|(seen, _)| *seen == key) {
                    let name = scope.claim(&format!("Spec{}", specs.len()));
                    specs.push((key, ident(&name)));
                }
            }
        }
        Specs { specs }
    }

    /// The name of `model`'s spec.
    fn of(&self, model_type: ModelType, model: &Model) -> Result<&proc_macro2::Ident, EmitError> {
        let key = SpecKey {
            model_type,
            flags: feature_flags(&model.features),
        };
        self.specs
            .iter()
            .find(|(seen, _)| *seen == key)
            .map(|(_, name)| name)
            .ok_or_else(|| EmitError::new("model spec not planned").in_file(&model.source))
    }

    /// `enum SpecN {}` and its `ModelSpec` impl for each spec.
    fn definitions(&self) -> TokenStream {
        let definitions = self.specs.iter().map(|(key, name)| {
            let kind = ident(key.model_type.variant_name());
            let features = feature_set(&key.flags);
            quote! {
                #[doc(hidden)]
                pub enum #name {}
                impl ModelSpec for #name {
                    type Provider = super::Provider;
                    type Kind = kind::#kind;
                    type Features = #features;
                }
            }
        });
        quote!(#(#definitions)*)
    }

    /// The capability imports, with only the flags some spec names (an unused import would
    /// warn).
    fn imports(&self) -> TokenStream {
        let flags = || self.specs.iter().flat_map(|(key, _)| key.flags);
        let yes = flags().any(|f| f).then(|| quote!(Yes,));
        let no = flags().any(|f| !f).then(|| quote!(No,));
        if self.specs.is_empty() {
            return TokenStream::new();
        }
        quote! {
            use ::modelrt_sdk::runtime::capability::{kind, FeatureSet, Model, ModelSpec, #yes #no};
        }
    }
}

/// The marker type of `model` and its `Model` impl naming `spec` and `params`, its params
/// struct if it has parameters. The marker takes the model's identifier, or the
/// type-prefixed one when that is taken in `scope`.
fn marker(
    model: &Model,
    model_type: ModelType,
    spec: &proc_macro2::Ident,
    params: Option<&str>,
    scope: &mut Scope,
) -> Result<TokenStream, EmitError> {
    let type_name = model_type.variant_name();
    let name = if scope.is_free(&model.rust_ident) {
        scope.claim(&model.rust_ident)
    } else {
        scope.claim(&format!("{type_name}{}", model.rust_ident))
    };
    let marker = checked_ident(&name, &model.source)?;
    let doc = doc_attrs(&model_doc(model)?);
    let id = &model.id;
    let deprecated = deprecated_attr(model);
    // Naming a deprecated marker in its own impl is not a use by the caller.
    let allow = if model.deprecated {
        quote!(#[allow(deprecated)])
    } else {
        TokenStream::new()
    };
    let params = match params {
        Some(name) => {
            let name = ident(name);
            quote!(super::#name)
        }
        None => quote!(NoParams),
    };
    Ok(quote! {
        #doc
        #deprecated
        pub struct #marker;
        #allow
        impl Model for #marker {
            type Spec = #spec;
            type Params = #params;
            const ID: &'static str = #id;
        }
    })
}

/// The model enum of `group` as a run-time model choice (its handles take parameters as JSON).
fn glue(group: &TypeGroup<'_>) -> TokenStream {
    let kind_name = ident(group.model_type.variant_name());
    let model_enum = &kind_name;
    quote! {
        impl ::modelrt_sdk::runtime::capability::ModelChoice<Provider> for #model_enum {
            type Kind = ::modelrt_sdk::runtime::capability::kind::#kind_name;
            type Tag = ::modelrt_sdk::runtime::capability::AnyModel<Provider>;
            fn model_id(self) -> &'static str {
                self.id()
            }
        }
    }
}

/// `Customizable<K>` for each model type whose models the user may name.
fn customizable_impls(provider: &Provider) -> TokenStream {
    let customizable = provider
        .configurate_methods
        .contains(&ConfigurateMethod::CustomizableModel)
        && provider.model_credential_schema.is_some();
    let custom_types = provider
        .supported_model_types
        .iter()
        .filter(|&&t| customizable && callable_type(t));
    let impls = custom_types.map(|&model_type| {
        let kind = ident(model_type.variant_name());
        let credentials = ident(&model_credentials_name(model_type));
        quote! {
            impl ::modelrt_sdk::sdk::Customizable<::modelrt_sdk::runtime::capability::kind::#kind> for Provider {
                type ModelCredentials = #credentials;
            }
        }
    });
    quote!(#(#impls)*)
}
