//! Calling any compiled-in provider by ids chosen at run time (DESIGN.md, use 5).
//!
//! An app whose users pick provider and model in a UI opens a [`ModelHandle`] from a provider
//! id, a model type, a model id and the credentials as a string map. The handle validates the
//! credentials against the provider's YAML form, parameters against the model's rules, and
//! dispatches to the protocol the provider declares.

use modelrt_runtime::catalog::{
    Callability, ConfigurateMethod, ModelInfo, ModelType, ParameterRule, ProviderInfo,
};
use modelrt_runtime::credentials::{
    validate_credentials_of, CredentialSource, ValidatedCredentials,
};
use modelrt_runtime::embedding::{EmbeddingRequest, EmbeddingResponse};
use modelrt_runtime::http::HttpSettings;
use modelrt_runtime::llm::{LlmRequest, LlmResponse, LlmStream};
use modelrt_runtime::moderation::{ModerationRequest, ModerationResult};
use modelrt_runtime::params::{validate_against_rules, ValidatedParams};
use modelrt_runtime::protocol::{
    CallContext, LlmProtocol, ModelRef, ModerationProtocol, RerankProtocol, Speech2TextProtocol,
    TextEmbeddingProtocol, TtsProtocol,
};
use modelrt_runtime::protocols::{self, ProtocolOf, ProtocolSet};
use modelrt_runtime::rerank::{RerankRequest, RerankResponse};
use modelrt_runtime::rust_impl::RustImplementation;
use modelrt_runtime::speech2text::{Transcription, TranscriptionRequest};
use modelrt_runtime::tts::{AudioStream, TtsRequest};
use modelrt_runtime::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

use super::custom_rules::rules_for;
use modelrt_vocabulary::did_you_mean;

/// Call parameters as JSON: a `serde_json::Map`, or a `serde_json::Value` that must hold an
/// object.
pub trait JsonParams {
    /// The object of parameter names and values, if it is one.
    fn object(&self) -> Option<&Map<String, Value>>;
}

impl JsonParams for Map<String, Value> {
    fn object(&self) -> Option<&Map<String, Value>> {
        Some(self)
    }
}

impl JsonParams for Value {
    fn object(&self) -> Option<&Map<String, Value>> {
        self.as_object()
    }
}

/// One model of one provider, with validated credentials and parameters, ready to call.
#[derive(Debug, Clone)]
pub struct ModelHandle {
    provider: &'static ProviderInfo,
    protocols: &'static ProtocolSet,
    model_type: ModelType,
    id: String,
    info: Option<&'static ModelInfo>,
    credentials: ValidatedCredentials,
    /// Rules of a model without a catalog row; unused for predefined models.
    custom_rules: Vec<ParameterRule>,
    params: ValidatedParams,
    http: HttpSettings,
}

/// The protocol implementations a provider is callable through: its Rust when at hand, else
/// the protocol its YAML names.
pub(super) fn protocols_of(
    provider: &'static ProviderInfo,
    implementation: Option<&'static RustImplementation>,
) -> Result<&'static ProtocolSet> {
    if let Some(implementation) = implementation {
        return Ok(&implementation.protocols);
    }
    let unsupported = |message: String| {
        Err(Error::new(ErrorKind::Unsupported, message).with_provider(provider.id))
    };
    match provider.callability {
        Callability::Protocol(name) => match protocols::by_name(name) {
            Some(set) => Ok(set),
            None => unsupported(format!(
                "{} declares protocol `{name}`, which this modelrt does not implement",
                provider.source
            )),
        },
        Callability::CatalogOnly => unsupported(format!(
            "the provider is catalog-only: {} declares no `extra.modelrt.protocol` and no Rust \
             implementation sits beside it",
            provider.source
        )),
        Callability::RustImpl => unsupported(format!(
            "the Rust implementation beside {} is in none of the registry's trees: add the \
             `providers::TREE` of the crate that compiles it (`Registry::with`), or open it \
             through that crate's typed `Client`",
            provider.source
        )),
    }
}

