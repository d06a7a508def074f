// The attribute names a provider the included tree does not have.
modelrt::include_providers!("../fixtures/complete");

#[modelrt::provider(acmee)]
impl Rerank {}

fn main() {}
