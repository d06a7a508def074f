// The block lacks `stream`, which LlmProtocol requires.
use modelrt::runtime::llm::{LlmRequest, LlmResponse};
use modelrt::runtime::protocol::{BoxFuture, CallContext};
use modelrt::runtime::Result;

modelrt::include_providers!("../fixtures/open");

#[modelrt::provider(acme)]
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