impl ModelHandle {
    /// Opens `model_id` of `model_type` at `provider`, through `implementation` (its
    /// hand-written Rust, generated as `<provider>::IMPLEMENTATION`) when it is implemented in
    /// Rust, else through the protocol its YAML names. [`Registry::open`](super::Registry::open)
    /// finds both by provider id.
    ///
    /// A predefined model (declared in YAML) uses the provider-wide credential form. Any other
    /// id is a customizable model (the model credential form, with `__model_type` set) when the
    /// provider declares `customizable-model`, else a remote model (provider-wide credentials)
    /// when it declares `fetch-from-remote`, else an error that suggests the closest model id.
    pub fn open_with<S: CredentialSource + ?Sized>(
        provider: &'static ProviderInfo,
        implementation: Option<&'static RustImplementation>,
        model_type: ModelType,
        model_id: &str,
        credentials: &S,
    ) -> Result<Self> {
        if !provider.supported_model_types.contains(&model_type) {
            let declared: Vec<&str> = provider
                .supported_model_types
                .iter()
                .map(|t| t.as_str())
                .collect();
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "model type `{model_type}` is not in supported_model_types of {} (declared: {})",
                    provider.source,
                    declared.join(", ")
                ),
            )
            .with_provider(provider.id));
        }
        let protocols = protocols_of(provider, implementation)?;
        let info = provider.model(model_type, model_id);
        let (forms, scope) = match info {
            Some(_) => (provider.provider_credentials, None),
            None => match provider.model_credential_schema {
                Some(schema) if provider.supports_method(ConfigurateMethod::CustomizableModel) => {
                    (schema.forms, Some(model_type))
                }
                _ if provider.supports_method(ConfigurateMethod::FetchFromRemote) => {
                    (provider.provider_credentials, None)
                }
                _ => return Err(unknown_model(provider, model_type, model_id)),
            },
        };
        let credentials = validate_credentials_of(provider, forms, scope, credentials)?;
        let hook = implementation.and_then(|i| i.customizable_model);
        let custom_rules = match (info, scope, hook) {
            (Some(_), _, _) => Vec::new(),
            (None, Some(_), Some(hook)) => hook.model_schema(model_type, model_id, &credentials),
            (None, _, _) => rules_for(model_type, &credentials),
        };
        let mut handle = ModelHandle {
            provider,
            protocols,
            model_type,
            id: model_id.to_owned(),
            info,
            credentials,
            custom_rules,
            params: ValidatedParams::default(),
            http: HttpSettings::default(),
        };
        // Required rules with defaults apply even when the caller sets no parameters.
        handle.params = handle.validate_params(&Map::new())?;
        Ok(handle)
    }

    /// Sets the call parameters (a JSON object, as a `serde_json::Map` or `Value`), validated
    /// against the model's rules (SCHEMA.md §6).
    pub fn with_params<P: JsonParams + ?Sized>(mut self, params: &P) -> Result<Self> {
        self.params = self.validate_params(params)?;
        Ok(self)
    }

    /// Sets timeouts and retries.
    pub fn with_http(mut self, http: HttpSettings) -> Self {
        self.http = http;
        self
    }

    /// The provider's catalog row.
    pub fn provider(&self) -> &'static ProviderInfo {
        self.provider
    }

    /// The model id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The model type.
    pub fn model_type(&self) -> ModelType {
        self.model_type
    }

    /// The model's catalog row, for predefined models.
    pub fn info(&self) -> Option<&'static ModelInfo> {
        self.info
    }

    /// The validated credentials (secrets stay redacted in `Debug`; see `masked()`).
    pub fn credentials(&self) -> &ValidatedCredentials {
        &self.credentials
    }

    /// The validated parameters the calls send.
    pub fn params(&self) -> &ValidatedParams {
        &self.params
    }

    /// The parameter rules of this model.
    pub fn parameter_rules(&self) -> &[ParameterRule] {
        match self.info {
            Some(info) => info.parameter_rules,
            None => &self.custom_rules,
        }
    }

    /// Validates parameters without storing them.
    pub fn validate_params<P: JsonParams + ?Sized>(&self, params: &P) -> Result<ValidatedParams> {
        let Some(params) = params.object() else {
            return Err(Error::new(
                ErrorKind::InvalidParams,
                "parameters must be a JSON object of parameter names and values",
            )
            .in_call(self.provider.id, &self.id));
        };
        Ok(validate_against_rules(
            self.provider.id,
            &self.id,
            self.parameter_rules(),
            params,
        )?)
    }

    fn context(&self) -> CallContext<'_> {
        self.context_with(&self.params)
    }

    fn context_with<'a>(&'a self, params: &'a ValidatedParams) -> CallContext<'a> {
        CallContext {
            provider: self.provider,
            model: ModelRef {
                id: &self.id,
                info: self.info,
            },
            credentials: &self.credentials,
            params,
            http: &self.http,
        }
    }

    /// The implementation of protocol trait `P` for this handle's model type, or a clear error.
    fn implementation<P: ProtocolOf + ?Sized>(&self) -> Result<&'static P> {
        if self.model_type != P::MODEL_TYPE {
            return Err(self.unsupported(format!(
                "this is a `{}` model; the call needs a `{}` model",
                self.model_type,
                P::MODEL_TYPE
            )));
        }
        self.protocols
            .protocol::<P>()
            .ok_or_else(|| self.missing_implementation())
    }

    fn missing_implementation(&self) -> Error {
        self.unsupported(format!(
            "protocol `{}` has no `{}` implementation",
            self.protocols.name, self.model_type
        ))
    }

    fn unsupported(&self, message: String) -> Error {
        Error::new(ErrorKind::Unsupported, message).in_call(self.provider.id, &self.id)
    }

    /// Checks the credentials with a real, minimal call.
    pub async fn validate_credentials(&self) -> Result<()> {
        match self.protocols.get(self.model_type) {
            Some(implementation) => implementation.validate_credentials(self.context()).await,
            None => Err(self.missing_implementation()),
        }
    }

    /// Sends a chat or completion request and waits for the whole answer.
    pub async fn invoke(&self, request: LlmRequest) -> Result<LlmResponse> {
        self.invoke_with(request, &self.params).await
    }

    /// [`ModelHandle::invoke`] with other parameters for this request (validated with
    /// [`ModelHandle::validate_params`]).
    pub async fn invoke_with(
        &self,
        request: LlmRequest,
        params: &ValidatedParams,
    ) -> Result<LlmResponse> {
        let llm = self.implementation::<dyn LlmProtocol>()?;
        llm.invoke(self.context_with(params), request).await
    }

    /// Sends a chat or completion request and streams the answer.
    pub async fn stream(&self, request: LlmRequest) -> Result<LlmStream> {
        self.stream_with(request, &self.params).await
    }

    /// [`ModelHandle::stream`] with other parameters for this request (validated with
    /// [`ModelHandle::validate_params`]).
    pub async fn stream_with(
        &self,
        request: LlmRequest,
        params: &ValidatedParams,
    ) -> Result<LlmStream> {
        let llm = self.implementation::<dyn LlmProtocol>()?;
        llm.stream(self.context_with(params), request).await
    }

    /// Prompt tokens of `request`, counted offline.
    pub fn count_tokens(&self, request: &LlmRequest) -> Result<u64> {
        let llm = self.implementation::<dyn LlmProtocol>()?;
        Ok(llm.count_tokens(self.context(), request))
    }

    /// Embeds texts.
    pub async fn embed(&self, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
        let embedding = self.implementation::<dyn TextEmbeddingProtocol>()?;
        embedding.embed(self.context(), request).await
    }

    /// Reranks documents against a query.
    pub async fn rerank(&self, request: RerankRequest) -> Result<RerankResponse> {
        let rerank = self.implementation::<dyn RerankProtocol>()?;
        rerank.rerank(self.context(), request).await
    }

    /// Synthesizes speech.
    pub async fn synthesize(&self, request: TtsRequest) -> Result<AudioStream> {
        let tts = self.implementation::<dyn TtsProtocol>()?;
        tts.synthesize(self.context(), request).await
    }

    /// Transcribes audio.
    pub async fn transcribe(&self, request: TranscriptionRequest) -> Result<Transcription> {
        let stt = self.implementation::<dyn Speech2TextProtocol>()?;
        stt.transcribe(self.context(), request).await
    }

    /// Moderates a text.
    pub async fn moderate(&self, request: ModerationRequest) -> Result<ModerationResult> {
        let moderation = self.implementation::<dyn ModerationProtocol>()?;
        moderation.moderate(self.context(), request).await
    }
}

