//! The model list, fetched from the server (fetch-from-remote).

use modelrt::registry::remote_models_with;
use modelrt::runtime::catalog::ModelType;

use crate::client::{http, PROVIDER};
use crate::serial;
use crate::server::SharedServers;

#[tokio::test]
async fn remote_model_list_names_the_served_model() {
    let Some(servers) = SharedServers::get("remote_model_list_names_the_served_model") else {
        return;
    };
    let _turn = serial().await;
    let credentials = [("endpoint_url", servers.base_url.as_str())];
    let models = remote_models_with(PROVIDER, ModelType::Llm, &credentials[..], &http())
        .await
        .unwrap_or_else(|e| panic!("listing models at {}: {e}", servers.base_url));
    eprintln!("remote models: {models:?}");
    assert_eq!(models.len(), 1, "llama.cpp serves one model: {models:?}");
    assert_eq!(models[0].id, servers.model);
    assert_eq!(models[0].model_type, ModelType::Llm);
}
