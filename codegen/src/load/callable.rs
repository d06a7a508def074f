//! How a provider is called, checked once its Rust files are known: the rules that tie the
//! YAML to what sits beside it (DESIGN.md "Compile-time checks").

use std::path::Path;

use modelrt_vocabulary::is_keyword;

use crate::ir::{Callability, Provider};

use super::report::{Place, Report};

/// Drops Rust files whose names cannot be modules, then reports Rust beside a protocol
/// provider (an error: the Rust would never be used) and a catalog-only provider (a warning).
pub fn check(provider: &mut Provider, protocol_place: Option<Place>, r: &mut Report) {
    let folder = provider
        .source
        .rsplit_once('/')
        .map_or("", |(folder, _)| folder);
    // Named relative to the tree, as every diagnostic is.
    let shown = |file: &Path| {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if folder.is_empty() {
            name.into_owned()
        } else {
            format!("{folder}/{name}")
        }
    };
    provider.rust_files.retain(|file| {
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let fits = is_module_name(stem);
        if !fits {
            r.error(
                Place::FILE,
                "",
                format!(
                    "`{}` beside the provider YAML: its file name must be a Rust identifier \
                     (it becomes a module)",
                    shown(file)
                ),
            );
        }
        fits
    });
    match provider.callability() {
        Callability::Protocol(protocol) => {
            if let Some(file) = provider.rust_files.first() {
                r.error(
                    protocol_place.unwrap_or(Place::FILE),
                    "extra.modelrt.protocol",
                    format!(
                        "`{}` sits beside a provider whose YAML names the `{protocol}` protocol, \
                         so it would never be used: remove the protocol to implement the \
                         provider in Rust, or move the file away",
                        shown(file)
                    ),
                );
            }
        }
        Callability::RustImpl => {}
        Callability::CatalogOnly => r.warn(
            Place::FILE,
            "",
            format!(
                "provider `{}` is catalog-only (no `extra.modelrt.protocol` and no Rust beside \
                 its YAML): listed and typed, but not callable",
                provider.id
            ),
        ),
    }
}

/// An ASCII identifier that is no keyword (non-ASCII ones are valid Rust, but rare enough in
/// file names that rejecting them avoids platform-dependent spellings).
fn is_module_name(stem: &str) -> bool {
    let mut chars = stem.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && stem != "_"
        && !is_keyword(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names() {
        assert!(is_module_name("llm"));
        assert!(is_module_name("_chat2"));
        assert!(!is_module_name("my-llm"));
        assert!(!is_module_name("2llm"));
        assert!(!is_module_name("mod"));
        assert!(!is_module_name("_"));
        assert!(!is_module_name(""));
    }
}
