//! The Dify protocol overlay: how to call the providers of Dify's core tree, whose YAML has no
//! `extra.modelrt` (Dify's own runtime calls them from Python).
//!
//! A provider with neither `extra.modelrt.protocol` nor Rust beside its YAML takes its
//! settings from [`OVERLAY`], keyed by its Dify id, so a Dify tree is callable without edits.
//! The settings are the `extra.modelrt` keys of docs/provider-extra.md, plus `overlay: dify`
//! so that listings can say where they came from. A variable may name alternatives separated
//! by `|` (Dify renamed some across releases); the first one the tree's forms declare is used,
//! and none declared is a warning.

use crate::ir::{CredentialForm, FormType, Provider};

use super::report::{Place, Report};

/// The key marking settings that came from the overlay.
pub const OVERLAY_KEY: &str = "overlay";

/// How to call one Dify provider: `extra.modelrt` settings as dotted keys.
type Settings = &'static [(&'static str, &'static str)];

const OPENAI: &str = "openai-compatible";

/// Every Dify core provider, by id (one line each, so the table reads as one).
#[rustfmt::skip]
static OVERLAY: &[(&str, Settings)] = &[
    ("anthropic", &[("protocol", "anthropic"), ("base_url", "https://api.anthropic.com"), ("api_key_variable", "anthropic_api_key"), ("base_url_variable", "anthropic_api_url")]),
    ("azure_ai_studio", &[("protocol", OPENAI), ("base_url_variable", "endpoint"), ("api_key_variable", "api_key"), ("api_version", "2024-05-01-preview")]),
    ("azure_openai", &[("protocol", "azure-openai"), ("base_url_variable", "openai_api_base"), ("api_key_variable", "openai_api_key"), ("api_version_variable", "openai_api_version")]),
    ("baichuan", &[("protocol", OPENAI), ("base_url", "https://api.baichuan-ai.com/v1"), ("api_key_variable", "api_key")]),
    ("bedrock", &[("protocol", "bedrock"), ("base_url", "https://bedrock-runtime.{region}.amazonaws.com")]),
    ("chatglm", &[("protocol", OPENAI), ("base_url_variable", "api_base"), ("base_url_variable_suffix", "/v1")]),
    ("cohere", &[("protocol", "cohere"), ("base_url", "https://api.cohere.com"), ("api_key_variable", "api_key"), ("base_url_variable", "base_url")]),
    ("deepseek", &[("protocol", OPENAI), ("base_url", "https://api.deepseek.com/v1"), ("api_key_variable", "api_key"), ("base_url_variable", "endpoint_url")]),
    ("fireworks", &[("protocol", OPENAI), ("base_url", "https://api.fireworks.ai/inference/v1"), ("api_key_variable", "fireworks_api_key")]),
    ("fishaudio", &[("protocol", "fishaudio"), ("base_url", "https://api.fish.audio"), ("base_url_variable", "api_base"), ("api_key_variable", "api_key")]),
    ("gitee_ai", &[("protocol", OPENAI), ("base_url", "https://ai.gitee.com/v1"), ("api_key_variable", "api_key")]),
    ("google", &[("protocol", "gemini"), ("base_url", "https://generativelanguage.googleapis.com/v1beta"), ("api_key_variable", "google_api_key")]),
    ("gpustack", &[("protocol", OPENAI), ("api_key_variable", "api_key"), ("base_url_variable", "endpoint_url"), ("base_url_variable_suffix", "/v1-openai")]),
    ("groq", &[("protocol", OPENAI), ("base_url", "https://api.groq.com/openai/v1"), ("api_key_variable", "api_key")]),
    ("huggingface_hub", &[("protocol", OPENAI), ("base_url", "https://router.huggingface.co/v1"), ("api_key_variable", "huggingfacehub_api_token"), ("base_url_variable", "huggingfacehub_endpoint_url"), ("base_url_variable_suffix", "/v1")]),
    ("huggingface_tei", &[("protocol", OPENAI), ("base_url_variable", "server_url"), ("base_url_variable_suffix", "/v1")]),
    ("hunyuan", &[("protocol", "hunyuan"), ("base_url", "https://hunyuan.tencentcloudapi.com")]),
    ("jina", &[("protocol", OPENAI), ("base_url", "https://api.jina.ai/v1"), ("api_key_variable", "api_key"), ("base_url_variable", "base_url")]),
    ("leptonai", &[("protocol", OPENAI), ("base_url", "https://{model}.lepton.run/api/v1"), ("api_key_variable", "api_key")]),
    ("localai", &[("protocol", OPENAI), ("base_url_variable", "server_url"), ("base_url_variable_suffix", "/v1")]),
    ("minimax", &[("protocol", OPENAI), ("base_url", "https://api.minimax.chat/v1"), ("api_key_variable", "minimax_api_key|api_key")]),
    ("mistralai", &[("protocol", OPENAI), ("base_url", "https://api.mistral.ai/v1"), ("api_key_variable", "api_key")]),
    ("mixedbread", &[("protocol", OPENAI), ("base_url", "https://api.mixedbread.ai/v1"), ("api_key_variable", "api_key")]),
    ("moonshot", &[("protocol", OPENAI), ("base_url", "https://api.moonshot.cn/v1"), ("api_key_variable", "api_key"), ("base_url_variable", "endpoint_url")]),
    ("nomic", &[("protocol", "nomic"), ("base_url", "https://api-atlas.nomic.ai"), ("api_key_variable", "nomic_api_key")]),
    ("novita", &[("protocol", OPENAI), ("base_url", "https://api.novita.ai/v3/openai"), ("api_key_variable", "api_key")]),
    ("nvidia", &[("protocol", OPENAI), ("base_url", "https://integrate.api.nvidia.com/v1"), ("api_key_variable", "api_key")]),
    ("nvidia_nim", &[("protocol", OPENAI), ("base_url_variable", "endpoint_url")]),
    ("oci", &[("protocol", "oci"), ("base_url", "https://inference.generativeai.{region}.oci.oraclecloud.com"), ("api_key_variable", "oci_key_content")]),
    ("ollama", &[("protocol", "ollama"), ("base_url", "http://localhost:11434"), ("base_url_variable", "base_url")]),
    ("openai", &[("protocol", OPENAI), ("base_url", "https://api.openai.com/v1"), ("api_key_variable", "openai_api_key"), ("base_url_variable", "openai_api_base"), ("base_url_variable_suffix", "/v1"), ("header_variables.OpenAI-Organization", "openai_organization")]),
    ("openai_api_compatible", &[("protocol", OPENAI), ("api_key_variable", "api_key"), ("base_url_variable", "endpoint_url")]),
    ("openllm", &[("protocol", OPENAI), ("base_url_variable", "server_url"), ("base_url_variable_suffix", "/v1")]),
    ("openrouter", &[("protocol", OPENAI), ("base_url", "https://openrouter.ai/api/v1"), ("api_key_variable", "api_key"), ("headers.X-Title", "modelrt")]),
    ("perfxcloud", &[("protocol", OPENAI), ("base_url", "https://cloud.perfxlab.cn/v1"), ("api_key_variable", "api_key"), ("base_url_variable", "endpoint_url")]),
    ("replicate", &[("protocol", "replicate"), ("base_url", "https://api.replicate.com"), ("api_key_variable", "replicate_api_token")]),
    ("sagemaker", &[("protocol", "sagemaker"), ("base_url", "https://runtime.sagemaker.{region}.amazonaws.com")]),
    ("siliconflow", &[("protocol", OPENAI), ("base_url", "https://api.siliconflow.cn/v1"), ("api_key_variable", "api_key|siliconflow_api_key")]),
    ("spark", &[("protocol", "spark"), ("base_url", "https://spark-api.xf-yun.com"), ("api_key_variable", "api_key")]),
    ("stepfun", &[("protocol", OPENAI), ("base_url", "https://api.stepfun.com/v1"), ("api_key_variable", "api_key")]),
    ("tencent", &[("protocol", "tencent-asr"), ("base_url", "https://asr.cloud.tencent.com"), ("api_key_variable", "secret_id")]),
    ("togetherai", &[("protocol", OPENAI), ("base_url", "https://api.together.xyz/v1"), ("api_key_variable", "api_key")]),
    ("tongyi", &[("protocol", OPENAI), ("base_url", "https://dashscope.aliyuncs.com/compatible-mode/v1"), ("api_key_variable", "dashscope_api_key|tongyi_api_key")]),
    ("triton_inference_server", &[("protocol", "triton"), ("base_url_variable", "server_url")]),
    ("upstage", &[("protocol", OPENAI), ("base_url", "https://api.upstage.ai/v1/solar"), ("api_key_variable", "upstage_api_key")]),
    ("vertex_ai", &[("protocol", "vertex-ai")]),
    ("vessl_ai", &[("protocol", OPENAI), ("api_key_variable", "api_key"), ("base_url_variable", "endpoint_url")]),
    ("volcengine_maas", &[("protocol", OPENAI), ("base_url", "https://ark.cn-beijing.volces.com/api/v3"), ("base_url_variable", "api_endpoint_host"), ("api_key_variable", "volc_api_key"), ("model_variable", "endpoint_id")]),
    ("voyage", &[("protocol", OPENAI), ("base_url", "https://api.voyageai.com/v1"), ("api_key_variable", "api_key"), ("embedding_input_type_field", "input_type"), ("rerank_top_field", "top_k")]),
    ("wenxin", &[("protocol", "wenxin"), ("base_url", "https://aip.baidubce.com"), ("api_key_variable", "api_key")]),
    ("x", &[("protocol", OPENAI), ("base_url", "https://api.x.ai/v1"), ("api_key_variable", "api_key"), ("base_url_variable", "endpoint_url")]),
    ("xinference", &[("protocol", OPENAI), ("base_url_variable", "server_url"), ("base_url_variable_suffix", "/v1"), ("api_key_variable", "api_key"), ("model_variable", "model_uid")]),
    ("yi", &[("protocol", OPENAI), ("base_url", "https://api.lingyiwanwu.com/v1"), ("api_key_variable", "api_key"), ("base_url_variable", "endpoint_url")]),
    ("zhinao", &[("protocol", OPENAI), ("base_url", "https://api.360.cn/v1"), ("api_key_variable", "api_key")]),
    ("zhipuai", &[("protocol", OPENAI), ("base_url", "https://open.bigmodel.cn/api/paas/v4"), ("api_key_variable", "api_key|zhipuai_api_key")]),
];

