// `invoke` takes the prompt as a String instead of an LlmRequest.
use modelrt_sdk::runtime::llm::{LlmRequest, LlmResponse, LlmStream};
use modelrt_sdk::runtime::protocol::{BoxFuture, CallContext};
use modelrt_sdk::runtime::{Error, ErrorKind, Result};

modelrt_sdk::include_providers!("../fixtures/open");

#[modelrt_sdk::provider(acme)]
impl Llm {
    fn invoke<'a>(
        &'a self,
        _ctx: CallContext<'a>,
        prompt: String,
    ) -> BoxFuture<'a, Result<LlmResponse>> {
        let content = providers::acme::wire::answer(&prompt);
        Box::pin(async move { Ok(LlmResponse { content, ..LlmResponse::default() }) })
    }

    fn stream<'a>(
        &'a self,
        _ctx: CallContext<'a>,
        _request: LlmRequest,
    ) -> BoxFuture<'a, Result<LlmStream>> {
        Box::pin(async { Err(Error::new(ErrorKind::Unsupported, "no streaming")) })
    }

    fn validate_credentials<'a>(&'a self, _ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

fn main() {}
