//! A hand-written tree with the quirks of real provider trees (core and plugin layouts, BOM,
//! CRLF, ja_JP, quoted numbers, repeated variables, file names that differ from ids,
//! duplicates, stale position entries, a manifest with anchors, aliases and a timestamp).

use std::path::{Path, PathBuf};

use modelrt_codegen::ir::{
    ConfigurateMethod, DefaultValue, FormType, LlmMode, ModelFeature, ModelType, ParameterType,
};
use modelrt_codegen::{load, LoadOptions, Loaded, Severity};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realistic")
}

fn loaded() -> Loaded {
    load(&root(), &LoadOptions::default())
}

#[test]
fn diagnostics_are_exactly_the_expected_warnings() {
    let loaded = loaded();
    let got: Vec<_> = loaded
        .diagnostics
        .items
        .iter()
        .map(|d| {
            (
                d.severity,
                d.file.as_str(),
                d.line,
                d.column,
                d.key.as_str(),
            )
        })
        .collect();
    use Severity::Warning;
    assert_eq!(
        got,
        vec![
            (Warning, "_position.yaml", 3, 3, "[2]"),
            (Warning, "acme/llm/_position.yaml", 2, 3, "[1]"),
            (Warning, "acme/llm/acme-lite-old.yaml", 1, 8, "model"),
            (Warning, "beta/beta.yaml", 0, 0, ""),
            (
                Warning,
                "gamma-pkg/models/llm/gamma-2-preview.yaml",
                1,
                8,
                "model"
            ),
            (Warning, "gamma-pkg/provider/gamma.yaml", 0, 0, ""),
        ]
    );
    assert!(loaded.diagnostics.items[3]
        .message
        .contains("`beta` is catalog-only"));
    assert_eq!(
        loaded.diagnostics.items[4].message,
        "duplicate llm model `gamma-1`: `gamma-pkg/models/llm/gamma-1.yaml` is kept and \
         `gamma-pkg/models/llm/gamma-2-preview.yaml` is ignored"
    );
    assert_eq!(loaded.provider_declarations, 3);
    assert_eq!(loaded.model_declarations, 8);
    assert_eq!(loaded.catalog.model_count(), 6);
}

#[test]
fn providers_follow_the_root_position_list() {
    let catalog = loaded().catalog;
    let ids: Vec<_> = catalog.providers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, vec!["beta", "acme", "gamma"]);
    let modules: Vec<_> = catalog
        .providers
        .iter()
        .map(|p| p.rust_module.as_str())
        .collect();
    assert_eq!(modules, vec!["beta", "acme", "gamma"]);
    assert_eq!(catalog.providers[2].source, "gamma-pkg/provider/gamma.yaml");
    assert_eq!(catalog.providers[2].dir, root().join("gamma-pkg"));
}

#[test]
fn core_provider_with_bom_crlf_and_i18n() {
    let catalog = loaded().catalog;
    let acme = &catalog.providers[1];
    assert_eq!(acme.source, "acme/acme.yaml");
    assert_eq!(acme.label.en_us, "Acme AI");
    assert_eq!(
        acme.label.others,
        vec![
            ("ja_JP".to_string(), "アクメ AI".to_string()),
            ("zh_Hans".to_string(), "阿克米".to_string())
        ]
    );
    assert_eq!(acme.background.as_deref(), Some("#FFEEDD"));
    assert_eq!(
        acme.help.as_ref().unwrap().url.en_us,
        "https://acme.invalid/keys"
    );
    assert_eq!(
        acme.supported_model_types,
        vec![ModelType::Llm, ModelType::TextEmbedding]
    );
    assert_eq!(
        acme.configurate_methods,
        vec![
            ConfigurateMethod::PredefinedModel,
            ConfigurateMethod::CustomizableModel
        ]
    );
    assert_eq!(acme.rust_files, vec![root().join("acme/acme.rs")]);
    assert_eq!(
        acme.extra_modelrt,
        vec![
            ("api_key_variable".to_string(), "api_key".to_string()),
            (
                "base_url".to_string(),
                "https://api.acme.invalid/v1".to_string()
            ),
            ("headers.X-Title".to_string(), "modelrt".to_string()),
        ]
    );
}

#[test]
fn credential_forms_keep_repeats_defaults_and_conditions() {
    let catalog = loaded().catalog;
    let acme = &catalog.providers[1];
    let region = &acme.provider_credentials[1];
    assert_eq!(region.form_type, FormType::Select);
    assert!(!region.required);
    assert_eq!(region.default.as_deref(), Some("eu"));
    assert_eq!(region.options.len(), 2);
    assert!(
        acme.provider_credentials[0].required,
        "required defaults to true"
    );
    let schema = acme.model_credential_schema.as_ref().unwrap();
    assert_eq!(schema.model_label.en_us, "Model name");
    assert_eq!(
        schema.model_placeholder.as_ref().unwrap().en_us,
        "e.g. acme-custom"
    );
    let vars: Vec<_> = schema.forms.iter().map(|f| f.variable.as_str()).collect();
    assert_eq!(
        vars,
        vec!["api_key", "context_size", "context_size", "stop"]
    );
    assert_eq!(schema.forms[1].default.as_deref(), Some("4096"));
    assert_eq!(schema.forms[1].show_on[0].variable, "__model_type");
    assert_eq!(schema.forms[1].show_on[0].value, "llm");
    assert_eq!(schema.forms[2].default.as_deref(), Some("512"));
    assert_eq!(schema.forms[2].show_on[0].value, "text-embedding");
    assert_eq!(schema.forms[3].default.as_deref(), Some("\\n\\n"));
    assert_eq!(schema.forms[3].max_length, 16);
}

