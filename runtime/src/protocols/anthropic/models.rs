//! `GET /v1/models`: the models the key may use (fetch-from-remote), page by page.

use serde::Deserialize;

use super::endpoint;
use super::error::parse_error_body;
use crate::catalog::ModelType;
use crate::error::Result;
use crate::http::HttpCall;
use crate::protocol::{ProviderContext, RemoteModel};

/// Models per page (the API's maximum).
const PAGE_SIZE: u32 = 1000;
/// Pages read at most, so a server that always says `has_more` cannot loop forever.
const MAX_PAGES: usize = 20;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Page {
    data: Vec<Listed>,
    has_more: bool,
    last_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Listed {
    id: Option<String>,
}

/// Every model the API lists; all are language models.
pub async fn list(ctx: ProviderContext<'_>) -> Result<Vec<RemoteModel>> {
    let call = HttpCall::new(ctx.provider.id, "", *ctx.http, parse_error_body);
    let mut models = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let path = match &after {
            Some(id) => format!("v1/models?limit={PAGE_SIZE}&after_id={id}"),
            None => format!("v1/models?limit={PAGE_SIZE}"),
        };
        let page: Page = call
            .send_json(&endpoint::request(&ctx, &path, None)?)
            .await?;
        models.extend(page.data.into_iter().filter_map(|m| {
            Some(RemoteModel {
                id: m.id.filter(|id| !id.is_empty())?,
                model_type: ModelType::Llm,
                owned_by: Some("anthropic".to_owned()),
            })
        }));
        match page.last_id {
            Some(last) if page.has_more && after.as_deref() != Some(last.as_str()) => {
                after = Some(last)
            }
            _ => break,
        }
    }
    Ok(models)
}
