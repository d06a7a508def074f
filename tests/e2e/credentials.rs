//! Credential validation: a real, minimal call succeeds against the right endpoint and fails
//! clearly against a wrong one.

use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::ErrorKind;

use crate::client::{self, http};
use crate::serial;
use crate::server::{free_port, SharedServers};

#[tokio::test]
async fn good_endpoint_passes_validation() {
    let Some(servers) = SharedServers::get("good_endpoint_passes_validation") else {
        return;
    };
    let _turn = serial().await;
    let handle = client::open(ModelType::Llm, &servers.base_url, &servers.model)
        .expect("credentials with an endpoint URL are valid")
        .with_http(http());
    handle
        .validate_credentials()
        .await
        .unwrap_or_else(|e| panic!("validation against {} failed: {e}", servers.base_url));
}

#[tokio::test]
async fn wrong_port_fails_with_a_connection_error() {
    let Some(servers) = SharedServers::get("wrong_port_fails_with_a_connection_error") else {
        return;
    };
    let _turn = serial().await;
    let url = format!("http://127.0.0.1:{}/v1", free_port());
    let handle = client::open(ModelType::Llm, &url, &servers.model)
        .expect("credentials with an endpoint URL are valid")
        .with_http(http());
    let error = handle
        .validate_credentials()
        .await
        .expect_err("nothing listens on that port");
    eprintln!("wrong port: {error}");
    assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
    assert_eq!(error.provider(), Some(client::PROVIDER), "{error}");
}

#[tokio::test]
async fn wrong_path_fails_with_the_servers_404() {
    let Some(servers) = SharedServers::get("wrong_path_fails_with_the_servers_404") else {
        return;
    };
    let _turn = serial().await;
    let url = format!("{}/not-the-api", servers.base_url);
    let handle = client::open(ModelType::Llm, &url, &servers.model)
        .expect("credentials with an endpoint URL are valid")
        .with_http(http());
    let error = handle
        .validate_credentials()
        .await
        .expect_err("the server has no API under that path");
    eprintln!("wrong path: {error}");
    assert_eq!(error.status(), Some(404), "{error}");
    assert!(
        !error.is_retryable(),
        "a 404 is not worth retrying: {error}"
    );
    assert!(
        error.body().is_some_and(|body| body.contains("Not Found")),
        "the server's answer is kept: {error:?}"
    );
}

#[tokio::test]
async fn missing_endpoint_is_rejected_before_any_call() {
    let credentials = [("mode", "chat")];
    let error = modelrt::registry::open(
        client::PROVIDER,
        ModelType::Llm,
        "any-model",
        &credentials[..],
    )
    .expect_err("endpoint_url is required by the YAML form");
    eprintln!("missing endpoint: {error}");
    assert_eq!(error.kind(), ErrorKind::InvalidCredentials, "{error}");
    assert!(error.to_string().contains("endpoint_url"), "{error}");
}
