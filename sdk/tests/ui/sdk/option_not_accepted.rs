// echo-mini's `response_format` rule lists `text` and `json_object`; `json_schema` is an
// option of echo-pro's rule only. The error names echo-mini's YAML file.
use modelrt_sdk::sdk::Params;

modelrt_sdk::include_providers!("../fixtures/complete");

fn main() {
    let _ = Params::<echo::models::EchoMini>::new()
        .choose(echo::options::response_format::JsonSchema);
}
