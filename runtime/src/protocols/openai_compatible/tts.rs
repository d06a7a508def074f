//! `POST /audio/speech`: text to speech, the audio streamed back as it is produced.
//!
//! A text longer than the model's `word_limit` (characters per request) is split at sentence
//! ends and spoken segment by segment; the segments' audio follows one another in one stream.

use futures::StreamExt;
use serde_json::{json, Map, Value};

use super::config::{wire_model, Dialect, Endpoint};
use super::decode::parse_error_body;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{ByteStream, HttpCall, HttpRequest};
use crate::protocol::CallContext;
use crate::tts::{AudioStream, TtsRequest};

/// Characters per request when the model declares no `word_limit` (the API's limit).
const DEFAULT_SEGMENT_CHARS: usize = 4096;
/// Audio format when neither the call nor the model names one.
const DEFAULT_FORMAT: &str = "mp3";
/// Parameters copied into the body when the model's rules allow them.
const BODY_PARAMS: &[&str] = &["speed", "instructions"];

/// Splits `text` into pieces of at most `limit` characters, preferring to cut after a
/// sentence end, else after whitespace, else anywhere (on a character boundary).
pub(crate) fn split_text(text: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(1);
    let mut pieces = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let window_end = rest
            .char_indices()
            .nth(limit)
            .map_or(rest.len(), |(index, _)| index);
        if window_end == rest.len() {
            pieces.push(rest.to_owned());
            break;
        }
        let window = &rest[..window_end];
        let cut_after = |found: Option<(usize, char)>| found.map(|(i, c)| i + c.len_utf8());
        let sentence_end = cut_after(
            window
                .char_indices()
                .rfind(|(_, c)| matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '\n')),
        );
        let space = cut_after(window.char_indices().rfind(|(_, c)| c.is_whitespace()));
        let cut = sentence_end.or(space).unwrap_or(window_end);
        let (piece, tail) = rest.split_at(cut);
        if !piece.trim().is_empty() {
            pieces.push(piece.trim().to_owned());
        }
        rest = tail.trim_start();
    }
    pieces
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidParams, message)
}

/// The voice: the call's, else the model's default; one of the model's voices when it
/// declares them.
fn voice(ctx: &CallContext<'_>, requested: Option<String>) -> Result<String> {
    let properties = ctx.model.info.map(|info| info.properties);
    let voice = requested
        .filter(|v| !v.is_empty())
        .or_else(|| properties.and_then(|p| p.default_voice).map(str::to_owned))
        .ok_or_else(|| invalid("no voice given and the model declares no default_voice"))?;
    let voices = properties.map_or(&[][..], |p| p.voices);
    if !voices.is_empty() && !voices.iter().any(|v| v.mode == voice) {
        let known: Vec<&str> = voices.iter().map(|v| v.mode).collect();
        return Err(invalid(format!(
            "unknown voice `{voice}`; this model has {}",
            known.join(", ")
        )));
    }
    Ok(voice)
}

/// Synthesizes `request.text`. The first segment is requested before this returns, so a
/// rejected call fails here; later segments are requested as the stream reaches them.
pub async fn synthesize(
    ctx: CallContext<'_>,
    request: TtsRequest,
    dialect: Dialect,
) -> Result<AudioStream> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    if request.text.trim().is_empty() {
        return Err(in_call(invalid("there is no text to speak")));
    }
    let properties = ctx.model.info.map(|info| info.properties);
    let voice = voice(&ctx, request.voice).map_err(in_call)?;
    let format = request
        .format
        .filter(|f| !f.is_empty())
        .or_else(|| properties.and_then(|p| p.audio_type).map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_FORMAT.to_owned());
    let limit = properties
        .and_then(|p| p.word_limit)
        .and_then(|w| usize::try_from(w).ok())
        .unwrap_or(DEFAULT_SEGMENT_CHARS);
    let endpoint = Endpoint::for_call(&ctx, dialect).await.map_err(in_call)?;
    let mut requests = Vec::new();
    for segment in split_text(&request.text, limit) {
        let mut body = Map::new();
        body.insert("model".into(), json!(wire_model(&ctx)));
        body.insert("input".into(), json!(segment));
        body.insert("voice".into(), json!(voice));
        body.insert("response_format".into(), json!(format));
        for name in BODY_PARAMS {
            if let Some(value) = ctx.params.get(name) {
                body.insert((*name).to_owned(), value.to_json());
            }
        }
        let http_request =
            HttpRequest::post_json(endpoint.url("audio/speech"), &Value::Object(body))?;
        requests.push(endpoint.request(http_request).map_err(in_call)?);
    }
    speak_in_order(ctx.http_call(parse_error_body), requests)
        .await
        .map_err(in_call)
}

/// Sends the requests of a text's segments one after another, their audio in one stream.
/// The first is sent before this returns, so a rejected call fails here; each later one is
/// sent when the stream reaches it, and the first error ends the stream.
pub(crate) async fn speak_in_order(
    call: HttpCall,
    requests: Vec<HttpRequest>,
) -> Result<AudioStream> {
    let mut requests = requests.into_iter();
    let Some(first) = requests.next() else {
        return Err(invalid("there is no text to speak"));
    };
    let first: ByteStream = call.send_bytes(&first).await?;
    let rest = futures::stream::iter(requests)
        .then(move |next| {
            let call = call.clone();
            async move { call.send_bytes(&next).await }
        })
        .flat_map(|answer| -> ByteStream {
            match answer {
                Ok(audio) => audio,
                Err(error) => Box::pin(futures::stream::once(async move { Err(error) })),
            }
        });
    // The first error ends the stream: no later segment is requested.
    let audio = first.chain(rest).scan(false, |failed, item| {
        let out = (!*failed).then(|| {
            *failed = item.is_err();
            item
        });
        futures::future::ready(out)
    });
    Ok(Box::pin(audio))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_sentence_ends_then_spaces_then_anywhere() {
        assert_eq!(split_text("One. Two. Three.", 10), ["One. Two.", "Three."]);
        assert_eq!(split_text("aaaa bbbb cccc", 10), ["aaaa bbbb", "cccc"]);
        assert_eq!(split_text("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(split_text("日本語。テキスト", 5), ["日本語。", "テキスト"]);
        assert_eq!(split_text("  ", 3), Vec::<String>::new());
        assert_eq!(split_text("short", 4096), ["short"]);
    }
}
