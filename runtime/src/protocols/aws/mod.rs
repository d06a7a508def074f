//! What the AWS protocols (Bedrock, SageMaker) share: SigV4 signing, the resolved endpoint
//! and identity, and the binary event-stream framing of streamed answers.

pub mod error;
pub mod eventstream;
pub mod sigv4;
pub mod target;

pub use target::Target;
