//! What a provider implemented in hand-written Rust (beside its YAML) hands the registry.
//!
//! The `#[modelrt::provider(<id>)]` attribute turns the provider's `impl` blocks into impls of
//! the protocol traits ([`crate::protocol`]) and of the two hooks below, on the provider's
//! generated `Provider` type; the generated code collects them into one
//! [`RustImplementation`] per provider.

use crate::catalog::{ModelType, ParameterRule};
use crate::credentials::ValidatedCredentials;
use crate::protocol::{BoxFuture, ProviderContext, RemoteModel};
use crate::protocols::ProtocolSet;
use crate::Result;

/// The `customizable-model` hook: describes a model the user named.
pub trait CustomizableModelProtocol: Send + Sync {
    /// The parameter rules of the custom model `model` of `model_type`, configured with
    /// `credentials` (the model credential form, validated).
    fn model_schema(
        &self,
        model_type: ModelType,
        model: &str,
        credentials: &ValidatedCredentials,
    ) -> Vec<ParameterRule>;
}

/// The `fetch-from-remote` hook: lists the models the provider's API serves.
pub trait RemoteModelsProtocol: Send + Sync {
    /// The models of `model_type` the provider lists, using provider-wide credentials.
    fn remote_models<'a>(
        &'a self,
        ctx: ProviderContext<'a>,
        model_type: ModelType,
    ) -> BoxFuture<'a, Result<Vec<RemoteModel>>>;
}

/// A provider implemented in Rust: its protocol objects and hooks.
#[derive(Clone, Copy)]
pub struct RustImplementation {
    /// Per model type (`name` is the provider id).
    pub protocols: ProtocolSet,
    /// The `customizable-model` hook, when the YAML declares that method.
    pub customizable_model: Option<&'static dyn CustomizableModelProtocol>,
    /// The `fetch-from-remote` hook, when the YAML declares that method.
    pub remote_models: Option<&'static dyn RemoteModelsProtocol>,
}

impl std::fmt::Debug for RustImplementation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RustImplementation")
            .field("provider", &self.protocols.name)
            .field("customizable_model", &self.customizable_model.is_some())
            .field("remote_models", &self.remote_models.is_some())
            .finish_non_exhaustive()
    }
}

/// The `<Block>Impl` traits of providers with no Rust beside their YAML (protocol or
/// catalog-only providers), shared by all of them instead of generated per provider.
///
/// `#[modelrt::provider(<id>)] impl Llm { .. }` implements `<id>::LlmImpl`; for such a provider
/// that is [`not_in_rust::LlmImpl`], whose supertrait [`not_in_rust::InRust`] the provider
/// meets only if it implements its generated `NotImplementedInRust` trait, which nothing does.
/// So the block fails to compile with that trait's message, which names the provider's YAML.
pub mod not_in_rust {
    use crate::protocol::{
        LlmProtocol, ModerationProtocol, RerankProtocol, Speech2TextProtocol,
        TextEmbeddingProtocol, TtsProtocol,
    };

    /// Met by a provider without Rust only through its unimplementable `NotImplementedInRust`.
    pub trait InRust {}

    // Written out rather than by a macro, so the compiler's note on a rejected block points at
    // a plain trait.

    /// Rejects `impl Llm` blocks.
    pub trait LlmImpl: InRust {
        /// The implementation.
        const PROTOCOL: &'static dyn LlmProtocol;
    }

    /// Rejects `impl TextEmbedding` blocks.
    pub trait TextEmbeddingImpl: InRust {
        /// The implementation.
        const PROTOCOL: &'static dyn TextEmbeddingProtocol;
    }

    /// Rejects `impl Rerank` blocks.
    pub trait RerankImpl: InRust {
        /// The implementation.
        const PROTOCOL: &'static dyn RerankProtocol;
    }

    /// Rejects `impl Tts` blocks.
    pub trait TtsImpl: InRust {
        /// The implementation.
        const PROTOCOL: &'static dyn TtsProtocol;
    }

    /// Rejects `impl Speech2Text` blocks.
    pub trait Speech2TextImpl: InRust {
        /// The implementation.
        const PROTOCOL: &'static dyn Speech2TextProtocol;
    }

    /// Rejects `impl Moderation` blocks.
    pub trait ModerationImpl: InRust {
        /// The implementation.
        const PROTOCOL: &'static dyn ModerationProtocol;
    }

    /// Rejects `impl CustomizableModel` blocks.
    pub trait CustomizableModelImpl: InRust {
        /// The implementation.
        const HOOK: &'static dyn super::CustomizableModelProtocol;
    }

    /// Rejects `impl RemoteModels` blocks.
    pub trait RemoteModelsImpl: InRust {
        /// The implementation.
        const HOOK: &'static dyn super::RemoteModelsProtocol;
    }
}
