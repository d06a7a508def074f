//! The compile-time wiring between a provider's YAML and its hand-written Rust (DESIGN.md,
//! "Compile-time checks").
//!
//! Every provider module gets `pub struct Provider;` and one `<Type>Impl` trait per model type
//! the runtime has a protocol for, plus `CustomizableModelImpl` and `RemoteModelsImpl` for the
//! two hooks. `#[modelrt_sdk::provider(<id>)] impl Llm { .. }` implements `LlmProtocol` and
//! `LlmImpl` for `Provider`. The YAML decides which of these traits may be implemented and which
//! must be:
//!
//! - declared (in `supported_model_types` / `configurate_methods`) by a provider with Rust
//!   beside its YAML: the generated `IMPLEMENTATION` static reads `<Provider as LlmImpl>`, so a
//!   missing block fails with the trait's `on_unimplemented` message naming the YAML file;
//! - not declared: the trait has a supertrait nobody implements, whose message says what the
//!   YAML lacks, so a stray block fails on the user's line;
//! - a provider without Rust (protocol or catalog-only, most of a tree): the `<Type>Impl`
//!   names are the runtime's shared traits (`rust_impl::not_in_rust`), whose supertrait the
//!   provider meets only through its own `NotImplementedInRust`, which carries the message.
//!   One trait per provider instead of nine keeps large trees cheap to compile.
//!
//! The Rust files themselves are compiled into the provider module with `#[path]`.

use std::collections::BTreeMap;

use modelrt_vocabulary::{Block, Declaration, BLOCKS};
use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::names::ident;
use crate::emit::EmitError;
use crate::ir::{Callability, ConfigurateMethod, Provider};

/// Names the wiring adds to a provider module (so no wire enum takes them).
pub fn reserved_names() -> Vec<String> {
    let mut names = vec![
        "Provider".to_owned(),
        "IMPLEMENTATION".to_owned(),
        "NotImplementedInRust".to_owned(),
    ];
    for block in BLOCKS {
        names.push(format!("{}Impl", block.name));
        names.push(format!("{}Declared", block.name));
    }
    names
}

/// Whether `provider`'s YAML declares `block`.
fn declared(provider: &Provider, block: &Block) -> bool {
    match block.declared_by {
        Declaration::ModelType(t) => provider.supported_model_types.contains(&t),
        Declaration::Method(m) => provider.configurate_methods.contains(&m),
    }
}

/// `Provider`, the `*Impl` traits, the included Rust files and, for providers implemented in
/// Rust, their `IMPLEMENTATION`.
pub fn wiring(provider: &Provider) -> Result<TokenStream, EmitError> {
    let id = &provider.id;
    let rust = provider.callability() == Callability::RustImpl;
    let module = &provider.rust_module;
    let attach = if rust {
        format!(": `#[modelrt_sdk::provider({module})]` impl blocks attach to it")
    } else {
        String::new()
    };
    let provider_doc = doc_attrs(&format!(
        "The `{id}` provider as a type (what its `Client` is generic over){attach}."
    ));
    let mut out = quote! {
        #provider_doc
        pub struct Provider;
    };
    if rust {
        out.extend(rust_wiring(provider)?);
    } else {
        out.extend(not_in_rust(provider));
    }
    Ok(out)
}