/// Applies the overlay to `provider` when its YAML says nothing about how to call it.
/// Reports (as warnings, into the provider file's `r`) variables no form declares.
pub fn apply(provider: &mut Provider, r: &mut Report) {
    let declares_protocol = provider.extra_modelrt.iter().any(|(k, _)| k == "protocol");
    if declares_protocol || !provider.rust_files.is_empty() {
        return;
    }
    let Some((_, settings)) = OVERLAY.iter().find(|(id, _)| *id == provider.id) else {
        return;
    };
    let mut added = Vec::new();
    for (key, value) in *settings {
        let value = if names_variable(key) {
            variable(provider, key, value, r)
        } else {
            (*value).to_owned()
        };
        added.push(((*key).to_owned(), value));
    }
    added.push((OVERLAY_KEY.to_owned(), "dify".to_owned()));
    if let Some((_, key)) = added.iter().find(|(k, _)| k == "api_key_variable") {
        keep_secret(provider, &key.clone());
    }
    for (key, value) in added {
        if !provider.extra_modelrt.iter().any(|(k, _)| *k == key) {
            provider.extra_modelrt.push((key, value));
        }
    }
    provider.extra_modelrt.sort();
}

fn names_variable(key: &str) -> bool {
    matches!(
        key,
        "api_key_variable" | "base_url_variable" | "model_variable"
    ) || key.starts_with("header_variables.")
}

