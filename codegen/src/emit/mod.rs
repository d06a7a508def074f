//! The emitter: turns a [`Catalog`] into the formatted Rust source that `modelrt` includes.
//!
//! The output is one file: `pub mod providers { pub mod <provider> { .. } .. }` plus the
//! table of every provider and a root re-export of each provider module. Model metadata is
//! static data of `modelrt_runtime::catalog` types; code is emitted per provider and per
//! model type, never per model. The generated code names everything by absolute paths
//! (`::modelrt::runtime::..` and the hidden helpers `::modelrt::__private::..`), so it can be
//! included into any crate that depends on `modelrt` (`modelrt::include_providers!`).

mod callability;
mod credentials;
mod docs;
mod enums;
mod literals;
mod models;
mod names;
mod params;
mod sdk;
mod shared;
mod tables;
mod wiring;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Catalog, Provider};

pub use callability::{callability, Callability, PROTOCOL_KEY};

/// Root-level names of the `modelrt` crate a provider module must not be re-exported over.
pub const RESERVED_ROOT_NAMES: &[&str] = &[
    "docs",
    "providers",
    "registry",
    "runtime",
    "sdk",
    "support",
    "__private",
];

/// Settings of one emission.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// How the header names the provider tree (e.g. `providers`).
    pub tree_label: String,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            tree_label: "providers".to_owned(),
        }
    }
}

