//! The typed SDK (DESIGN.md, use 4): what each provider's generated `Client` hands out.
//!
//! `modelrt::<provider>::Client::new(credentials)` (a [`Client`] of that provider) opens its
//! models as one generic typed handle, [`TypedModel`], named per model type: [`LlmModel`],
//! [`TextEmbeddingModel`], [`RerankModel`], [`TtsModel`], [`Speech2TextModel`] and
//! [`ModerationModel`]. A handle is a [`ModelHandle`](crate::registry::ModelHandle) (the same
//! credential and parameter validation and the same protocol implementations as the dynamic
//! [`registry`](crate::registry)) tagged with how the model was chosen:
//!
//! - a marker type from `modelrt::<provider>::models` (`models::Gpt4o`): the compiler knows the
//!   model's `features`, so capability-specific methods ([`Chat::tool`], [`Chat::user_image`],
//!   [`Chat::json_schema`], ...) compile only for models that declare them;
//! - a model enum value (`Llm::Gpt4o`): the model is known at run time only, so no capability
//!   is granted ([`AnyModel`]); build an
//!   [`LlmRequest`](modelrt_runtime::llm::LlmRequest) and call
//!   [`ModelHandle::invoke`](crate::registry::ModelHandle::invoke) on [`TypedModel::handle`]
//!   for anything beyond text.
//!
//! Providers that declare `customizable-model` also get `client.custom_llm(id, credentials)`
//! (and `custom_text_embedding`, ...), which open a model the user names with its own typed
//! `<Type>ModelCredentials`; such a model has no catalog row, so it is tagged [`AnyModel`].

use std::fmt;
use std::marker::PhantomData;

use modelrt_runtime::capability::kind;
use serde_json::{Map, Value};

mod calls;
mod chat;
mod client;
mod typed;

pub use chat::{Chat, NoTools, StreamableWith, WithTools};
pub use client::{Client, Customizable, ProviderSpec};
pub use modelrt_runtime::capability::{AnyModel, Model, ModelChoice, ModelOf};
pub use typed::{
    LlmModel, ModerationModel, RerankModel, Speech2TextModel, TextEmbeddingModel, TtsModel,
    TypedModel,
};

/// A generated params struct (`<provider>::LlmParams`, ...): typed parameters turned into the
/// JSON that [`ModelHandle::with_params`](crate::registry::ModelHandle::with_params) validates.
pub trait TypedParams {
    /// The provider it belongs to.
    type Provider;
    /// The model type it is for.
    type Kind: kind::ModelKind;
    /// The set fields under the wire names the predefined model `model_id` declares; `None`
    /// when `model_id` is not one of the provider's predefined models of this type.
    fn to_json_for(&self, model_id: &str) -> Option<Map<String, Value>>;
}

/// The params type of a model type none of whose models declares a parameter
/// (`<provider>::TextEmbeddingParams` and the like): there is nothing to set, and it is
/// accepted by [`LlmModel::with_params`] and its siblings as an empty set.
pub struct NoParams<P, K>(PhantomData<fn() -> (P, K)>);

impl<P, K> Default for NoParams<P, K> {
    fn default() -> Self {
        NoParams(PhantomData)
    }
}

impl<P, K> Clone for NoParams<P, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, K> Copy for NoParams<P, K> {}

impl<P, K> PartialEq for NoParams<P, K> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<P, K> Eq for NoParams<P, K> {}

impl<P, K> fmt::Debug for NoParams<P, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NoParams")
    }
}

impl<P, K: kind::ModelKind> TypedParams for NoParams<P, K> {
    type Provider = P;
    type Kind = K;
    fn to_json_for(&self, _model_id: &str) -> Option<Map<String, Value>> {
        Some(Map::new())
    }
}
