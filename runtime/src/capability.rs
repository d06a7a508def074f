//! Compile-time model capabilities for the typed SDK.
//!
//! The generated code gives every predefined model a zero-sized marker type
//! (`modelrt::<provider>::models::<Model>`) implementing [`Model`], whose `Features` say which
//! of the capability traits below it has (those its YAML declares under `features`). The
//! typed SDK bounds capability-specific methods (tools, image parts, structured output, ...)
//! on these traits, so using a capability a model does not declare fails to compile with a
//! message naming the missing feature.

use std::marker::PhantomData;

/// Type-level model types: the `Kind` of a [`Model`], each a [`kind::ModelKind`].
pub mod kind {
    use crate::catalog::ModelType;

    /// A model type known at compile time.
    pub trait ModelKind: Send + Sync + 'static {
        /// Its run-time value.
        const MODEL_TYPE: ModelType;
    }

    macro_rules! kinds {
        ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub enum $name {}

            impl ModelKind for $name {
                const MODEL_TYPE: ModelType = ModelType::$name;
            }
        )+};
    }

    kinds! {
        /// Language models.
        Llm,
        /// Text embedding models.
        TextEmbedding,
        /// Rerank models.
        Rerank,
        /// Text-to-speech models.
        Tts,
        /// Speech-to-text models.
        Speech2Text,
        /// Moderation models.
        Moderation,
    }
}

/// A model chosen at compile time: the marker type of one predefined model.
pub trait Model: Send + Sync + 'static {
    /// Its provider, model type and features, shared by the provider's models that agree on
    /// all three (one type for many markers keeps each marker's impl small: BENCHMARKS.md,
    /// "Build pipeline").
    type Spec: ModelSpec;
    /// Its typed call parameters: a generated struct with one field per rule of its YAML
    /// `parameter_rules`, shared by the provider's models whose rules are identical (or the
    /// SDK's `NoParams` when it declares none). A parameter the model does not declare is not
    /// a field, so setting it does not compile; the SDK's `Params<M>` sets the same values
    /// through bounds whose error names the model's YAML file.
    type Params;
    /// The id sent to the API.
    const ID: &'static str;
}

/// The compile-time facts a [`Model`] shares with others: the generated `Spec<N>` types of a
/// provider's `models` module implement it.
pub trait ModelSpec: 'static {
    /// The provider (`modelrt::<provider>::Provider`).
    type Provider: 'static;
    /// The model type, as a [`kind`].
    type Kind: kind::ModelKind;
    /// The declared features, as a [`FeatureSet`] of [`Yes`] and [`No`].
    type Features;
}

/// The [`ModelSpec`] of marker `M`.
pub type SpecOf<M> = <M as Model>::Spec;

/// A feature the model declares.
#[derive(Debug)]
pub enum Yes {}

/// A feature the model does not declare.
#[derive(Debug)]
pub enum No {}

/// A model's features at the type level, one [`Yes`] or [`No`] per capability trait, in this
/// order: tool-call, multi-tool-call, stream-tool-call, vision, document, audio, video,
/// structured-output, agent-thought. Each capability trait has one blanket impl reading its
/// position, so a marker type costs one associated type, not one impl per feature.
#[derive(Debug)]
#[allow(clippy::type_complexity)] // nine type-level flags are the point
pub struct FeatureSet<A, B, C, D, E, F, G, H, I>(PhantomData<(A, B, C, D, E, F, G, H, I)>);

/// How a typed handle's model was chosen: a marker type (capabilities known to the compiler)
/// or a value of a model enum ([`AnyModel`], capabilities unknown to the compiler).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model of `{P}`",
    label = "a model of another provider",
    note = "a marker from `<provider>::models` or a value of a `<provider>` model enum opens only with that provider's client"
)]
pub trait ModelChoice<P> {
    /// The model type.
    type Kind: kind::ModelKind;
    /// What the handle is tagged with: the marker type itself, or [`AnyModel`].
    type Tag: Tag<Provider = P>;
    /// The id sent to the API.
    fn model_id(self) -> &'static str;
}

// Reported as the unmet bound itself (naming both providers), not as this impl's clause.
#[diagnostic::do_not_recommend]
impl<P, M: Model<Spec: ModelSpec<Provider = P>>> ModelChoice<P> for M {
    type Kind = <SpecOf<M> as ModelSpec>::Kind;
    type Tag = M;
    fn model_id(self) -> &'static str {
        M::ID
    }
}

/// A model choice of provider `P` whose model type is `K`: what a client's opener of that
/// model type (`llm`, `text_embedding`, ...) accepts. (A model of another provider fails the
/// `ModelChoice<P>` bound first, with its own message.)
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a model of another model type than this opener takes",
    label = "not of the model type this opener takes",
    note = "`Client::llm` opens `llm` models, `Client::text_embedding` `text-embedding` models, and so on; the marker's rustdoc names its YAML file, whose `model_type` says which"
)]
pub trait ModelOf<P, K>: ModelChoice<P, Kind = K> {}

