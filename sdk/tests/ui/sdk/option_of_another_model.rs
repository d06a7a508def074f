// `json_schema` is a value of echo-pro's `response_format` enum; echo-mini's field takes its
// own enum, which lacks it.
use modelrt_sdk::sdk::ParamsOf;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() {
    let _ = ParamsOf::<echo::models::EchoMini> {
        response_format: Some(echo::EchoProResponseFormat::JsonSchema),
        ..Default::default()
    };
}
