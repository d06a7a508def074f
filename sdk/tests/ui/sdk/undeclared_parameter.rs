// No echo model declares a `top_k` parameter rule.
modelrt_sdk::include_providers!("../fixtures/complete");

fn main() {
    let _ = echo::LlmParams {
        temperature: Some(0.2),
        top_k: Some(40),
        ..Default::default()
    };
}
