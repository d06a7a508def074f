// echo-mini declares `temperature` and `response_format`; `max_tokens` is a rule of echo-pro
// only (a union of the provider's parameters would accept it). The error names echo-mini's
// YAML file.
use modelrt_sdk::sdk::Params;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() {
    let _ = Params::<echo::models::EchoMini>::new()
        .set(echo::param::temperature, 0.2)
        .set(echo::param::max_tokens, 40);
}
