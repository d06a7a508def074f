// complete/acme/acme.yaml does not declare `tts`.
use modelrt_sdk::runtime::protocol::{BoxFuture, CallContext};
use modelrt_sdk::runtime::tts::{AudioStream, TtsRequest};
use modelrt_sdk::runtime::Result;

modelrt_sdk::include_providers!("../fixtures/complete");

#[modelrt_sdk::provider(acme)]
impl Tts {
    fn synthesize<'a>(
        &'a self,
        _ctx: CallContext<'a>,
        _request: TtsRequest,
    ) -> BoxFuture<'a, Result<AudioStream>> {
        unimplemented!()
    }

    fn validate_credentials<'a>(&'a self, _ctx: CallContext<'a>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

fn main() {}
