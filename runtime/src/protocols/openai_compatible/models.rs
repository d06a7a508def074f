//! `/models`: the models a server lists (fetch-from-remote).

use serde::Deserialize;

use super::config::Endpoint;
use super::decode::parse_error_body;
use crate::catalog::ModelType;
use crate::error::Result;
use crate::http::{HttpCall, HttpRequest};
use crate::protocol::{ProviderContext, RemoteModel};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ModelList {
    data: Option<Vec<Listed>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Listed {
    id: Option<String>,
    owned_by: Option<String>,
}

/// The model type an id suggests: the listing itself does not say.
pub fn guess_model_type(id: &str) -> ModelType {
    let id = id.to_ascii_lowercase();
    if id.contains("rerank") {
        ModelType::Rerank
    } else if id.contains("embed") {
        ModelType::TextEmbedding
    } else if id.contains("whisper") || id.contains("transcribe") {
        ModelType::Speech2Text
    } else if id.contains("tts") {
        ModelType::Tts
    } else if id.contains("moderation") {
        ModelType::Moderation
    } else {
        ModelType::Llm
    }
}

/// Lists the server's models, keeping those of `only` (all when `None`).
pub async fn list(ctx: ProviderContext<'_>, only: Option<ModelType>) -> Result<Vec<RemoteModel>> {
    let endpoint = Endpoint::resolve(&ctx)?;
    let request = endpoint.request(HttpRequest::get(endpoint.url("models")))?;
    let call = HttpCall::new(ctx.provider.id, "", *ctx.http, parse_error_body);
    let listing: ModelList = call.send_json(&request).await?;
    Ok(listing
        .data
        .unwrap_or_default()
        .into_iter()
        .filter_map(|model| {
            let id = model.id.filter(|id| !id.is_empty())?;
            let model_type = guess_model_type(&id);
            only.is_none_or(|t| t == model_type).then_some(RemoteModel {
                id,
                model_type,
                owned_by: model.owned_by,
            })
        })
        .collect())
}
