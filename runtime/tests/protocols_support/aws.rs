//! What the wire tests of the AWS protocols share: SigV4 signatures re-checked with
//! `aws-sigv4` for the request exactly as the server received it, and event-stream frames
//! built with `aws-smithy-eventstream`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message as Frame};
use serde_json::{json, Value};
use wiremock::Request;

use super::header;
use crate::common::API_KEY;

/// The secret access key of the tests (AWS's documentation example); the key id is
/// [`API_KEY`], so any leak of it is caught.
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// Seconds since the epoch of an `x-amz-date` value (`YYYYMMDDTHHMMSSZ`).
fn amz_time(stamp: &str) -> SystemTime {
    let digits = |range: std::ops::Range<usize>| stamp[range].parse::<i64>().unwrap();
    let (year, month, day) = (digits(0..4), digits(4..6), digits(6..8));
    // Days since 1970-01-01 of a proleptic Gregorian date.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + digits(9..11) * 3600 + digits(11..13) * 60 + digits(13..15);
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap())
}

/// Asserts the SigV4 headers' shape for `region` and `service`, and that the signature is
/// the one `aws-sigv4` computes for the request exactly as the server received it.
pub fn assert_signed(request: &Request, region: &str, service: &str, session_token: Option<&str>) {
    let date = header(request, "x-amz-date").expect("x-amz-date");
    assert_eq!(date.len(), 16);
    let authorization = header(request, "authorization").expect("authorization");
    let signed_headers = match session_token {
        Some(_) => "content-type;host;x-amz-date;x-amz-security-token",
        None => "content-type;host;x-amz-date",
    };
    let prefix = format!(
        "AWS4-HMAC-SHA256 Credential={API_KEY}/{}/{region}/{service}/aws4_request, \
         SignedHeaders={signed_headers}, Signature=",
        &date[..8]
    );
    assert!(authorization.starts_with(&prefix), "{authorization}");
    assert_eq!(header(request, "x-amz-security-token"), session_token);

    let identity = aws_credential_types::Credentials::new(
        API_KEY,
        SECRET_KEY,
        session_token.map(str::to_owned),
        None,
        "test",
    )
    .into();
    let settings = aws_sigv4::http_request::SigningSettings::default();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(amz_time(date))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let signed: Vec<(&str, &str)> = ["content-type", "host"]
        .iter()
        .map(|name| (*name, header(request, name).unwrap()))
        .collect();
    let url = request.url.to_string();
    let signable = aws_sigv4::http_request::SignableRequest::new(
        request.method.as_str(),
        &url,
        signed.into_iter(),
        aws_sigv4::http_request::SignableBody::Bytes(&request.body),
    )
    .unwrap();
    let (instructions, signature) = aws_sigv4::http_request::sign(signable, &params)
        .unwrap()
        .into_parts();
    assert_eq!(authorization, format!("{prefix}{signature}"));
    assert!(instructions
        .headers()
        .any(|(n, v)| n == "x-amz-date" && v == date));
}

/// One frame with `payload` and these string headers.
fn frame(payload: Vec<u8>, headers: [(&'static str, &str); 3]) -> Vec<u8> {
    let frame = headers
        .into_iter()
        .fold(Frame::new(payload), |frame, (name, value)| {
            frame.add_header(Header::new(
                name,
                HeaderValue::String(value.to_owned().into()),
            ))
        });
    let mut bytes = Vec::new();
    write_message_to(&frame, &mut bytes).unwrap();
    bytes
}

/// One event frame with a raw payload (SageMaker's `PayloadPart`).
pub fn raw_event_frame(event_type: &str, payload: &[u8], content_type: &str) -> Vec<u8> {
    frame(
        payload.to_vec(),
        [
            (":event-type", event_type),
            (":content-type", content_type),
            (":message-type", "event"),
        ],
    )
}

/// One event frame with a JSON payload (Bedrock's events).
pub fn event_frame(event_type: &str, payload: &Value) -> Vec<u8> {
    raw_event_frame(
        event_type,
        payload.to_string().as_bytes(),
        "application/json",
    )
}

/// One exception frame with the JSON `body`, as AWS sends it inside a stream.
pub fn exception_body_frame(exception_type: &str, body: &Value) -> Vec<u8> {
    frame(
        body.to_string().into_bytes(),
        [
            (":exception-type", exception_type),
            (":content-type", "application/json"),
            (":message-type", "exception"),
        ],
    )
}

/// One exception frame whose body is `{"message": message}` (Bedrock's).
pub fn exception_frame(exception_type: &str, message: &str) -> Vec<u8> {
    exception_body_frame(exception_type, &json!({ "message": message }))
}
