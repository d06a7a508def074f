// The struct-literal form: echo-mini declares `temperature` and `response_format`; `max_tokens` is a rule of echo-pro
// only, so echo-mini's parameters have no such field (a union of the provider's parameters
// would accept it). rustc's own error names no YAML file; `Params::set` does
// (undeclared_parameter.rs).
use modelrt_sdk::sdk::ParamsOf;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() {
    let _ = ParamsOf::<echo::models::EchoMini> {
        temperature: Some(0.2),
        max_tokens: Some(40),
        ..Default::default()
    };
}
