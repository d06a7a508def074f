//! `POST /v1/rerank`, in the shape Cohere and Jina share.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use modelrt::runtime::catalog::ModelType;
use modelrt::runtime::rerank::RerankRequest;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::ids;
use crate::observability::Recorder;
use crate::server::{require, take, JsonObject, Shared};

/// A document: its text, or an object with a `text` field.
#[derive(Deserialize)]
#[serde(untagged)]
enum Document {
    Text(String),
    Object { text: String },
}

/// Orders the documents by relevance to the query.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    JsonObject(mut body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let model: String = require(&mut body, "model")?;
    let query: String = require(&mut body, "query")?;
    let documents = require::<Vec<Document>>(&mut body, "documents")?
        .into_iter()
        .map(|document| match document {
            Document::Text(text) | Document::Object { text } => text,
        })
        .collect();
    let top_n: Option<u32> = take(&mut body, "top_n")?;
    let return_documents = take::<bool>(&mut body, "return_documents")?.unwrap_or(true);
    let request = RerankRequest {
        query,
        documents,
        top_n,
        score_threshold: None,
    };
    let (response, _) = shared
        .call(&model, ModelType::Rerank, &body, |handle| {
            let request = request.clone();
            async move { handle.rerank(request).await }
        })
        .await?;
    if let Some(usage) = &response.usage {
        Recorder::current().answered_input(usage);
    }
    let results: Vec<Value> = response
        .results
        .iter()
        .map(|result| {
            let mut value = json!({"index": result.index, "relevance_score": result.score});
            if return_documents {
                value["document"] = json!({"text": result.document});
            }
            value
        })
        .collect();
    let mut answer = json!({"id": ids::new_id("rerank"), "model": model, "results": results});
    if let Some(usage) = response.usage {
        answer["usage"] = json!({"total_tokens": usage.tokens});
    }
    Ok(Json(answer))
}
