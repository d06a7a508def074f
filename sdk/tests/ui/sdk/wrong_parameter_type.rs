// echo-pro's `max_tokens` rule is an `int`.
use modelrt_sdk::sdk::ParamsOf;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() {
    let _ = ParamsOf::<echo::models::EchoPro> {
        max_tokens: Some(0.5),
        ..Default::default()
    };
}
