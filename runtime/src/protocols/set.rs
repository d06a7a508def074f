//! What one protocol (or one provider implemented in Rust) implements, indexed by model type.

use crate::catalog::ModelType;
use crate::protocol::{
    BoxFuture, CallContext, LlmProtocol, ModerationProtocol, ProviderContext, RemoteModel,
    RerankProtocol, Speech2TextProtocol, TextEmbeddingProtocol, TtsProtocol,
};
use crate::Result;

/// Declares [`Implementation`], with one variant per model type that has a protocol trait,
/// and [`ProtocolOf`] for each trait object.
macro_rules! implementations {
    ($($variant:ident($protocol:ident)),+ $(,)?) => {
        /// One model type's implementation: a protocol trait object, tagged by its model type.
        #[derive(Clone, Copy)]
        pub enum Implementation {
            $(
                #[doc = concat!("`", stringify!($variant), "` models.")]
                $variant(&'static dyn $protocol),
            )+
        }

        impl Implementation {
            /// The model type it serves.
            pub const fn model_type(self) -> ModelType {
                match self { $(Implementation::$variant(_) => ModelType::$variant),+ }
            }

            /// Checks credentials with the cheapest real call of this model type.
            pub fn validate_credentials<'a>(
                self,
                ctx: CallContext<'a>,
            ) -> BoxFuture<'a, Result<()>> {
                match self { $(Implementation::$variant(p) => p.validate_credentials(ctx)),+ }
            }
        }

        $(
            impl ProtocolOf for dyn $protocol {
                const MODEL_TYPE: ModelType = ModelType::$variant;

                fn of(implementation: Implementation) -> Option<&'static Self> {
                    match implementation {
                        Implementation::$variant(p) => Some(p),
                        _ => None,
                    }
                }
            }
        )+
    };
}

implementations! {
    Llm(LlmProtocol),
    TextEmbedding(TextEmbeddingProtocol),
    Rerank(RerankProtocol),
    Tts(TtsProtocol),
    Speech2Text(Speech2TextProtocol),
    Moderation(ModerationProtocol),
}

impl Implementation {
    /// The models the provider's API lists, for the model types that can list them.
    pub fn remote_models<'a>(
        self,
        ctx: ProviderContext<'a>,
    ) -> Option<BoxFuture<'a, Result<Vec<RemoteModel>>>> {
        match self {
            Implementation::Llm(p) => Some(p.remote_models(ctx)),
            Implementation::TextEmbedding(p) => Some(p.remote_models(ctx)),
            _ => None,
        }
    }
}

/// A protocol trait object type (`dyn LlmProtocol`), found in a [`ProtocolSet`] by its model
/// type.
pub trait ProtocolOf: 'static {
    /// The model type it serves.
    const MODEL_TYPE: ModelType;

    /// The trait object, if `implementation` is one.
    fn of(implementation: Implementation) -> Option<&'static Self>;
}

/// What one protocol implements: at most one [`Implementation`] per model type.
#[derive(Clone, Copy)]
pub struct ProtocolSet {
    /// The name under `extra.modelrt.protocol` (the provider id for Rust implementations).
    pub name: &'static str,
    /// The implementations, one per model type.
    pub implementations: &'static [Implementation],
}

impl ProtocolSet {
    /// The implementation for `model_type`.
    pub fn get(&self, model_type: ModelType) -> Option<Implementation> {
        self.implementations
            .iter()
            .copied()
            .find(|i| i.model_type() == model_type)
    }

    /// The implementation of protocol trait `P` (`set.protocol::<dyn LlmProtocol>()`).
    pub fn protocol<P: ProtocolOf + ?Sized>(&self) -> Option<&'static P> {
        self.get(P::MODEL_TYPE).and_then(P::of)
    }

    /// The model types it implements.
    pub fn model_types(&self) -> impl Iterator<Item = ModelType> + '_ {
        self.implementations.iter().map(|i| i.model_type())
    }
}

impl std::fmt::Debug for ProtocolSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let types: Vec<ModelType> = self.model_types().collect();
        f.debug_struct("ProtocolSet")
            .field("name", &self.name)
            .field("model_types", &types)
            .finish()
    }
}
