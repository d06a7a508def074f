//! The one typed handle, [`TypedModel`]: a [`ModelHandle`] tagged with its model type and with
//! how the model was chosen. What each model type can do is in [`chat`](super::chat) (LLMs) and
//! [`calls`](super::calls) (the other types).

use std::fmt;
use std::marker::PhantomData;

use modelrt_runtime::capability::{kind, Tag};
use modelrt_runtime::Result;

use super::ParamsFor;
use crate::registry::ModelHandle;

/// A model of type `K` (a [`kind`]), tagged `M`: a marker type from `<provider>::models`,
/// whose `features` the compiler knows, or [`AnyModel`](super::AnyModel).
pub struct TypedModel<K, M> {
    handle: ModelHandle,
    tag: PhantomData<fn() -> (K, M)>,
}

/// A language model.
pub type LlmModel<M> = TypedModel<kind::Llm, M>;
/// A text embedding model.
pub type TextEmbeddingModel<M> = TypedModel<kind::TextEmbedding, M>;
/// A rerank model.
pub type RerankModel<M> = TypedModel<kind::Rerank, M>;
/// A text-to-speech model.
pub type TtsModel<M> = TypedModel<kind::Tts, M>;
/// A speech-to-text model.
pub type Speech2TextModel<M> = TypedModel<kind::Speech2Text, M>;
/// A moderation model.
pub type ModerationModel<M> = TypedModel<kind::Moderation, M>;

// Written by hand rather than derived: a derive would require `K: Debug` and `M: Debug`, and
// model marker types implement no traits beyond `Model` (to keep large trees cheap to check).
impl<K, M> fmt::Debug for TypedModel<K, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedModel")
            .field("handle", &self.handle)
            .finish()
    }
}

impl<K: kind::ModelKind, M: Tag> TypedModel<K, M> {
    /// Wraps an opened handle (what the generated `Client` does).
    #[doc(hidden)]
    pub fn from_handle(handle: ModelHandle) -> Self {
        TypedModel {
            handle,
            tag: PhantomData,
        }
    }

    /// Sets the model's typed parameters ([`Params<M>`](super::Params) or
    /// [`ParamsOf<M>`](super::ParamsOf) for a marker type; a JSON object for a model chosen
    /// by enum value), validated against its rules.
    pub fn with_params(self, params: &impl ParamsFor<M>) -> Result<Self> {
        Ok(Self::from_handle(
            self.handle.with_params(&params.to_json())?,
        ))
    }

    /// The underlying handle (raw requests, credentials, validated parameters).
    pub fn handle(&self) -> &ModelHandle {
        &self.handle
    }
}