// Reported as the unmet bound itself, not as a type mismatch inside this impl.
#[diagnostic::do_not_recommend]
impl<P, K: kind::ModelKind, M: ModelChoice<P, Kind = K>> ModelOf<P, K> for M {}

/// What a typed handle is tagged with: ties it to its provider and, for marker types, to the
/// model's capabilities.
pub trait Tag: Send + Sync + 'static {
    /// The provider (`modelrt::<provider>::Provider`).
    type Provider: 'static;
}

impl<M: Model> Tag for M {
    type Provider = <SpecOf<M> as ModelSpec>::Provider;
}

/// The tag of a handle opened from a model enum value: the model is known only at run time, so
/// the compiler grants it no capability. Use a marker type from `<provider>::models` to get the
/// capability-specific methods.
#[derive(Debug)]
pub struct AnyModel<P>(PhantomData<fn() -> P>);

impl<P: 'static> Tag for AnyModel<P> {
    type Provider = P;
}

/// Defines one capability trait per feature, each implemented for every marker whose
/// `FeatureSet` has `Yes` at the feature's position (`$yes` lists the set's parameters with
/// `Yes` in that place, `$free` the others).
macro_rules! capabilities {
    ($(
        $(#[$doc:meta])*
        $name:ident: $feature:literal, $message:literal, $label:literal,
            <$($free:ident),*> [$($yes:ident),*];
    )+) => {$(
        $(#[$doc])*
        #[doc = concat!("\n\n(`", $feature, "` under `features`.)")]
        #[diagnostic::on_unimplemented(
            message = $message,
            label = $label,
            note = "add the feature to `features` in the model's YAML file (its marker type's rustdoc names the file) if the provider supports it, or pick a model that declares it; a model chosen by enum value (`AnyModel`) has no compile-time capabilities: open it by its marker type from `<provider>::models`"
        )]
        pub trait $name: Model {}

        // Reported as the unmet bound itself (with its message), not as this impl's clause.
        #[diagnostic::do_not_recommend]
        impl<M, $($free),*> $name for M where M: Model<Spec: ModelSpec<Features = FeatureSet<$($yes),*>>> {}
    )+};
}

capabilities! {
    /// The model calls tools.
    ToolCalling: "tool-call",
        "model `{Self}` does not declare the `tool-call` feature",
        "this needs a model with `tool-call` in its YAML `features`",
        <B, C, D, E, F, G, H, I> [Yes, B, C, D, E, F, G, H, I];
    /// The model calls several tools in one turn.
    MultiToolCall: "multi-tool-call",
        "model `{Self}` does not declare the `multi-tool-call` feature",
        "this needs a model with `multi-tool-call` in its YAML `features`",
        <A, C, D, E, F, G, H, I> [A, Yes, C, D, E, F, G, H, I];
    /// The model streams tool calls as deltas.
    StreamToolCall: "stream-tool-call",
        "model `{Self}` does not declare the `stream-tool-call` feature",
        "this needs a model with `stream-tool-call` in its YAML `features`",
        <A, B, D, E, F, G, H, I> [A, B, Yes, D, E, F, G, H, I];
    /// The model accepts images.
    Vision: "vision",
        "model `{Self}` does not declare the `vision` feature",
        "this needs a model with `vision` in its YAML `features`",
        <A, B, C, E, F, G, H, I> [A, B, C, Yes, E, F, G, H, I];
    /// The model accepts documents.
    Document: "document",
        "model `{Self}` does not declare the `document` feature",
        "this needs a model with `document` in its YAML `features`",
        <A, B, C, D, F, G, H, I> [A, B, C, D, Yes, F, G, H, I];
    /// The model accepts audio.
    Audio: "audio",
        "model `{Self}` does not declare the `audio` feature",
        "this needs a model with `audio` in its YAML `features`",
        <A, B, C, D, E, G, H, I> [A, B, C, D, E, Yes, G, H, I];
    /// The model accepts video.
    Video: "video",
        "model `{Self}` does not declare the `video` feature",
        "this needs a model with `video` in its YAML `features`",
        <A, B, C, D, E, F, H, I> [A, B, C, D, E, F, Yes, H, I];
    /// The model follows a JSON schema for its answer.
    StructuredOutput: "structured-output",
        "model `{Self}` does not declare the `structured-output` feature",
        "this needs a model with `structured-output` in its YAML `features`",
        <A, B, C, D, E, F, G, I> [A, B, C, D, E, F, G, Yes, I];
    /// The model is suited to agent reasoning loops.
    AgentThought: "agent-thought",
        "model `{Self}` does not declare the `agent-thought` feature",
        "this needs a model with `agent-thought` in its YAML `features`",
        <A, B, C, D, E, F, G, H> [A, B, C, D, E, F, G, H, Yes];
}
