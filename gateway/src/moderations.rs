//! `POST /v1/moderations`.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::moderation::ModerationRequest;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::ids;
use crate::server::{require, JsonObject, Shared};

#[derive(Deserialize)]
#[serde(untagged)]
enum Input {
    One(String),
    Many(Vec<String>),
}

/// Checks each input text; one result per text, in order.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    JsonObject(mut body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let model: String = require(&mut body, "model")?;
    let texts = match require::<Input>(&mut body, "input")? {
        Input::One(text) => vec![text],
        Input::Many(texts) => texts,
    };
    let (verdicts, _) = shared
        .call(&model, ModelType::Moderation, &body, |handle| {
            let texts = texts.clone();
            async move {
                let mut verdicts = Vec::with_capacity(texts.len());
                for text in texts {
                    verdicts.push(handle.moderate(ModerationRequest { text }).await?);
                }
                Ok(verdicts)
            }
        })
        .await?;
    let mut results = Vec::with_capacity(verdicts.len());
    for result in verdicts {
        let mut categories = Map::new();
        let mut scores = Map::new();
        for category in &result.categories {
            categories.insert(category.name.clone(), json!(category.flagged));
            if let Some(score) = category.score {
                scores.insert(category.name.clone(), json!(score));
            }
        }
        results.push(json!({
            "flagged": result.flagged,
            "categories": categories,
            "category_scores": scores,
        }));
    }
    Ok(Json(json!({
        "id": ids::new_id("modr"),
        "model": model,
        "results": results,
    })))
}
