//! Typed handles of the speech and moderation model types: text-to-speech, speech-to-text and
//! moderation, with the calls each one makes.

use std::marker::PhantomData;

use modelrt_runtime::capability::{kind, Tag};
use modelrt_runtime::catalog::Voice;
use modelrt_runtime::moderation::{ModerationRequest, ModerationResult};
use modelrt_runtime::speech2text::{Transcription, TranscriptionRequest};
use modelrt_runtime::tts::{AudioStream, TtsRequest};
use modelrt_runtime::Result;

use super::{with_typed_params, TypedParams};
use crate::registry::ModelHandle;

/// A text-to-speech model.
pub struct TtsModel<M> {
    pub(super) handle: ModelHandle,
    model: PhantomData<fn() -> M>,
}

impl<M: Tag> TtsModel<M> {
    /// Wraps an opened handle (what [`Client`](super::Client) does).
    #[doc(hidden)]
    pub fn from_handle(handle: ModelHandle) -> Self {
        TtsModel {
            handle,
            model: PhantomData,
        }
    }

    /// Sets typed parameters (`<provider>::TtsParams`), validated against the model's rules.
    pub fn with_params<P>(self, params: &P) -> Result<Self>
    where
        P: TypedParams<Provider = M::Provider, Kind = kind::Tts>,
    {
        Ok(Self::from_handle(with_typed_params(self.handle, params)?))
    }

    /// The underlying handle.
    pub fn handle(&self) -> &ModelHandle {
        &self.handle
    }

    /// The voices the model's YAML declares (empty for a custom model or one without a list).
    pub fn voices(&self) -> &'static [Voice] {
        self.handle
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
        self.handle.synthesize(request).await
    }

    /// Sends a full request (e.g. to choose the audio format).
    pub async fn synthesize(&self, request: TtsRequest) -> Result<AudioStream> {
        self.handle.synthesize(request).await
    }
}

/// A speech-to-text model.
pub struct Speech2TextModel<M> {
    pub(super) handle: ModelHandle,
    model: PhantomData<fn() -> M>,
}

impl<M: Tag> Speech2TextModel<M> {
    /// Wraps an opened handle (what [`Client`](super::Client) does).
    #[doc(hidden)]
    pub fn from_handle(handle: ModelHandle) -> Self {
        Speech2TextModel {
            handle,
            model: PhantomData,
        }
    }

    /// Sets typed parameters (`<provider>::Speech2TextParams`).
    pub fn with_params<P>(self, params: &P) -> Result<Self>
    where
        P: TypedParams<Provider = M::Provider, Kind = kind::Speech2Text>,
    {
        Ok(Self::from_handle(with_typed_params(self.handle, params)?))
    }

    /// The underlying handle.
    pub fn handle(&self) -> &ModelHandle {
        &self.handle
    }

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
        self.handle.transcribe(request).await
    }

    /// Sends a full request (e.g. with the spoken language or a prompt).
    pub async fn transcribe_request(&self, request: TranscriptionRequest) -> Result<Transcription> {
        self.handle.transcribe(request).await
    }
}

/// A moderation model.
pub struct ModerationModel<M> {
    pub(super) handle: ModelHandle,
    model: PhantomData<fn() -> M>,
}

impl<M: Tag> ModerationModel<M> {
    /// Wraps an opened handle (what [`Client`](super::Client) does).
    #[doc(hidden)]
    pub fn from_handle(handle: ModelHandle) -> Self {
        ModerationModel {
            handle,
            model: PhantomData,
        }
    }

    /// Sets typed parameters (`<provider>::ModerationParams`).
    pub fn with_params<P>(self, params: &P) -> Result<Self>
    where
        P: TypedParams<Provider = M::Provider, Kind = kind::Moderation>,
    {
        Ok(Self::from_handle(with_typed_params(self.handle, params)?))
    }

    /// The underlying handle.
    pub fn handle(&self) -> &ModelHandle {
        &self.handle
    }

    /// Checks `text`; long texts are split as the model's YAML says.
    pub async fn moderate(&self, text: impl Into<String>) -> Result<ModerationResult> {
        let request = ModerationRequest { text: text.into() };
        self.handle.moderate(request).await
    }
}
