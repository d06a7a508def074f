//! The wire protocols the runtime implements, by the name a provider declares under
//! `extra.modelrt.protocol`, and the model types each can call.
//!
//! Adding a protocol is one row in [`PROTOCOLS`] (and a name in [`protocol`]) plus its module
//! in the runtime, whose protocol table is checked against this one when it compiles.

use crate::wire::ModelType;

/// Protocol names, for code that refers to one protocol.
pub mod protocol {
    /// OpenAI's chat completions API and the many servers that copy it.
    pub const OPENAI_COMPATIBLE: &str = "openai-compatible";
    /// Anthropic's messages API.
    pub const ANTHROPIC: &str = "anthropic";
    /// Ollama's native API.
    pub const OLLAMA: &str = "ollama";
    /// Cohere's v2 embed and rerank APIs.
    pub const COHERE: &str = "cohere";
    /// AWS Bedrock's Converse and InvokeModel APIs, signed with SigV4.
    pub const BEDROCK: &str = "bedrock";
    /// Azure OpenAI: OpenAI's APIs on deployment URLs with `api-version`.
    pub const AZURE_OPENAI: &str = "azure-openai";
    /// OpenAI's Responses API (`POST /responses`).
    pub const OPENAI_RESPONSES: &str = "openai-responses";
    /// Google's Gemini API.
    pub const GEMINI: &str = "gemini";
    /// Gemini on Google Cloud's Vertex AI, with service-account OAuth2.
    pub const VERTEX_AI: &str = "vertex-ai";
    /// Nomic's text embedding API.
    pub const NOMIC: &str = "nomic";
    /// Triton Inference Server's generate extension.
    pub const TRITON: &str = "triton";
    /// Fish Audio's text to speech API.
    pub const FISH_AUDIO: &str = "fishaudio";
    /// Baidu's ERNIE (Wenxin) chat API, with an access token from an API key and secret key.
    pub const WENXIN: &str = "wenxin";
    /// Tencent Hunyuan's ChatCompletions, signed with TC3-HMAC-SHA256.
    pub const HUNYUAN: &str = "hunyuan";
    /// Amazon SageMaker endpoints (InvokeEndpoint), signed with SigV4.
    pub const SAGEMAKER: &str = "sagemaker";
    /// Oracle Cloud Generative AI inference, signed with the user's RSA key.
    pub const OCI: &str = "oci";
    /// Replicate's predictions API.
    pub const REPLICATE: &str = "replicate";
    /// iFlytek Spark's chat API over a signed WebSocket.
    pub const SPARK: &str = "spark";
    /// Tencent Cloud ASR's flash recognition, signed with HMAC-SHA1.
    pub const TENCENT_ASR: &str = "tencent-asr";
}

/// One protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protocol {
    /// The name under `extra.modelrt.protocol`.
    pub name: &'static str,
    /// The model types it implements.
    pub model_types: &'static [ModelType],
}

impl Protocol {
    /// The protocol called `name`.
    pub fn named(name: &str) -> Option<&'static Protocol> {
        PROTOCOLS.iter().find(|p| p.name == name)
    }

    /// Whether it implements `model_type`.
    pub fn supports(&self, model_type: ModelType) -> bool {
        self.model_types.contains(&model_type)
    }
}

/// Every protocol the runtime implements.
pub const PROTOCOLS: &[Protocol] = &[
    Protocol {
        name: protocol::OPENAI_COMPATIBLE,
        model_types: &[
            ModelType::Llm,
            ModelType::TextEmbedding,
            ModelType::Rerank,
            ModelType::Tts,
            ModelType::Speech2Text,
            ModelType::Moderation,
        ],
    },
    Protocol {
        name: protocol::ANTHROPIC,
        model_types: &[ModelType::Llm],
    },
    Protocol {
        name: protocol::OLLAMA,
        model_types: &[ModelType::Llm, ModelType::TextEmbedding],
    },
    Protocol {
        name: protocol::COHERE,
        model_types: &[ModelType::TextEmbedding, ModelType::Rerank],
    },
    Protocol {
        name: protocol::BEDROCK,
        model_types: &[ModelType::Llm, ModelType::TextEmbedding],
    },
    Protocol {
        name: protocol::AZURE_OPENAI,
        model_types: &[
            ModelType::Llm,
            ModelType::TextEmbedding,
            ModelType::Tts,
            ModelType::Speech2Text,
        ],
    },
    Protocol {
        name: protocol::OPENAI_RESPONSES,
        model_types: &[ModelType::Llm],
    },
    Protocol {
        name: protocol::GEMINI,
        model_types: &[ModelType::Llm, ModelType::TextEmbedding],
    },
    Protocol {
        name: protocol::VERTEX_AI,
        model_types: &[ModelType::Llm, ModelType::TextEmbedding],
    },
    Protocol {
        name: protocol::NOMIC,
        model_types: &[ModelType::TextEmbedding],
    },
    Protocol {
        name: protocol::TRITON,
        model_types: &[ModelType::Llm],
    },
    Protocol {
        name: protocol::FISH_AUDIO,
        model_types: &[ModelType::Tts],
    },
    Protocol {
        name: protocol::WENXIN,
        model_types: &[ModelType::Llm, ModelType::TextEmbedding, ModelType::Rerank],
    },
    Protocol {
        name: protocol::HUNYUAN,
        model_types: &[ModelType::Llm, ModelType::TextEmbedding],
    },
    Protocol {
        name: protocol::SPARK,
        model_types: &[ModelType::Llm],
    },
    Protocol {
        name: protocol::SAGEMAKER,
        model_types: &[ModelType::Llm, ModelType::TextEmbedding, ModelType::Rerank],
    },
    Protocol {
        name: protocol::OCI,
        model_types: &[ModelType::Llm, ModelType::TextEmbedding],
    },
    Protocol {
        name: protocol::REPLICATE,
        model_types: &[ModelType::Llm, ModelType::TextEmbedding],
    },
    Protocol {
        name: protocol::TENCENT_ASR,
        model_types: &[ModelType::Speech2Text],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::Block;

    #[test]
    fn names_are_unique_and_model_types_callable() {
        for p in PROTOCOLS {
            assert_eq!(Protocol::named(p.name), Some(p), "{} listed twice", p.name);
            for &t in p.model_types {
                assert!(Block::of_model_type(t).is_some(), "{}: {t}", p.name);
            }
        }
    }
}