/// Why a catalog could not be emitted (the loader validates first, so this means a catalog
/// that did not come from the loader, or a bug): never a panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError {
    /// The file the problem concerns, relative to the tree root, if known.
    pub file: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl EmitError {
    /// An error with no file yet.
    pub fn new(message: impl Into<String>) -> Self {
        EmitError {
            file: None,
            message: message.into(),
        }
    }

    /// Attaches the file, unless one is set.
    pub fn in_file(mut self, file: &str) -> Self {
        self.file.get_or_insert_with(|| file.to_owned());
        self
    }
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{file}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for EmitError {}

/// Emits the generated module for `catalog` as formatted Rust source, deterministically.
///
/// Each provider module is built and formatted on its own, on as many threads as there are
/// cores (token streams are not `Send`, so each thread builds its own from the shared
/// catalog), and the texts are joined in catalog order: the result is the same text as
/// formatting the whole file at once, in less time and memory.
pub fn emit(catalog: &Catalog, options: &EmitOptions) -> Result<String, EmitError> {
    let mut rows = Vec::new();
    let mut reexports = Vec::new();
    for provider in &catalog.providers {
        let module = models::checked_ident(&provider.rust_module, &provider.source)?;
        rows.push(quote!(&#module::PROVIDER));
        if !RESERVED_ROOT_NAMES.contains(&provider.rust_module.as_str()) {
            let doc = docs::doc_attrs(&format!(
                "The `{}` provider (see [`providers::{module}`]).",
                provider.id
            ));
            reexports.push(quote!(#doc pub use providers::#module;));
        }
    }
    let shared = shared::Shared::plan(catalog.providers.iter().flat_map(|p| {
        models::group_models(p)
            .into_iter()
            .flat_map(|group| group.models)
    }));
    let modules = crate::parallel::map(&catalog.providers, |provider| {
        provider_module(provider, &shared)
            .and_then(|(module, wire_enums)| Ok((format_in_providers(module)?, wire_enums)))
            .map_err(|e| e.in_file(&provider.source))
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    let modules = with_wire_enums(catalog, modules)?;

    let count = rows.len();
    let implementations = wiring::implementations(&catalog.providers)?;
    let statics = shared.statics(tables::shared_items)?;
    let head = format_file(quote! {
        /// Every provider of the tree, one module each, named after the provider id.
        pub mod providers {
            use ::modelrt::runtime::catalog;
        }
    })?;
    let head = head
        .strip_suffix("}\n")
        .ok_or_else(|| EmitError::new("unexpected formatting of the `providers` module"))?;
    let tail = format_in_providers(quote! {
        #statics

        /// Every provider's catalog row, in position order.
        pub static ALL: [&catalog::ProviderInfo; #count] = [#(#rows),*];

        #implementations
    })?;
    let reexports = format_file(quote!(#(#reexports)*))?;

    let mut out = header(catalog, options);
    out.reserve(modules.iter().map(String::len).sum::<usize>() + tail.len() + reexports.len());
    out.push_str(head);
    for module in &modules {
        out.push_str(module);
    }
    out.push_str(&tail);
    out.push_str("}\n");
    out.push_str(&reexports);
    Ok(out)
}

/// Formats `tokens` as a file.
fn format_file(tokens: TokenStream) -> Result<String, EmitError> {
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| EmitError::new(format!("generated code does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Formats items as they read inside `pub mod providers { .. }`: indented one level, without
/// the module's own lines.
fn format_in_providers(items: TokenStream) -> Result<String, EmitError> {
    let text = format_file(quote!(pub mod providers { #items }))?;
    text.strip_prefix("pub mod providers {\n")
        .and_then(|inner| inner.strip_suffix("}\n"))
        .map(str::to_owned)
        .ok_or_else(|| EmitError::new("unexpected formatting of the `providers` module"))
}

/// `// @generated from providers/ ...` and the list of provider files.
fn header(catalog: &Catalog, options: &EmitOptions) -> String {
    let tree = options.tree_label.trim_end_matches('/');
    let mut out = format!(
        "// @generated from {tree}/ by modelrt-codegen: {} providers, {} models. Do not edit.\n",
        catalog.providers.len(),
        catalog.model_count()
    );
    for provider in &catalog.providers {
        out.push_str(&format!("// @generated from {tree}/{}\n", provider.source));
    }
    out.push('\n');
    out
}

/// Appends each module's wire enums, each defined by the first module that needs it and
/// re-exported by the others (see [`enums::Owners`]), before the module's closing brace.
fn with_wire_enums(
    catalog: &Catalog,
    modules: Vec<(String, Vec<enums::WireEnum>)>,
) -> Result<Vec<String>, EmitError> {
    let mut owners = enums::Owners::default();
    catalog
        .providers
        .iter()
        .zip(modules)
        .map(|(provider, (mut text, wire_enums))| {
            if wire_enums.is_empty() {
                return Ok(text);
            }
            let module = models::checked_ident(&provider.rust_module, &provider.source)?;
            let items = owners.definitions(&module, &wire_enums);
            let formatted = format_in_providers(quote!(pub mod #module { #items }))?;
            let inner = formatted
                .split_once('\n')
                .and_then(|(_, rest)| rest.strip_suffix("    }\n"));
            let body = text.strip_suffix("    }\n");
            let (Some(inner), Some(body)) = (inner, body) else {
                return Err(EmitError::new("unexpected formatting of a provider module")
                    .in_file(&provider.source));
            };
            let mut joined = String::with_capacity(text.len() + inner.len());
            joined.push_str(body);
            joined.push_str(inner);
            joined.push_str("    }\n");
            text = joined;
            Ok(text)
        })
        .collect()
}

/// `pub mod <provider> { .. }` without its wire enums (tables, credentials, model enums,
/// params, wiring, SDK), and the wire enums it needs.
fn provider_module(
    provider: &Provider,
    shared: &shared::Shared<'_>,
) -> Result<(TokenStream, Vec<enums::WireEnum>), EmitError> {
    let module = models::checked_ident(&provider.rust_module, &provider.source)?;
    let groups = models::group_models(provider);

    // Type names the module defines for itself, so wire enums never take them.
    let mut reserved: Vec<String> = vec!["Credentials".to_owned(), "PROVIDER".to_owned()];
    reserved.extend(wiring::reserved_names());
    reserved.extend(sdk::RESERVED_NAMES.iter().map(|n| (*n).to_owned()));
    for model_type in &provider.supported_model_types {
        reserved.push(credentials::model_credentials_name(*model_type));
    }
    for group in &groups {
        reserved.push(group.model_type.variant_name().to_owned());
        reserved.push(params::params_name(group));
    }
    let reserved: Vec<&str> = reserved.iter().map(String::as_str).collect();
    let mut type_scope = names::Scope::with_reserved(&reserved);
    let mut enum_set = enums::EnumSet::new(&mut type_scope);

    let tables = tables::provider_tables(provider, &groups, shared)?;
    let credential_structs = credentials::credential_structs(provider, &mut enum_set);
    let mut model_enums = Vec::new();
    let mut params_structs = Vec::new();
    for group in &groups {
        model_enums.push(models::model_enum(provider, group)?);
        params_structs.push(params::params_struct(
            &provider.label.en_us,
            group,
            &mut enum_set,
        ));
    }
    let wiring = wiring::wiring(provider)?;
    let sdk = sdk::sdk(provider, &groups)?;
    let wire_enums = enum_set.into_enums();

    let mut doc = provider.label.en_us.clone();
    if let Some(description) = &provider.description {
        doc.push_str(": ");
        doc.push_str(&description.en_us);
    }
    let callability_doc = match callability(provider) {
        Callability::Protocol(p) => format!("Callable through the `{p}` protocol."),
        Callability::RustImpl => {
            "Callable through the hand-written Rust beside its YAML.".to_owned()
        }
        Callability::CatalogOnly => {
            "Catalog only: listed and typed, but not callable (no protocol and no Rust).".to_owned()
        }
    };
    doc.push_str(&format!(
        "\n\nProvider `{}`, declared in `{}`. {callability_doc}",
        provider.id, provider.source
    ));
    let module_doc = docs::doc_attrs(&doc);
    let module = quote! {
        #module_doc
        pub mod #module {
            use ::modelrt::runtime::catalog;

            #tables
            #credential_structs
            #(#model_enums)*
            #(#params_structs)*
            #wiring
            #sdk
        }
    };
    Ok((module, wire_enums))
}
