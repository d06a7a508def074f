//! The plugin layout: a package folder with `manifest.yaml`, whose `plugins.models` names the
//! provider files; those list their model files by glob (SCHEMA.md §1).

use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

use super::collected::{Collected, PositionList};
use super::core::id_place;
use super::fields::{self, Fields};
use super::files::Files;
use super::glob;
use super::model::{self, TypeSource};
use super::position;
use super::provider::{provider, type_of_dir, ModelGlobs};
use super::report::Place;

/// How deep below a package folder globs look.
const MAX_DEPTH: usize = 8;

/// What a package yielded.
#[derive(Default)]
pub struct Package {
    /// Provider files the manifest names.
    pub provider_declarations: usize,
    /// Model files the providers' globs matched.
    pub model_declarations: usize,
    /// The usable providers.
    pub collected: Vec<Collected>,
}

/// Loads every provider a package declares.
pub fn load_package(files: &mut Files, dir: &Path) -> Package {
    let manifest = dir.join("manifest.yaml");
    let mut package = Package::default();
    let Some((rel, root)) = files.yaml(&manifest) else {
        return package;
    };
    let mut r = files.report_rel(&rel);
    let provider_paths: Vec<(String, Place)> = Fields::open(&root, "", &mut r)
        .and_then(|mut f| f.get("plugins"))
        .and_then(|plugins| Fields::open(plugins, "plugins", &mut r))
        .map(|mut f| {
            f.list("models", &mut r)
                .into_iter()
                .filter_map(|(p, n)| fields::string(n, &p, &mut r).map(|s| (s, Place::from(n))))
                .collect()
        })
        .unwrap_or_default();
    if provider_paths.is_empty() {
        r.warn(
            Place::FILE,
            "plugins.models",
            "the manifest declares no model provider (package ignored)",
        );
        return package;
    }
    let package_files = list_package(files, dir);
    for (path, place) in provider_paths {
        package.provider_declarations += 1;
        let Some(file) = inside(dir, &path) else {
            files.report_rel(&rel).error(
                place,
                "plugins.models",
                format!("`{path}` is not a relative path inside the package"),
            );
            continue;
        };
        if let Some(collected) = load_provider(files, dir, &file, &package_files, &mut package) {
            package.collected.push(collected);
        }
    }
    package
}

/// Joins a package-relative path, refusing absolute paths and `..`.
fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    rel.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        .then(|| dir.join(rel))
}

/// Every file below the package, as `/`-separated paths relative to it, sorted.
fn list_package(files: &mut Files, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    // Symlink loops and unreadable folders come back as errors, which are skipped.
    for entry in WalkDir::new(dir)
        .follow_links(true)
        .max_depth(MAX_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_dir() {
            files.inputs.insert(entry.path().to_path_buf());
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(dir) {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    out
}

fn load_provider(
    files: &mut Files,
    dir: &Path,
    file: &Path,
    package_files: &[String],
    package: &mut Package,
) -> Option<Collected> {
    let (rel, root) = files.yaml(file)?;
    let decl = provider(&root, &rel, dir.to_path_buf(), &mut files.report_rel(&rel))?;
    let globs = decl.models.clone();
    let mut collected = Collected::new(decl);
    for name in package_files
        .iter()
        .filter(|f| !f.contains('/') && f.ends_with(".rs"))
    {
        collected.decl.provider.rust_files.push(dir.join(name));
    }
    for entry in &globs {
        package.model_declarations +=
            load_globs(files, dir, &rel, entry, package_files, &mut collected);
    }
    Some(collected)
}

fn load_globs(
    files: &mut Files,
    dir: &Path,
    provider_rel: &str,
    entry: &ModelGlobs,
    package_files: &[String],
    collected: &mut Collected,
) -> usize {
    let Some(model_type) = type_of_dir(&entry.type_dir) else {
        return 0;
    };
    let mut declarations = 0;
    let key = format!("models.{}", entry.type_dir);
    let mut seen: Vec<&str> = Vec::new();
    for (i, (pattern, place)) in entry.predefined.iter().enumerate() {
        let matched: Vec<&String> = package_files
            .iter()
            .filter(|f| glob::matches(pattern, f))
            .collect();
        if matched.is_empty() {
            files.report_rel(provider_rel).warn(
                *place,
                &format!("{key}.predefined[{i}]"),
                format!("`{pattern}` matches no file"),
            );
        }
        for path in matched {
            if seen.contains(&path.as_str()) {
                continue;
            }
            seen.push(path);
            let full = dir.join(path);
            if path.rsplit('/').next() == Some("_position.yaml") {
                load_position(files, &full, model_type, collected);
            } else {
                declarations += 1;
                load_model(files, &full, collected);
            }
        }
    }
    if let Some((path, place)) = &entry.position {
        if seen.contains(&path.trim_start_matches("./")) {
            return declarations;
        }
        match inside(dir, path).filter(|p| p.is_file()) {
            Some(full) => load_position(files, &full, model_type, collected),
            None => files.report_rel(provider_rel).warn(
                *place,
                &format!("{key}.position"),
                format!("position file `{path}` does not exist"),
            ),
        }
    }
    declarations
}

fn load_position(
    files: &mut Files,
    path: &Path,
    model_type: crate::ir::ModelType,
    collected: &mut Collected,
) {
    if let Some((rel, root)) = files.yaml(path) {
        let entries = position::entries(&root, &mut files.report_rel(&rel));
        collected.positions.push(PositionList {
            model_type,
            file: rel,
            entries,
        });
    }
}

fn load_model(files: &mut Files, path: &Path, collected: &mut Collected) {
    let Some((rel, root)) = files.yaml(path) else {
        return;
    };
    if let Some(m) = model::model(&root, &rel, TypeSource::File, &mut files.report_rel(&rel)) {
        collected.models.push((m, id_place(&root)));
    }
}
