//! OpenAI's audio and moderation endpoints against a mock server: `/audio/speech` (audio
//! streamed back, long texts split), `/audio/transcriptions` (exact multipart form) and
//! `/moderations` (chunked and merged), with error mapping and no key in any error.

mod common;
mod protocols_support;

use common::{Fixture, API_KEY};
use modelrt_runtime::catalog::{
    ConfigurateMethod, I18n, ModelInfo, ModelProperties, ModelType, Voice,
};
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::moderation::ModerationRequest;
use modelrt_runtime::protocol::{ModerationProtocol, Speech2TextProtocol, TtsProtocol};
use modelrt_runtime::protocols::{by_name, openai_compatible::OPENAI_COMPATIBLE};
use modelrt_runtime::speech2text::TranscriptionRequest;
use modelrt_runtime::tts::TtsRequest;
use modelrt_runtime::Error;
use protocols_support::{assert_no_key, body, drain, fixture, header, only_request, requests};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn model(
    id: &'static str,
    model_type: ModelType,
    properties: ModelProperties,
) -> &'static ModelInfo {
    Box::leak(Box::new(ModelInfo {
        id,
        label: I18n {
            en_us: id,
            others: &[],
        },
        model_type,
        features: &[],
        fetch_from: ConfigurateMethod::PredefinedModel,
        properties,
        parameter_rules: &[],
        pricing: None,
        deprecated: false,
        extra: &[],
        source: "test",
    }))
}

const VOICES: &[Voice] = &[
    Voice {
        mode: "alloy",
        name: "Alloy",
        language: &["en-US"],
    },
    Voice {
        mode: "nova",
        name: "Nova",
        language: &["en-US"],
    },
];

/// The `openai` provider as its YAML declares it, with `info` for the model.
fn openai(base_url: &str, info: &'static ModelInfo) -> Fixture {
    let mut fx = fixture(
        "openai",
        vec![
            ("api_key_variable", "openai_api_key"),
            ("base_url", "https://api.openai.com/v1"),
            ("base_url_variable", "openai_api_base"),
            ("base_url_variable_suffix", "/v1"),
            ("protocol", "openai-compatible"),
        ],
        info.id,
        &["openai_api_key"],
        &[("openai_api_base", &format!("{base_url}/v1"))],
    );
    fx.info = Some(info);
    fx
}

fn tts_model(word_limit: u32) -> &'static ModelInfo {
    model(
        "tts-1",
        ModelType::Tts,
        ModelProperties {
            default_voice: Some("alloy"),
            voices: VOICES,
            word_limit: Some(word_limit),
            audio_type: Some("mp3"),
            max_workers: Some(5),
            ..ModelProperties::default()
        },
    )
}

fn audio_bytes(seed: u8) -> Vec<u8> {
    (0..=255u8).map(|b| b ^ seed).cycle().take(3000).collect()
}

async fn read_audio(fx: &Fixture, request: TtsRequest) -> (Vec<u8>, Option<Error>) {
    let audio = OPENAI_COMPATIBLE
        .synthesize(fx.ctx(), request)
        .await
        .expect("audio starts");
    let (pieces, error) = drain(audio).await;
    (pieces.concat(), error)
}

#[tokio::test]
async fn speech_request_is_exact_and_audio_bytes_arrive_unchanged() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/speech"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(audio_bytes(0), "audio/mpeg"))
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), tts_model(3500));
    let request = TtsRequest {
        text: "Today is a wonderful day to build something people love!".into(),
        ..TtsRequest::default()
    };
    let (audio, error) = read_audio(&fx, request).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(audio, audio_bytes(0));
    let sent = only_request(&server).await;
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    assert_eq!(
        body(&sent),
        json!({"model": "tts-1", "input": "Today is a wonderful day to build something people love!",
               "voice": "alloy", "response_format": "mp3"})
    );
}

