//! Fish Audio's text to speech: `POST {base}/v1/tts` with a JSON body `{text, reference_id,
//! format, latency}` (the API also takes msgpack; JSON is what Dify sends) and the key as
//! `Authorization: Bearer`; the answer is the audio itself, streamed. The voice is a voice
//! model's id (`reference_id`); none leaves the choice to Fish Audio. `latency` comes from
//! the credential of that name (`normal` or `balanced`). A text longer than the model's
//! `word_limit` is spoken segment by segment, as for OpenAI's speech endpoint. Credentials are
//! checked by listing the account's own voice models (`GET {base}/model?self=true`).

use serde_json::{json, Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::http::HttpRequest;
use crate::protocol::{protocol_impl, CallContext};
use crate::protocols::openai_compatible::config::Endpoint;
use crate::protocols::openai_compatible::parse_error_body;
use crate::protocols::openai_compatible::tts::{speak_in_order, split_text};
use crate::tts::{AudioStream, TtsRequest};

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::FISH_AUDIO;

/// Characters per request when the model declares no `word_limit` (Dify's model declares 1000).
const DEFAULT_SEGMENT_CHARS: usize = 1000;

/// The Fish Audio protocol (stateless; use [`FISH_AUDIO`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct FishAudio;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static FISH_AUDIO: FishAudio = FishAudio;

protocol_impl! {
    impl TtsProtocol for FishAudio {
        fn synthesize(self, ctx, request) => synthesize(ctx, request);
        fn validate_credentials(self, ctx) => validate_credentials(ctx);
    }
}

/// One segment's body.
fn body(ctx: &CallContext<'_>, text: &str, voice: Option<&str>, format: Option<&str>) -> Value {
    let mut body = Map::new();
    body.insert("text".into(), json!(text));
    body.insert("reference_id".into(), json!(voice));
    if let Some(format) = format {
        body.insert("format".into(), json!(format));
    }
    if let Some(latency) = ctx.credential("latency") {
        body.insert("latency".into(), json!(latency));
    }
    Value::Object(body)
}

async fn synthesize(ctx: CallContext<'_>, request: TtsRequest) -> Result<AudioStream> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    if request.text.trim().is_empty() {
        return Err(in_call(Error::new(
            ErrorKind::InvalidParams,
            "there is no text to speak",
        )));
    }
    let properties = ctx.model.info.map(|info| info.properties);
    let voice = request
        .voice
        .filter(|v| !v.is_empty())
        .or_else(|| properties.and_then(|p| p.default_voice).map(str::to_owned));
    let format = request
        .format
        .filter(|f| !f.is_empty())
        .or_else(|| properties.and_then(|p| p.audio_type).map(str::to_owned));
    let limit = properties
        .and_then(|p| p.word_limit)
        .and_then(|w| usize::try_from(w).ok())
        .unwrap_or(DEFAULT_SEGMENT_CHARS);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let mut requests = Vec::new();
    for segment in split_text(&request.text, limit) {
        let body = body(&ctx, &segment, voice.as_deref(), format.as_deref());
        let http_request = HttpRequest::post_json(endpoint.url("v1/tts"), &body)?;
        requests.push(endpoint.request(http_request).map_err(in_call)?);
    }
    speak_in_order(ctx.http_call(parse_error_body), requests)
        .await
        .map_err(in_call)
}

async fn validate_credentials(ctx: CallContext<'_>) -> Result<()> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let endpoint = Endpoint::resolve(&ctx.provider_context()).map_err(in_call)?;
    let url = endpoint.url("model?self=true&page_size=1");
    let request = endpoint.request(HttpRequest::get(url)).map_err(in_call)?;
    ctx.http_call(parse_error_body)
        .send(&request)
        .await
        .map(drop)
}
