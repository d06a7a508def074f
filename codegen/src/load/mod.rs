//! The loader: walks a provider tree (core or plugin layout) into a [`Catalog`] and diagnostics.
//!
//! Stages: `walk` finds providers and packages, `core` and `plugin` read each one's files
//! through `files` (YAML via `yaml`, validated by `provider`, `model` and their helpers), and
//! `assemble` resolves duplicates, orders everything and assigns Rust identifiers.

mod assemble;
mod callable;
mod collected;
mod core;
mod credentials;
mod extra;
mod fields;
mod files;
mod glob;
mod idents;
mod lint;
mod model;
mod overlay;
mod params;
mod plugin;
mod position;
mod properties;
mod provider;
mod report;
mod rule_lint;
mod templates;
mod walk;
mod yaml;

use std::path::Path;

use crate::diagnostics::{Diagnostics, Severity};
use crate::ir::Catalog;

pub use idents::{model_ident, module_ident};

/// Environment variable that makes every warning (catalog-only providers included) an error,
/// for `modelrt check`, `build.rs` and `include_providers!` alike.
pub const STRICT_VAR: &str = "MODELRT_STRICT";

/// Loader settings.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Make every warning an error (`--strict`, `MODELRT_STRICT=1`).
    pub strict: bool,
}

impl LoadOptions {
    /// The settings `MODELRT_STRICT` asks for.
    pub fn from_env() -> Self {
        LoadOptions {
            strict: std::env::var(STRICT_VAR).is_ok_and(|v| strict_flag(&v)),
        }
    }
}

/// Whether a value of `MODELRT_STRICT` turns strict mode on: `1`, `true` or `yes`, in any case.
pub fn strict_flag(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes"
    )
}

/// What a load produced. The catalog holds everything that validated; with errors it may be partial.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The validated catalog.
    pub catalog: Catalog,
    /// Every diagnostic of the tree.
    pub diagnostics: Diagnostics,
    /// Provider declarations found.
    pub provider_declarations: usize,
    /// Model declarations found (before duplicate resolution).
    pub model_declarations: usize,
}

/// Loads the tree under `root`. Never panics; problems become diagnostics.
pub fn load(root: &Path, options: &LoadOptions) -> Loaded {
    let mut files = files::Files::new(root);
    files.prefetch();
    let walk::Found {
        collected,
        positions,
        provider_declarations,
        model_declarations,
    } = walk::walk(&mut files);
    let providers = collected
        .into_iter()
        .map(|c| assemble::provider(&mut files, c))
        .collect();
    let providers = assemble::catalog_order(&mut files, providers, positions);

    let mut items = std::mem::take(&mut files.diagnostics);
    items.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    if options.strict {
        for d in &mut items {
            d.severity = Severity::Error;
        }
    }
    Loaded {
        catalog: Catalog {
            providers,
            inputs: files.inputs.into_iter().collect(),
        },
        diagnostics: Diagnostics {
            items,
            sources: files.sources,
            root: files.root,
        },
        provider_declarations,
        model_declarations,
    }
}
