//! Tencent Cloud ASR flash recognition against a mock server: the signed URL (checked as
//! Tencent's server does: HMAC-SHA1 with the secret key over `POST{host}{path}?{sorted
//! query}`), the audio body, the documented answer, error codes sent with status 200, an
//! error body per status class, and what is refused before sending.

mod common;
mod protocols_support;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{Fixture, API_KEY};
use hmac::{Hmac, KeyInit, Mac};
use modelrt_runtime::credentials::CredentialValue;
use modelrt_runtime::error::ErrorKind;
use modelrt_runtime::protocol::Speech2TextProtocol;
use modelrt_runtime::protocols::tencent_asr::TENCENT_ASR;
use modelrt_runtime::secret::Secret;
use modelrt_runtime::speech2text::TranscriptionRequest;
use modelrt_runtime::Error;
use protocols_support::{
    answer_post, assert_code_error, assert_no_key, fixture, header, leak, only_request, requests,
};
use serde_json::{json, Value};
use sha1::Sha1;
use wiremock::{MockServer, ResponseTemplate};

const APP_ID: &str = "1259228442";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const FLASH: &str = "/asr/flash/v1/1259228442";

/// Dify's `tencent` form (`app_id`, `secret_id`, `secret_key`) with `server` as the endpoint.
fn tencent(server: &MockServer) -> Fixture {
    let mut fx = fixture(
        "tencent",
        vec![
            ("api_key_variable", "secret_id"),
            ("base_url", leak(server.uri())),
            ("protocol", "tencent-asr"),
        ],
        "tencent",
        &["secret_id"],
        &[("app_id", APP_ID)],
    );
    fx.credentials.insert(
        "secret_key",
        CredentialValue::Secret(Secret::new(SECRET_KEY)),
    );
    fx
}

fn audio(name: &str) -> TranscriptionRequest {
    TranscriptionRequest {
        audio: b"ID3\x03\x00fake mp3 frames".to_vec(),
        file_name: name.to_owned(),
        ..TranscriptionRequest::default()
    }
}

async fn answer(server: &MockServer, template: ResponseTemplate) {
    answer_post(server, FLASH, template).await;
}

/// The answer as Tencent documents it.
fn documented() -> Value {
    json!({
        "request_id": "9d1e8f4c-4b6f-4a71-8a1c-0d6b2b2f3e1a", "status": 0, "code": 0,
        "message": "success", "audio_duration": 2880,
        "flash_result": [{"text": "腾讯云语音识别欢迎您。", "channel_id": 0, "sentence_list": [
            {"text": "腾讯云语音识别欢迎您。", "start_time": 0, "end_time": 2880,
             "speaker_id": 0, "word_list": []}]}]
    })
}

/// A server whose flash recognition answers with [`documented`].
async fn answering_as_documented() -> MockServer {
    let server = MockServer::builder().start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(documented()),
    )
    .await;
    server
}

