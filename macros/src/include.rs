//! `include_providers!("dir")`: the generator run at macro-expansion time.

use std::path::{Path, PathBuf};

use modelrt_codegen::build::{generate as generate_module, lines};
use modelrt_codegen::emit::emit_tokens;
use modelrt_codegen::{load, LoadOptions, Severity};
use proc_macro2::TokenStream;
use quote::quote;

/// Expands the macro: `invoked_from` is the invoking source file, when the compiler knows it.
pub fn expand(input: TokenStream, invoked_from: Option<PathBuf>) -> TokenStream {
    let dir = match syn::parse2::<syn::LitStr>(input) {
        Ok(dir) => dir,
        Err(e) => {
            let message =
                format!("{e}: expected a directory, e.g. `include_providers!(\"providers\")`");
            return syn::Error::new(e.span(), message).to_compile_error();
        }
    };
    let tree = resolve(&dir.value(), invoked_from.as_deref());
    match generate(&tree) {
        Ok(tokens) => tokens,
        Err(messages) => {
            let errors = messages
                .iter()
                .map(|m| syn::Error::new(dir.span(), m).to_compile_error());
            quote!(#(#errors)*)
        }
    }
}

/// `dir` relative to the invoking file's directory when that is a directory, else relative to
/// the crate root (`CARGO_MANIFEST_DIR`): doc-tests and other generated sources have no
/// directory of their own.
fn resolve(dir: &str, invoked_from: Option<&Path>) -> PathBuf {
    let beside_file = invoked_from.and_then(Path::parent).map(|d| d.join(dir));
    match beside_file {
        Some(path) if path.is_dir() => path,
        other => match std::env::var_os("CARGO_MANIFEST_DIR") {
            Some(root) => PathBuf::from(root).join(dir),
            None => other.unwrap_or_else(|| PathBuf::from(dir)),
        },
    }
}

/// The generated module, with an `include_bytes!` per input so that editing the tree
/// recompiles the invoking crate.
fn generate(tree: &Path) -> Result<TokenStream, Vec<String>> {
    if !tree.is_dir() {
        return Err(vec![format!(
            "`{}` is not a directory of providers",
            tree.display()
        )]);
    }
    // The same load, lines and strictness as `modelrt check` and `build.rs`. A proc macro
    // cannot raise warnings on stable Rust; cargo shows what it prints to stderr.
    let loaded = load(tree, &LoadOptions::from_env());
    for warning in lines(tree, &loaded, Severity::Warning) {
        eprintln!("warning: {warning}");
    }
    let module = generate_module(tree, &loaded, tree.display().to_string(), emit_tokens)?
        .into_tokens()
        .map_err(|e| vec![format!("{}: {e}", tree.display())])?;
    let inputs = loaded
        .catalog
        .inputs
        .iter()
        .filter(|p| p.is_file())
        .map(|p| p.display().to_string());
    Ok(quote! {
        #module
        const _: () = { #(let _ = include_bytes!(#inputs);)* };
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway provider tree holding `files` (relative path, content).
    fn tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("modelrt-include-{name}-{}", std::process::id()));
        for (path, content) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, content).expect("write");
        }
        root
    }

    fn expand_at(root: &Path) -> String {
        let literal = format!("{:?}", root.display().to_string());
        expand(literal.parse().expect("a literal"), None).to_string()
    }

    #[test]
    fn yaml_errors_become_compile_errors_naming_the_file() {
        let root = tree(
            "broken",
            &[(
                "acme/acme.yaml",
                "provider: acme\nlabel:\n  en_US: Acme\nsupported_model_types:\n  - lmm\n\
                 configurate_methods:\n  - predefined-model\n",
            )],
        );
        let out = expand_at(&root);
        let _ = std::fs::remove_dir_all(&root);
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("acme.yaml:5:"), "{out}");
        assert!(out.contains("lmm"), "{out}");
        assert!(!out.contains("pub mod providers"), "{out}");
    }

    #[test]
    fn a_good_tree_becomes_the_providers_module() {
        let root = tree(
            "good",
            &[(
                "acme/acme.yaml",
                "provider: acme\nlabel:\n  en_US: Acme\nsupported_model_types:\n  - llm\n\
                 configurate_methods:\n  - predefined-model\nprovider_credential_schema:\n  \
                 credential_form_schemas: []\n",
            )],
        );
        let out = expand_at(&root);
        let _ = std::fs::remove_dir_all(&root);
        assert!(out.contains("pub mod providers"), "{out}");
        assert!(out.contains("include_bytes !"), "{out}");
    }

    #[test]
    fn bad_input_and_missing_directories_are_errors() {
        let out = expand("42".parse().expect("tokens"), None).to_string();
        assert!(out.contains("expected a directory"), "{out}");
        let out = expand("\"no/such/tree\"".parse().expect("tokens"), None).to_string();
        assert!(out.contains("is not a directory of providers"), "{out}");
    }

    #[test]
    fn paths_resolve_beside_the_invoking_file_then_at_the_crate_root() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
        assert_eq!(
            resolve("..", Some(&here)),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/..")
        );
        assert_eq!(
            resolve("no-such-dir", Some(&here)),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-dir")
        );
    }
}
