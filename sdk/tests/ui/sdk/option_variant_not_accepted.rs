// The struct-literal form: echo-mini's `response_format` rule lists `text` and `json_object`; `json_schema` is an
// option of echo-pro's rule only, so it is not a value of echo-mini's enum.
// rustc's own error names no YAML file; `Params::choose` does (option_not_accepted.rs).
use modelrt_sdk::sdk::ParamsOf;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() {
    let _ = ParamsOf::<echo::models::EchoMini> {
        response_format: Some(echo::EchoMiniResponseFormat::JsonSchema),
        ..Default::default()
    };
}
