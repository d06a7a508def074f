//! Tencent Cloud ASR's API 2.0 signature: HMAC-SHA1 with the secret key over
//! `POST{host}{path}?{query}`, the query's parameters sorted by name and written unescaped,
//! base64-encoded into the `Authorization` header.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// The query of `parameters` sorted by name, as signed and sent.
pub fn sorted_query(parameters: &mut [(&str, String)]) -> String {
    parameters.sort_by(|a, b| a.0.cmp(b.0));
    let pairs: Vec<String> = parameters
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    pairs.join("&")
}

/// The `Authorization` value of `POST {host}{path}?{query}`.
pub fn signature(secret_key: &str, host: &str, path: &str, query: &str) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac =
        Hmac::<Sha1>::new_from_slice(secret_key.as_bytes()).expect("HMAC accepts any key length");
    mac.update(format!("POST{host}{path}?{query}").as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_sorted_by_name() {
        let mut parameters = [
            ("voice_format", "mp3".to_owned()),
            ("engine_type", "16k_zh".to_owned()),
            ("secretid", "AKID".to_owned()),
        ];
        assert_eq!(
            sorted_query(&mut parameters),
            "engine_type=16k_zh&secretid=AKID&voice_format=mp3"
        );
    }

    /// RFC 2202's HMAC-SHA1 test case 2 ("Jefe"), in base64: the digest is the standard one.
    #[test]
    fn the_digest_is_hmac_sha1() {
        let mut mac = Hmac::<Sha1>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            STANDARD.encode(mac.finalize().into_bytes()),
            STANDARD.encode([
                0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74, 0x16, 0xd5, 0xf1, 0x84,
                0xdf, 0x9c, 0x25, 0x9a, 0x7c, 0x79
            ])
        );
        assert_eq!(
            signature(
                "key",
                "asr.cloud.tencent.com",
                "/asr/flash/v1/1259228442",
                "a=1"
            ),
            {
                let mut mac = Hmac::<Sha1>::new_from_slice(b"key").unwrap();
                mac.update(b"POSTasr.cloud.tencent.com/asr/flash/v1/1259228442?a=1");
                STANDARD.encode(mac.finalize().into_bytes())
            }
        );
    }
}
