// complete/acme/acme.yaml does not declare `tts`.
use modelrt::runtime::protocol::{BoxFuture, CallContext};
use modelrt::runtime::tts::{AudioStream, TtsRequest};
use modelrt::runtime::Result;

modelrt::include_providers!("../fixtures/complete");

#[modelrt::provider(acme)]
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
