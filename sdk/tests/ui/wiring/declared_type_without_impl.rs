// no_impl/acme/acme.yaml declares `llm`, but no Rust file beside it has `impl Llm`.
modelrt_sdk::include_providers!("../fixtures/no_impl");

fn main() {}