#[tokio::test]
async fn long_text_is_spoken_segment_by_segment_in_order() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/speech"))
        .respond_with(|request: &wiremock::Request| {
            let sent: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let input = sent["input"].as_str().unwrap_or_default().to_owned();
            ResponseTemplate::new(200).set_body_raw(format!("<{input}>"), "audio/mpeg")
        })
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), tts_model(20));
    let request = TtsRequest {
        text: "First sentence. Second one here. Third!".into(),
        voice: Some("nova".into()),
        format: Some("opus".into()),
    };
    let (audio, error) = read_audio(&fx, request).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        String::from_utf8(audio).unwrap(),
        "<First sentence.><Second one here.><Third!>"
    );
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    assert!(sent
        .iter()
        .all(|r| body(r)["voice"] == "nova" && body(r)["response_format"] == "opus"));
}

#[tokio::test]
async fn a_failing_segment_ends_the_audio_with_its_error() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/speech"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("AUDIO1", "audio/mpeg"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/speech"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Invalid input", "type": "invalid_request_error", "param": "input", "code": null}})))
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), tts_model(10));
    let request = TtsRequest {
        text: "One two. Three four. Five six.".into(),
        ..TtsRequest::default()
    };
    let (audio, error) = read_audio(&fx, request).await;
    assert_eq!(audio, b"AUDIO1");
    let error = error.expect("the second segment fails");
    assert_eq!(error.kind(), ErrorKind::BadRequest);
    assert_eq!(
        requests(&server).await.len(),
        2,
        "no segment after the failure"
    );
    assert_no_key(&error);
}

#[tokio::test]
async fn speech_errors_come_before_the_audio() {
    let fx = openai("http://127.0.0.1:9", tts_model(3500));
    let unknown = TtsRequest {
        text: "hi".into(),
        voice: Some("robot".into()),
        format: None,
    };
    let error = OPENAI_COMPATIBLE
        .synthesize(fx.ctx(), unknown)
        .await
        .err()
        .expect("unknown voice");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    assert!(error.message().contains("alloy, nova"), "{error}");

    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/speech"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "message": format!("Incorrect API key provided: {API_KEY}."), "type": "invalid_request_error",
            "param": null, "code": "invalid_api_key"}})))
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), tts_model(3500));
    let error = OPENAI_COMPATIBLE
        .synthesize(
            fx.ctx(),
            TtsRequest {
                text: "hi".into(),
                ..TtsRequest::default()
            },
        )
        .await
        .err()
        .expect("bad key");
    assert_eq!(error.kind(), ErrorKind::Authorization);
    assert_eq!(requests(&server).await.len(), 1);
    assert_no_key(&error);
}

fn whisper() -> &'static ModelInfo {
    model(
        "whisper-1",
        ModelType::Speech2Text,
        ModelProperties {
            file_upload_limit: Some(1),
            supported_file_extensions: Some("flac,mp3,mp4,mpeg,mpga,m4a,ogg,wav,webm"),
            ..ModelProperties::default()
        },
    )
}

