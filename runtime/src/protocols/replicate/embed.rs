//! Embedding models, called as Dify calls them: the model's text input is the first of
//! `text`, `texts` and `inputs` its schema lists. `text` and `inputs` take one text per
//! prediction and answer `[{"embedding": [...]}]`; `texts` takes every text at once, as a
//! JSON array in a string, and answers one vector per text.

use serde_json::{json, Map, Value};

use super::api::{Client, Version};
use crate::embedding::{EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::CallContext;
use crate::usage::InputUsage;

/// The inputs a text can go to, in Dify's order of preference.
const TEXT_INPUTS: &[&str] = &["text", "texts", "inputs"];

fn invalid(output: &Value) -> Error {
    Error::new(
        ErrorKind::InvalidResponse,
        "the output holds no embedding vectors",
    )
    .with_body(output.to_string())
}

/// A vector: numbers, or an object whose `embedding` is numbers.
fn vector(value: &Value) -> Option<Vec<f32>> {
    let numbers = value.get("embedding").unwrap_or(value).as_array()?;
    numbers
        .iter()
        // Vectors are stored as f32, as every protocol does.
        .map(|n| n.as_f64().map(|n| n as f32))
        .collect()
}

/// The vectors of an output: one vector, a list of vectors, or a list of objects with one.
fn vectors(output: &Value) -> Result<Vec<Vec<f32>>> {
    if let Some(single) = vector(output) {
        return Ok(vec![single]);
    }
    output
        .as_array()
        .ok_or_else(|| invalid(output))?
        .iter()
        .map(|item| vector(item).ok_or_else(|| invalid(output)))
        .collect()
}

fn input(pairs: Value) -> Map<String, Value> {
    match pairs {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Embeds every text.
pub async fn embed(ctx: CallContext<'_>, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let client = Client::new(&ctx)?;
    let version: Version = client.version().await?;
    let key = version.first_input(TEXT_INPUTS).ok_or_else(|| {
        ctx.error(
            ErrorKind::Unsupported,
            "the model's inputs have none of `text`, `texts`, `inputs` to embed",
        )
    })?;
    let mut embeddings = Vec::with_capacity(request.texts.len());
    if key == "texts" {
        let texts = serde_json::to_string(&request.texts).map_err(|e| {
            ctx.error(
                ErrorKind::InvalidParams,
                format!("texts not serializable: {e}"),
            )
        })?;
        let prediction = client
            .run(
                &version,
                input(json!({
                    "texts": texts,
                    "batch_size": 4,
                    "convert_to_numpy": false,
                    "normalize_embeddings": true,
                })),
            )
            .await?;
        embeddings = vectors(&prediction.output).map_err(in_call)?;
    } else {
        for text in &request.texts {
            let mut one = Map::new();
            one.insert(key.to_owned(), json!(text));
            let prediction = client.run(&version, one).await?;
            let mut vector = vectors(&prediction.output).map_err(in_call)?;
            if vector.len() != 1 {
                return Err(in_call(invalid(&prediction.output)));
            }
            embeddings.append(&mut vector);
        }
    }
    if embeddings.len() != request.texts.len() {
        return Err(ctx.error(
            ErrorKind::InvalidResponse,
            format!(
                "asked for {} embeddings, got {}",
                request.texts.len(),
                embeddings.len()
            ),
        ));
    }
    Ok(EmbeddingResponse {
        model: ctx.model.id.to_owned(),
        embeddings,
        usage: InputUsage::reported_or_counted(None, ctx.model.id, &request.texts)
            .priced(ctx.pricing().as_ref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_of_every_documented_shape() {
        assert_eq!(
            vectors(&json!([{"embedding": [0.5, -1]}])).unwrap(),
            [vec![0.5, -1.0]]
        );
        assert_eq!(
            vectors(&json!([[0.5], [0.25]])).unwrap(),
            [vec![0.5], vec![0.25]]
        );
        assert_eq!(vectors(&json!([0.5, 1])).unwrap(), [vec![0.5, 1.0]]);
        assert!(vectors(&json!({"x": 1})).is_err());
    }
}
