//! The emitter: turns a [`Catalog`] into the formatted Rust source that `modelrt` includes.
//!
//! The output is one file: `pub mod providers { pub mod <provider> { .. } .. }` plus the
//! table of every provider and a root re-export of each provider module. Model metadata is
//! static data of `modelrt_runtime::catalog` types; code is emitted per provider and per
//! model type, never per model. The generated code names everything by absolute paths
//! (`::modelrt::runtime::..` and the hidden helpers `::modelrt::__private::..`), so it can be
//! included into any crate that depends on `modelrt` (`modelrt::include_providers!`). The
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

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

use crate::ir::{Callability, Catalog, Provider};
use text::Text;

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
    let modules = crate::parallel::map(&catalog.providers, |provider| {
        provider_module(provider, &shared).map_err(|e| e.in_file(&provider.source))
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    let modules = with_wire_enums(catalog, modules)?;

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
    let implementations = format_items(wiring::implementations(&catalog.providers)?, 1)?;

    let mut reexports = Text::new(0);
    for provider in &catalog.providers {
        let module = &provider.rust_module;
        if !RESERVED_ROOT_NAMES.contains(&module.as_str()) {
            reexports.doc(&format!(
                "The `{}` provider (see [`providers::{module}`]).",
                provider.id
            ));
            reexports
                .push("pub use providers::")
                .push(module)
                .push(";\n");
        }
    }
    let tail = tail.into_string();
    let reexports = reexports.into_string();

    let mut out = header(catalog, options);
    out.reserve(
        modules.iter().map(String::len).sum::<usize>()
            + tail.len()
            + implementations.len()
            + reexports.len()
            + 200,
    );
    out.push_str("/// Every provider of the tree, one module each, named after the provider id.\n");
    out.push_str("pub mod providers {\n");
    out.push_str(&table_imports(1));
    for module in &modules {
        out.push_str(module);
    }
    out.push_str(&tail);
    out.push_str(&implementations);
    out.push_str("}\n");
    out.push_str(&reexports);
    Ok(out)
}

/// The imports of a module holding tables, indented `depth` levels (`rt` is unused where no
/// table has an English-only text).
fn table_imports(depth: usize) -> String {
    let indent = "    ".repeat(depth);
    format!(
        "{indent}use ::modelrt::runtime::catalog;\n\
         {indent}#[allow(unused_imports)]\n\
         {indent}use ::modelrt::__private as rt;\n"
    )
}

/// Formats `tokens` as a file.
fn format_file(tokens: TokenStream) -> Result<String, EmitError> {
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| EmitError::new(format!("generated code does not parse: {e}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Formats items as they read `depth` modules deep: each line indented `depth` levels,
/// without the modules' own lines (prettyplease indents them, so multi-line literals and
/// comments stay intact).
fn format_items(items: TokenStream, depth: usize) -> Result<String, EmitError> {
    if items.is_empty() {
        return Ok(String::new());
    }
    // Built around the stream without copying it (as `quote!` interpolation would).
    let mut wrapped = items;
    for _ in 0..depth {
        let body = Group::new(Delimiter::Brace, wrapped);
        wrapped = TokenStream::from_iter([
            TokenTree::Ident(names::ident("mod")),
            TokenTree::Ident(names::ident("m")),
            TokenTree::Group(body),
        ]);
    }
    let text = format_file(wrapped)?;
    let unexpected = || EmitError::new("unexpected formatting of a generated module");
    let mut inner = text.as_str();
    for level in 0..depth {
        let (line, rest) = inner.split_once('\n').ok_or_else(unexpected)?;
        if line.len() != level * 4 + "mod m {".len() || line.trim_start() != "mod m {" {
            return Err(unexpected());
        }
        inner = rest;
    }
    for level in 0..depth {
        let body = inner.strip_suffix("}\n").ok_or_else(unexpected)?;
        let (body, indent) = body.split_at(body.rfind('\n').map_or(0, |i| i + 1));
        if indent.len() != level * 4 || !indent.bytes().all(|b| b == b' ') {
            return Err(unexpected());
        }
        inner = body;
    }
    Ok(inner.to_owned())
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
        .map(|(provider, (text, wire_enums))| {
            if wire_enums.is_empty() {
                return Ok(text);
            }
            let module = models::checked_ident(&provider.rust_module, &provider.source)?;
            let items = format_items(owners.definitions(&module, &wire_enums), 2)?;
            let body = text.strip_suffix("    }\n").ok_or_else(|| {
                EmitError::new("unexpected formatting of a provider module")
                    .in_file(&provider.source)
            })?;
            let mut joined = String::with_capacity(text.len() + items.len());
            joined.push_str(body);
            joined.push_str(&items);
            joined.push_str("    }\n");
            Ok(joined)
        })
        .collect()
}

/// `pub mod <provider> { .. }` without its wire enums (tables, credentials, model enums,
/// params, wiring, SDK) as formatted text one level deep (inside `pub mod providers`), and
/// the wire enums it needs.
fn provider_module(
    provider: &Provider,
    shared: &shared::Shared<'_>,
) -> Result<(String, Vec<enums::WireEnum>), EmitError> {
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

    let mut tables = Text::new(2);
    tables::provider_tables(&mut tables, provider, &groups, shared)?;
    let tables = tables.into_string();
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
    // Joined by moving the streams (`quote!` interpolation would copy every token).
    let code = std::iter::once(credential_structs)
        .chain(model_enums)
        .chain(params_structs)
        .chain([wiring, sdk])
        .collect();
    let code = format_items(code, 2)?;

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
    let mut text = Text::new(1);
    text.doc(&doc);
    text.module(&provider.rust_module, |t| {
        t.push(&table_imports(2));
        t.push(&tables).push(&code);
        Ok(())
    })?;
    Ok((text.into_string(), wire_enums))
}