fn forms(provider: &mut Provider) -> impl Iterator<Item = &mut CredentialForm> {
    let model_forms = provider
        .model_credential_schema
        .iter_mut()
        .flat_map(|s| s.forms.iter_mut());
    provider.provider_credentials.iter_mut().chain(model_forms)
}

/// The first of `alternatives` (`a|b`) a form declares; else a warning and the first one, so
/// that a call names the missing credential.
fn variable(provider: &mut Provider, key: &str, alternatives: &str, r: &mut Report) -> String {
    let declared: Vec<String> = forms(provider).map(|f| f.variable.clone()).collect();
    if let Some(found) = alternatives
        .split('|')
        .find(|name| declared.iter().any(|d| d == name))
    {
        return found.to_owned();
    }
    r.warn(
        Place::FILE,
        "provider_credential_schema",
        format!(
            "the Dify overlay's `{key}` for `{}` names `{}`, which neither credential form declares",
            provider.id,
            alternatives.replace('|', "` or `")
        ),
    );
    alternatives
        .split('|')
        .next()
        .unwrap_or(alternatives)
        .to_owned()
}

/// Some Dify forms ask for the API key in a plain text input; the key is still a secret, so it
/// is typed, redacted and sent as one.
fn keep_secret(provider: &mut Provider, variable: &str) {
    for form in forms(provider).filter(|f| f.variable == variable) {
        if form.form_type == FormType::TextInput {
            form.form_type = FormType::SecretInput;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::ir::{I18n, ModelCredentialSchema};

    fn form(variable: &str, form_type: FormType) -> CredentialForm {
        CredentialForm {
            variable: variable.into(),
            label: I18n {
                en_us: variable.into(),
                others: vec![],
            },
            form_type,
            required: true,
            default: None,
            options: vec![],
            placeholder: None,
            max_length: 0,
            show_on: vec![],
        }
    }

    fn provider(id: &str, forms: Vec<CredentialForm>) -> Provider {
        Provider {
            id: id.into(),
            rust_module: id.into(),
            source: format!("{id}/{id}.yaml"),
            dir: PathBuf::from("/tree").join(id),
            label: I18n {
                en_us: id.into(),
                others: vec![],
            },
            description: None,
            icon_small: None,
            icon_large: None,
            background: None,
            help: None,
            supported_model_types: vec![],
            configurate_methods: vec![],
            provider_credentials: forms,
            model_credential_schema: None,
            models: vec![],
            extra_modelrt: vec![],
            rust_files: vec![],
        }
    }

    fn applied(mut p: Provider) -> (Provider, Vec<String>) {
        let mut out = Vec::new();
        let source = p.source.clone();
        apply(&mut p, &mut Report::new(&source, &mut out));
        (p, out.into_iter().map(|d| d.message).collect())
    }

    fn keys(p: &Provider) -> Vec<String> {
        p.extra_modelrt
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    }

    #[test]
    fn a_dify_provider_gets_its_settings_and_the_variable_its_form_declares() {
        let (p, warnings) = applied(provider(
            "zhipuai",
            vec![form("zhipuai_api_key", FormType::TextInput)],
        ));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            keys(&p),
            [
                "api_key_variable=zhipuai_api_key",
                "base_url=https://open.bigmodel.cn/api/paas/v4",
                "overlay=dify",
                "protocol=openai-compatible",
            ]
        );
        assert_eq!(p.provider_credentials[0].form_type, FormType::SecretInput);
    }

    #[test]
    fn the_oci_private_key_typed_into_a_text_box_is_kept_secret() {
        let (p, warnings) = applied(provider(
            "oci",
            vec![
                form("oci_config_content", FormType::TextInput),
                form("oci_key_content", FormType::TextInput),
            ],
        ));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(keys(&p).contains(&"protocol=oci".to_owned()));
        let types: Vec<FormType> = p.provider_credentials.iter().map(|f| f.form_type).collect();
        assert_eq!(types, [FormType::TextInput, FormType::SecretInput]);
    }

    #[test]
    fn variables_of_the_model_form_count() {
        let mut p = provider("localai", vec![]);
        p.model_credential_schema = Some(ModelCredentialSchema {
            model_label: I18n {
                en_us: "Model".into(),
                others: vec![],
            },
            model_placeholder: None,
            forms: vec![form("server_url", FormType::TextInput)],
        });
        let (p, warnings) = applied(p);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(keys(&p).contains(&"base_url_variable=server_url".to_owned()));
        let url = &p.model_credential_schema.unwrap().forms[0];
        assert_eq!(url.form_type, FormType::TextInput);
    }

    #[test]
    fn a_variable_no_form_declares_is_a_warning() {
        let (p, warnings) = applied(provider("tongyi", vec![form("key", FormType::SecretInput)]));
        assert_eq!(
            warnings,
            [
                "the Dify overlay's `api_key_variable` for `tongyi` names `dashscope_api_key` or \
              `tongyi_api_key`, which neither credential form declares"
            ]
        );
        assert!(keys(&p).contains(&"api_key_variable=dashscope_api_key".to_owned()));
    }

    #[test]
    fn own_settings_or_rust_win_and_unknown_ids_are_left_alone() {
        let mut own = provider("groq", vec![form("api_key", FormType::SecretInput)]);
        own.extra_modelrt = vec![("protocol".into(), "ollama".into())];
        assert_eq!(keys(&applied(own).0), ["protocol=ollama"]);
        let mut rust = provider("groq", vec![]);
        rust.rust_files = vec![PathBuf::from("/tree/groq/llm.rs")];
        assert!(applied(rust).0.extra_modelrt.is_empty());
        assert!(applied(provider("acme", vec![])).0.extra_modelrt.is_empty());
    }

    #[test]
    fn the_table_is_sorted_and_names_only_known_keys() {
        let ids: Vec<&str> = OVERLAY.iter().map(|(id, _)| *id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        for (id, settings) in OVERLAY {
            assert!(settings.iter().any(|(k, _)| *k == "protocol"), "{id}");
        }
    }
}
