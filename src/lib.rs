//! modelrt: a typed Rust SDK for AI model providers, generated from provider YAML.
//!
//! Every provider under `providers/` (or the tree named by `MODELRT_PROVIDERS_DIR` at build
//! time) becomes a module [`providers`]`::<id>`, re-exported at the crate root: typed
//! credentials, a typed `Client`, one marker type per model, model enums, and each model's
//! parameters ([`Params`], or the struct [`ParamsOf`]). What a model can do and which
//! parameters it takes are checked by the compiler against its YAML `features` and
//! `parameter_rules`; a parameter it does not declare fails to compile with a message naming
//! the model and its YAML file:
//!
//! ```no_run
//! use modelrt::openai::{self, models::Gpt54Mini, param};
//! use modelrt::Params;
//!
//! # async fn run() -> modelrt::runtime::Result<()> {
//! // OPENAI_API_KEY (or MODELRT_OPENAI_OPENAI_API_KEY) from the environment, see [`env`].
//! let client = openai::Client::from_env()?;
//! let model = client
//!     .llm(Gpt54Mini)?
//!     .with_params(&Params::<Gpt54Mini>::new().set(param::max_completion_tokens, 300))?;
//! let chat = model
//!     .chat()
//!     .system("Answer in one short paragraph.")
//!     .user("Why is the sky blue?")
//!     .params(&Params::<Gpt54Mini>::new().set(param::temperature, 0.2)); // this request only
//! let answer = model.invoke(chat).await?;
//! println!("{}", answer.content);
//! # Ok(())
//! # }
//! ```
//!
//! Apps whose users pick provider and model at run time use the [`registry`] instead:
//! provider and model by id, credentials as a string map, parameters as JSON, validated as the
//! YAML says:
//!
//! ```no_run
//! use modelrt::registry;
//! use modelrt::runtime::catalog::ModelType;
//! use modelrt::runtime::llm::{LlmRequest, Message};
//! use modelrt::serde_json::json;
//!
//! # async fn run() -> modelrt::runtime::Result<()> {
//! let model = registry::open("openai", ModelType::Llm, "gpt-5.4-mini", &[("openai_api_key", "sk-...")])?
//!     .with_params(&json!({ "max_completion_tokens": 200 }))?;
//! let answer = model.invoke(LlmRequest::new(vec![Message::user("Hello")])).await?;
//! println!("{}", answer.content);
//! # Ok(())
//! # }
//! ```
//!
//! The typed handles, the registry and the macros live in the `modelrt-sdk` crate and are
//! re-exported here; a crate that compiles only its own provider tree depends on that crate
//! alone. [`docs::adding_a_provider`] shows how to add a model, a provider speaking a known
//! protocol, or a provider with its own protocol in Rust.

#![warn(missing_docs)]

pub use modelrt_sdk::sdk::{Params, ParamsOf};
pub use modelrt_sdk::{env, include_providers, provider, runtime, sdk, serde_json};

/// Every provider compiled into this build, for apps that pick providers at run time: the
/// bundled tree's [`Registry`](registry::Registry), [`BUNDLED`](registry::BUNDLED), and its
/// methods as functions.
pub mod registry {
    pub use modelrt_sdk::registry::*;

    use modelrt_sdk::runtime::catalog::{ModelType, ProviderInfo};
    use modelrt_sdk::runtime::credentials::CredentialSource;
    use modelrt_sdk::runtime::http::HttpSettings;
    use modelrt_sdk::runtime::protocol::RemoteModel;
    use modelrt_sdk::runtime::Result;

    /// The registry of the bundled provider tree. A crate that compiles its own tree adds it
    /// with [`Registry::with`].
    pub static BUNDLED: Registry = Registry::new(&[&crate::providers::TREE]);

    /// Every bundled provider's catalog row, in position order.
    pub static PROVIDERS: &[&ProviderInfo] = &crate::providers::ALL;

    /// The bundled provider whose id is `id` ([`Registry::provider`]).
    pub fn provider(id: &str) -> Option<&'static ProviderInfo> {
        BUNDLED.provider(id)
    }

    /// The bundled provider `id`, or an error suggesting the closest id
    /// ([`Registry::find_provider`]).
    pub fn find_provider(id: &str) -> Result<&'static ProviderInfo> {
        BUNDLED.find_provider(id)
    }

    /// Opens a model of a bundled provider ([`Registry::open`]).
    pub fn open<S: CredentialSource + ?Sized>(
        provider_id: &str,
        model_type: ModelType,
        model_id: &str,
        credentials: &S,
    ) -> Result<ModelHandle> {
        BUNDLED.open(provider_id, model_type, model_id, credentials)
    }

    /// Opens a model of a bundled provider row at hand ([`Registry::open_at`]).
    pub fn open_at<S: CredentialSource + ?Sized>(
        provider: &'static ProviderInfo,
        model_type: ModelType,
        model_id: &str,
        credentials: &S,
    ) -> Result<ModelHandle> {
        BUNDLED.open_at(provider, model_type, model_id, credentials)
    }

    /// The models a bundled provider lists through its API ([`Registry::remote_models`]),
    /// with default timeouts and retries.
    pub async fn remote_models<S: CredentialSource + ?Sized>(
        provider_id: &str,
        model_type: ModelType,
        credentials: &S,
    ) -> Result<Vec<RemoteModel>> {
        remote_models_with(
            provider_id,
            model_type,
            credentials,
            &HttpSettings::default(),
        )
        .await
    }

    /// [`remote_models`] with explicit timeouts and retries.
    pub async fn remote_models_with<S: CredentialSource + ?Sized>(
        provider_id: &str,
        model_type: ModelType,
        credentials: &S,
        http: &HttpSettings,
    ) -> Result<Vec<RemoteModel>> {
        BUNDLED
            .remote_models(provider_id, model_type, credentials, http)
            .await
    }
}

/// Guides, with their code compiled and run as doc-tests.
pub mod docs {
    #[doc = include_str!("../docs/adding-a-provider.md")]
    pub mod adding_a_provider {}
}

include!(concat!(env!("OUT_DIR"), "/modelrt_generated.rs"));
