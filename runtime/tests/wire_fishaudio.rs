//! Fish Audio's text to speech against a mock server: the documented JSON body on
//! `POST /v1/tts` with a Bearer key, the audio streamed back, long texts spoken segment by
//! segment, the key check on `GET /model?self=true`, and the errors Fish Audio sends (a plain
//! text 401, a JSON 402 for missing credit, a 429).

mod common;
mod protocols_support;

use common::{Fixture, API_KEY};
use futures::StreamExt;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::protocol::TtsProtocol;
use modelrt_runtime::protocols::fishaudio::FISH_AUDIO;
use modelrt_runtime::tts::{AudioStream, TtsRequest};
use protocols_support::{assert_no_key, body, fixture, header, only_request, requests};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Dify's `fishaudio` form: `api_key`, `api_base`, `latency`.
fn fish(server: &MockServer, texts: &[(&'static str, &str)]) -> Fixture {
    let mut all = vec![("api_base", server.uri())];
    all.extend(texts.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let all: Vec<(&'static str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fixture(
        "fishaudio",
        vec![
            ("api_key_variable", "api_key"),
            ("base_url", "https://api.fish.audio"),
            ("base_url_variable", "api_base"),
            ("protocol", "fishaudio"),
        ],
        "tts-default",
        &["api_key"],
        &all,
    )
}

async fn audio(stream: AudioStream) -> Result<Vec<u8>, modelrt_runtime::Error> {
    let mut out = Vec::new();
    let mut stream = stream;
    while let Some(piece) = stream.next().await {
        out.extend(piece?);
    }
    Ok(out)
}

fn request(text: &str, voice: Option<&str>) -> TtsRequest {
    TtsRequest {
        text: text.to_owned(),
        voice: voice.map(str::to_owned),
        format: Some("mp3".to_owned()),
    }
}

#[tokio::test]
async fn speaks_with_the_documented_body_and_streams_the_audio() {
    let server = MockServer::builder().start().await;
    let mp3 = vec![0x49u8, 0x44, 0x33, 0x04, 0x00];
    Mock::given(method("POST"))
        .and(path("/v1/tts"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(mp3.clone(), "audio/mpeg"))
        .mount(&server)
        .await;
    let fx = fish(&server, &[("latency", "balanced")]);
    let stream = FISH_AUDIO
        .synthesize(
            fx.ctx(),
            request("Hello, world!", Some("802e3bc2b27e49c2995d23ef70e6ac89")),
        )
        .await
        .unwrap();
    assert_eq!(audio(stream).await.unwrap(), mp3);
    let sent = only_request(&server).await;
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(
        body(&sent),
        json!({"text": "Hello, world!", "reference_id": "802e3bc2b27e49c2995d23ef70e6ac89",
               "format": "mp3", "latency": "balanced"})
    );
}

#[tokio::test]
async fn without_a_voice_fish_audio_chooses_and_long_texts_go_in_segments() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/tts"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![1u8, 2], "audio/mpeg"))
        .mount(&server)
        .await;
    let fx = fish(&server, &[]);
    let long = format!("{} {}", "One sentence.".repeat(50), "x".repeat(900));
    let stream = FISH_AUDIO
        .synthesize(fx.ctx(), request(&long, None))
        .await
        .unwrap();
    let got = audio(stream).await.unwrap();
    let sent = requests(&server).await;
    assert!(sent.len() >= 2, "{} requests", sent.len());
    assert_eq!(got.len(), 2 * sent.len());
    assert_eq!(body(&sent[0])["reference_id"], json!(null));
    assert!(body(&sent[0]).get("latency").is_none());
}

#[tokio::test]
async fn errors_fish_audio_sends() {
    let cases = [
        (
            401,
            ResponseTemplate::new(401)
                .set_body_raw("No permission -- see authorization schemes", "text/plain"),
            ErrorKind::Authorization,
            "No permission",
        ),
        (
            402,
            ResponseTemplate::new(402).set_body_json(json!({
                "status": 402,
                "message": "Insufficient API credit. API credit is managed independently from platform credit."
            })),
            ErrorKind::Quota,
            "Insufficient API credit",
        ),
        (
            429,
            ResponseTemplate::new(429)
                .set_body_json(json!({"status": 429, "message": "Too many requests"}))
                .insert_header("retry-after", "0"),
            ErrorKind::RateLimit,
            "Too many requests",
        ),
    ];
    for (status, answer, kind, message) in cases {
        let server = MockServer::builder().start().await;
        Mock::given(method("POST"))
            .and(path("/v1/tts"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let mut fx = fish(&server, &[]);
        fx.http.max_retries = 0;
        let error = FISH_AUDIO
            .synthesize(fx.ctx(), request("Hi", None))
            .await
            .err()
            .expect("the call fails");
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert_eq!(error.status(), Some(status));
        assert!(error.to_string().contains(message), "{error}");
        assert_eq!(error.provider(), Some("fishaudio"));
        assert_no_key(&error);
    }
}

#[tokio::test]
async fn credentials_are_checked_by_listing_own_voice_models() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/model"))
        .and(query_param("self", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 0, "items": []})))
        .mount(&server)
        .await;
    let fx = fish(&server, &[]);
    FISH_AUDIO.validate_credentials(fx.ctx()).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test]
async fn empty_text_sends_nothing() {
    let server = MockServer::builder().start().await;
    let fx = fish(&server, &[]);
    let error = FISH_AUDIO
        .synthesize(fx.ctx(), request("   ", None))
        .await
        .err()
        .expect("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    assert!(requests(&server).await.is_empty());
}
