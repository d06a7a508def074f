// complete/echo/echo.yaml declares `api_key` and `endpoint_url` only.
use modelrt::runtime::secret::Secret;

modelrt::include_providers!("../fixtures/complete");

fn main() {
    let _ = echo::Credentials {
        api_key: Secret::new("key"),
        endpoint_url: None,
        organization: Some("acme-corp".to_owned()),
    };
}
