//! iFlytek's signed WebSocket URL: an HMAC-SHA256 with the API secret over the `host`,
//! `date` and request line, wrapped with the API key into a base64 `authorization` query
//! parameter, beside `date` and `host` (iFlytek's "URL authentication" for its WebSocket APIs).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, ErrorKind, Result};
use crate::http::percent_encode;

/// A signed URL and the texts it carries that errors must not show.
pub struct Signed {
    /// `{url}?authorization=…&date=…&host=…`.
    pub url: String,
    /// The `authorization` value (it holds the API key and a signature).
    pub authorization: String,
}

/// `url` (`ws://` or `wss://`, no query) signed for a request made at `date` (RFC 1123, GMT).
pub fn sign(url: &str, api_key: &str, api_secret: &str, date: &str) -> Result<Signed> {
    let rest = url
        .split_once("://")
        .map(|(_, rest)| rest)
        .ok_or_else(|| not_a_url(url))?;
    let (host, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, "/"),
    };
    if host.is_empty() {
        return Err(not_a_url(url));
    }
    let signed_text = format!("host: {host}\ndate: {date}\nGET {path} HTTP/1.1");
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(api_secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(signed_text.as_bytes());
    let signature = STANDARD.encode(mac.finalize().into_bytes());
    let authorization = STANDARD.encode(format!(
        "api_key=\"{api_key}\", algorithm=\"hmac-sha256\", \
         headers=\"host date request-line\", signature=\"{signature}\""
    ));
    let url = format!(
        "{url}?authorization={}&date={}&host={}",
        percent_encode(&authorization),
        percent_encode(date),
        percent_encode(host)
    );
    Ok(Signed { url, authorization })
}

fn not_a_url(url: &str) -> Error {
    Error::new(
        ErrorKind::InvalidCredentials,
        format!("`{url}` is not a URL with a host"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Fri, 05 May 2023 10:43:39 GMT";

    fn query(url: &str, name: &str) -> String {
        let query = url.split_once('?').unwrap().1;
        let value = query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap();
        // Only `%XX` escapes occur: decode them.
        let mut out = Vec::new();
        let bytes = value.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&value[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_query_carries_host_date_and_an_authorization_naming_key_and_signature() {
        let signed = sign(
            "wss://spark-api.xf-yun.com/v3.5/chat",
            "key",
            "secret",
            DATE,
        )
        .unwrap();
        assert!(signed
            .url
            .starts_with("wss://spark-api.xf-yun.com/v3.5/chat?authorization="));
        assert_eq!(query(&signed.url, "host"), "spark-api.xf-yun.com");
        assert_eq!(query(&signed.url, "date"), DATE);
        assert_eq!(query(&signed.url, "authorization"), signed.authorization);
        let decoded = String::from_utf8(STANDARD.decode(&signed.authorization).unwrap()).unwrap();
        // The signature: HMAC-SHA256("secret", "host: …\ndate: …\nGET /v3.5/chat HTTP/1.1").
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(
            format!("host: spark-api.xf-yun.com\ndate: {DATE}\nGET /v3.5/chat HTTP/1.1").as_bytes(),
        );
        let expected = STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(
            decoded,
            format!(
                "api_key=\"key\", algorithm=\"hmac-sha256\", headers=\"host date request-line\", \
                 signature=\"{expected}\""
            )
        );
        assert!(!signed.url.contains("secret"));
    }

    #[test]
    fn a_url_without_host_is_refused() {
        let error = sign("wss:///chat", "k", "s", DATE).err().unwrap();
        assert_eq!(error.kind(), ErrorKind::InvalidCredentials);
        assert!(sign("spark-api", "k", "s", DATE).is_err());
    }
}