#[tokio::test]
async fn transcription_sends_the_exact_multipart_form() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "task": "transcribe", "language": "english", "duration": 8.47,
            "text": "The beach was a popular spot on a hot summer day.",
            "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 3.32, "text": " The beach was a popular spot on a hot summer day."}]
        })))
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), whisper());
    let audio = vec![0u8, 1, 2, 255, b'\r', b'\n'];
    let request = TranscriptionRequest {
        audio: audio.clone(),
        file_name: "speech.mp3".into(),
        mime_type: Some("audio/mpeg".into()),
        language: Some("en".into()),
        prompt: Some("Summer, beach.".into()),
    };
    let transcription = OPENAI_COMPATIBLE
        .transcribe(fx.ctx(), request)
        .await
        .expect("transcribed");
    assert_eq!(
        transcription.text,
        "The beach was a popular spot on a hot summer day."
    );
    assert_eq!(transcription.language.as_deref(), Some("english"));
    assert_eq!(transcription.duration_seconds, Some(8.47));

    let sent = only_request(&server).await;
    let boundary = "modelrt-form-boundary-00000000";
    assert_eq!(
        header(&sent, "content-type"),
        Some(format!("multipart/form-data; boundary={boundary}").as_str())
    );
    assert_eq!(
        header(&sent, "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
    let field = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"speech.mp3\"\r\n\
         Content-Type: audio/mpeg\r\n\r\n"
    )
    .into_bytes();
    expected.extend(&audio);
    expected.extend(b"\r\n");
    for (name, value) in [
        ("model", "whisper-1"),
        ("language", "en"),
        ("prompt", "Summer, beach."),
        ("response_format", "verbose_json"),
    ] {
        expected.extend(field(name, value).into_bytes());
    }
    expected.extend(format!("--{boundary}--\r\n").into_bytes());
    assert_eq!(
        String::from_utf8_lossy(&sent.body),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(sent.body, expected);
}

#[tokio::test]
async fn transcription_checks_the_file_and_maps_errors() {
    let fx = openai("http://127.0.0.1:9", whisper());
    let wrong_type = TranscriptionRequest {
        audio: vec![1, 2, 3],
        file_name: "notes.txt".into(),
        ..TranscriptionRequest::default()
    };
    let error = OPENAI_COMPATIBLE
        .transcribe(fx.ctx(), wrong_type)
        .await
        .expect_err("not audio");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);
    let too_big = TranscriptionRequest {
        audio: vec![0; 1024 * 1024 + 1],
        file_name: "long.wav".into(),
        ..TranscriptionRequest::default()
    };
    let error = OPENAI_COMPATIBLE
        .transcribe(fx.ctx(), too_big)
        .await
        .expect_err("over 1 MB");
    assert_eq!(error.kind(), ErrorKind::InvalidParams);

    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "text": "Hello.", "usage": {"type": "tokens", "input_tokens": 14, "output_tokens": 2, "total_tokens": 16}})))
        .mount(&server)
        .await;
    let fx = openai(
        &server.uri(),
        model(
            "gpt-4o-transcribe",
            ModelType::Speech2Text,
            ModelProperties::default(),
        ),
    );
    let request = TranscriptionRequest {
        audio: vec![9; 10],
        file_name: "a.wav".into(),
        ..TranscriptionRequest::default()
    };
    let transcription = OPENAI_COMPATIBLE
        .transcribe(fx.ctx(), request)
        .await
        .expect("text");
    assert_eq!(transcription.text, "Hello.");
    let sent = only_request(&server).await;
    let form = String::from_utf8_lossy(&sent.body);
    assert!(
        form.contains("name=\"response_format\"\r\n\r\njson\r\n"),
        "{form}"
    );
    assert!(form.contains("Content-Type: application/octet-stream"));

    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/audio/transcriptions"))
        .respond_with(ResponseTemplate::new(503).set_body_json(
            json!({"error": {"message": "Service unavailable", "type": "server_error"}}),
        ))
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), whisper());
    let request = TranscriptionRequest {
        audio: vec![1],
        file_name: "a.mp3".into(),
        ..TranscriptionRequest::default()
    };
    let error = OPENAI_COMPATIBLE
        .transcribe(fx.ctx(), request)
        .await
        .expect_err("down");
    assert_eq!(error.kind(), ErrorKind::ServerUnavailable);
    assert_eq!(requests(&server).await.len(), 3, "retried twice");
    assert_no_key(&error);
}

fn verdict(flagged: bool, violence: f64) -> Value {
    json!({
        "flagged": flagged,
        "categories": {"sexual": false, "harassment": false, "violence": flagged, "violence/graphic": false, "illicit": null},
        "category_scores": {"sexual": 0.0001, "harassment": 0.0002, "violence": violence, "violence/graphic": 0.001, "illicit": 0.00002},
        "category_applied_input_types": {"sexual": ["text"], "violence": ["text"]}
    })
}

fn moderation_model(chars: u32, chunks: u32) -> &'static ModelInfo {
    model(
        "omni-moderation-latest",
        ModelType::Moderation,
        ModelProperties {
            max_chunks: Some(chunks),
            max_characters_per_chunk: Some(chars),
            ..ModelProperties::default()
        },
    )
}

