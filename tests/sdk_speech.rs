//! The typed SDK's text-to-speech, speech-to-text and moderation handles, opened from
//! `openai::Client` by marker type, against a local mock of OpenAI's endpoints.

use futures::StreamExt;
use modelrt::openai;
use modelrt::runtime::secret::Secret;
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> openai::Client {
    openai::Client::new(openai::Credentials {
        openai_api_key: Secret::new("sk-test".to_owned()),
        openai_organization: None,
        openai_api_base: Some(format!("{}/v1", server.uri())),
    })
}

async fn only_body(server: &MockServer) -> Vec<u8> {
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests[0].body.clone()
}

#[tokio::test]
async fn tts_speaks_in_a_declared_voice_and_streams_the_audio() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/speech"))
        .and(header("authorization", "Bearer sk-test"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"ID3-audio".to_vec(), "audio/mpeg"))
        .mount(&server)
        .await;
    // Every OpenAI speech model in the catalog is deprecated; tts-1 is still served until its shutdown.
    #[allow(deprecated)]
    let tts = client(&server).tts(openai::models::Tts1).unwrap();
    let voices: Vec<&str> = tts.voices().iter().map(|v| v.mode).collect();
    assert!(
        voices.contains(&"alloy") && voices.contains(&"coral"),
        "{voices:?}"
    );

    let mut audio = tts.speak("Hello there.", Some("coral")).await.unwrap();
    let mut bytes = Vec::new();
    while let Some(piece) = audio.next().await {
        bytes.extend(piece.unwrap());
    }
    assert_eq!(bytes, b"ID3-audio");
    let sent: Value = serde_json::from_slice(&only_body(&server).await).unwrap();
    assert_eq!(
        sent,
        json!({"model": "tts-1", "input": "Hello there.", "voice": "coral", "response_format": "mp3"})
    );
}

#[tokio::test]
async fn speech2text_transcribes_an_audio_file() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "task": "transcribe", "language": "english", "duration": 2.5,
            "text": "Hello there."
        })))
        .mount(&server)
        .await;
    // Every OpenAI transcription model in the catalog is deprecated; whisper-1 is still served
    // until its shutdown.
    #[allow(deprecated)]
    let model = client(&server)
        .speech2text(openai::models::Whisper1)
        .unwrap();
    let transcription = model
        .transcribe(vec![1, 2, 3, 255], "hello.mp3")
        .await
        .unwrap();
    assert_eq!(transcription.text, "Hello there.");
    let body = String::from_utf8_lossy(&only_body(&server).await).into_owned();
    assert!(body.contains("name=\"model\"\r\n\r\nwhisper-1"), "{body}");
    assert!(body.contains("filename=\"hello.mp3\""), "{body}");
}

#[tokio::test]
async fn moderation_reports_the_flagged_category() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/moderations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "modr-1", "model": "omni-moderation-latest",
            "results": [{
                "flagged": true,
                "categories": {"violence": true, "harassment": false},
                "category_scores": {"violence": 0.91, "harassment": 0.01}
            }]
        })))
        .mount(&server)
        .await;
    let model = client(&server)
        .moderation(openai::models::OmniModerationLatest)
        .unwrap();
    let result = model.moderate("some text").await.unwrap();
    assert!(result.flagged);
    let violence = result
        .categories
        .iter()
        .find(|c| c.name == "violence")
        .expect("violence category");
    assert!(violence.flagged);
    assert_eq!(violence.score, Some(0.91));
    let sent: Value = serde_json::from_slice(&only_body(&server).await).unwrap();
    assert_eq!(sent["model"], "omni-moderation-latest");
}
