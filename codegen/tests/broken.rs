//! Every broken tree under `tests/fixtures/broken/<case>/tree` must produce exactly the
//! diagnostics listed in `<case>/expected.tsv` (severity, file, line, column, key, message;
//! tab-separated, one per line). `MODELRT_BLESS=1` rewrites the expectations (review the diff).

use std::fs;
use std::path::Path;

use modelrt_codegen::{load, LoadOptions};

fn actual(tree: &Path) -> String {
    let loaded = load(tree, &LoadOptions::default());
    loaded
        .diagnostics
        .items
        .iter()
        .map(|d| {
            format!(
                "{}\t{}\t{}\t{}\t{}\t{}\n",
                d.severity.as_str(),
                d.file,
                d.line,
                d.column,
                d.key,
                d.message
            )
        })
        .collect()
}

#[test]
fn broken_fixtures_produce_their_exact_diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let mut cases: Vec<_> = fs::read_dir(&root)
        .expect("fixtures/broken exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 35, "only {} broken fixtures", cases.len());
    let bless = std::env::var("MODELRT_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for case in &cases {
        let got = actual(&case.join("tree"));
        let expected_path = case.join("expected.tsv");
        if bless {
            fs::write(&expected_path, &got).expect("write expected.tsv");
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        assert!(
            !expected.is_empty(),
            "{} expects no diagnostic",
            case.display()
        );
        if got != expected {
            failures.push(format!(
                "== {}\n-- expected\n{expected}-- got\n{got}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rendering_shows_the_place_and_underlines_the_token() {
    let tree = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/broken/unknown_model_property/tree");
    let mut diagnostics = load(&tree, &LoadOptions::default()).diagnostics;
    // The tree is also catalog-only; that warning has no snippet to show.
    diagnostics.items.retain(|d| d.line > 0);
    let rendered = diagnostics.render();
    let expected = "error: unknown model property `context_sise`, expected one of: mode, \
context_size, max_chunks, file_upload_limit, supported_file_extensions, default_voice, voices, \
word_limit, audio_type, max_workers, max_characters_per_chunk (at `model_properties.context_sise`)
 --> p/llm/m-1.yaml:7:3
  |
7 |   context_sise: 4096
  |   ^^^^^^^^^^^^";
    assert_eq!(rendered, expected);
}
