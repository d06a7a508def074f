// The block lacks `stream`, which LlmProtocol requires.
use modelrt_sdk::runtime::llm::{LlmRequest, LlmResponse};
use modelrt_sdk::runtime::protocol::{BoxFuture, CallContext};
use modelrt_sdk::runtime::Result;

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

    fn validate_credentials<'a>(&'a self, _ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

fn main() {}
