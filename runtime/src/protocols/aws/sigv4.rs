//! AWS Signature Version 4 over a [`HttpRequest`], through the `aws-sigv4` crate: the
//! request's method, URL, headers (its body's `content-type` included) and body are signed,
//! and the signature headers (`x-amz-date`, `authorization`, and `x-amz-security-token` for
//! temporary credentials) are added, marked sensitive.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use crate::error::{Error, ErrorKind, Result};
use crate::http::{Body, HttpRequest};
use crate::secret::Secret;

/// An AWS identity and the region its requests are signed for.
#[derive(Debug, Clone, Copy)]
pub struct AwsCredentials<'a> {
    /// The access key id (Dify's form treats it as a secret, so it is kept as one).
    pub access_key_id: &'a Secret,
    /// The secret access key.
    pub secret_access_key: &'a Secret,
    /// The session token of temporary credentials.
    pub session_token: Option<&'a Secret>,
    /// The region, e.g. `us-east-1`.
    pub region: &'a str,
}

impl AwsCredentials<'_> {
    /// The texts an error must never show: the key id and the session token (the secret key
    /// never leaves this process).
    pub fn secrets(&self) -> Vec<&str> {
        let mut secrets = vec![self.access_key_id.expose()];
        secrets.extend(self.session_token.map(Secret::expose));
        secrets
    }
}

fn signing_error(error: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::InvalidCredentials,
        format!("cannot sign the request: {error}"),
    )
}

/// Signs `request` for `service` at `time` and returns it with the signature headers added.
pub fn sign_request(
    request: HttpRequest,
    credentials: &AwsCredentials<'_>,
    service: &str,
    time: SystemTime,
) -> Result<HttpRequest> {
    let identity = Credentials::new(
        credentials.access_key_id.expose(),
        credentials.secret_access_key.expose(),
        credentials.session_token.map(|t| t.expose().to_owned()),
        None,
        "modelrt",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(credentials.region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(signing_error)?
        .into();
    let (content_type, body) = match &request.body {
        Body::Empty => (None, &[][..]),
        Body::Bytes {
            content_type,
            bytes,
        } => (Some(content_type.as_str()), bytes.as_slice()),
    };
    let mut headers = Vec::with_capacity(request.headers.len() + 1);
    for (name, value) in &request.headers {
        let value = value.to_str().map_err(|_| {
            signing_error(format!("header `{name}` is not text and cannot be signed"))
        })?;
        headers.push((name.as_str(), value));
    }
    headers.extend(content_type.map(|value| ("content-type", value)));
    let signable = SignableRequest::new(
        request.method.as_str(),
        &request.url,
        headers.into_iter(),
        SignableBody::Bytes(body),
    )
    .map_err(signing_error)?;
    let (instructions, _signature) = sign(signable, &params).map_err(signing_error)?.into_parts();
    let added: Vec<(String, String)> = instructions
        .headers()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let mut signed = request;
    for (name, value) in added {
        signed = match name.as_str() {
            "x-amz-date" => signed.header(&name, &value)?,
            // The authorization header names the key id, the token is a credential itself.
            _ => signed.secret_header(&name, "", &Secret::new(value))?,
        };
    }
    Ok(signed)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    /// The credentials, region and service of AWS's SigV4 test suite.
    const SUITE_KEY_ID: &str = "AKIDEXAMPLE";
    const SUITE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// 2015-08-30T12:36:00Z, the suite's signing time.
    fn suite_time() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    fn suite_sign(request: HttpRequest) -> HttpRequest {
        let key_id = Secret::new(SUITE_KEY_ID);
        let secret = Secret::new(SUITE_SECRET);
        let credentials = AwsCredentials {
            access_key_id: &key_id,
            secret_access_key: &secret,
            session_token: None,
            region: "us-east-1",
        };
        sign_request(request, &credentials, "service", suite_time()).expect("signs")
    }

    fn header(request: &HttpRequest, name: &str) -> String {
        request.headers[name].to_str().unwrap().to_owned()
    }

    #[test]
    fn query_parameters_are_signed_in_sorted_order() {
        // AWS SigV4 test suite, case `get-vanilla-query-order-key-case`.
        let request = suite_sign(HttpRequest::get(
            "https://example.amazonaws.com/?Param2=value2&Param1=value1",
        ));
        assert_eq!(header(&request, "x-amz-date"), "20150830T123600Z");
        assert_eq!(
            header(&request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
    }

    #[test]
    fn a_body_and_its_content_type_are_signed() {
        // AWS SigV4 test suite, case `post-x-www-form-urlencoded`.
        let request = HttpRequest {
            body: Body::Bytes {
                content_type: "application/x-www-form-urlencoded".to_owned(),
                bytes: b"Param1=value1".to_vec(),
            },
            ..HttpRequest::new(crate::http::Method::POST, "https://example.amazonaws.com/")
        };
        let request = suite_sign(request);
        assert_eq!(
            header(&request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        );
        assert!(request.headers["authorization"].is_sensitive());
    }

    #[test]
    fn a_session_token_is_sent_and_signed() {
        let key_id = Secret::new(SUITE_KEY_ID);
        let secret = Secret::new(SUITE_SECRET);
        let token = Secret::new("session-token-value");
        let credentials = AwsCredentials {
            access_key_id: &key_id,
            secret_access_key: &secret,
            session_token: Some(&token),
            region: "eu-west-1",
        };
        let request = sign_request(
            HttpRequest::get("https://bedrock-runtime.eu-west-1.amazonaws.com/x"),
            &credentials,
            "bedrock",
            suite_time(),
        )
        .unwrap();
        assert_eq!(
            header(&request, "x-amz-security-token"),
            "session-token-value"
        );
        assert!(request.headers["x-amz-security-token"].is_sensitive());
        let authorization = header(&request, "authorization");
        assert!(authorization.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/bedrock/aws4_request, \
             SignedHeaders=host;x-amz-date;x-amz-security-token, Signature="
        ));
        assert!(!format!("{request:?}").contains("session-token-value"));
    }
}
