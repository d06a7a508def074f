//! AWS Bedrock: the Converse and ConverseStream APIs (`POST /model/{modelId}/converse`,
//! `/converse-stream`) for language models, and InvokeModel (`/invoke`) for Amazon Titan
//! and Cohere embeddings, at `https://bedrock-runtime.{region}.amazonaws.com` (with the
//! credentials of [`crate::protocols::aws::target`]).
//!
//! Requests are signed with SigV4 (service `bedrock`) from an access key, a secret key, an
//! optional session token and the region; streamed answers arrive in AWS's binary
//! event-stream framing. System prompts, text/image/document blocks, tools with streamed
//! input fragments, reasoning (signed text and redacted content), cache points and usage
//! with prompt-cache reads and writes; error types mapped to the error taxonomy.

mod chat;
mod decode;
mod embed;
mod encode;
mod error;
mod events;

pub use error::parse_error_body;

use crate::http::percent_encode;
use crate::protocol::protocol_impl;
use crate::protocols::aws::Target;

/// The service name requests are signed for.
const SERVICE: &str = "bedrock";

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::BEDROCK;

/// The URL of `action` (`converse`, `converse-stream`, `invoke`) for `model`, whose id is
/// escaped into one path segment.
fn model_url(target: &Target<'_>, model: &str, action: &str) -> String {
    target.url(&format!("/model/{}/{action}", percent_encode(model)))
}

/// The Bedrock protocol (stateless; use [`BEDROCK`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bedrock;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static BEDROCK: Bedrock = Bedrock;

protocol_impl! {
    impl LlmProtocol for Bedrock {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => chat::validate_credentials(ctx);
    }
    impl TextEmbeddingProtocol for Bedrock {
        fn embed(self, ctx, request) => embed::embed(ctx, request);
    }
}

#[cfg(test)]
mod tests {
    use crate::http::percent_encode;

    #[test]
    fn model_ids_become_one_path_segment() {
        assert_eq!(
            percent_encode("amazon.titan-embed-text-v2:0"),
            "amazon.titan-embed-text-v2%3A0"
        );
        assert_eq!(
            percent_encode("arn:aws:bedrock:us-east-1:123:inference-profile/us.x"),
            "arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.x"
        );
    }
}
