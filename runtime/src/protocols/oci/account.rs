//! The account an OCI call is made as, from Dify's `oci` form: `oci_config_content` holds
//! the base64 of `user_ocid/fingerprint/tenancy_ocid/region/compartment_ocid`, and the key
//! variable (`oci_key_content`) the base64 of the PEM private key; plain text is accepted for
//! both. The base URL comes from `extra.modelrt` as for every protocol; a `{region}` in it is
//! replaced by the account's region.

use std::time::SystemTime;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use super::signing::Signer;
use crate::error::{Error, ErrorKind, Result};
use crate::http::HttpRequest;
use crate::protocol::ProviderContext;
use crate::protocols::openai_compatible::config::Endpoint;

/// The credential holding the account's identifiers.
pub const CONFIG: &str = "oci_config_content";
/// The credential holding the private key, unless `extra.modelrt.api_key_variable` names
/// another.
pub const KEY: &str = "oci_key_content";

/// The placeholder in a base URL that stands for the region.
const REGION_PLACEHOLDER: &str = "{region}";

/// The inference API's version, the first segment of every path.
const API_VERSION: &str = "20231130";

/// Where calls go, in which compartment, signed by whom.
#[derive(Debug)]
pub struct Account {
    base_url: String,
    compartment_id: String,
    signer: Signer,
}

fn invalid(variable: &str, problem: &str) -> Error {
    Error::new(
        ErrorKind::InvalidCredentials,
        format!("the `{variable}` credential {problem}"),
    )
}

/// `text` decoded from base64 when it is base64 of UTF-8 text, else `text` itself.
fn maybe_base64(text: &str) -> String {
    let compact: String = text.split_whitespace().collect();
    STANDARD
        .decode(compact)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| text.to_owned())
}

/// The five identifiers of the config credential.
struct Identifiers {
    user: String,
    fingerprint: String,
    tenancy: String,
    region: String,
    compartment: String,
}

impl Identifiers {
    fn parse(config: &str) -> Result<Self> {
        let decoded = maybe_base64(config.trim());
        let parts: Vec<&str> = decoded.trim().split('/').map(str::trim).collect();
        let [user, fingerprint, tenancy, region, compartment] = parts[..] else {
            return Err(invalid(
                CONFIG,
                "must be the base64 of `user_ocid/fingerprint/tenancy_ocid/region/\
                 compartment_ocid` (five parts separated by `/`)",
            ));
        };
        let region_ok = !region.is_empty()
            && region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !region_ok {
            return Err(invalid(
                CONFIG,
                &format!("names `{region}` as the region; expected e.g. `us-chicago-1`"),
            ));
        }
        if [user, fingerprint, tenancy, compartment]
            .iter()
            .any(|part| part.is_empty())
        {
            return Err(invalid(CONFIG, "has an empty part"));
        }
        Ok(Identifiers {
            user: user.to_owned(),
            fingerprint: fingerprint.to_owned(),
            tenancy: tenancy.to_owned(),
            region: region.to_owned(),
            compartment: compartment.to_owned(),
        })
    }
}

impl Account {
    /// The account of `ctx`'s credentials.
    pub fn resolve(ctx: &ProviderContext<'_>) -> Result<Self> {
        let in_provider = |e: Error| e.with_provider(ctx.provider.id);
        let config = ctx
            .credentials
            .text(CONFIG)
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| in_provider(invalid(CONFIG, "is required to call OCI")))?;
        let ids = Identifiers::parse(config).map_err(in_provider)?;
        let key_variable = ctx.provider.extra("api_key_variable").unwrap_or(KEY);
        // Dify's form asks for the key in a text box; the overlay makes it a secret.
        let key = ctx
            .credentials
            .secret(key_variable)
            .map(|s| s.expose())
            .or_else(|| ctx.credentials.text(key_variable))
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| {
                in_provider(invalid(key_variable, "is required to sign OCI requests"))
            })?;
        let key_id = format!("{}/{}/{}", ids.tenancy, ids.user, ids.fingerprint);
        let signer = Signer::new(key_id, &maybe_base64(key.trim())).map_err(in_provider)?;
        let endpoint = Endpoint::resolve(ctx)?;
        Ok(Account {
            base_url: endpoint.base_url.replace(REGION_PLACEHOLDER, &ids.region),
            compartment_id: ids.compartment,
            signer,
        })
    }

    /// The compartment calls are made in.
    pub fn compartment_id(&self) -> &str {
        &self.compartment_id
    }

    /// A signed `POST` of `body` to `/20231130/actions/{action}`.
    pub fn post(&self, action: &str, body: &Value) -> Result<HttpRequest> {
        let url = format!("{}/{API_VERSION}/actions/{action}", self.base_url);
        let date = httpdate::fmt_http_date(SystemTime::now());
        self.signer.sign(HttpRequest::post_json(url, body)?, &date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_is_read_encoded_or_plain_and_checked() {
        let plain =
            "ocid1.user.oc1..u/20:3b:97/ocid1.tenancy.oc1..t/us-chicago-1/ocid1.compartment.oc1..c";
        for config in [plain.to_owned(), STANDARD.encode(plain)] {
            let ids = Identifiers::parse(&config).unwrap();
            assert_eq!(ids.user, "ocid1.user.oc1..u");
            assert_eq!(ids.fingerprint, "20:3b:97");
            assert_eq!(ids.tenancy, "ocid1.tenancy.oc1..t");
            assert_eq!(ids.region, "us-chicago-1");
            assert_eq!(ids.compartment, "ocid1.compartment.oc1..c");
        }
        let four = Identifiers::parse(&STANDARD.encode("a/b/c/d"))
            .err()
            .unwrap();
        assert!(four.to_string().contains("five parts"), "{four}");
        let host = Identifiers::parse("a/b/c/evil.com#/e").err().unwrap();
        assert!(host.to_string().contains("region"), "{host}");
    }
}
