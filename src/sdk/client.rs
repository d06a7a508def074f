//! The typed client of a provider: `modelrt::<provider>::Client` is [`Client`] of that
//! provider's `Provider` type.
//!
//! It is one generic type rather than a struct per provider so that a tree of hundreds of
//! providers costs the compiler a trait impl of constants per provider, not a struct, two
//! derives and a method per model type (BENCHMARKS.md, "Build pipeline").

use std::fmt;

use modelrt_runtime::capability::{kind, AnyModel, ModelChoice};
use modelrt_runtime::catalog::{ModelType, ProviderInfo};
use modelrt_runtime::credentials::CredentialSource;
use modelrt_runtime::http::HttpSettings;
use modelrt_runtime::rust_impl::RustImplementation;
use modelrt_runtime::Result;

use super::{
    LlmModel, ModerationModel, RerankModel, Speech2TextModel, TextEmbeddingModel, TtsModel,
};
use crate::registry::ModelHandle;

/// A callable provider as a type (`modelrt::<provider>::Provider`): what [`Client`] needs to
/// open its models. Implemented by the generated code.
pub trait ProviderSpec: Sized + 'static {
    /// Its typed provider credentials (`<provider>::Credentials`).
    type Credentials: CredentialSource + Clone + fmt::Debug + Send + Sync;
    /// Its catalog row.
    const INFO: &'static ProviderInfo;
    /// Its hand-written Rust, or `None` when it is called through a declared protocol.
    const IMPLEMENTATION: Option<&'static RustImplementation>;
}

/// A provider that declares `customizable-model` for model type `K`: its models of that type
/// can be named by the user, with their own credentials (`<provider>::<Type>ModelCredentials`).
pub trait Customizable<K: kind::Kind>: ProviderSpec {
    /// The model credentials form of that model type.
    type ModelCredentials: CredentialSource;
}

/// A typed client of provider `P`: validated credentials and the models it opens.
pub struct Client<P: ProviderSpec> {
    credentials: P::Credentials,
    http: HttpSettings,
}

impl<P: ProviderSpec> Clone for Client<P> {
    fn clone(&self) -> Self {
        Client {
            credentials: self.credentials.clone(),
            http: self.http,
        }
    }
}

impl<P: ProviderSpec> fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("provider", &P::INFO.id)
            .field("credentials", &self.credentials)
            .field("http", &self.http)
            .finish()
    }
}

impl<P: ProviderSpec> Client<P> {
    /// A client using `credentials` (validated again, as a form would be, when a model is
    /// opened).
    pub fn new(credentials: P::Credentials) -> Self {
        Client {
            credentials,
            http: HttpSettings::default(),
        }
    }

    /// The credentials it opens models with.
    pub fn credentials(&self) -> &P::Credentials {
        &self.credentials
    }

    /// Sets timeouts and retries for the models it opens.
    pub fn with_http(mut self, http: HttpSettings) -> Self {
        self.http = http;
        self
    }

    /// Opens a model with the provider credentials.
    fn open<M: ModelChoice<P>>(&self, model: M) -> Result<ModelHandle> {
        let model_type = <M::Kind as kind::Kind>::MODEL_TYPE;
        open::<P, _>(model_type, model.model_id(), &self.credentials, self.http)
    }

    /// Opens a language model: a marker from `<provider>::models` (capabilities checked by the
    /// compiler) or a `<provider>::Llm` value.
    pub fn llm<M>(&self, model: M) -> Result<LlmModel<M::Tag>>
    where
        M: ModelChoice<P, Kind = kind::Llm>,
    {
        self.open(model).map(LlmModel::from_handle)
    }

    /// Opens a text embedding model: a marker from `<provider>::models` or a
    /// `<provider>::TextEmbedding` value.
    pub fn text_embedding<M>(&self, model: M) -> Result<TextEmbeddingModel<M::Tag>>
    where
        M: ModelChoice<P, Kind = kind::TextEmbedding>,
    {
        self.open(model).map(TextEmbeddingModel::from_handle)
    }

    /// Opens a rerank model: a marker from `<provider>::models` or a `<provider>::Rerank`
    /// value.
    pub fn rerank<M>(&self, model: M) -> Result<RerankModel<M::Tag>>
    where
        M: ModelChoice<P, Kind = kind::Rerank>,
    {
        self.open(model).map(RerankModel::from_handle)
    }

    /// Opens a text-to-speech model: a marker or a `<provider>::Tts` value.
    pub fn tts<M>(&self, model: M) -> Result<TtsModel<M::Tag>>
    where
        M: ModelChoice<P, Kind = kind::Tts>,
    {
        self.open(model).map(TtsModel::from_handle)
    }

