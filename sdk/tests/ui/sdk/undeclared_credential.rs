// complete/echo/echo.yaml declares `api_key` and `endpoint_url` only.
use modelrt_sdk::runtime::secret::Secret;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() {
    let _ = echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
        organization: Some("acme-corp".to_owned()),
    };
}
