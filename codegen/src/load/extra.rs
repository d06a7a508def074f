//! `extra.modelrt`: modelrt's own provider settings (docs/provider-extra.md), validated against
//! a typed schema and flattened to dotted keys.
//!
//! Each key's kind lives in [`KEYS`]; a new setting is one row there (and one in the doc).

use modelrt_vocabulary::{did_you_mean, FormType, ModelType, Protocol, PROTOCOLS};

use crate::ir::{CredentialForm, PROTOCOL_KEY};

use super::report::{child, Place, Report};
use super::yaml::{Key, Node, Value};

/// What a key under `extra.modelrt` holds.
#[derive(Debug, Clone, Copy)]
enum KeyType {
    /// The name of a protocol the runtime implements.
    Protocol,
    /// Free text (a URL, a suffix).
    Text,
    /// The name of a credential variable whose form is one of these types.
    Variable(&'static [FormType]),
    /// A mapping of header names to fixed values.
    Headers,
    /// A mapping of header names to credential variables whose form is one of these types.
    HeaderVariables(&'static [FormType]),
    /// One of these words.
    OneOf(&'static [&'static str]),
}

/// Forms a value sent as text can come from: anything but a switch.
const TEXT_FORMS: &[FormType] = &[
    FormType::TextInput,
    FormType::SecretInput,
    FormType::Select,
    FormType::Radio,
];

/// Every key modelrt reads, and its kind.
const KEYS: &[(&str, KeyType)] = &[
    (PROTOCOL_KEY, KeyType::Protocol),
    ("base_url", KeyType::Text),
    (
        "api_key_variable",
        KeyType::Variable(&[FormType::SecretInput, FormType::TextInput]),
    ),
    ("base_url_variable", KeyType::Variable(TEXT_FORMS)),
    ("base_url_variable_suffix", KeyType::Text),
    ("headers", KeyType::Headers),
    ("header_variables", KeyType::HeaderVariables(TEXT_FORMS)),
    // Azure OpenAI: the `api-version` query value, fixed or from a form, and an Entra ID token.
    ("api_version", KeyType::Text),
    ("api_version_variable", KeyType::Variable(TEXT_FORMS)),
    (
        "bearer_token_variable",
        KeyType::Variable(&[FormType::SecretInput, FormType::TextInput]),
    ),
    // Azure OpenAI: a Microsoft Entra service principal and the authority that issues its tokens.
    ("entra_tenant_variable", KeyType::Variable(TEXT_FORMS)),
    ("entra_client_id_variable", KeyType::Variable(TEXT_FORMS)),
    (
        "entra_client_secret_variable",
        KeyType::Variable(&[FormType::SecretInput]),
    ),
    ("entra_authority", KeyType::Text),
    // The credential holding the name the server knows the model by (an endpoint id, a uid).
    ("model_variable", KeyType::Variable(TEXT_FORMS)),
    // Voyage's shapes: `input_type` on embeddings, `top_k` on rerank.
    (
        "embedding_input_type_field",
        KeyType::OneOf(&["input_type"]),
    ),
    ("rerank_top_field", KeyType::OneOf(&["top_n", "top_k"])),
];

/// Every key a model's own `extra.modelrt` may hold.
const MODEL_KEYS: &[(&str, KeyType)] = &[
    // Which OpenAI API an `openai-compatible` model is called through.
    ("api", KeyType::OneOf(&["chat-completions", "responses"])),
];

/// What of the provider the settings are checked against.
pub struct Context<'a> {
    /// `supported_model_types`.
    pub model_types: &'a [ModelType],
    /// Every credential form field, provider-wide and per model.
    pub forms: Vec<&'a CredentialForm>,
}

/// `extra.modelrt`, validated.
#[derive(Debug, Default)]
pub struct Settings {
    /// Flattened to dotted keys with scalar values, sorted by key.
    pub values: Vec<(String, String)>,
    /// Where `protocol` is written, when it is.
    pub protocol_place: Option<Place>,
}

