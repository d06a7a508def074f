//! The emitter: turns a [`Catalog`] into the Rust that `modelrt` includes, as a tree of
//! modules and items ([`Generated`]) that `build.rs` writes formatted and
//! `include_providers!` expands to tokens.
//!
//! The output is one module tree: `pub mod providers { pub mod <provider> { .. } .. }` plus the
//! table of every provider and a root re-export of each provider module. Model metadata is
//! static data of `modelrt_runtime::catalog` types; code is emitted per provider and per
//! model type, never per model. The generated code names everything by absolute paths
//! (`::modelrt_sdk::runtime::..` and the hidden helpers `::modelrt_sdk::__private::..`), so it
//! can be included into any crate that depends on `modelrt-sdk` (`include_providers!`). The
//! modules holding tables import the two most used ones, `catalog` and `rt` (the helpers),
//! because the rows name them thousands of times and every path costs rustc a resolution.

mod credentials;
mod docs;
mod enums;
mod literals;
mod models;
mod names;
mod output;
mod params;
mod sdk;
mod shared;
mod tables;
mod text;
mod wiring;

use proc_macro2::TokenStream;

use crate::ir::{Callability, Catalog, Provider};
use output::CodeForm;
pub use output::{Generated, Item, Module};
use text::Text;

/// Root-level names of the `modelrt` crate a provider module must not be re-exported over.
pub const RESERVED_ROOT_NAMES: &[&str] = &[
    "docs",
    "env",
    "providers",
    "registry",
    "runtime",
    "sdk",
    "serde_json",
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

/// Emits the generated module for `catalog` with its code items formatted: what `build.rs`
/// writes ([`Generated::to_source`]), deterministically.
///
/// Each provider module is built and formatted on its own, on as many threads as there are
/// cores (token streams are not `Send`, so each thread builds its own from the shared
/// catalog), and the modules are joined in catalog order.
pub fn emit(catalog: &Catalog, options: &EmitOptions) -> Result<Generated<String>, EmitError> {
    emit_as(catalog, options)
}

/// Emits the generated module for `catalog` with its code items as tokens: what
/// `include_providers!` expands to ([`Generated::into_tokens`]), with nothing formatted.
pub fn emit_tokens(
    catalog: &Catalog,
    options: &EmitOptions,
) -> Result<Generated<TokenStream>, EmitError> {
    emit_as(catalog, options)
}

fn emit_as<C: CodeForm>(
    catalog: &Catalog,
    options: &EmitOptions,
) -> Result<Generated<C>, EmitError> {
    for provider in &catalog.providers {
        models::checked_ident(&provider.rust_module, &provider.source)?;
    }
    let shared = shared::Shared::plan(catalog.providers.iter().flat_map(|p| {
        models::group_models(p)
            .into_iter()
            .flat_map(|group| group.models)
    }));
    let keys = params::setters::Keys::plan(&catalog.providers);
    let mut modules = C::provider_modules(&catalog.providers, &|provider| {
        provider_module(provider, &shared, &keys).map_err(|e| e.in_file(&provider.source))
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    add_wire_enums(catalog, &mut modules)?;

    let mut providers = vec![Item::Text(table_imports(1))];
    providers.extend(modules.into_iter().map(|m| Item::Module(m.module)));
    providers.push(Item::Text(tail(catalog, &shared)?));
    providers.push(Item::Code(C::from_tokens(keys.shared_modules(), 1)?));
    providers.push(Item::Code(C::from_tokens(
        wiring::implementations(&catalog.providers)?,
        1,
    )?));
    let providers = Module {
        name: "providers".to_owned(),
        doc: "Every provider of the tree, one module each, named after the provider id.".to_owned(),
        items: providers,
    };
    Ok(Generated {
        header: header(catalog, options),
        items: vec![Item::Module(providers), Item::Text(root_reexports(catalog))],
    })
}

/// The end of the `providers` module: the shared slices, `ALL` and `TREE`.
fn tail(catalog: &Catalog, shared: &shared::Shared<'_>) -> Result<String, EmitError> {
    let mut tail = Text::new(1);
    shared.constants(&mut tail, tables::shared_element, tables::shared_items)?;
    tail.doc("Every provider's catalog row, in position order.");
    tail.indent()
        .push("pub static ALL: [&catalog::ProviderInfo; ")
        .display(catalog.providers.len())
        .push("usize] = ");
    tail.rows(&catalog.providers, |t, provider| {
        t.push("&").push(&provider.rust_module).push("::PROVIDER");
        Ok(())
    })?;
    tail.push(";\n");
    tail.doc("This tree for a dynamic registry (`modelrt_sdk::registry::Registry`).");
    tail.indent()
        .push("pub static TREE: ::modelrt_sdk::registry::Tree = ::modelrt_sdk::registry::Tree {\n")
        .push("        providers: &ALL,\n        implementations: &IMPLEMENTATIONS,\n    };\n");
    Ok(tail.into_string())
}

/// A documented `pub use providers::<module>;` at the root for each provider whose module
/// name is free there.
fn root_reexports(catalog: &Catalog) -> String {
    let mut out = Text::new(0);
    for provider in &catalog.providers {
        let module = &provider.rust_module;
        if !RESERVED_ROOT_NAMES.contains(&module.as_str()) {
            out.doc(&format!(
                "The `{}` provider (see [`providers::{module}`]).",
                provider.id
            ));
            out.push("pub use providers::").push(module).push(";\n");
        }
    }
    out.into_string()
}

/// The imports of a module holding tables, indented `depth` levels (`rt` is unused where no
/// table has an English-only text).
fn table_imports(depth: usize) -> String {
    let indent = "    ".repeat(depth);
    format!(
        "{indent}use ::modelrt_sdk::runtime::catalog;\n\
         {indent}#[allow(unused_imports)]\n\
         {indent}use ::modelrt_sdk::__private as rt;\n"
    )
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

/// Gives each module its wire enums, each defined by the first module that needs it and
/// re-exported by the others (see [`enums::Owners`]).
fn add_wire_enums<C: CodeForm>(
    catalog: &Catalog,
    modules: &mut [ProviderModule<C>],
) -> Result<(), EmitError> {
    let mut owners = enums::Owners::default();
    for (provider, module) in catalog.providers.iter().zip(modules) {
        if module.wire_enums.is_empty() {
            continue;
        }
        let name = models::checked_ident(&provider.rust_module, &provider.source)?;
        let items = owners.definitions(&name, &module.wire_enums);
        module
            .module
            .items
            .push(Item::Code(C::from_tokens(items, 2)?));
    }
    Ok(())
}

/// One provider's module, complete once its wire enums are added.
pub(crate) struct ProviderModule<C> {
    module: Module<C>,
    /// The wire enums its items name, still to be defined or re-exported.
    wire_enums: Vec<enums::WireEnum>,
}

/// The module of `provider` (tables, credentials, model enums, params, wiring, SDK) and the
/// wire enums it needs.
fn provider_module<C: CodeForm>(
    provider: &Provider,
    shared: &shared::Shared<'_>,
    keys: &params::setters::Keys,
) -> Result<ProviderModule<C>, EmitError> {
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
    }
    let reserved: Vec<&str> = reserved.iter().map(String::as_str).collect();
    let mut type_scope = names::Scope::with_reserved(&reserved);
    let mut enum_set = enums::EnumSet::new(&mut type_scope);

    let mut tables = Text::new(2);
    tables::provider_tables(&mut tables, provider, &groups, shared)?;
    let tables = tables.into_string();
    let credential_structs = credentials::credential_structs(provider, &mut enum_set);
    let mut model_enums = Vec::new();
    let mut params_plans = Vec::new();
    for group in &groups {
        model_enums.push(models::model_enum(provider, group)?);
        params_plans.push(params::params_structs(
            &provider.label.en_us,
            group,
            &mut enum_set,
        ));
    }
    let wiring = wiring::wiring(provider)?;
    let sdk = sdk::sdk(provider, &groups, &params_plans, keys)?;
    let params_structs = params_plans.into_iter().map(|plan| plan.items);
    let wire_enums = enum_set.into_enums();
    // Joined by moving the streams (`quote!` interpolation would copy every token).
    let code = std::iter::once(credential_structs)
        .chain(model_enums)
        .chain(params_structs)
        .chain([wiring, sdk])
        .collect();
    Ok(ProviderModule {
        module: Module {
            name: provider.rust_module.clone(),
            doc: module_doc(provider),
            items: vec![
                Item::Text(table_imports(2)),
                Item::Text(tables),
                Item::Code(C::from_tokens(code, 2)?),
            ],
        },
        wire_enums,
    })
}

/// The doc of a provider module: label, description, where it is declared, how it is called.
fn module_doc(provider: &Provider) -> String {
    let mut doc = provider.label.en_us.clone();
    if let Some(description) = &provider.description {
        doc.push_str(": ");
        doc.push_str(&description.en_us);
    }
    let callability_doc = match provider.callability() {
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
    doc
}
