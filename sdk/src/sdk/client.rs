//! The typed client of a provider: `modelrt::<provider>::Client` is [`Client`] of that
//! provider's `Provider` type.
//!
//! It is one generic type rather than a struct per provider so that a tree of hundreds of
//! providers costs the compiler a trait impl of constants per provider, not a struct, two
//! derives and a method per model type (BENCHMARKS.md, "Build pipeline").

use std::fmt;

use modelrt_runtime::capability::{kind, AnyModel, ModelChoice, ModelOf};
use modelrt_runtime::catalog::{ModelType, ProviderInfo};
use modelrt_runtime::credentials::{CredentialError, CredentialSource};
use modelrt_runtime::http::HttpSettings;
use modelrt_runtime::rust_impl::RustImplementation;
use modelrt_runtime::Result;

use super::TypedModel;
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
    /// Validates submitted credentials against its form (`Credentials::from_map`).
    fn credentials_from(
        submitted: &dyn CredentialSource,
    ) -> Result<Self::Credentials, CredentialError>;
}

/// A provider that declares `customizable-model` for model type `K`: its models of that type
/// can be named by the user, with their own credentials (`<provider>::<Type>ModelCredentials`).
pub trait Customizable<K: kind::ModelKind>: ProviderSpec {
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

    /// A client with the provider credentials found in the environment, under the names
    /// [`crate::env`] describes (`MODELRT_OPENAI_OPENAI_API_KEY`, else `OPENAI_API_KEY`), with
    /// the form's defaults for the rest.
    pub fn from_env() -> Result<Self> {
        let submitted = crate::env::credentials(P::INFO.id, P::INFO.provider_credentials);
        Ok(Self::new(P::credentials_from(&submitted)?))
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

    /// Opens a model with the provider credentials: a marker from `<provider>::models`
    /// (capabilities checked by the compiler) or a model enum value (`<provider>::Llm`, ...).
    /// [`Client::llm`] and its siblings say the model type in the name.
    pub fn model<M: ModelChoice<P>>(&self, model: M) -> Result<TypedModel<M::Kind, M::Tag>> {
        let model_type = <M::Kind as kind::ModelKind>::MODEL_TYPE;
        open::<P, _>(model_type, model.model_id(), &self.credentials, self.http)
            .map(TypedModel::from_handle)
    }

    /// Opens a custom model of type `K` (`customizable-model`): `model` is the id sent to the
    /// API, `credentials` its own form (`<provider>::<Type>ModelCredentials`), validated as a
    /// settings form would be. [`Client::custom_llm`] and its siblings say the model type in
    /// the name.
    pub fn custom<K: kind::ModelKind>(
        &self,
        model: &str,
        credentials: &<P as Customizable<K>>::ModelCredentials,
    ) -> Result<TypedModel<K, AnyModel<P>>>
    where
        P: Customizable<K>,
    {
        open::<P, _>(K::MODEL_TYPE, model, credentials, self.http).map(TypedModel::from_handle)
    }
}

/// [`Client::model`] and [`Client::custom`] for one model type, under its name.
macro_rules! openers {
    ($($kind:ident: $open:ident, $custom:ident, $name:literal;)+) => {
        impl<P: ProviderSpec> Client<P> {$(
            #[doc = concat!("Opens ", $name, " model: a marker from `<provider>::models` or a `<provider>::", stringify!($kind), "` value.")]
            pub fn $open<M>(&self, model: M) -> Result<TypedModel<kind::$kind, M::Tag>>
            where
                M: ModelOf<P, kind::$kind>,
            {
                self.model(model)
            }

            #[doc = concat!("Opens a custom ", $name, " model (`customizable-model`) with its own credentials (`<provider>::", stringify!($kind), "ModelCredentials`).")]
            pub fn $custom(
                &self,
                model: &str,
                credentials: <P as Customizable<kind::$kind>>::ModelCredentials,
            ) -> Result<TypedModel<kind::$kind, AnyModel<P>>>
            where
                P: Customizable<kind::$kind>,
            {
                self.custom::<kind::$kind>(model, &credentials)
            }
        )+}
    };
}

openers! {
    Llm: llm, custom_llm, "a language";
    TextEmbedding: text_embedding, custom_text_embedding, "a text embedding";
    Rerank: rerank, custom_rerank, "a rerank";
    Tts: tts, custom_tts, "a text-to-speech";
    Speech2Text: speech2text, custom_speech2text, "a speech-to-text";
    Moderation: moderation, custom_moderation, "a moderation";
}

/// Opens `model_id` of provider `P` through its Rust or its declared protocol.
fn open<P: ProviderSpec, S: CredentialSource + ?Sized>(
    model_type: ModelType,
    model_id: &str,
    credentials: &S,
    http: HttpSettings,
) -> Result<ModelHandle> {
    let handle = ModelHandle::open_with(
        P::INFO,
        P::IMPLEMENTATION,
        model_type,
        model_id,
        credentials,
    );
    Ok(handle?.with_http(http))
}
