// `Chat` is not a block the attribute knows: one error, nothing else.
modelrt::include_providers!("../fixtures/complete");

#[modelrt::provider(acme)]
impl Chat {
    fn invoke(&self) {}
}

fn main() {}
