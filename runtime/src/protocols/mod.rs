//! Wire protocols shared by several providers, and their lookup by the name a provider
//! declares under `extra.modelrt.protocol`.
//!
//! A protocol is its module here plus one row in [`PROTOCOLS`]; its name and model types are
//! one row in `modelrt_vocabulary::PROTOCOLS`, which the loader checks YAML against (a test
//! keeps the two tables equal). Its trait impls (`LlmProtocol`, ...) are written by the
//! crate's `protocol_impl!` macro: one async expression per method, boxed by the macro.

pub mod anthropic;
mod aws;
pub mod azure_openai;
pub mod bedrock;
pub mod cohere;
pub mod fishaudio;
pub mod gemini;
pub mod hunyuan;
mod llm_events;
mod media;
pub mod nomic;
pub mod oci;
pub mod ollama;
pub mod openai_compatible;
pub mod openai_responses;
pub mod replicate;
pub mod sagemaker;
mod set;
pub mod spark;
pub mod tencent_asr;
mod token_cache;
pub mod triton;
pub mod vertex_ai;
pub mod wenxin;

pub use set::{Implementation, ProtocolOf, ProtocolSet};

/// Every protocol modelrt implements.
pub static PROTOCOLS: &[ProtocolSet] = &[
    ProtocolSet {
        name: openai_compatible::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&openai_compatible::OPENAI_COMPATIBLE),
            Implementation::TextEmbedding(&openai_compatible::OPENAI_COMPATIBLE),
            Implementation::Rerank(&openai_compatible::OPENAI_COMPATIBLE),
            Implementation::Tts(&openai_compatible::OPENAI_COMPATIBLE),
            Implementation::Speech2Text(&openai_compatible::OPENAI_COMPATIBLE),
            Implementation::Moderation(&openai_compatible::OPENAI_COMPATIBLE),
        ],
    },
    ProtocolSet {
        name: anthropic::PROTOCOL_NAME,
        implementations: &[Implementation::Llm(&anthropic::ANTHROPIC)],
    },
    ProtocolSet {
        name: ollama::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&ollama::OLLAMA),
            Implementation::TextEmbedding(&ollama::OLLAMA),
        ],
    },
    ProtocolSet {
        name: cohere::PROTOCOL_NAME,
        implementations: &[
            Implementation::TextEmbedding(&cohere::COHERE),
            Implementation::Rerank(&cohere::COHERE),
        ],
    },
    ProtocolSet {
        name: bedrock::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&bedrock::BEDROCK),
            Implementation::TextEmbedding(&bedrock::BEDROCK),
        ],
    },
    ProtocolSet {
        name: azure_openai::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&azure_openai::AZURE_OPENAI),
            Implementation::TextEmbedding(&azure_openai::AZURE_OPENAI),
            Implementation::Tts(&azure_openai::AZURE_OPENAI),
            Implementation::Speech2Text(&azure_openai::AZURE_OPENAI),
        ],
    },
    ProtocolSet {
        name: openai_responses::PROTOCOL_NAME,
        implementations: &[Implementation::Llm(&openai_responses::OPENAI_RESPONSES)],
    },
    ProtocolSet {
        name: gemini::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&gemini::GEMINI),
            Implementation::TextEmbedding(&gemini::GEMINI),
        ],
    },
    ProtocolSet {
        name: vertex_ai::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&vertex_ai::VERTEX_AI),
            Implementation::TextEmbedding(&vertex_ai::VERTEX_AI),
        ],
    },
    ProtocolSet {
        name: nomic::PROTOCOL_NAME,
        implementations: &[Implementation::TextEmbedding(&nomic::NOMIC)],
    },
    ProtocolSet {
        name: triton::PROTOCOL_NAME,
        implementations: &[Implementation::Llm(&triton::TRITON)],
    },
    ProtocolSet {
        name: fishaudio::PROTOCOL_NAME,
        implementations: &[Implementation::Tts(&fishaudio::FISH_AUDIO)],
    },
    ProtocolSet {
        name: wenxin::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&wenxin::WENXIN),
            Implementation::TextEmbedding(&wenxin::WENXIN),
            Implementation::Rerank(&wenxin::WENXIN),
        ],
    },
    ProtocolSet {
        name: hunyuan::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&hunyuan::HUNYUAN),
            Implementation::TextEmbedding(&hunyuan::HUNYUAN),
        ],
    },
    ProtocolSet {
        name: spark::PROTOCOL_NAME,
        implementations: &[Implementation::Llm(&spark::SPARK)],
    },
    ProtocolSet {
        name: sagemaker::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&sagemaker::SAGEMAKER),
            Implementation::TextEmbedding(&sagemaker::SAGEMAKER),
            Implementation::Rerank(&sagemaker::SAGEMAKER),
        ],
    },
    ProtocolSet {
        name: oci::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&oci::OCI),
            Implementation::TextEmbedding(&oci::OCI),
        ],
    },
    ProtocolSet {
        name: replicate::PROTOCOL_NAME,
        implementations: &[
            Implementation::Llm(&replicate::REPLICATE),
            Implementation::TextEmbedding(&replicate::REPLICATE),
        ],
    },
    ProtocolSet {
        name: tencent_asr::PROTOCOL_NAME,
        implementations: &[Implementation::Speech2Text(&tencent_asr::TENCENT_ASR)],
    },
];

/// The protocol declared as `name`.
pub fn by_name(name: &str) -> Option<&'static ProtocolSet> {
    PROTOCOLS.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::LlmProtocol;

    #[test]
    fn the_runtime_implements_exactly_what_the_vocabulary_lists() {
        let implemented: Vec<_> = PROTOCOLS
            .iter()
            .map(|p| (p.name, p.model_types().collect::<Vec<_>>()))
            .collect();
        let listed: Vec<_> = modelrt_vocabulary::PROTOCOLS
            .iter()
            .map(|p| (p.name, p.model_types.to_vec()))
            .collect();
        assert_eq!(implemented, listed);
    }

    #[test]
    fn a_set_is_indexed_by_model_type() {
        let anthropic = by_name("anthropic").expect("registered");
        assert!(anthropic.protocol::<dyn LlmProtocol>().is_some());
        assert!(anthropic.get(crate::catalog::ModelType::Rerank).is_none());
        assert_eq!(
            format!("{anthropic:?}"),
            "ProtocolSet { name: \"anthropic\", model_types: [Llm] }"
        );
    }
}
