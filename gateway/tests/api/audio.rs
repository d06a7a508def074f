//! `POST /v1/audio/speech` (audio passed on as it arrives) and `POST /v1/audio/transcriptions`
//! (multipart).

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, UPSTREAM_KEY};

#[tokio::test]
async fn speech_streams_the_providers_audio() {
    let upstream = MockServer::start().await;
    let audio: Vec<u8> = (0..=255).cycle().take(10_000).collect();
    Mock::given(method("POST"))
        .and(path("/v1/audio/speech"))
        .and(header(
            "authorization",
            format!("Bearer {UPSTREAM_KEY}").as_str(),
        ))
        .and(body_json(json!({
            "model": "tts-1", "input": "Hello there", "voice": "nova", "response_format": "mp3"
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "audio/mpeg")
                .set_body_bytes(audio.clone()),
        )
        .expect(1)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let request = json!({"model": "openai/tts-1", "input": "Hello there", "voice": "nova", "response_format": "mp3"});
    let response = gateway.post("/v1/audio/speech", &request).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "audio/mpeg");
    assert_eq!(response.bytes().await.unwrap().to_vec(), audio);
}

#[tokio::test]
async fn transcriptions_take_a_multipart_upload() {
    let upstream = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .and(header(
            "authorization",
            format!("Bearer {UPSTREAM_KEY}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"text": "hello world"})))
        .expect(1)
        .mount(&upstream)
        .await;
    let gateway = support::start(&upstream.uri()).await;
    let form = reqwest::multipart::Form::new()
        .text("model", "openai/whisper-1")
        .text("language", "en")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"RIFF-fake-wave".to_vec())
                .file_name("hello.wav")
                .mime_str("audio/wav")
                .unwrap(),
        );
    let response = gateway
        .client
        .post(gateway.url("/v1/audio/transcriptions"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let answer = support::json_ok(response).await;
    assert_eq!(answer, json!({"text": "hello world"}));
    let sent = &upstream.received_requests().await.unwrap()[0];
    let body = String::from_utf8_lossy(&sent.body);
    for part in [
        "name=\"model\"\r\n\r\nwhisper-1\r\n",
        "name=\"language\"\r\n\r\nen\r\n",
        "filename=\"hello.wav\"",
        "RIFF-fake-wave",
    ] {
        assert!(body.contains(part), "{part:?} in {body}");
    }

    let missing = reqwest::multipart::Form::new().text("model", "openai/whisper-1");
    let response = gateway
        .client
        .post(gateway.url("/v1/audio/transcriptions"))
        .multipart(missing)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}
