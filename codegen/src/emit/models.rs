//! One model enum per model type with predefined models (`Llm`, `TextEmbedding`, ...).
//! Variants carry no code of their own: `info()` indexes the static `MODELS` table by
//! discriminant, `id()` reads the row, `FromStr` scans `ALL`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::{deprecated_attr, doc_attrs, model_doc};
use crate::emit::names::{ident, Scope};
use crate::emit::tables::MODELS;
use crate::emit::EmitError;
use crate::ir::{Model, ModelType, Provider};

/// A provider's predefined models of one type, and where they start in `MODELS`.
#[derive(Debug)]
pub struct TypeGroup<'a> {
    /// The model type.
    pub model_type: ModelType,
    /// Index of the group's first row in the `MODELS` table.
    pub start: usize,
    /// The models, in position order.
    pub models: Vec<&'a Model>,
}

/// Groups models by type, types in order of first appearance (the loader already groups them
/// in `supported_model_types` order; this keeps each enum's rows contiguous regardless).
pub fn group_models(provider: &Provider) -> Vec<TypeGroup<'_>> {
    let mut groups: Vec<TypeGroup<'_>> = Vec::new();
    for model in &provider.models {
        match groups.iter_mut().find(|g| g.model_type == model.model_type) {
            Some(group) => group.models.push(model),
            None => groups.push(TypeGroup {
                model_type: model.model_type,
                start: 0,
                models: vec![model],
            }),
        }
    }
    let mut start = 0;
    for group in &mut groups {
        group.start = start;
        start += group.models.len();
    }
    groups
}

/// The enum of one group and its table-backed methods.
pub fn model_enum(provider: &Provider, group: &TypeGroup<'_>) -> Result<TokenStream, EmitError> {
    let name = ident(group.model_type.variant_name());
    let name_str = group.model_type.variant_name();
    let what = format!("`{}::{name_str}` model", provider.rust_module);
    let enum_doc_attrs = doc_attrs(&format!(
        "The `{}` models of {}, in position order. Each variant's row is in [`PROVIDER`]`.models`.",
        group.model_type.as_str(),
        provider.label.en_us
    ));
    let mut scope = Scope::default();
    let mut variants = Vec::new();
    let mut all = Vec::new();
    for model in &group.models {
        let variant = checked_ident(&scope.claim(&model.rust_ident), &model.source)?;
        let doc_attrs = doc_attrs(&model_doc(model)?);
        let deprecated = deprecated_attr(model);
        variants.push(quote!(#doc_attrs #deprecated #variant));
        all.push(quote!(#name::#variant));
    }
    let models = ident(MODELS);
    let index = match group.start {
        0 => quote!(self as usize),
        start => quote!(#start + self as usize),
    };
    let any_deprecated = group.models.iter().any(|m| m.deprecated);
    // Naming a deprecated variant inside the generated impl is not a use by the caller.
    let allow = if any_deprecated {
        quote!(#[allow(deprecated)])
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        #enum_doc_attrs
        #[derive(Clone, Copy)]
        pub enum #name { #(#variants),* }

        // By discriminant, written out: the derived `PartialEq`, `Eq` and `Hash` cost about
        // twice as much to check (BENCHMARKS.md, "Build pipeline").
        impl ::core::cmp::PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                *self as usize == *other as usize
            }
        }
        impl ::core::cmp::Eq for #name {}
        impl ::core::hash::Hash for #name {
            fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
                state.write_usize(*self as usize)
            }
        }

        // By id, not by variant: a derived `Debug` would be one match arm per model.
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::modelrt_sdk::__private::debug_model(f, #name_str, self.id())
            }
        }

        #allow
        impl #name {
            /// Every model of this type, in position order.
            pub const ALL: &'static [#name] = &[#(#all),*];

            /// The model's catalog row.
            pub fn info(self) -> &'static catalog::ModelInfo {
                &#models[#index]
            }

            /// The model id sent to the provider's API.
            pub fn id(self) -> &'static str {
                self.info().id
            }

        }

        /// Parses a model id (exact match); the error names the id and this enum.
        impl ::core::str::FromStr for #name {
            type Err = ::modelrt_sdk::runtime::catalog::UnknownName;

            fn from_str(id: &str) -> ::core::result::Result<Self, Self::Err> {
                ::modelrt_sdk::__private::parse_name(#what, Self::ALL, Self::id, id)
            }
        }
    })
}

/// Parses a loader-assigned identifier, reporting (not panicking on) an illegal one.
pub fn checked_ident(name: &str, source: &str) -> Result<proc_macro2::Ident, EmitError> {
    syn::parse_str::<proc_macro2::Ident>(name).map_err(|_| {
        EmitError::new(format!("`{name}` is not a legal Rust identifier")).in_file(source)
    })
}
