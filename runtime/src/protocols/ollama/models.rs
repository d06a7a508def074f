//! `GET /api/tags`: the models the server has pulled (fetch-from-remote).

use serde::Deserialize;

use super::error::parse_error_body;
use crate::catalog::ModelType;
use crate::error::Result;
use crate::http::{HttpCall, HttpRequest};
use crate::protocol::{ProviderContext, RemoteModel};
use crate::protocols::openai_compatible::config::Endpoint;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Tags {
    models: Vec<Tag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Tag {
    name: Option<String>,
    model: Option<String>,
    details: Details,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Details {
    family: Option<String>,
    families: Option<Vec<String>>,
}

/// Embedding models are named so, or belong to a BERT family; the rest generate text.
fn model_type(name: &str, details: &Details) -> ModelType {
    let bert = details
        .families
        .iter()
        .flatten()
        .chain(&details.family)
        .any(|family| family.to_ascii_lowercase().contains("bert"));
    if bert || name.to_ascii_lowercase().contains("embed") {
        ModelType::TextEmbedding
    } else {
        ModelType::Llm
    }
}

/// The server's models of type `only`.
pub async fn list(ctx: ProviderContext<'_>, only: ModelType) -> Result<Vec<RemoteModel>> {
    let endpoint = Endpoint::resolve(&ctx)?;
    let request = endpoint.request(HttpRequest::get(endpoint.url("api/tags")))?;
    let call = HttpCall::new(ctx.provider.id, "", *ctx.http, parse_error_body);
    let tags: Tags = call.send_json(&request).await?;
    Ok(tags
        .models
        .into_iter()
        .filter_map(|tag| {
            let id = tag.name.or(tag.model).filter(|id| !id.is_empty())?;
            let model_type = model_type(&id, &tag.details);
            (model_type == only).then_some(RemoteModel {
                id,
                model_type,
                owned_by: None,
            })
        })
        .collect())
}
