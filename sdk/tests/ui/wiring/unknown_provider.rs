// The attribute names a provider the included tree does not have.
modelrt_sdk::include_providers!("../fixtures/complete");

#[modelrt_sdk::provider(acmee)]
impl Rerank {}

fn main() {}