fn unknown_model(provider: &'static ProviderInfo, model_type: ModelType, id: &str) -> Error {
    let hint = did_you_mean(id, provider.models_of(model_type).map(|m| m.id))
        .map(|close| format!("; did you mean `{close}`?"))
        .unwrap_or_default();
    Error::new(
        ErrorKind::ModelNotFound,
        format!(
            "no `{model_type}` model `{id}` is declared under {} and the provider accepts no \
             customizable or remote models{hint}",
            provider.source
        ),
    )
    .with_provider(provider.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use modelrt_runtime::catalog::{Callability, I18n};

    const fn provider(callability: Callability) -> ProviderInfo {
        ProviderInfo {
            id: "acme",
            label: I18n {
                en_us: "Acme",
                others: &[],
            },
            description: None,
            icon_small: None,
            icon_large: None,
            background: None,
            help: None,
            supported_model_types: &[ModelType::Llm],
            configurate_methods: &[ConfigurateMethod::PredefinedModel],
            provider_credentials: &[],
            model_credential_schema: None,
            models: &[],
            extra: &[],
            callability,
            source: "acme/acme.yaml",
        }
    }

    static CATALOG_ONLY: ProviderInfo = provider(Callability::CatalogOnly);
    static UNKNOWN_PROTOCOL: ProviderInfo = provider(Callability::Protocol("carrier-pigeon"));
    static PREDEFINED_ONLY: ProviderInfo = provider(Callability::Protocol("openai-compatible"));

    fn open_error(provider: &'static ProviderInfo) -> String {
        let none: [(&str, &str); 0] = [];
        ModelHandle::open_with(provider, None, ModelType::Llm, "m1", &none[..])
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn catalog_only_and_unknown_protocols_are_not_callable() {
        assert_eq!(
            open_error(&CATALOG_ONLY),
            "acme: unsupported: the provider is catalog-only: acme/acme.yaml declares no \
             `extra.modelrt.protocol` and no Rust implementation sits beside it"
        );
        assert_eq!(
            open_error(&UNKNOWN_PROTOCOL),
            "acme: unsupported: acme/acme.yaml declares protocol `carrier-pigeon`, which this \
             modelrt does not implement"
        );
    }

    #[test]
    fn unknown_model_of_a_predefined_only_provider() {
        assert_eq!(
            open_error(&PREDEFINED_ONLY),
            "acme: model not found: no `llm` model `m1` is declared under acme/acme.yaml and the \
             provider accepts no customizable or remote models"
        );
    }
}
