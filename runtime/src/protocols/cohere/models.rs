//! `GET /v1/models`: the embedding and rerank models the key may use (fetch-from-remote).

use serde::Deserialize;

use super::request;
use crate::catalog::ModelType;
use crate::error::Result;
use crate::http::HttpCall;
use crate::protocol::{ProviderContext, RemoteModel};
use crate::protocols::openai_compatible::parse_error_body;

/// Pages read at most, so a server that always sends a next token cannot loop forever.
const MAX_PAGES: usize = 20;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Page {
    models: Vec<Listed>,
    next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Listed {
    name: Option<String>,
    endpoints: Vec<String>,
}

/// The listed models that serve the embed or rerank endpoint, typed by it.
pub async fn list(ctx: ProviderContext<'_>) -> Result<Vec<RemoteModel>> {
    let call = HttpCall::new(ctx.provider.id, "", *ctx.http, parse_error_body);
    let mut models = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let path = match &token {
            Some(token) => format!("v1/models?page_size=1000&page_token={token}"),
            None => "v1/models?page_size=1000".to_owned(),
        };
        let page: Page = call.send_json(&request::get(&ctx, &path)?).await?;
        for model in page.models {
            let Some(id) = model.name.filter(|n| !n.is_empty()) else {
                continue;
            };
            let serves = |endpoint: &str| model.endpoints.iter().any(|e| e == endpoint);
            let model_type = if serves("rerank") {
                ModelType::Rerank
            } else if serves("embed") {
                ModelType::TextEmbedding
            } else {
                continue;
            };
            models.push(RemoteModel {
                id,
                model_type,
                owned_by: Some("cohere".to_owned()),
            });
        }
        match page.next_page_token.filter(|t| !t.is_empty()) {
            Some(next) if token.as_deref() != Some(next.as_str()) => token = Some(next),
            _ => break,
        }
    }
    Ok(models)
}
