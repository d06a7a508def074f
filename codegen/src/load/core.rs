//! The core layout: `<id>/<id>.yaml` with one folder per model type (SCHEMA.md §1).

use std::path::Path;

use super::collected::{Collected, PositionList};
use super::files::{EntryKind, Files};
use super::model::{self, TypeSource};
use super::position;
use super::provider::{provider, type_of_dir};
use super::report::Place;
use super::yaml::Node;

/// Loads the provider in folder `dir` (which holds `<name>.yaml`). Model files are validated
/// even when the provider file is unusable, so one run reports every problem. Returns the number
/// of model files found and the provider, if its declaration is usable.
pub fn load_provider(files: &mut Files, dir: &Path, name: &str) -> (usize, Option<Collected>) {
    let decl = files
        .yaml(&dir.join(format!("{name}.yaml")))
        .and_then(|(rel, root)| {
            provider(&root, &rel, dir.to_path_buf(), &mut files.report_rel(&rel))
        });
    let mut contents = Contents::default();
    for entry in files.list(dir) {
        match entry.kind {
            EntryKind::File if entry.name.ends_with(".rs") => {
                files.inputs.insert(entry.path.clone());
                contents.rust_files.push(entry.path);
            }
            EntryKind::Dir => {
                if let Some(model_type) = type_of_dir(&entry.name) {
                    load_type_dir(files, &entry.path, model_type, &mut contents);
                }
            }
            _ => {}
        }
    }
    let Some(mut decl) = decl else {
        return (contents.declarations, None);
    };
    if decl.provider.id != name {
        files.report_rel(&decl.provider.source.clone()).warn(
            decl.id_place,
            "provider",
            format!(
                "`provider: {}` differs from its folder name `{name}`; the folder name is the id",
                decl.provider.id
            ),
        );
        decl.provider.id = name.to_string();
    }
    // The plugin-era `models:` section means nothing in this layout.
    decl.models.clear();
    decl.provider.rust_files = contents.rust_files;
    let mut collected = Collected::new(decl);
    collected.models = contents.models;
    collected.positions = contents.positions;
    (contents.declarations, Some(collected))
}

/// What a provider folder holds besides its declaration.
#[derive(Default)]
struct Contents {
    models: Vec<(crate::ir::Model, Place)>,
    positions: Vec<PositionList>,
    declarations: usize,
    rust_files: Vec<std::path::PathBuf>,
}

fn load_type_dir(
    files: &mut Files,
    dir: &Path,
    model_type: crate::ir::ModelType,
    collected: &mut Contents,
) {
    for entry in files.list(dir) {
        if !entry.name.ends_with(".yaml") {
            continue;
        }
        if entry.name == "_position.yaml" {
            if let Some((rel, root)) = files.yaml(&entry.path) {
                let entries = position::entries(&root, &mut files.report_rel(&rel));
                collected.positions.push(PositionList {
                    model_type,
                    file: rel,
                    entries,
                });
            }
            continue;
        }
        if entry.name.starts_with('_') {
            continue;
        }
        if entry.kind != EntryKind::File {
            files
                .report(&entry.path)
                .warn(Place::FILE, "", "not a regular file (ignored)");
            continue;
        }
        collected.declarations += 1;
        let Some((rel, root)) = files.yaml(&entry.path) else {
            continue;
        };
        let parsed = model::model(
            &root,
            &rel,
            TypeSource::Folder(model_type),
            &mut files.report_rel(&rel),
        );
        if let Some(m) = parsed {
            collected.models.push((m, id_place(&root)));
        }
    }
}

/// Where the `model:` key's value is.
pub fn id_place(root: &Node) -> Place {
    root.as_map()
        .and_then(|entries| entries.iter().rev().find(|(k, _)| k.name == "model"))
        .map_or(Place::FILE, |(_, v)| Place::from(v))
}