/// Validates and flattens `extra.modelrt` (other `extra` keys, such as `python`, belong to
/// other runtimes). Unknown keys are warned about and kept, so a newer tree still loads.
pub fn modelrt_extra(extra: &Node, path: &str, context: &Context<'_>, r: &mut Report) -> Settings {
    validate(extra, path, KEYS, context, r)
}

/// Validates and flattens a model file's `extra.modelrt` (its keys are [`MODEL_KEYS`]).
pub fn model_extra(extra: &Node, path: &str, r: &mut Report) -> Vec<(String, String)> {
    let context = Context {
        model_types: &[],
        forms: Vec::new(),
    };
    validate(extra, path, MODEL_KEYS, &context, r).values
}

fn validate(
    extra: &Node,
    path: &str,
    keys: &[(&str, KeyType)],
    context: &Context<'_>,
    r: &mut Report,
) -> Settings {
    let mut settings = Settings::default();
    let Some(entries) = extra.as_map() else {
        r.error(
            extra,
            path,
            format!("expected a mapping, found {}", extra.kind()),
        );
        return settings;
    };
    let out = &mut settings.values;
    for (key, value) in entries.iter().filter(|(k, _)| k.name == "modelrt") {
        let modelrt_path = child(path, &key.name);
        if value.value == Value::Null {
            continue;
        }
        let Some(declared) = value.as_map() else {
            r.error(
                value,
                &modelrt_path,
                format!("expected a mapping, found {}", value.kind()),
            );
            continue;
        };
        for (key, value) in declared {
            let key_path = child(&modelrt_path, &key.name);
            if key.name == PROTOCOL_KEY {
                settings.protocol_place = Some(Place::from(value));
            }
            match keys.iter().find(|(name, _)| *name == key.name) {
                Some(&(_, kind)) => check(kind, value, &key_path, context, r),
                None => unknown_key(key, keys, &key_path, r),
            }
            flatten(value, &key.name, out);
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    settings
}

fn unknown_key(key: &Key, keys: &[(&str, KeyType)], path: &str, r: &mut Report) {
    let names = keys.iter().map(|(name, _)| *name);
    let hint = did_you_mean(&key.name, names)
        .map(|close| format!("; did you mean `{close}`?"))
        .unwrap_or_default();
    let known: Vec<&str> = keys.iter().map(|(name, _)| *name).collect();
    r.warn(
        key,
        path,
        format!(
            "unknown key `{}` under extra.modelrt, expected one of: {}{hint}",
            key.name,
            known.join(", ")
        ),
    );
}

fn check(kind: KeyType, value: &Node, path: &str, context: &Context, r: &mut Report) {
    match kind {
        KeyType::Protocol => {
            if let Some(name) = text(value, path, r) {
                protocol(&name, value, path, context, r);
            }
        }
        KeyType::Text => {
            text(value, path, r);
        }
        KeyType::OneOf(words) => {
            if let Some(word) = text(value, path, r) {
                if !words.contains(&word.as_str()) {
                    r.error(
                        value,
                        path,
                        format!(
                            "unknown value `{word}`, expected one of: {}",
                            words.join(", ")
                        ),
                    );
                }
            }
        }
        KeyType::Variable(fitting) => {
            if let Some(variable) = text(value, path, r) {
                credential_variable(&variable, fitting, value, path, context, r);
            }
        }
        KeyType::Headers | KeyType::HeaderVariables(_) => {
            let Some(headers) = value.as_map() else {
                r.error(
                    value,
                    path,
                    format!("expected a mapping of header names, found {}", value.kind()),
                );
                return;
            };
            for (header, header_value) in headers {
                let header_path = child(path, &header.name);
                if !is_header_name(&header.name) {
                    r.error(
                        header,
                        &header_path,
                        format!(
                            "`{}` is not a valid header name (letters, digits and \
                             !#$%&'*+-^_`|~, no `.`)",
                            header.name
                        ),
                    );
                }
                let Some(text) = text(header_value, &header_path, r) else {
                    continue;
                };
                if let KeyType::HeaderVariables(fitting) = kind {
                    credential_variable(&text, fitting, header_value, &header_path, context, r);
                }
            }
        }
    }
}

/// A scalar value as text; reports a mapping, list or null.
fn text(value: &Node, path: &str, r: &mut Report) -> Option<String> {
    let text = value.scalar_text();
    if text.is_none() {
        r.error(
            value,
            path,
            format!("expected a string, found {}", value.kind()),
        );
    }
    text
}

fn protocol(name: &str, value: &Node, path: &str, context: &Context, r: &mut Report) {
    let Some(protocol) = Protocol::named(name) else {
        let names = PROTOCOLS.iter().map(|p| p.name);
        let hint = did_you_mean(name, names.clone())
            .map(|close| format!("; did you mean `{close}`?"))
            .unwrap_or_default();
        let known: Vec<&str> = names.collect();
        r.error(
            value,
            path,
            format!(
                "unknown protocol `{name}`, expected one of: {}{hint}",
                known.join(", ")
            ),
        );
        return;
    };
    let missing: Vec<&str> = context
        .model_types
        .iter()
        .filter(|&&t| !protocol.supports(t))
        .map(|t| t.as_str())
        .collect();
    if !missing.is_empty() {
        let supported: Vec<&str> = protocol.model_types.iter().map(|t| t.as_str()).collect();
        r.error(
            value,
            path,
            format!(
                "protocol `{name}` does not implement {}, which supported_model_types declares \
                 (it implements: {})",
                quoted(&missing),
                supported.join(", ")
            ),
        );
    }
}

fn credential_variable(
    variable: &str,
    fitting: &[FormType],
    value: &Node,
    path: &str,
    context: &Context,
    r: &mut Report,
) {
    let declared: Vec<&CredentialForm> = context
        .forms
        .iter()
        .copied()
        .filter(|f| f.variable == variable)
        .collect();
    if declared.is_empty() {
        let names = context.forms.iter().map(|f| f.variable.as_str());
        let hint = did_you_mean(variable, names)
            .map(|close| format!("; did you mean `{close}`?"))
            .unwrap_or_default();
        r.error(
            value,
            path,
            format!(
                "credential variable `{variable}` is not declared in provider_credential_schema \
                 or model_credential_schema{hint}"
            ),
        );
        return;
    }
    if let Some(form) = declared.iter().find(|f| !fitting.contains(&f.form_type)) {
        let names: Vec<&str> = fitting.iter().map(|t| t.as_str()).collect();
        r.error(
            value,
            path,
            format!(
                "credential variable `{variable}` is a `{}` field; this key needs one of: {}",
                form.form_type,
                names.join(", ")
            ),
        );
    }
}

/// `a`, `a` and `b`, `a`, `b` and `c`, each in backticks.
fn quoted(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

/// An HTTP field name (RFC 9110 token) without `.`, which the flattened keys use as separator.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-^_`|~".contains(&b))
}

fn flatten(node: &Node, prefix: &str, out: &mut Vec<(String, String)>) {
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                flatten(value, &child(prefix, &key.name), out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(item, &child(prefix, &i.to_string()), out);
            }
        }
        Value::Null => {}
        _ => {
            if let Some(text) = node.scalar_text() {
                out.push((prefix.to_string(), text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;
    use crate::ir::I18n;
    use crate::Diagnostic;

    fn form(variable: &str, form_type: FormType) -> CredentialForm {
        CredentialForm {
            variable: variable.into(),
            label: I18n::default(),
            form_type,
            required: true,
            default: None,
            options: vec![],
            placeholder: None,
            max_length: 0,
            show_on: vec![],
        }
    }

    fn run(text: &str, types: &[ModelType]) -> (Vec<(String, String)>, Vec<Diagnostic>) {
        let node = parse(text).unwrap();
        let forms = [
            form("api_key", FormType::SecretInput),
            form("endpoint_url", FormType::TextInput),
            form("stream", FormType::Switch),
        ];
        let context = Context {
            model_types: types,
            forms: forms.iter().collect(),
        };
        let mut out = Vec::new();
        let got = modelrt_extra(
            &node,
            "extra",
            &context,
            &mut Report::new("p.yaml", &mut out),
        );
        (got.values, out)
    }

    fn messages(diagnostics: &[Diagnostic]) -> Vec<String> {
        diagnostics
            .iter()
            .map(|d| format!("{}:{} {}: {}", d.line, d.column, d.key, d.message))
            .collect()
    }

    #[test]
    fn flattens_nested_keys_and_keeps_other_runtimes_keys_out() {
        let (got, out) = run(
            "python: {x: 1}\nmodelrt:\n  protocol: ollama\n  base_url: https://h/v1\n  \
             api_key_variable: api_key\n  headers: {X-Title: modelrt}\n  \
             header_variables: {X-Endpoint: endpoint_url}\n",
            &[ModelType::Llm],
        );
        assert!(out.is_empty(), "{out:?}");
        let keys: Vec<_> = got.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            keys,
            vec![
                "api_key_variable=api_key",
                "base_url=https://h/v1",
                "header_variables.X-Endpoint=endpoint_url",
                "headers.X-Title=modelrt",
                "protocol=ollama",
            ]
        );
    }

    #[test]
    fn protocols_must_exist_and_serve_every_declared_type() {
        let (_, out) = run("modelrt:\n  protocol: antropic\n", &[ModelType::Llm]);
        assert_eq!(
            messages(&out),
            vec![
                "2:13 extra.modelrt.protocol: unknown protocol `antropic`, expected one of: \
                 openai-compatible, anthropic, ollama, cohere, bedrock, azure-openai, \
                 openai-responses, gemini, vertex-ai, nomic, triton, fishaudio, wenxin, hunyuan, \
                 spark, sagemaker, oci, replicate, tencent-asr; did you mean `anthropic`?"
            ]
        );
        let (_, out) = run(
            "modelrt:\n  protocol: anthropic\n",
            &[ModelType::Llm, ModelType::TextEmbedding, ModelType::Tts],
        );
        assert_eq!(
            messages(&out),
            vec![
                "2:13 extra.modelrt.protocol: protocol `anthropic` does not implement \
                 `text-embedding` and `tts`, which supported_model_types declares (it \
                 implements: llm)"
            ]
        );
    }

    #[test]
    fn variables_must_be_declared_with_a_fitting_form() {
        let (_, out) = run(
            "modelrt:\n  api_key_variable: api_kye\n  base_url_variable: stream\n  \
             header_variables: {X-A: nope}\n",
            &[],
        );
        assert_eq!(
            messages(&out),
            vec![
                "2:21 extra.modelrt.api_key_variable: credential variable `api_kye` is not \
                 declared in provider_credential_schema or model_credential_schema; did you \
                 mean `api_key`?",
                "3:22 extra.modelrt.base_url_variable: credential variable `stream` is a \
                 `switch` field; this key needs one of: text-input, secret-input, select, radio",
                "4:27 extra.modelrt.header_variables.X-A: credential variable `nope` is not \
                 declared in provider_credential_schema or model_credential_schema",
            ]
        );
    }

    #[test]
    fn bad_header_names_wrong_shapes_and_unknown_keys() {
        let (got, out) = run(
            "modelrt:\n  headers: {X.Title: a, 'Bad Name': b}\n  base_url: [a]\n  \
             protocl: ollama\n",
            &[],
        );
        assert_eq!(
            messages(&out),
            vec![
                "2:13 extra.modelrt.headers.X.Title: `X.Title` is not a valid header name \
                 (letters, digits and !#$%&'*+-^_`|~, no `.`)",
                "2:25 extra.modelrt.headers.Bad Name: `Bad Name` is not a valid header name \
                 (letters, digits and !#$%&'*+-^_`|~, no `.`)",
                "3:13 extra.modelrt.base_url: expected a string, found a list",
                "4:3 extra.modelrt.protocl: unknown key `protocl` under extra.modelrt, expected \
                 one of: protocol, base_url, api_key_variable, base_url_variable, \
                 base_url_variable_suffix, headers, header_variables, api_version, \
                 api_version_variable, bearer_token_variable, entra_tenant_variable, \
                 entra_client_id_variable, entra_client_secret_variable, entra_authority, \
                 model_variable, embedding_input_type_field, rerank_top_field; did you mean \
                 `protocol`?",
            ]
        );
        assert!(got.contains(&("protocl".to_owned(), "ollama".to_owned())));
    }
}