/// For a provider without Rust: the message a stray `#[modelrt_sdk::provider]` block gets, and
/// the runtime's shared `*Impl` traits under the names such blocks use.
fn not_in_rust(provider: &Provider) -> TokenStream {
    let (id, source) = (&provider.id, &provider.source);
    let (message, note) = match provider.callability() {
        Callability::Protocol(p) => (
            format!(
                "provider `{id}` is called through the `{p}` protocol its YAML ({source}) \
                 declares, so hand-written impl blocks for it are never used"
            ),
            format!("remove `extra.modelrt.protocol` from {source} to implement it in Rust"),
        ),
        _ => (
            format!(
                "provider `{id}` has no Rust file beside its YAML ({source}), so this impl \
                 block is never used"
            ),
            format!("move the block into a `.rs` file in the folder of {source}"),
        ),
    };
    let label = format!("`{id}` is not implemented in Rust");
    let shared_impls = BLOCKS.iter().map(|b| ident(&format!("{}Impl", b.name)));
    // The `*Impl` traits are the runtime's shared ones; only this message is the
    // provider's own. The lifetime keeps the impl's bound from being checked (and failing)
    // where it is written rather than where a block needs it.
    quote! {
        /// Never implemented: the provider is not implemented in Rust.
        #[doc(hidden)]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub trait NotImplementedInRust {}

        impl<'a> ::modelrt_sdk::runtime::rust_impl::not_in_rust::InRust for Provider
        where
            &'a Provider: NotImplementedInRust,
        {
        }

        #[allow(unused_imports)] // named only by `#[modelrt_sdk::provider]` blocks
        pub(crate) use ::modelrt_sdk::runtime::rust_impl::not_in_rust::{#(#shared_impls),*};
    }
}

/// For a provider implemented in Rust: one trait per block, its Rust files and its
/// `IMPLEMENTATION`.
fn rust_wiring(provider: &Provider) -> Result<TokenStream, EmitError> {
    let id = &provider.id;
    let mut out = TokenStream::new();
    let mut implementations = Vec::new();
    let mut hooks = BTreeMap::new();
    for part in BLOCKS {
        let is_declared = declared(provider, part);
        out.extend(block_trait(provider, part, is_declared));
        let constant = ident(part.constant);
        let impl_trait = ident(&format!("{}Impl", part.name));
        let implemented = quote!(<Provider as #impl_trait>::#constant);
        match part.declared_by {
            Declaration::ModelType(_) if is_declared => {
                let variant = ident(part.name);
                implementations.push(
                    quote!(::modelrt_sdk::runtime::protocols::Implementation::#variant(#implemented)),
                );
            }
            Declaration::Method(method) if is_declared => {
                hooks.insert(method, quote!(Some(#implemented)));
            }
            Declaration::ModelType(_) | Declaration::Method(_) => {}
        }
    }
    let files = rust_files(provider)?;
    let mut hook = |method| hooks.remove(&method).unwrap_or_else(|| quote!(None));
    let customizable_model = hook(ConfigurateMethod::CustomizableModel);
    let remote_models = hook(ConfigurateMethod::FetchFromRemote);
    out.extend(quote! {
        #(#files)*

        /// The hand-written implementation, as the registry dispatches to it.
        pub static IMPLEMENTATION: ::modelrt_sdk::runtime::rust_impl::RustImplementation =
            ::modelrt_sdk::runtime::rust_impl::RustImplementation {
                protocols: ::modelrt_sdk::runtime::protocols::ProtocolSet {
                    name: #id,
                    implementations: &[#(#implementations),*],
                },
                customizable_model: #customizable_model,
                remote_models: #remote_models,
            };
    });
    Ok(out)
}

/// The `*Impl` trait of one block: for a declared block, the trait its
/// `#[modelrt_sdk::provider]` block implements (with the message for a missing one); for an
/// undeclared block, a trait that rejects such a block with the message why.
fn block_trait(provider: &Provider, part: &Block, is_declared: bool) -> TokenStream {
    let (id, source, module) = (&provider.id, &provider.source, &provider.rust_module);
    let block = part.name;
    let impl_trait = ident(&format!("{block}Impl"));
    let constant = ident(part.constant);
    let (runtime_module, runtime_trait) = (ident(part.runtime_module), ident(part.runtime_trait));
    let object = quote!(&'static dyn ::modelrt_sdk::runtime::#runtime_module::#runtime_trait);
    let (key, value) = (part.declared_by.yaml_key(), part.declared_by.yaml_value());
    let expected = format!("#[modelrt_sdk::provider({module})] impl {block}");
    if is_declared {
        let message = format!(
            "provider `{id}` declares `{value}` in {source} ({key}) but has no \
             `{expected}` block"
        );
        let label = format!("`{value}` is declared in {source}");
        let note = format!(
            "add `{expected} {{ .. }}` to a Rust file beside {source}, or remove `{value}` \
             from `{key}`"
        );
        let doc = doc_attrs(&format!(
            "Implemented by `{expected}`; {source} declares `{value}` ({key})."
        ));
        quote! {
            #doc
            #[doc(hidden)]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            pub trait #impl_trait {
                /// The implementation.
                const #constant: #object;
            }
        }
    } else {
        let blocker = ident(&format!("{block}Declared"));
        let message = format!("provider `{id}` does not declare `{value}` in {source} ({key})");
        let note =
            format!("add `{value}` to `{key}` in {source}, or remove this `impl {block}` block");
        let label = format!("not declared in {source}");
        let doc = doc_attrs(&format!("Never implemented: {message}."));
        let impl_doc = doc_attrs(&format!("Rejects `{expected}`: {message}."));
        quote! {
            #doc
            #[doc(hidden)]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            pub trait #blocker {}

            #impl_doc
            #[doc(hidden)]
            pub trait #impl_trait: #blocker {
                /// The implementation.
                const #constant: #object;
            }
        }
    }
}

/// `#[path = ..] pub(crate) mod <stem>;` for each Rust file beside the provider's YAML.
fn rust_files(provider: &Provider) -> Result<Vec<TokenStream>, EmitError> {
    provider
        .rust_files
        .iter()
        .map(|file| {
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .filter(|s| syn::parse_str::<syn::Ident>(s).is_ok())
                // The loader drops files whose names are not identifiers.
                .ok_or_else(|| {
                    EmitError::new(format!("`{}` is not a module name", file.display()))
                })?;
            let stem = ident(stem);
            let path = file.display().to_string();
            Ok(quote!(#[path = #path] pub(crate) mod #stem;))
        })
        .collect()
}

/// `pub static IMPLEMENTATIONS` at the `providers` root: every provider implemented in Rust.
pub fn implementations(providers: &[Provider]) -> Result<TokenStream, EmitError> {
    let mut rows = Vec::new();
    for provider in providers {
        if provider.callability() == Callability::RustImpl {
            let module =
                crate::emit::models::checked_ident(&provider.rust_module, &provider.source)?;
            rows.push(quote!(&#module::IMPLEMENTATION));
        }
    }
    let count = rows.len();
    Ok(quote! {
        /// Every provider implemented in hand-written Rust, in position order.
        pub static IMPLEMENTATIONS: [&::modelrt_sdk::runtime::rust_impl::RustImplementation; #count] =
            [#(#rows),*];
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::ir::{I18n, ModelType};

    fn provider(rust_files: &[&str], extra: &[(&str, &str)]) -> Provider {
        Provider {
            id: "acme".into(),
            rust_module: "acme".into(),
            source: "acme/acme.yaml".into(),
            dir: PathBuf::from("/tree/acme"),
            label: I18n {
                en_us: "Acme".into(),
                others: vec![],
            },
            description: None,
            icon_small: None,
            icon_large: None,
            background: None,
            help: None,
            supported_model_types: vec![ModelType::Llm],
            configurate_methods: vec![ConfigurateMethod::FetchFromRemote],
            provider_credentials: vec![],
            model_credential_schema: None,
            models: vec![],
            extra_modelrt: extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            rust_files: rust_files.iter().map(PathBuf::from).collect(),
        }
    }

    fn code(provider: &Provider) -> String {
        wiring(provider).expect("emits").to_string()
    }

    #[test]
    fn declared_parts_are_required_and_the_rest_blocked() {
        let code = code(&provider(&["/tree/acme/llm.rs"], &[]));
        assert!(code.contains("declares `llm` in acme/acme.yaml (supported_model_types)"));
        assert!(code.contains("declares `fetch-from-remote` in acme/acme.yaml"));
        assert!(code.contains("pub trait TtsImpl : TtsDeclared"));
        assert!(code.contains("does not declare `customizable-model` in acme/acme.yaml"));
        assert!(code.contains(
            "implementations : & [:: modelrt_sdk :: runtime :: protocols :: Implementation :: Llm \
             (< Provider as LlmImpl > :: PROTOCOL)]"
        ));
        assert!(code.contains("remote_models : Some (< Provider as RemoteModelsImpl > :: HOOK)"));
        assert!(code.contains("# [path = \"/tree/acme/llm.rs\"] pub (crate) mod llm ;"));
    }

    #[test]
    fn providers_without_rust_reject_every_block() {
        let code = code(&provider(&[], &[("protocol", "openai-compatible")]));
        assert!(code.contains("called through the `openai-compatible` protocol"));
        assert!(code.contains("InRust for Provider where & 'a Provider : NotImplementedInRust"));
        assert!(code.contains("not_in_rust :: {"), "{code}");
        assert!(!code.contains("IMPLEMENTATION"));
    }
}
