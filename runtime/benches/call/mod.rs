//! The modelrt side of the client benchmarks: a provider row, credentials pointing at the
//! local server, and the request every bench sends.

use modelrt_runtime::catalog::{Callability, ConfigurateMethod, I18n, ModelType, ProviderInfo};
use modelrt_runtime::credentials::{CredentialValue, ValidatedCredentials};
use modelrt_runtime::http::HttpSettings;
use modelrt_runtime::llm::{LlmRequest, Message};
use modelrt_runtime::params::ValidatedParams;
use modelrt_runtime::protocol::{CallContext, ModelRef};
use modelrt_runtime::secret::Secret;

use crate::common::KEY;

/// The provider every call goes through: OpenAI-compatible, its endpoint from credentials.
static PROVIDER: ProviderInfo = ProviderInfo {
    id: "openai_api_compatible",
    label: I18n {
        en_us: "bench",
        others: &[],
    },
    description: None,
    icon_small: None,
    icon_large: None,
    background: None,
    help: None,
    supported_model_types: &[ModelType::Llm],
    configurate_methods: &[ConfigurateMethod::CustomizableModel],
    provider_credentials: &[],
    model_credential_schema: None,
    models: &[],
    extra: &[("base_url_variable", "endpoint_url")],
    callability: Callability::Protocol("openai-compatible"),
    source: "bench",
};

/// What a call borrows: credentials for the local server, no parameters, default HTTP settings.
pub struct Call {
    credentials: ValidatedCredentials,
    params: ValidatedParams,
    http: HttpSettings,
}

impl Call {
    /// A call to the server at `base`.
    pub fn new(base: &str) -> Self {
        let mut credentials = ValidatedCredentials::default();
        credentials.insert("endpoint_url", CredentialValue::Text(base.to_owned()));
        credentials.insert("api_key", CredentialValue::Secret(Secret::new(KEY)));
        Call {
            credentials,
            params: ValidatedParams::default(),
            http: HttpSettings::default(),
        }
    }

    /// The call context.
    pub fn ctx(&self) -> CallContext<'_> {
        CallContext {
            provider: &PROVIDER,
            model: ModelRef {
                id: "gpt-4o",
                info: None,
            },
            credentials: &self.credentials,
            params: &self.params,
            http: &self.http,
        }
    }
}

/// The request every bench sends.
pub fn hello() -> LlmRequest {
    LlmRequest::new(vec![Message::user("Say hello")])
}
