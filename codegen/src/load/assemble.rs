//! Turning collected providers into the catalog: duplicates (§8), ordering (§7) and Rust
//! identifiers (§8).

use std::collections::BTreeMap;

use crate::ir::{Model, ModelType, Provider};

use super::callable;
use super::collected::Collected;
use super::files::Files;
use super::idents::{model_ident, module_ident};
use super::model::type_folder;
use super::overlay;
use super::position::{self, Entry};
use super::report::Place;

/// Builds one provider: resolves duplicates, orders models, assigns identifiers.
pub fn provider(files: &mut Files, collected: Collected) -> Provider {
    let Collected {
        decl,
        models,
        positions,
        ..
    } = collected;
    let mut provider = decl.provider;
    provider.rust_files.sort();
    let source = provider.source.clone();
    overlay::apply(&mut provider, &mut files.report_rel(&source));
    callable::check(
        &mut provider,
        decl.protocol_place,
        &mut files.report_rel(&source),
    );
    let kept = resolve_duplicates(files, models);

    let mut by_type: BTreeMap<ModelType, Vec<(Model, Place)>> = BTreeMap::new();
    for (model, place) in kept {
        by_type
            .entry(model.model_type)
            .or_default()
            .push((model, place));
    }
    for list in &positions {
        let ids: Vec<&str> = by_type
            .get(&list.model_type)
            .map(|ms| ms.iter().map(|(m, _)| m.id.as_str()).collect())
            .unwrap_or_default();
        position::report_stale(
            &list.entries,
            &ids,
            "model",
            &mut files.report_rel(&list.file),
        );
    }
    let mut types: Vec<ModelType> = Vec::new();
    for t in provider.supported_model_types.iter().chain(ModelType::ALL) {
        if !types.contains(t) {
            types.push(*t);
        }
    }
    for t in by_type.keys() {
        if !provider.supported_model_types.contains(t) {
            files.report_rel(&provider.source.clone()).warn(
                Place::FILE,
                "supported_model_types",
                format!(
                    "the provider has {} models but `{}` is not in supported_model_types",
                    t.as_str(),
                    t.as_str()
                ),
            );
        }
    }
    for t in types {
        let Some(mut group) = by_type.remove(&t) else {
            continue;
        };
        let list: Vec<Entry> = positions
            .iter()
            .filter(|p| p.model_type == t)
            .flat_map(|p| p.entries.iter().cloned())
            .collect();
        position::sort(&mut group, |(m, _)| m.id.as_str(), &list);
        assign_idents(files, &mut group);
        provider.models.extend(group.into_iter().map(|(m, _)| m));
    }
    provider
}

/// Keeps one model per (type, id): non-deprecated, then folder matching its type, then file
/// stem equal to the id, then first by path. Warns on each file dropped.
fn resolve_duplicates(files: &mut Files, models: Vec<(Model, Place)>) -> Vec<(Model, Place)> {
    let mut groups: BTreeMap<(ModelType, String), Vec<(Model, Place)>> = BTreeMap::new();
    let mut order: Vec<(ModelType, String)> = Vec::new();
    for (model, place) in models {
        let key = (model.model_type, model.id.clone());
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push((model, place));
    }
    let mut kept = Vec::new();
    for key in order {
        let Some(mut group) = groups.remove(&key) else {
            continue;
        };
        group.sort_by_key(|(m, _)| {
            (
                m.deprecated,
                !folder_matches(m),
                !stem_matches(m),
                m.source.clone(),
            )
        });
        let mut rest = group.into_iter();
        let Some((winner, winner_place)) = rest.next() else {
            continue;
        };
        for (dropped, place) in rest {
            files.report_rel(&dropped.source).warn(
                place,
                "model",
                format!(
                    "duplicate {} model `{}`: `{}` is kept and `{}` is ignored",
                    key.0.as_str(),
                    key.1,
                    winner.source,
                    dropped.source
                ),
            );
        }
        kept.push((winner, winner_place));
    }
    kept
}

fn parent_and_stem(source: &str) -> (&str, &str) {
    let mut parts = source.rsplit('/');
    let file = parts.next().unwrap_or("");
    let parent = parts.next().unwrap_or("");
    (parent, file.strip_suffix(".yaml").unwrap_or(file))
}

fn folder_matches(model: &Model) -> bool {
    parent_and_stem(&model.source).0 == type_folder(model.model_type)
}

fn stem_matches(model: &Model) -> bool {
    parent_and_stem(&model.source).1 == model.id
}

/// Gives each model its variant name; a second model with the same name is an error and dropped.
fn assign_idents(files: &mut Files, group: &mut Vec<(Model, Place)>) {
    let mut taken: BTreeMap<String, (String, String)> = BTreeMap::new();
    group.retain_mut(|(model, place)| {
        let ident = model_ident(&model.id);
        if let Some((other_id, other_file)) = taken.get(&ident) {
            files.report_rel(&model.source).error(
                *place,
                "model",
                format!(
                    "model ids `{other_id}` ({other_file}) and `{}` ({}) both become the Rust \
                     name `{ident}`; rename one",
                    model.id, model.source
                ),
            );
            return false;
        }
        taken.insert(ident.clone(), (model.id.clone(), model.source.clone()));
        model.rust_ident = ident;
        true
    });
}

/// Orders providers by the root position list and gives each a module name; a second provider
/// with the same module name is an error and dropped.
pub fn catalog_order(
    files: &mut Files,
    mut providers: Vec<Provider>,
    positions: Option<(String, Vec<Entry>)>,
) -> Vec<Provider> {
    let list = match positions {
        Some((file, entries)) => {
            let ids: Vec<&str> = providers.iter().map(|p| p.id.as_str()).collect();
            position::report_stale(&entries, &ids, "provider", &mut files.report_rel(&file));
            entries
        }
        None => Vec::new(),
    };
    position::sort(&mut providers, |p| p.id.as_str(), &list);
    let mut taken: BTreeMap<String, (String, String)> = BTreeMap::new();
    providers.retain_mut(|p| {
        let module = module_ident(&p.id);
        if let Some((other_id, other_file)) = taken.get(&module) {
            files.report_rel(&p.source).error(
                Place::FILE,
                "provider",
                format!(
                    "provider ids `{other_id}` ({other_file}) and `{}` ({}) both become the Rust \
                     module `{module}`; rename one",
                    p.id, p.source
                ),
            );
            return false;
        }
        taken.insert(module.clone(), (p.id.clone(), p.source.clone()));
        p.rust_module = module;
        true
    });
    providers
}