#[tokio::test]
async fn moderation_is_chunked_and_merged() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/moderations"))
        .respond_with(|request: &wiremock::Request| {
            let sent: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let results: Vec<Value> = sent["input"]
                .as_array()
                .map(|inputs| {
                    inputs
                        .iter()
                        .map(|i| {
                            let bad = i.as_str().is_some_and(|t| t.contains("kill"));
                            verdict(bad, if bad { 0.91 } else { 0.02 })
                        })
                        .collect()
                })
                .unwrap_or_default();
            ResponseTemplate::new(200).set_body_json(json!({
                "id": "modr-0d9740456c391e43c445bf0f010940c7", "model": "omni-moderation-latest", "results": results}))
        })
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), moderation_model(12, 2));
    let request = ModerationRequest {
        text: "Hello there. Nice day. I will kill it. Bye now.".into(),
    };
    let result = OPENAI_COMPATIBLE
        .moderate(fx.ctx(), request)
        .await
        .expect("verdict");
    assert!(result.flagged);
    let violence = result
        .categories
        .iter()
        .find(|c| c.name == "violence")
        .expect("violence");
    assert!(violence.flagged);
    assert_eq!(violence.score, Some(0.91));
    let illicit = result
        .categories
        .iter()
        .find(|c| c.name == "illicit")
        .expect("illicit");
    assert!(!illicit.flagged, "a null category counts as not flagged");
    let sent = requests(&server).await;
    let inputs: Vec<Value> = sent.iter().map(|r| body(r)["input"].clone()).collect();
    assert_eq!(
        inputs,
        [
            json!(["Hello there.", "Nice day."]),
            json!(["I will kill", "it. Bye now."])
        ]
    );
    assert_eq!(body(&sent[0])["model"], "omni-moderation-latest");
    assert_eq!(
        header(&sent[0], "authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );

    // Nothing to check: nothing sent.
    let before = requests(&server).await.len();
    let result = OPENAI_COMPATIBLE
        .moderate(fx.ctx(), ModerationRequest { text: "  ".into() })
        .await
        .expect("empty");
    assert!(!result.flagged);
    assert_eq!(requests(&server).await.len(), before);
}

#[tokio::test]
async fn moderation_errors_are_mapped() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/moderations"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"error": {
            "message": "Rate limit reached for omni-moderation-latest", "type": "requests", "code": "rate_limit_exceeded"}})))
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), moderation_model(2000, 32));
    let error = OPENAI_COMPATIBLE
        .moderate(
            fx.ctx(),
            ModerationRequest {
                text: "hello".into(),
            },
        )
        .await
        .expect_err("limited");
    assert_eq!(error.kind(), ErrorKind::RateLimit);
    assert_eq!(requests(&server).await.len(), 3);
    assert_no_key(&error);

    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v1/moderations"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "m", "model": "x", "results": []})),
        )
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), moderation_model(2000, 32));
    let error = OPENAI_COMPATIBLE
        .moderate(
            fx.ctx(),
            ModerationRequest {
                text: "hello".into(),
            },
        )
        .await
        .expect_err("no verdict");
    assert_eq!(error.kind(), ErrorKind::InvalidResponse);
}

#[tokio::test]
async fn credential_checks() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models/whisper-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "whisper-1", "object": "model", "created": 1677610602, "owned_by": "openai-internal"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/moderations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "m", "model": "omni-moderation-latest", "results": [verdict(false, 0.0)]})))
        .mount(&server)
        .await;
    let fx = openai(&server.uri(), whisper());
    Speech2TextProtocol::validate_credentials(&OPENAI_COMPATIBLE, fx.ctx())
        .await
        .expect("whisper is there");
    let fx = openai(&server.uri(), moderation_model(2000, 32));
    ModerationProtocol::validate_credentials(&OPENAI_COMPATIBLE, fx.ctx())
        .await
        .expect("moderation works");
    assert_eq!(requests(&server).await.len(), 2);
}

#[test]
fn registered_on_the_openai_compatible_protocol() {
    let set = by_name("openai-compatible").expect("registered");
    for t in [
        ModelType::Tts,
        ModelType::Speech2Text,
        ModelType::Moderation,
    ] {
        assert!(set.get(t).is_some(), "{t}");
    }
}