#[test]
fn core_models_are_ordered_typed_and_deduplicated() {
    let catalog = loaded().catalog;
    let acme = &catalog.providers[1];
    let ids: Vec<_> = acme
        .models
        .iter()
        .map(|m| (m.id.as_str(), m.rust_ident.as_str(), m.model_type))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("acme-pro", "AcmePro", ModelType::Llm),
            ("acme-lite", "AcmeLite", ModelType::Llm),
            ("acme-embed", "AcmeEmbed", ModelType::TextEmbedding),
        ]
    );
    let pro = &acme.models[0];
    assert_eq!(pro.source, "acme/llm/pro.yaml");
    assert_eq!(
        pro.label.others,
        vec![("ja_JP".into(), "アクメ プロ".into())]
    );
    assert_eq!(
        pro.features,
        vec![ModelFeature::ToolCall, ModelFeature::Vision]
    );
    assert_eq!(pro.properties.context_size, Some(128_000));
    assert_eq!(pro.properties.mode, Some(LlmMode::Chat));
    let pricing = pro.pricing.as_ref().unwrap();
    assert_eq!(
        (pricing.input.as_str(), pricing.output.as_deref()),
        ("0.000001", Some("0.0000025"))
    );
    let rules = &pro.parameter_rules;
    assert_eq!(rules.len(), 5);
    assert_eq!(rules[0].max, Some(2.0));
    assert_eq!(rules[0].min, Some(0.0));
    assert_eq!(rules[1].name, "max_tokens_to_sample");
    assert_eq!(rules[1].use_template.as_deref(), Some("max_tokens"));
    assert_eq!(rules[1].default, Some(DefaultValue::Int(4096)));
    assert_eq!(rules[1].max, Some(8192.0));
    assert_eq!(rules[2].name, "topP");
    assert_eq!(rules[2].param_type, ParameterType::Float);
    assert_eq!(rules[3].options, vec!["JSON", "XML"]);
    assert_eq!(rules[4].label.en_us, "Seed");
    assert_eq!(rules[4].default, None);

    let lite = &acme.models[1];
    assert_eq!(lite.source, "acme/llm/acme-lite.yaml");
    assert_eq!(lite.label.en_us, "Acme\tLite");
    assert_eq!(lite.properties.mode, Some(LlmMode::Completion));
    assert!(!lite.deprecated);
    assert_eq!(lite.pricing.as_ref().unwrap().input, "0.5");
    assert_eq!(lite.pricing.as_ref().unwrap().currency, "RMB");
    let embed = &acme.models[2];
    assert_eq!(embed.label.en_us, "acme-embed");
    assert_eq!(embed.properties.max_chunks, Some(16));
}

#[test]
fn plugin_package_globs_positions_and_duplicates() {
    let catalog = loaded().catalog;
    let gamma = &catalog.providers[2];
    let ids: Vec<_> = gamma
        .models
        .iter()
        .map(|m| (m.id.as_str(), m.source.as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("gamma-2", "gamma-pkg/models/llm/gamma-2.yaml"),
            ("gamma-1", "gamma-pkg/models/llm/gamma-1.yaml"),
            ("gamma-voice", "gamma-pkg/models/tts/voice.yaml"),
        ]
    );
    assert_eq!(
        gamma.models[1].features,
        vec![ModelFeature::StructuredOutput]
    );
    let voice = &gamma.models[2].properties;
    assert_eq!(voice.default_voice.as_deref(), Some("ava"));
    assert_eq!(voice.voices[0].language, vec!["en-US"]);
    assert!(
        gamma.extra_modelrt.is_empty(),
        "extra.python is not modelrt's"
    );
    assert!(gamma.rust_files.is_empty());
}

#[test]
fn inputs_list_every_file_read_and_skip_ignored_folders() {
    let catalog = loaded().catalog;
    let inputs = &catalog.inputs;
    for file in [
        "_position.yaml",
        "acme/acme.yaml",
        "acme/acme.rs",
        "acme/llm/pro.yaml",
        "gamma-pkg/manifest.yaml",
        "gamma-pkg/models/llm/_position.yaml",
    ] {
        assert!(inputs.contains(&root().join(file)), "{file} missing");
    }
    assert!(inputs.contains(&root()));
    assert!(!inputs
        .iter()
        .any(|p| p.starts_with(root().join("__internal"))));
    assert!(!inputs
        .iter()
        .any(|p| p.starts_with(root().join("acme/__pycache__"))));
    let mut sorted = inputs.clone();
    sorted.sort();
    assert_eq!(&sorted, inputs);
}

#[test]
fn strict_mode_turns_warnings_into_errors() {
    let loaded = load(&root(), &LoadOptions { strict: true });
    assert_eq!(loaded.diagnostics.error_count(), 6);
    assert_eq!(loaded.diagnostics.warning_count(), 0);
}

#[test]
fn a_single_provider_or_package_folder_is_a_root_too() {
    let acme = load(&root().join("acme"), &LoadOptions::default());
    assert_eq!(acme.catalog.providers.len(), 1);
    assert_eq!(acme.catalog.providers[0].models.len(), 3);
    assert_eq!(acme.catalog.providers[0].source, "acme.yaml");
    let gamma = load(&root().join("gamma-pkg"), &LoadOptions::default());
    assert_eq!(gamma.catalog.providers[0].id, "gamma");
    assert_eq!(gamma.catalog.model_count(), 3);
}
