//! Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256, as Tencent documents it: a
//! canonical request over the method, `/`, the `content-type` and `host` headers and the
//! payload's SHA-256; a string to sign with the timestamp and the `date/service/tc3_request`
//! scope; a key derived from the secret key by HMAC over the date, the service and
//! `tc3_request`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

const ALGORITHM: &str = "TC3-HMAC-SHA256";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], message: &str) -> Vec<u8> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// What one signature covers.
pub struct Signing<'a> {
    /// The `host` header as sent (with the port, if any).
    pub host: &'a str,
    /// The `content-type` header as sent.
    pub content_type: &'a str,
    /// The body.
    pub payload: &'a [u8],
    /// The service (`hunyuan`, `cvm`).
    pub service: &'a str,
    /// Seconds since the epoch (`X-TC-Timestamp`).
    pub timestamp: u64,
}

/// The UTC date of `timestamp`, `YYYY-MM-DD` (days since the epoch to a civil date).
fn utc_date(timestamp: u64) -> String {
    let days = i64::try_from(timestamp / 86_400).unwrap_or(0);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

impl Signing<'_> {
    /// The hex SHA-256 of the canonical request.
    fn hashed_canonical_request(&self) -> String {
        let canonical = format!(
            "POST\n/\n\ncontent-type:{}\nhost:{}\n\ncontent-type;host\n{}",
            self.content_type,
            self.host,
            hex(&Sha256::digest(self.payload))
        );
        hex(&Sha256::digest(canonical.as_bytes()))
    }

    /// The signature with `secret_key`.
    fn signature(&self, secret_key: &str) -> String {
        let date = utc_date(self.timestamp);
        let scope = format!("{date}/{}/tc3_request", self.service);
        let to_sign = format!(
            "{ALGORITHM}\n{}\n{scope}\n{}",
            self.timestamp,
            self.hashed_canonical_request()
        );
        let secret_date = hmac(format!("TC3{secret_key}").as_bytes(), &date);
        let secret_service = hmac(&secret_date, self.service);
        let secret_signing = hmac(&secret_service, "tc3_request");
        hex(&hmac(&secret_signing, &to_sign))
    }

    /// The `Authorization` header value.
    pub fn authorization(&self, secret_id: &str, secret_key: &str) -> String {
        let date = utc_date(self.timestamp);
        format!(
            "{ALGORITHM} Credential={secret_id}/{date}/{}/tc3_request, \
             SignedHeaders=content-type;host, Signature={}",
            self.service,
            self.signature(secret_key)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tencent's worked example (API 3.0 "Signature v3"): DescribeInstances on CVM.
    fn documented() -> Signing<'static> {
        Signing {
            host: "cvm.tencentcloudapi.com",
            content_type: "application/json; charset=utf-8",
            payload: br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#,
            service: "cvm",
            timestamp: 1_551_113_065,
        }
    }

    #[test]
    fn matches_tencents_documented_example() {
        let signing = documented();
        assert_eq!(
            hex(&Sha256::digest(signing.payload)),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(
            signing.hashed_canonical_request(),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(
            signing.authorization(
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
            ),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/\
             tc3_request, SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(utc_date(0), "1970-01-01");
        // 2019-02-26 00:44:25 in UTC+8 is still the 25th in UTC.
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_798_761_599), "2026-12-31");
    }
}
