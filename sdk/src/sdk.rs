//! The typed SDK (DESIGN.md, use 4): what each provider's generated `Client` hands out.
//!
//! `modelrt::<provider>::Client::new(credentials)` (a [`Client`] of that provider) opens its
//! models as one generic typed handle, [`TypedModel`], named per model type: [`LlmModel`],
//! [`TextEmbeddingModel`], [`RerankModel`], [`TtsModel`], [`Speech2TextModel`] and
//! [`ModerationModel`]. A handle is a [`ModelHandle`](crate::registry::ModelHandle) (the same
//! credential and parameter validation and the same protocol implementations as the dynamic
//! [`registry`](crate::registry)) tagged with how the model was chosen:
//!
//! - a marker type from `modelrt::<provider>::models` (`models::Gpt54Mini`): the compiler knows the
//!   model's `features`, so capability-specific methods ([`Chat::tool`], [`Chat::user_image`],
//!   [`Chat::json_schema`], ...) compile only for models that declare them, and its parameters
//!   are [`Params<M>`] (set one at a time; an undeclared parameter or option fails to compile
//!   naming the model's YAML file) or the struct [`ParamsOf<M>`], exactly the fields of its
//!   `parameter_rules`;
//! - a model enum value (`Llm::Gpt54Mini`): the model is known at run time only, so no capability
//!   is granted ([`AnyModel`]) and parameters are a JSON object, checked against the model's
//!   rules at run time (an undeclared one is an `InvalidParams` error); build an
//!   [`LlmRequest`](modelrt_runtime::llm::LlmRequest) and call
//!   [`ModelHandle::invoke`](crate::registry::ModelHandle::invoke) on [`TypedModel::handle`]
//!   for anything beyond text.
//!
//! Providers that declare `customizable-model` also get `client.custom_llm(id, credentials)`
//! (and `custom_text_embedding`, ...), which open a model the user names with its own typed
//! `<Type>ModelCredentials`; such a model has no catalog row, so it is tagged [`AnyModel`].

mod calls;
mod chat;
mod client;
mod params;
mod typed;

pub use chat::{Chat, NoTools, StreamableWith, WithTools};
pub use client::{Client, Customizable, ProviderSpec};
pub use modelrt_runtime::capability::{AnyModel, Model, ModelChoice, ModelOf, ModelSpec};
pub use params::{
    Accepts, ChosenByOption, Declares, NoParams, OptionValue, ParamValue, Parameter, Params,
    ParamsFor, ParamsOf, TypedParams,
};
pub use typed::{
    LlmModel, ModerationModel, RerankModel, Speech2TextModel, TextEmbeddingModel, TtsModel,
    TypedModel,
};
