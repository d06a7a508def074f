// complete/echo/echo.yaml names the openai-compatible protocol: a hand-written block is never used.
use modelrt_sdk::runtime::llm::{LlmRequest, LlmResponse, LlmStream};
use modelrt_sdk::runtime::protocol::{BoxFuture, CallContext};
use modelrt_sdk::runtime::{Error, ErrorKind, Result};

modelrt_sdk::include_providers!("../fixtures/complete");

#[modelrt_sdk::provider(echo)]
impl Llm {
    fn invoke<'a>(
        &'a self,
        _ctx: CallContext<'a>,
        _request: LlmRequest,
    ) -> BoxFuture<'a, Result<LlmResponse>> {
        Box::pin(async { Err(Error::new(ErrorKind::Unsupported, "not here")) })
    }

    fn stream<'a>(
        &'a self,
        _ctx: CallContext<'a>,
        _request: LlmRequest,
    ) -> BoxFuture<'a, Result<LlmStream>> {
        Box::pin(async { Err(Error::new(ErrorKind::Unsupported, "not here")) })
    }

    fn validate_credentials<'a>(&'a self, _ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

fn main() {}
