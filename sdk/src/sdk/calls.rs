//! The calls of the model types other than LLMs: embedding, rerank, text-to-speech,
//! speech-to-text and moderation.

use modelrt_runtime::capability::Tag;
use modelrt_runtime::catalog::Voice;
use modelrt_runtime::embedding::{EmbeddingRequest, EmbeddingResponse};
use modelrt_runtime::moderation::{ModerationRequest, ModerationResult};
use modelrt_runtime::rerank::{RerankRequest, RerankResponse};
use modelrt_runtime::speech2text::{Transcription, TranscriptionRequest};
use modelrt_runtime::tts::{AudioStream, TtsRequest};
use modelrt_runtime::Result;

use super::{ModerationModel, RerankModel, Speech2TextModel, TextEmbeddingModel, TtsModel};

impl<M: Tag> TextEmbeddingModel<M> {
    /// Embeds `texts` as documents, in order.
    pub async fn embed(
        &self,
        texts: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<EmbeddingResponse> {
        let texts = texts.into_iter().map(Into::into).collect();
        self.handle().embed(EmbeddingRequest::new(texts)).await
    }

    /// Sends a full embedding request (e.g. to embed queries rather than documents).
    pub async fn embed_request(&self, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
        self.handle().embed(request).await
    }
}

impl<M: Tag> RerankModel<M> {
    /// Orders `documents` by relevance to `query`.
    pub async fn rerank(
        &self,
        query: impl Into<String>,
        documents: impl IntoIterator<Item = impl Into<String>>,
        top_n: Option<u32>,
    ) -> Result<RerankResponse> {
        let request = RerankRequest {
            query: query.into(),
            documents: documents.into_iter().map(Into::into).collect(),
            top_n,
            score_threshold: None,
        };
        self.handle().rerank(request).await
    }
}

impl<M: Tag> TtsModel<M> {
    /// The voices the model's YAML declares (empty for a custom model or one without a list).
    pub fn voices(&self) -> &'static [Voice] {
        self.handle()
            .info()
            .map_or(&[], |info| info.properties.voices)
    }

    /// Speaks `text` in `voice` (a voice id; `None` for the model's `default_voice`), in the
    /// model's default audio format, as a stream of audio chunks.
    pub async fn speak(&self, text: impl Into<String>, voice: Option<&str>) -> Result<AudioStream> {
        let request = TtsRequest {
            text: text.into(),
            voice: voice.map(str::to_owned),
            format: None,
        };
        self.handle().synthesize(request).await
    }

    /// Sends a full request (e.g. to choose the audio format).
    pub async fn synthesize(&self, request: TtsRequest) -> Result<AudioStream> {
        self.handle().synthesize(request).await
    }
}

impl<M: Tag> Speech2TextModel<M> {
    /// Transcribes the audio file `audio`; `file_name`'s extension tells the provider its
    /// format (`speech.mp3`).
    pub async fn transcribe(
        &self,
        audio: Vec<u8>,
        file_name: impl Into<String>,
    ) -> Result<Transcription> {
        let request = TranscriptionRequest {
            audio,
            file_name: file_name.into(),
            mime_type: None,
            language: None,
            prompt: None,
        };
        self.handle().transcribe(request).await
    }

    /// Sends a full request (e.g. with the spoken language or a prompt).
    pub async fn transcribe_request(&self, request: TranscriptionRequest) -> Result<Transcription> {
        self.handle().transcribe(request).await
    }
}

impl<M: Tag> ModerationModel<M> {
    /// Checks `text`; long texts are split as the model's YAML says.
    pub async fn moderate(&self, text: impl Into<String>) -> Result<ModerationResult> {
        let request = ModerationRequest { text: text.into() };
        self.handle().moderate(request).await
    }
}
