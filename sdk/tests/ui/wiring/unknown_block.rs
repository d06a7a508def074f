// `Chat` is not a block the attribute knows: one error, nothing else.
modelrt_sdk::include_providers!("../fixtures/complete");

#[modelrt_sdk::provider(acme)]
impl Chat {
    fn invoke(&self) {}
}

fn main() {}
