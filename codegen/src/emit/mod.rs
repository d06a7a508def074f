//! The emitter: turns a [`Catalog`] into the formatted Rust source that `modelrt` includes.
//!
//! The output is one file: `pub mod providers { pub mod <provider> { .. } .. }` plus the
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
mod params;
mod sdk;
mod shared;
mod tables;
mod text;
mod wiring;

use proc_macro2::TokenStream;

use crate::ir::{Callability, Catalog, Provider};
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

/// Emits the generated module for `catalog` as formatted Rust source, deterministically.
///
/// The static tables are written as formatted text directly (see [`text`]); the code items
/// are built as tokens and formatted by prettyplease. Each provider module is built on its
/// own, on as many threads as there are cores (token streams are not `Send`, so each thread
/// builds its own from the shared catalog), and the texts are joined in catalog order.
pub fn emit(catalog: &Catalog, options: &EmitOptions) -> Result<String, EmitError> {
    for provider in &catalog.providers {
        models::checked_ident(&provider.rust_module, &provider.source)?;
    }
    let shared = shared::Shared::plan(catalog.providers.iter().flat_map(|p| {
        models::group_models(p)
            .into_iter()
            .flat_map(|group| group.models)
    }));
    let mut modules = crate::parallel::map(&catalog.providers, |provider| {
        provider_module(provider, &shared).map_err(|e| e.in_file(&provider.source))
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    add_wire_enums(catalog, &mut modules)?;

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
    let implementations = format_items(wiring::implementations(&catalog.providers)?, 1)?;

    let mut out = Text::new(0);
    out.push(&header(catalog, options));
    out.doc("Every provider of the tree, one module each, named after the provider id.");
    out.module("providers", |t| {
        t.push(&table_imports(1));
        for module in &modules {
            module.write(t)?;
        }
        t.push(&tail.into_string()).push(&implementations);
        Ok(())
    })?;
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
    Ok(out.into_string())
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

/// Formats `tokens` as a file.
fn format_file(tokens: TokenStream) -> Result<String, EmitError> {
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| EmitError::new(format!("generated code does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Formats items as they read `depth` modules deep: formatted as a file, each line then
/// indented `depth` levels (generated literals and docs never span lines).
fn format_items(items: TokenStream, depth: usize) -> Result<String, EmitError> {
    if items.is_empty() {
        return Ok(String::new());
    }
    let text = format_file(items)?;
    let indent = "    ".repeat(depth);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    Ok(out)
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
fn add_wire_enums(catalog: &Catalog, modules: &mut [ProviderModule]) -> Result<(), EmitError> {
    let mut owners = enums::Owners::default();
    for (provider, module) in catalog.providers.iter().zip(modules) {
        if module.wire_enums.is_empty() {
            continue;
        }
        let name = models::checked_ident(&provider.rust_module, &provider.source)?;
        let items = owners.definitions(&name, &module.wire_enums);
        module.items.push(format_items(items, 2)?);
    }
    Ok(())
}

/// One provider module, as formatted pieces: written out once its wire enums are added.
struct ProviderModule {
    name: String,
    doc: String,
    /// The module's items, each formatted two levels deep.
    items: Vec<String>,
    /// The wire enums its items name, still to be defined or re-exported.
    wire_enums: Vec<enums::WireEnum>,
}

impl ProviderModule {
    /// `pub mod <provider> { .. }` with its doc, one level deep.
    fn write(&self, out: &mut Text) -> text::Written {
        out.doc(&self.doc);
        out.module(&self.name, |t| {
            t.push(&table_imports(2));
            for item in &self.items {
                t.push(item);
            }
            Ok(())
        })
    }
}

/// The module of `provider` (tables, credentials, model enums, params, wiring, SDK) and the
/// wire enums it needs.
fn provider_module(
    provider: &Provider,
    shared: &shared::Shared<'_>,
) -> Result<ProviderModule, EmitError> {
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
    let sdk = sdk::sdk(provider, &groups, &params_plans)?;
    let params_structs = params_plans.into_iter().map(|plan| plan.items);
    let wire_enums = enum_set.into_enums();
    // Joined by moving the streams (`quote!` interpolation would copy every token).
    let code = std::iter::once(credential_structs)
        .chain(model_enums)
        .chain(params_structs)
        .chain([wiring, sdk])
        .collect();
    let code = format_items(code, 2)?;

    Ok(ProviderModule {
        name: provider.rust_module.clone(),
        doc: module_doc(provider),
        items: vec![tables, code],
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
