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
//!   [`Chat::json_schema`], ...) compile only for models that declare them, and its parameters are
//!   [`ParamsOf<M>`], exactly the fields of its `parameter_rules`;
//! - a model enum value (`Llm::Gpt4o`): the model is known at run time only, so no capability
//!   is granted ([`AnyModel`]) and parameters are a JSON object, checked against the model's
//!   rules at run time (an undeclared one is an `InvalidParams` error); build an
//!   [`LlmRequest`](modelrt_runtime::llm::LlmRequest) and call
//!   [`ModelHandle::invoke`](crate::registry::ModelHandle::invoke) on [`TypedModel::handle`]
//!   for anything beyond text.
//!
//! Providers that declare `customizable-model` also get `client.custom_llm(id, credentials)`
//! (and `custom_text_embedding`, ...), which open a model the user names with its own typed
//! `<Type>ModelCredentials`; such a model has no catalog row, so it is tagged [`AnyModel`].

use serde_json::{Map, Value};

mod calls;
mod chat;
mod client;
mod typed;

pub use chat::{Chat, NoTools, StreamableWith, WithTools};
pub use client::{Client, Customizable, ProviderSpec};
pub use modelrt_runtime::capability::{AnyModel, Model, ModelChoice, ModelOf, ModelSpec};
pub use typed::{
    LlmModel, ModerationModel, RerankModel, Speech2TextModel, TextEmbeddingModel, TtsModel,
    TypedModel,
};

/// A model's typed parameters (`<M as Model>::Params`, see [`ParamsOf`]): a generated params
/// struct, [`NoParams`], or for a handle opened from a model enum value ([`AnyModel`]) a JSON
/// object, which is validated against the model's rules at run time.
pub trait TypedParams {
    /// The set values as the JSON object
    /// [`ModelHandle::with_params`](crate::registry::ModelHandle::with_params) validates,
    /// under the wire names the model's rules declare.
    fn to_json(&self) -> Map<String, Value>;
}

/// The typed parameters of model marker `M`: `ParamsOf<openai::models::Gpt4oMini> {
/// max_tokens: Some(300), ..Default::default() }`. A struct with exactly the fields of the
/// model's `parameter_rules` (models with identical rules share it), so a parameter the
/// model does not declare, an option value its rule does not list or a value of the wrong
/// type does not compile.
pub type ParamsOf<M> = <M as Model>::Params;

impl TypedParams for Map<String, Value> {
    fn to_json(&self) -> Map<String, Value> {
        self.clone()
    }
}

/// The params type of a model that declares no parameter (most embedding, rerank and speech
/// models): there is nothing to set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoParams;

impl TypedParams for NoParams {
    fn to_json(&self) -> Map<String, Value> {
        Map::new()
    }
}
