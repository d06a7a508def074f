// complete/echo/echo.yaml declares `api_key` required (the default of `required`).
modelrt_sdk::include_providers!("../fixtures/complete");

fn main() {
    let _ = echo::Credentials { endpoint_url: None };
}
