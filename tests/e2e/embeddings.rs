//! Embeddings from a server without pooling: llama.cpp answers one vector per token for this
//! model, which modelrt must report as such, not hand out as garbage.

use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::embedding::EmbeddingRequest;
use modelrt::runtime::ErrorKind;

use crate::client::{self, http};
use crate::serial;
use crate::server::SharedServers;

#[tokio::test]
async fn per_token_vectors_are_a_clear_error() {
    const TEST: &str = "per_token_vectors_are_a_clear_error";
    let Some(servers) = SharedServers::get(TEST) else {
        return;
    };
    let Some(embed_url) = SharedServers::embed_url(TEST) else {
        return;
    };
    let _turn = serial().await;
    let handle = client::open(ModelType::TextEmbedding, &embed_url, &servers.model)
        .expect("credentials with an endpoint URL are valid")
        .with_http(http());
    let error = handle
        .embed(EmbeddingRequest::new(vec!["Hello world".to_owned()]))
        .await
        .expect_err("per-token vectors are not an embedding");
    eprintln!("{error}");
    assert_eq!(error.kind(), ErrorKind::InvalidResponse, "{error}");
    let message = error.to_string();
    assert!(message.contains("one per token"), "{message}");
    assert!(message.contains("pooling"), "the cause is named: {message}");
}

#[tokio::test]
async fn embeddings_from_a_chat_only_server_are_a_clear_error() {
    const TEST: &str = "embeddings_from_a_chat_only_server_are_a_clear_error";
    let Some(servers) = SharedServers::get(TEST) else {
        return;
    };
    let _turn = serial().await;
    let handle = client::open(ModelType::TextEmbedding, &servers.base_url, &servers.model)
        .expect("credentials with an endpoint URL are valid")
        .with_http(http());
    let error = handle
        .embed(EmbeddingRequest::new(vec!["Hello world".to_owned()]))
        .await
        .expect_err("the chat instance was started without --embedding");
    eprintln!("{error}");
    // llama-cpp-python answers 500 with the reason in an OpenAI-style error body.
    assert!(error.to_string().contains("embedding=True"), "{error}");
}
