//! The generated catalog holds exactly what the YAML declares: every model row of the bundled
//! tree, whichever form the generator wrote it in (a row-constructor call or a struct
//! literal), is compared field by field with the model as the codegen loader reads it.

use std::path::Path;

use modelrt::runtime::catalog::{ModelInfo, Price};
use modelrt_codegen::ir;
use modelrt_codegen::load::{load, LoadOptions};

fn declared(price: &Price) -> String {
    price.declared.to_owned()
}

/// Every field of `row` against `model`; the enums compare by variant name, which the
/// generator writes from the same names.
fn assert_row_matches(row: &ModelInfo, model: &ir::Model) {
    let at = &model.source;
    assert_eq!(row.id, model.id, "{at}");
    assert_eq!(row.label.en_us, model.label.en_us, "{at}");
    let others: Vec<(String, String)> = row
        .label
        .others
        .iter()
        .map(|(code, text)| ((*code).to_owned(), (*text).to_owned()))
        .collect();
    assert_eq!(others, model.label.others, "{at}");
    assert_eq!(
        format!("{:?}", row.model_type),
        format!("{:?}", model.model_type),
        "{at}"
    );
    assert_eq!(
        format!("{:?}", row.features),
        format!("{:?}", model.features),
        "{at}"
    );
    assert_eq!(
        format!("{:?}", row.fetch_from),
        format!("{:?}", model.fetch_from),
        "{at}"
    );

    let (got, want) = (&row.properties, &model.properties);
    assert_eq!(
        format!("{:?}", got.mode),
        format!("{:?}", want.mode),
        "{at}"
    );
    assert_eq!(got.context_size, want.context_size, "{at}");
    assert_eq!(got.max_chunks, want.max_chunks, "{at}");
    assert_eq!(got.file_upload_limit, want.file_upload_limit, "{at}");
    assert_eq!(
        got.supported_file_extensions,
        want.supported_file_extensions.as_deref(),
        "{at}"
    );
    assert_eq!(got.default_voice, want.default_voice.as_deref(), "{at}");
    assert_eq!(got.voices.len(), want.voices.len(), "{at}");
    assert_eq!(got.word_limit, want.word_limit, "{at}");
    assert_eq!(got.audio_type, want.audio_type.as_deref(), "{at}");
    assert_eq!(got.max_workers, want.max_workers, "{at}");
    assert_eq!(
        got.max_characters_per_chunk, want.max_characters_per_chunk,
        "{at}"
    );

    let rules: Vec<&str> = row.parameter_rules.iter().map(|r| r.name).collect();
    let declared_rules: Vec<&str> = model
        .parameter_rules
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(rules, declared_rules, "{at}");

    match (&row.pricing, &model.pricing) {
        (None, None) => {}
        (Some(got), Some(want)) => {
            assert_eq!(declared(&got.input), want.input, "{at}");
            assert_eq!(got.output.as_ref().map(declared), want.output, "{at}");
            assert_eq!(declared(&got.unit), want.unit, "{at}");
            assert_eq!(got.currency, want.currency, "{at}");
            assert_eq!(got.input.value().to_string(), want.input, "{at}");
        }
        (got, want) => panic!("{at}: pricing {got:?}, declared {want:?}"),
    }
    assert_eq!(row.deprecated, model.deprecated, "{at}");
    assert_eq!(row.source, model.source, "{at}");
}

#[test]
fn every_generated_row_is_its_yaml() {
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("providers");
    let loaded = load(&tree, &LoadOptions::default());
    assert!(!loaded.catalog.providers.is_empty());
    let mut compared = 0;
    for provider in &loaded.catalog.providers {
        let info = modelrt::registry::provider(&provider.id)
            .unwrap_or_else(|| panic!("provider `{}` is not in the registry", provider.id));
        assert_eq!(
            info.models.len(),
            provider.models.len(),
            "{}",
            provider.source
        );
        for model in &provider.models {
            let row = info
                .models
                .iter()
                .find(|row| {
                    row.id == model.id
                        && format!("{:?}", row.model_type) == format!("{:?}", model.model_type)
                })
                .unwrap_or_else(|| panic!("{}: no generated row", model.source));
            assert_row_matches(row, model);
            compared += 1;
        }
    }
    // The bundled tree has rows of both forms; a change to either shows up here.
    assert!(compared > 100, "compared {compared} rows");
}
