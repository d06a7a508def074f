//! Oracle Cloud Infrastructure Generative AI inference, as Dify's `oci` provider calls it:
//! `POST {base}/20231130/actions/chat` and `/actions/embedText` at
//! `https://inference.generativeai.{region}.oci.oraclecloud.com`, each request signed with
//! the user's RSA API key ([`signing`]) from the form's config and key ([`account`]).
//!
//! Chat takes Cohere's format for `cohere.*` models and the generic one for the others;
//! answers are whole or streamed as `data:` events. Errors are `{"code", "message"}` bodies.
//! Tools and images are not sent (Dify's OCI models call none).

mod account;
mod chat;
mod embed;
mod error;
mod signing;

use crate::protocol::protocol_impl;

/// The protocol's name under `extra.modelrt.protocol`.
pub const PROTOCOL_NAME: &str = modelrt_vocabulary::protocol::OCI;

/// The OCI protocol (stateless; use [`OCI`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Oci;

/// The protocol, for registries that hold `&'static dyn` protocol traits.
pub static OCI: Oci = Oci;

protocol_impl! {
    impl LlmProtocol for Oci {
        fn invoke(self, ctx, request) => chat::invoke(ctx, request);
        fn stream(self, ctx, request) => chat::stream(ctx, request);
        fn validate_credentials(self, ctx) => chat::validate_credentials(ctx);
    }
    impl TextEmbeddingProtocol for Oci {
        fn embed(self, ctx, request) => embed::embed(ctx, request);
    }
}