    /// Opens a speech-to-text model: a marker or a `<provider>::Speech2Text` value.
    pub fn speech2text<M>(&self, model: M) -> Result<Speech2TextModel<M::Tag>>
    where
        M: ModelChoice<P, Kind = kind::Speech2Text>,
    {
        self.open(model).map(Speech2TextModel::from_handle)
    }

    /// Opens a moderation model: a marker or a `<provider>::Moderation` value.
    pub fn moderation<M>(&self, model: M) -> Result<ModerationModel<M::Tag>>
    where
        M: ModelChoice<P, Kind = kind::Moderation>,
    {
        self.open(model).map(ModerationModel::from_handle)
    }

    /// Opens a custom model of type `K` (`customizable-model`): `model` is the id sent to the
    /// API, `credentials` its own form, validated as a settings form would be.
    fn open_custom<K: kind::Kind>(
        &self,
        model: &str,
        credentials: &<P as Customizable<K>>::ModelCredentials,
    ) -> Result<ModelHandle>
    where
        P: Customizable<K>,
    {
        open::<P, _>(K::MODEL_TYPE, model, credentials, self.http)
    }

    /// Opens a custom language model (`customizable-model`): `model` is the id sent to the
    /// API, `credentials` its own form (`<provider>::LlmModelCredentials`).
    pub fn custom_llm(
        &self,
        model: &str,
        credentials: <P as Customizable<kind::Llm>>::ModelCredentials,
    ) -> Result<LlmModel<AnyModel<P>>>
    where
        P: Customizable<kind::Llm>,
    {
        self.open_custom::<kind::Llm>(model, &credentials)
            .map(LlmModel::from_handle)
    }

    /// Opens a custom text embedding model (`customizable-model`), with its own credentials
    /// (`<provider>::TextEmbeddingModelCredentials`).
    pub fn custom_text_embedding(
        &self,
        model: &str,
        credentials: <P as Customizable<kind::TextEmbedding>>::ModelCredentials,
    ) -> Result<TextEmbeddingModel<AnyModel<P>>>
    where
        P: Customizable<kind::TextEmbedding>,
    {
        self.open_custom::<kind::TextEmbedding>(model, &credentials)
            .map(TextEmbeddingModel::from_handle)
    }

    /// Opens a custom rerank model (`customizable-model`), with its own credentials
    /// (`<provider>::RerankModelCredentials`).
    pub fn custom_rerank(
        &self,
        model: &str,
        credentials: <P as Customizable<kind::Rerank>>::ModelCredentials,
    ) -> Result<RerankModel<AnyModel<P>>>
    where
        P: Customizable<kind::Rerank>,
    {
        self.open_custom::<kind::Rerank>(model, &credentials)
            .map(RerankModel::from_handle)
    }

    /// Opens a custom text-to-speech model (`customizable-model`), with its own credentials
    /// (`<provider>::TtsModelCredentials`).
    pub fn custom_tts(
        &self,
        model: &str,
        credentials: <P as Customizable<kind::Tts>>::ModelCredentials,
    ) -> Result<TtsModel<AnyModel<P>>>
    where
        P: Customizable<kind::Tts>,
    {
        self.open_custom::<kind::Tts>(model, &credentials)
            .map(TtsModel::from_handle)
    }

    /// Opens a custom speech-to-text model (`customizable-model`), with its own credentials
    /// (`<provider>::Speech2TextModelCredentials`).
    pub fn custom_speech2text(
        &self,
        model: &str,
        credentials: <P as Customizable<kind::Speech2Text>>::ModelCredentials,
    ) -> Result<Speech2TextModel<AnyModel<P>>>
    where
        P: Customizable<kind::Speech2Text>,
    {
        self.open_custom::<kind::Speech2Text>(model, &credentials)
            .map(Speech2TextModel::from_handle)
    }

    /// Opens a custom moderation model (`customizable-model`), with its own credentials
    /// (`<provider>::ModerationModelCredentials`).
    pub fn custom_moderation(
        &self,
        model: &str,
        credentials: <P as Customizable<kind::Moderation>>::ModelCredentials,
    ) -> Result<ModerationModel<AnyModel<P>>>
    where
        P: Customizable<kind::Moderation>,
    {
        self.open_custom::<kind::Moderation>(model, &credentials)
            .map(ModerationModel::from_handle)
    }
}

/// Opens `model_id` of provider `P` through its Rust or its declared protocol.
fn open<P: ProviderSpec, S: CredentialSource + ?Sized>(
    model_type: ModelType,
    model_id: &str,
    credentials: &S,
    http: HttpSettings,
) -> Result<ModelHandle> {
    let handle = match P::IMPLEMENTATION {
        Some(implementation) => ModelHandle::open_implemented(
            implementation,
            P::INFO,
            model_type,
            model_id,
            credentials,
        ),
        None => ModelHandle::open_at(P::INFO, model_type, model_id, credentials),
    };
    Ok(handle?.with_http(http))
}
