//! `model_properties` (SCHEMA.md §5): a closed key set, each key belonging to some model types.

use crate::ir::{LlmMode, ModelProperties, ModelType, Voice};

use super::fields::{self, Fields};
use super::report::{child, Report};
use super::yaml::Node;

/// Every known key with the model types it belongs to.
const KEYS: &[(&str, &[ModelType])] = {
    use ModelType::*;
    &[
        ("mode", &[Llm]),
        (
            "context_size",
            &[
                Llm,
                TextEmbedding,
                Rerank,
                MultimodalEmbedding,
                MultimodalRerank,
            ],
        ),
        (
            "max_chunks",
            &[TextEmbedding, Moderation, MultimodalEmbedding],
        ),
        ("file_upload_limit", &[Speech2Text]),
        ("supported_file_extensions", &[Speech2Text]),
        ("default_voice", &[Tts]),
        ("voices", &[Tts]),
        ("word_limit", &[Tts]),
        ("audio_type", &[Tts]),
        ("max_workers", &[Tts]),
        ("max_characters_per_chunk", &[Moderation]),
    ]
};

/// Parses `model_properties` of a model of type `model_type`.
pub fn properties(
    node: &Node,
    path: &str,
    model_type: Option<ModelType>,
    r: &mut Report,
) -> ModelProperties {
    let mut props = ModelProperties::default();
    let Some(mut f) = Fields::open(node, path, r) else {
        return props;
    };
    let entries = node.as_map().unwrap_or_default();
    for (key, _) in entries {
        let key_path = child(path, &key.name);
        match KEYS.iter().find(|(name, _)| *name == key.name) {
            None => {
                let known: Vec<&str> = KEYS.iter().map(|(name, _)| *name).collect();
                r.error(
                    key,
                    &key_path,
                    format!(
                        "unknown model property `{}`, expected one of: {}",
                        key.name,
                        known.join(", ")
                    ),
                );
            }
            Some((_, types)) => {
                if let Some(t) = model_type.filter(|t| !types.contains(t)) {
                    r.warn(
                        key,
                        &key_path,
                        format!(
                            "model property `{}` does not apply to {} models (ignored)",
                            key.name,
                            t.as_str()
                        ),
                    );
                }
            }
        }
    }
    let applies = |key: &str| {
        KEYS.iter()
            .any(|(name, types)| *name == key && model_type.is_none_or(|t| types.contains(&t)))
    };
    if applies("mode") {
        props.mode = f.enumeration(
            "mode",
            r,
            |s| s.parse::<LlmMode>().ok(),
            &LlmMode::NAMES.join(", "),
        );
    }
    for (key, slot) in [
        ("context_size", &mut props.context_size),
        ("max_chunks", &mut props.max_chunks),
        ("file_upload_limit", &mut props.file_upload_limit),
        ("word_limit", &mut props.word_limit),
        ("max_workers", &mut props.max_workers),
        (
            "max_characters_per_chunk",
            &mut props.max_characters_per_chunk,
        ),
    ] {
        if applies(key) {
            *slot = f.count(key, r);
        }
    }
    for (key, slot) in [
        (
            "supported_file_extensions",
            &mut props.supported_file_extensions,
        ),
        ("default_voice", &mut props.default_voice),
        ("audio_type", &mut props.audio_type),
    ] {
        if applies(key) {
            *slot = f.string(key, r);
        }
    }
    if applies("voices") {
        props.voices = f
            .list("voices", r)
            .into_iter()
            .filter_map(|(p, n)| voice(n, &p, r))
            .collect();
    }
    props
}

fn voice(node: &Node, path: &str, r: &mut Report) -> Option<Voice> {
    let mut f = Fields::open(node, path, r)?;
    let mode = f.required_string("mode", r);
    let name = f.required_string("name", r);
    let language = match f.get("language") {
        Some(n) if n.as_seq().is_none() => fields::string(n, &f.path("language"), r)
            .into_iter()
            .collect(),
        _ => f
            .list("language", r)
            .into_iter()
            .filter_map(|(p, n)| fields::string(n, &p, r))
            .collect(),
    };
    f.finish(r);
    Some(Voice {
        mode: mode?,
        name: name?,
        language,
    })
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;

    fn load(text: &str, t: ModelType) -> (ModelProperties, Vec<crate::Diagnostic>) {
        let node = parse(text).unwrap();
        let mut out = Vec::new();
        let props = properties(
            &node,
            "model_properties",
            Some(t),
            &mut Report::new("m.yaml", &mut out),
        );
        (props, out)
    }

    #[test]
    fn llm_properties() {
        let (p, out) = load("mode: chat\ncontext_size: '128000'\n", ModelType::Llm);
        assert!(out.is_empty());
        assert_eq!(p.mode, Some(LlmMode::Chat));
        assert_eq!(p.context_size, Some(128_000));
    }

    #[test]
    fn unknown_key_is_an_error_and_foreign_key_a_warning() {
        let (p, out) = load(
            "mode: chat\ncontext_sise: 1\nmax_chunks: 2\n",
            ModelType::Llm,
        );
        assert_eq!(p.max_chunks, None);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].severity, crate::Severity::Error);
        assert_eq!(out[0].key, "model_properties.context_sise");
        assert_eq!(out[1].severity, crate::Severity::Warning);
        assert_eq!(
            out[1].message,
            "model property `max_chunks` does not apply to llm models (ignored)"
        );
    }

    #[test]
    fn tts_voices_and_bad_mode() {
        let (p, out) = load(
            "default_voice: alloy\nvoices:\n  - {mode: alloy, name: Alloy, language: [en-US, zh-Hans]}\nword_limit: 3500\naudio_type: mp3\nmax_workers: 5\n",
            ModelType::Tts,
        );
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(p.voices[0].language, vec!["en-US", "zh-Hans"]);
        assert_eq!(p.word_limit, Some(3500));
        let (_, out) = load("mode: talk\n", ModelType::Llm);
        assert_eq!(
            out[0].message,
            "unknown value `talk`, expected one of: chat, completion"
        );
    }
}
