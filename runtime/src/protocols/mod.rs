//! Wire protocols shared by several providers, and their lookup by the name a provider
//! declares under `extra.modelrt.protocol`.

pub mod anthropic;
pub mod azure_openai;
pub mod bedrock;
pub mod cohere;
pub mod gemini;
mod llm_events;
mod media;
pub mod ollama;
pub mod openai_compatible;
pub mod openai_responses;
pub mod vertex_ai;

use crate::protocol::{
    LlmProtocol, ModerationProtocol, RerankProtocol, Speech2TextProtocol, TextEmbeddingProtocol,
    TtsProtocol,
};

/// What one protocol implements, per model type. `None` means the protocol has no
/// implementation for that model type.
#[derive(Clone, Copy)]
pub struct ProtocolSet {
    /// The name under `extra.modelrt.protocol`.
    pub name: &'static str,
    /// Language models.
    pub llm: Option<&'static dyn LlmProtocol>,
    /// Text embeddings.
    pub text_embedding: Option<&'static dyn TextEmbeddingProtocol>,
    /// Reranking.
    pub rerank: Option<&'static dyn RerankProtocol>,
    /// Text to speech.
    pub tts: Option<&'static dyn TtsProtocol>,
    /// Speech to text.
    pub speech2text: Option<&'static dyn Speech2TextProtocol>,
    /// Moderation.
    pub moderation: Option<&'static dyn ModerationProtocol>,
}

impl std::fmt::Debug for ProtocolSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProtocolSet")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Every protocol modelrt implements.
pub static PROTOCOLS: &[ProtocolSet] = &[
    ProtocolSet {
        name: openai_compatible::PROTOCOL_NAME,
        llm: Some(&openai_compatible::OPENAI_COMPATIBLE),
        text_embedding: Some(&openai_compatible::OPENAI_COMPATIBLE),
        rerank: Some(&openai_compatible::OPENAI_COMPATIBLE),
        tts: Some(&openai_compatible::OPENAI_COMPATIBLE),
        speech2text: Some(&openai_compatible::OPENAI_COMPATIBLE),
        moderation: Some(&openai_compatible::OPENAI_COMPATIBLE),
    },
    ProtocolSet {
        name: anthropic::PROTOCOL_NAME,
        llm: Some(&anthropic::ANTHROPIC),
        text_embedding: None,
        rerank: None,
        tts: None,
        speech2text: None,
        moderation: None,
    },
    ProtocolSet {
        name: ollama::PROTOCOL_NAME,
        llm: Some(&ollama::OLLAMA),
        text_embedding: Some(&ollama::OLLAMA),
        rerank: None,
        tts: None,
        speech2text: None,
        moderation: None,
    },
    ProtocolSet {
        name: cohere::PROTOCOL_NAME,
        llm: None,
        text_embedding: Some(&cohere::COHERE),
        rerank: Some(&cohere::COHERE),
        tts: None,
        speech2text: None,
        moderation: None,
    },
    ProtocolSet {
        name: bedrock::PROTOCOL_NAME,
        llm: Some(&bedrock::BEDROCK),
        text_embedding: Some(&bedrock::BEDROCK),
        rerank: None,
        tts: None,
        speech2text: None,
        moderation: None,
    },
    ProtocolSet {
        name: azure_openai::PROTOCOL_NAME,
        llm: Some(&azure_openai::AZURE_OPENAI),
        text_embedding: Some(&azure_openai::AZURE_OPENAI),
        rerank: None,
        tts: Some(&azure_openai::AZURE_OPENAI),
        speech2text: Some(&azure_openai::AZURE_OPENAI),
        moderation: None,
    },
    ProtocolSet {
        name: openai_responses::PROTOCOL_NAME,
        llm: Some(&openai_responses::OPENAI_RESPONSES),
        text_embedding: None,
        rerank: None,
        tts: None,
        speech2text: None,
        moderation: None,
    },
    ProtocolSet {
        name: gemini::PROTOCOL_NAME,
        llm: Some(&gemini::GEMINI),
        text_embedding: Some(&gemini::GEMINI),
        rerank: None,
        tts: None,
        speech2text: None,
        moderation: None,
    },
    ProtocolSet {
        name: vertex_ai::PROTOCOL_NAME,
        llm: Some(&vertex_ai::VERTEX_AI),
        text_embedding: Some(&vertex_ai::VERTEX_AI),
        rerank: None,
        tts: None,
        speech2text: None,
        moderation: None,
    },
];

/// The protocol declared as `name`.
pub fn by_name(name: &str) -> Option<&'static ProtocolSet> {
    PROTOCOLS.iter().find(|p| p.name == name)
}
