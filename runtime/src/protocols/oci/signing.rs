//! Oracle Cloud request signing, version 1 (Oracle's profile of
//! draft-cavage-http-signatures-08): an RSA-SHA256 signature over `date`,
//! `(request-target)` and `host`, plus `content-length`, `content-type` and
//! `x-content-sha256` (the body's base64 SHA-256) for requests with a body, sent as
//! `Authorization: Signature version="1",keyId="<tenancy>/<user>/<fingerprint>",
//! algorithm="rsa-sha256",headers="...",signature="<base64>"`.
//!
//! RSASSA-PKCS1-v1_5 with SHA-256 is RS256, so the signing is done by `jsonwebtoken`, which
//! Vertex AI's service-account tokens already use; it reads PKCS#1 and PKCS#8 PEM keys.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey};
use reqwest::Method;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
use crate::http::{Body, HttpRequest};
use crate::secret::Secret;

/// A key that signs requests for one OCI user.
pub struct Signer {
    key_id: String,
    key: EncodingKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// What a signature covers: the signing string and the headers it names, in order.
#[derive(Debug, PartialEq, Eq)]
struct Plan {
    signing_string: String,
    headers: Vec<&'static str>,
    /// The `x-content-sha256` value, for requests with a body.
    content_sha256: Option<String>,
}

fn invalid_request(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidParams, message)
}

/// Whether requests of `method` sign their body (OCI: POST, PUT and PATCH).
fn signs_body(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

impl Plan {
    fn of(request: &HttpRequest, date: &str) -> Result<Self> {
        let url = reqwest::Url::parse(&request.url)
            .map_err(|e| invalid_request(format!("cannot sign a request to a bad URL: {e}")))?;
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(invalid_request("cannot sign a request without a host")),
        };
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let method = request.method.as_str().to_ascii_lowercase();
        let mut lines = vec![
            format!("date: {date}"),
            format!("(request-target): {method} {target}"),
            format!("host: {host}"),
        ];
        let mut headers = vec!["date", "(request-target)", "host"];
        let mut content_sha256 = None;
        if signs_body(&request.method) {
            let (content_type, bytes) = match &request.body {
                Body::Bytes {
                    content_type,
                    bytes,
                } => (content_type.as_str(), bytes.as_slice()),
                Body::Empty => ("application/json", &[][..]),
            };
            let sha = STANDARD.encode(Sha256::digest(bytes));
            lines.push(format!("content-length: {}", bytes.len()));
            lines.push(format!("content-type: {content_type}"));
            lines.push(format!("x-content-sha256: {sha}"));
            headers.extend(["content-length", "content-type", "x-content-sha256"]);
            content_sha256 = Some(sha);
        }
        Ok(Plan {
            signing_string: lines.join("\n"),
            headers,
            content_sha256,
        })
    }
}

/// The PEM block in `text`: key files downloaded from the OCI console end with an
/// `OCI_API_KEY` line, and others carry comments before the block.
fn pem_block(text: &str) -> &str {
    let Some(start) = text.find("-----BEGIN") else {
        return text;
    };
    let block = &text[start..];
    let end = block.find("-----END").and_then(|at| {
        block[at + 8..]
            .find("-----")
            .map(|close| at + 8 + close + 5)
    });
    end.map_or(block, |end| &block[..end])
}

impl Signer {
    /// A signer for `key_id` (`tenancy/user/fingerprint`) with the PEM private key `pem`.
    pub fn new(key_id: String, pem: &str) -> Result<Self> {
        let key = EncodingKey::from_rsa_pem(pem_block(pem).as_bytes()).map_err(|e| {
            Error::new(
                ErrorKind::InvalidCredentials,
                format!("the OCI API key is not an unencrypted RSA private key in PEM form: {e}"),
            )
        })?;
        Ok(Signer { key_id, key })
    }

    /// The base64 RSA-SHA256 signature of `text`.
    fn signature(&self, text: &str) -> Result<String> {
        let url_safe = jsonwebtoken::crypto::sign(text.as_bytes(), &self.key, Algorithm::RS256)
            .map_err(|e| {
                Error::new(
                    ErrorKind::InvalidCredentials,
                    format!("cannot sign with the OCI API key: {e}"),
                )
            })?;
        let raw = URL_SAFE_NO_PAD
            .decode(url_safe)
            .map_err(|e| Error::new(ErrorKind::InvalidCredentials, e.to_string()))?;
        Ok(STANDARD.encode(raw))
    }