#[tokio::test]
async fn flash_recognition_is_signed_and_read() {
    let server = answering_as_documented().await;
    let fx = tencent(&server);
    let got = TENCENT_ASR
        .transcribe(fx.ctx(), audio("hello.mp3"))
        .await
        .unwrap();
    assert_eq!(got.text, "腾讯云语音识别欢迎您。");
    assert_eq!(got.duration_seconds, Some(2.88));

    let sent = only_request(&server).await;
    assert_eq!(sent.body, audio("hello.mp3").audio);
    assert_eq!(
        header(&sent, "content-type"),
        Some("application/octet-stream")
    );
    let query = sent.url.query().unwrap().to_owned();
    let names: Vec<&str> = query
        .split('&')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "the query is sorted by name");
    for expected in [
        "engine_type=16k_zh",
        "voice_format=mp3",
        &format!("secretid={API_KEY}"),
    ] {
        assert!(
            query.split('&').any(|p| p == expected),
            "{expected} in {query}"
        );
    }
    let timestamp: u64 = query
        .split('&')
        .find_map(|p| p.strip_prefix("timestamp="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(timestamp > 1_700_000_000);
    let host = server.uri().trim_start_matches("http://").to_owned();
    assert_eq!(header(&sent, "host"), Some(host.as_str()));
    let mut mac = Hmac::<Sha1>::new_from_slice(SECRET_KEY.as_bytes()).unwrap();
    mac.update(format!("POST{host}{FLASH}?{query}").as_bytes());
    assert_eq!(
        header(&sent, "authorization"),
        Some(STANDARD.encode(mac.finalize().into_bytes()).as_str())
    );
}

#[tokio::test]
async fn a_language_picks_the_engine_and_ogg_is_ogg_opus() {
    let server = answering_as_documented().await;
    let fx = tencent(&server);
    let mut request = audio("note.ogg");
    request.language = Some("en".into());
    TENCENT_ASR.transcribe(fx.ctx(), request).await.unwrap();
    let query = only_request(&server).await.url.query().unwrap().to_owned();
    assert!(query.contains("engine_type=16k_en"), "{query}");
    assert!(query.contains("voice_format=ogg-opus"), "{query}");
}

fn assert_no_secrets(error: &Error) {
    assert_no_key(error);
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains(SECRET_KEY),
        "the secret key leaked: {shown}"
    );
}

#[tokio::test]
async fn error_codes_sent_with_200_map_onto_the_taxonomy() {
    let cases = [
        (4002, "鉴权失败", ErrorKind::Authorization),
        (4004, "无免费额度", ErrorKind::Quota),
        (4006, "账号当前调用并发超限", ErrorKind::RateLimit),
        (4007, "音频解码失败", ErrorKind::BadRequest),
        (5000, "服务器内部错误", ErrorKind::ServerUnavailable),
    ];
    for (code, message, kind) in cases {
        let server = MockServer::builder().start().await;
        answer(
            &server,
            ResponseTemplate::new(200).set_body_json(json!({
                "request_id": "1c2b3a49-0000-4f1e-8d7c-6b5a49382716",
                "code": code, "message": message
            })),
        )
        .await;
        let fx = tencent(&server);
        let error = TENCENT_ASR
            .transcribe(fx.ctx(), audio("a.wav"))
            .await
            .unwrap_err();
        assert_code_error(
            &error,
            (kind, &code.to_string(), message),
            ("tencent", "tencent"),
        );
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn error_statuses_map_by_class_and_keep_retry_after() {
    let cases = [
        (401, ErrorKind::Authorization),
        (429, ErrorKind::RateLimit),
        (502, ErrorKind::ServerUnavailable),
    ];
    for (status, kind) in cases {
        let server = MockServer::builder().start().await;
        answer(
            &server,
            ResponseTemplate::new(status)
                .insert_header("retry-after", "3")
                .set_body_json(json!({"code": 0, "message": "upstream says no"})),
        )
        .await;
        let mut fx = tencent(&server);
        fx.http.max_retries = 0;
        let error = TENCENT_ASR
            .transcribe(fx.ctx(), audio("a.wav"))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert_eq!(error.status(), Some(status));
        if status == 429 {
            assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(3)));
        }
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn what_the_api_cannot_take_is_refused_before_sending() {
    let server = MockServer::builder().start().await;
    let fx = tencent(&server);
    let error = TENCENT_ASR
        .transcribe(fx.ctx(), audio("song.flac"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    let mut no_app = tencent(&server);
    no_app
        .credentials
        .insert("app_id", CredentialValue::Text("not-a-number".into()));
    let error = TENCENT_ASR
        .transcribe(no_app.ctx(), audio("a.wav"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
    assert!(error.to_string().contains("app_id"), "{error}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn validation_sends_a_short_silent_wav() {
    let server = MockServer::builder().start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "request_id": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d", "code": 0,
            "message": "success", "audio_duration": 200, "flash_result": [{"text": "", "channel_id": 0}]
        })),
    )
    .await;
    let fx = tencent(&server);
    TENCENT_ASR.validate_credentials(fx.ctx()).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(&sent.body[..4], b"RIFF");
    assert!(sent.url.query().unwrap().contains("voice_format=wav"));
}
