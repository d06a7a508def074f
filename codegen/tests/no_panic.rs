//! Property tests: no input makes the loader panic. Each runs a bounded number of cases so the
//! normal suite stays fast (a few seconds).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use modelrt_codegen::{load, LoadOptions};
use proptest::prelude::*;

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh scratch folder in the temp dir (removed by the caller).
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "modelrt-noPanic-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

const PROVIDER: &str = "provider: p\nlabel: {en_US: P}\nsupported_model_types: [llm]\n\
configurate_methods: [predefined-model, customizable-model]\n\
provider_credential_schema:\n  credential_form_schemas:\n    - variable: k\n      label: {en_US: K}\n      type: select\n      options:\n        - value: a\n          label: {en_US: A}\n\
model_credential_schema:\n  model: {label: {en_US: M}}\n  credential_form_schemas: []\n";

const MODEL: &str = "model: m\nlabel: {en_US: M, ja_JP: エム}\nmodel_type: llm\nfeatures: [vision]\n\
model_properties: {mode: chat, context_size: 4096}\nparameter_rules:\n  - name: t\n    use_template: temperature\n  - name: k\n    type: int\n    default: '3'\n    min: 1\n    max: 10\n\
pricing: {input: '0.1', output: '0.2', unit: '0.001', currency: USD}\n";

const MANIFEST: &str = "name: &n q\nlabel: {en_US: *n}\ncreated_at: 2024-01-01T00:00:00Z\nplugins:\n  models: [provider/q.yaml]\n";

/// Applies byte edits (position, byte) to a text, as a mutation of a valid file.
fn mutate(text: &str, edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for (pos, byte) in edits {
        if bytes.is_empty() {
            break;
        }
        let i = pos % bytes.len();
        bytes[i] = *byte;
    }
    if let Some(cut) = cut {
        bytes.truncate(cut % (bytes.len() + 1));
    }
    bytes
}

/// Bytes that matter to YAML, to make mutations interesting.
fn yaml_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b':'),
        Just(b'-'),
        Just(b' '),
        Just(b'\n'),
        Just(b'\t'),
        Just(b'['),
        Just(b'{'),
        Just(b'&'),
        Just(b'*'),
        Just(b'\''),
        Just(b'"'),
        Just(b'#'),
        Just(b'!'),
        Just(b'|'),
        any::<u8>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_as_any_file(bytes in proptest::collection::vec(any::<u8>(), 0..512), which in 0usize..4) {
        let root = scratch();
        write(&root, "p/p.yaml", PROVIDER.as_bytes());
        write(&root, "p/llm/m.yaml", MODEL.as_bytes());
        write(&root, "q/manifest.yaml", MANIFEST.as_bytes());
        write(&root, "q/provider/q.yaml", PROVIDER.replace("provider: p", "provider: q").as_bytes());
        let target = ["p/p.yaml", "p/llm/m.yaml", "_position.yaml", "q/manifest.yaml"][which];
        write(&root, target, &bytes);
        let loaded = load(&root, &LoadOptions::default());
        let _ = loaded.diagnostics.render();
        let _ = loaded.diagnostics.to_json(0, 0);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn mutated_valid_trees(
        edits in proptest::collection::vec((any::<usize>(), yaml_byte()), 1..6),
        cut in proptest::option::of(any::<usize>()),
        which in 0usize..3,
        strict in any::<bool>(),
    ) {
        let root = scratch();
        let texts = [PROVIDER, MODEL, MANIFEST];
        let files = ["p/p.yaml", "p/llm/m.yaml", "q/manifest.yaml"];
        for (i, (file, text)) in files.iter().zip(texts).enumerate() {
            let bytes = if i == which { mutate(text, &edits, cut) } else { text.as_bytes().to_vec() };
            write(&root, file, &bytes);
        }
        write(&root, "q/provider/q.yaml", b"provider: q\nlabel: {en_US: Q}\nsupported_model_types: [llm]\nconfigurate_methods: [customizable-model]\nmodel_credential_schema: {model: {label: {en_US: M}}, credential_form_schemas: []}\nmodels: {llm: {predefined: ['models/llm/*.yaml'], position: models/llm/_position.yaml}}\n");
        write(&root, "q/models/llm/m.yaml", &mutate(MODEL, &edits, None));
        write(&root, "q/models/llm/_position.yaml", b"- m\n- x\n");
        let loaded = load(&root, &LoadOptions { strict });
        let _ = loaded.diagnostics.render();
        fs::remove_dir_all(&root).unwrap();
    }
}

#[test]
fn odd_file_system_shapes_do_not_panic() {
    let root = scratch();
    // A folder where the provider file should be, an empty model, a model folder named *.yaml,
    // huge nesting, and (on Unix) a symlink loop inside a package.
    fs::create_dir_all(root.join("a/a.yaml")).unwrap();
    write(
        &root,
        "b/b.yaml",
        PROVIDER.replace("provider: p", "provider: b").as_bytes(),
    );
    write(&root, "b/llm/empty.yaml", b"");
    fs::create_dir_all(root.join("b/llm/dir.yaml")).unwrap();
    write(&root, "b/llm/deep.yaml", "[".repeat(200_000).as_bytes());
    write(
        &root,
        "b/llm/deep-map.yaml",
        "a: ".repeat(50_000).as_bytes(),
    );
    write(&root, "q/manifest.yaml", MANIFEST.as_bytes());
    write(&root, "q/provider/q.yaml", b"provider: q\nlabel: {en_US: Q}\nsupported_model_types: [llm]\nconfigurate_methods: [customizable-model]\nmodel_credential_schema: {model: {label: {en_US: M}}, credential_form_schemas: []}\nmodels: {llm: {predefined: ['models/*/*.yaml']}}\n");
    #[cfg(unix)]
    {
        fs::create_dir_all(root.join("q/models/llm")).unwrap();
        std::os::unix::fs::symlink(root.join("q/models"), root.join("q/models/llm/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("b/llm/dangling.yaml")).unwrap();
    }
    let loaded = load(&root, &LoadOptions::default());
    assert!(loaded.diagnostics.has_errors());
    let _ = loaded.diagnostics.render();
    let missing = load(&root.join("does-not-exist"), &LoadOptions::default());
    assert_eq!(missing.diagnostics.error_count(), 1);
    fs::remove_dir_all(&root).unwrap();
}