    /// `request` signed as sent at `date` (an HTTP date), with the `date`,
    /// `x-content-sha256` and `authorization` headers added.
    pub fn sign(&self, request: HttpRequest, date: &str) -> Result<HttpRequest> {
        let plan = Plan::of(&request, date)?;
        let authorization = format!(
            "Signature version=\"1\",keyId=\"{}\",algorithm=\"rsa-sha256\",headers=\"{}\",\
             signature=\"{}\"",
            self.key_id,
            plan.headers.join(" "),
            self.signature(&plan.signing_string)?
        );
        let mut request = request.header("date", date)?;
        if let Some(sha) = &plan.content_sha256 {
            request = request.header("x-content-sha256", sha)?;
        }
        request.secret_header("authorization", "", &Secret::new(authorization))
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::DecodingKey;

    use super::*;

    /// The date of Oracle's documented examples (signed as the literal it is).
    const DATE: &str = "Thu, 05 Jan 2014 21:31:40 GMT";

    /// The GET of Oracle's documented example.
    const GET_URL: &str = "https://iaas.us-phoenix-1.oraclecloud.com/20160918/instances\
        ?availabilityDomain=Pjwf%3A%20PHX-AD-1\
        &compartmentId=ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa\
        &displayName=TeamXInstances\
        &volumeId=ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q";

    /// The body of Oracle's documented POST example (AttachVolume).
    const POST_BODY: &str = "{\n    \"compartmentId\": \"ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa\",\n    \"instanceId\": \"ocid1.instance.oc1.phx.abuw4ljrlsfiqw6vzzxb43vyypt4pkodawglp3wqxjqofakrwvou52gb6s5a\",\n    \"volumeId\": \"ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q\"\n}";

    const PRIVATE: &str = include_str!("../../../tests/fixtures/vertex-test-private.pem");
    const PUBLIC: &str = include_str!("../../../tests/fixtures/vertex-test-public.pem");

    fn post() -> HttpRequest {
        HttpRequest {
            body: Body::Bytes {
                content_type: "application/json".to_owned(),
                bytes: POST_BODY.as_bytes().to_vec(),
            },
            ..HttpRequest::new(
                Method::POST,
                "https://iaas.us-phoenix-1.oraclecloud.com/20160918/volumeAttachments",
            )
        }
    }

    #[test]
    fn signing_strings_match_oracles_documented_examples() {
        let get = Plan::of(&HttpRequest::get(GET_URL), DATE).unwrap();
        assert_eq!(
            get.signing_string,
            "date: Thu, 05 Jan 2014 21:31:40 GMT\n\
             (request-target): get /20160918/instances?availabilityDomain=Pjwf%3A%20PHX-AD-1\
             &compartmentId=ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa\
             &displayName=TeamXInstances\
             &volumeId=ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q\n\
             host: iaas.us-phoenix-1.oraclecloud.com"
        );
        assert_eq!(get.headers, ["date", "(request-target)", "host"]);
        assert_eq!(get.content_sha256, None);

        let post = Plan::of(&post(), DATE).unwrap();
        assert_eq!(
            post.signing_string,
            "date: Thu, 05 Jan 2014 21:31:40 GMT\n\
             (request-target): post /20160918/volumeAttachments\n\
             host: iaas.us-phoenix-1.oraclecloud.com\n\
             content-length: 316\n\
             content-type: application/json\n\
             x-content-sha256: V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0="
        );
        assert_eq!(
            post.headers,
            [
                "date",
                "(request-target)",
                "host",
                "content-length",
                "content-type",
                "x-content-sha256"
            ]
        );
    }

    #[test]
    fn the_signature_verifies_with_the_public_key_and_the_header_has_oracles_form() {
        let signer = Signer::new(
            "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/20:3b:97".into(),
            PRIVATE,
        )
        .unwrap();
        let signed = signer.sign(post(), DATE).unwrap();
        let header = |name: &str| signed.headers[name].to_str().unwrap().to_owned();
        assert_eq!(header("date"), DATE);
        assert_eq!(
            header("x-content-sha256"),
            "V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0="
        );
        assert!(signed.headers["authorization"].is_sensitive());
        let authorization = header("authorization");
        let prefix = "Signature version=\"1\",keyId=\"ocid1.tenancy.oc1..t/ocid1.user.oc1..u/\
                      20:3b:97\",algorithm=\"rsa-sha256\",headers=\"date (request-target) host \
                      content-length content-type x-content-sha256\",signature=\"";
        let signature = authorization
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix('"'))
            .expect(&authorization);
        let raw = STANDARD.decode(signature).expect("standard base64");
        assert_eq!(raw.len(), 256, "a 2048-bit RSA signature");
        let public = DecodingKey::from_rsa_pem(PUBLIC.as_bytes()).unwrap();
        let signing_string = Plan::of(&post(), DATE).unwrap().signing_string;
        let verify = |text: &str| {
            jsonwebtoken::crypto::verify(
                &URL_SAFE_NO_PAD.encode(&raw),
                text.as_bytes(),
                &public,
                Algorithm::RS256,
            )
            .unwrap()
        };
        assert!(verify(&signing_string));
        assert!(!verify(&signing_string.replace("316", "317")));
    }

    #[test]
    fn the_pem_block_is_found_among_other_lines() {
        let block = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----";
        assert_eq!(
            pem_block(&format!("# comment\n{block}\nOCI_API_KEY\n")),
            block
        );
        assert_eq!(pem_block("no block"), "no block");
    }

    #[test]
    fn keys_that_are_not_rsa_pem_are_refused_without_echoing_them() {
        let error =
            Signer::new("k".into(), "-----BEGIN PRIVATE KEY-----\nnot-a-key\n").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
        assert!(!error.to_string().contains("not-a-key"), "{error}");
    }
}
