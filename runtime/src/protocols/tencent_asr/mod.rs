//! Tencent Cloud ASR's flash recognition (API 2.0), as Dify's `tencent` provider calls it:
//! `POST {base}/asr/flash/v1/{app_id}?{sorted query}` with the audio as the body, signed with
//! HMAC-SHA1 ([`signing`]) from the form's `secret_id` and `secret_key`. The answer is
//! `{"code", "message", "audio_duration", "flash_result": [{"text", …}]}`; a `code` other than
//! 0 is an error, usually sent with status 200.

mod recognize;
mod signing;

use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::TENCENT_ASR;

/// The Tencent ASR protocol (stateless; use [`TENCENT_ASR`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct TencentAsr;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static TENCENT_ASR: TencentAsr = TencentAsr;

protocol_impl! {
    impl Speech2TextProtocol for TencentAsr {
        fn transcribe(self, ctx, request) => recognize::transcribe(ctx, request);
        /// Recognizes a fifth of a second of silence (the API has no cheaper call).
        fn validate_credentials(self, ctx) => async move {
            recognize::transcribe(ctx, recognize::silence()).await.map(drop)
        };
    }
}
