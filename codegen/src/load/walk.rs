//! Finding providers: decides per folder whether it is a core provider or a plugin package.

use std::path::Path;

use super::collected::Collected;
use super::core;
use super::files::{EntryKind, Files};
use super::plugin;
use super::position::{self, Entry};
use super::report::Place;

/// Everything found under the root.
pub struct Found {
    /// Each provider's collected files.
    pub collected: Vec<Collected>,
    /// The root `_position.yaml`: file and entries.
    pub positions: Option<(String, Vec<Entry>)>,
    /// Provider declaration files found.
    pub provider_declarations: usize,
    /// Model declaration files found (before duplicate resolution).
    pub model_declarations: usize,
}

/// Walks the tree. The root may be a tree of providers and packages, one provider folder, or
/// one package folder.
pub fn walk(files: &mut Files) -> Found {
    let mut found = Found {
        collected: Vec::new(),
        positions: None,
        provider_declarations: 0,
        model_declarations: 0,
    };
    let root = files.root.clone();
    if !root.is_dir() {
        files
            .report_rel(".")
            .error(Place::FILE, "", "the tree root is not a readable folder");
        return found;
    }
    let root_name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if visit(files, &root, &root_name, &mut found) {
        return found;
    }
    for entry in files.list(&root) {
        match entry.kind {
            EntryKind::File if entry.name == "_position.yaml" => {
                if let Some((rel, node)) = files.yaml(&entry.path) {
                    let entries = position::entries(&node, &mut files.report_rel(&rel));
                    found.positions = Some((rel, entries));
                }
            }
            EntryKind::Dir if !entry.name.starts_with("__") && !entry.name.starts_with('.') => {
                let is_provider = visit(files, &entry.path, &entry.name, &mut found);
                if !is_provider && !entry.name.starts_with('_') {
                    files.report(&entry.path).warn(
                        Place::FILE,
                        "",
                        format!(
                            "folder holds neither `{0}.yaml` nor `manifest.yaml` (ignored)",
                            entry.name
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    found
}

/// Loads `dir` if it is a package or a provider; `false` if it is neither.
fn visit(files: &mut Files, dir: &Path, name: &str, found: &mut Found) -> bool {
    if dir.join("manifest.yaml").exists() {
        let package = plugin::load_package(files, dir);
        found.provider_declarations += package.provider_declarations;
        found.model_declarations += package.model_declarations;
        found.collected.extend(package.collected);
        true
    } else if dir.join(format!("{name}.yaml")).exists() {
        let (models, collected) = core::load_provider(files, dir, name);
        found.provider_declarations += 1;
        found.model_declarations += models;
        found.collected.extend(collected);
        true
    } else {
        false
    }
}
