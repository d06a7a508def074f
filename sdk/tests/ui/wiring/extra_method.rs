// `embed` is not a method of LlmProtocol.
use modelrt_sdk::runtime::llm::{LlmRequest, LlmResponse, LlmStream};
use modelrt_sdk::runtime::protocol::{BoxFuture, CallContext};
use modelrt_sdk::runtime::{Error, ErrorKind, Result};

modelrt_sdk::include_providers!("../fixtures/open");

#[modelrt_sdk::provider(acme)]
impl Llm {
    fn invoke<'a>(
        &'a self,
        _ctx: CallContext<'a>,
        request: LlmRequest,
    ) -> BoxFuture<'a, Result<LlmResponse>> {
        let content = providers::acme::wire::answer(&request.messages[0].text());
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

    fn embed(&self, texts: Vec<String>) -> Vec<Vec<f32>> {
        texts.iter().map(|_| Vec::new()).collect()
    }
}

fn main() {}
