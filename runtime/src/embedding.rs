//! Text embeddings.

use std::future::Future;

use crate::error::{Error, ErrorKind, Result};
use crate::usage::InputUsage;

/// What the texts are used for (some providers embed queries and documents differently).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum EmbeddingInputType {
    /// Texts to be searched (the default).
    #[default]
    Document,
    /// Search queries.
    Query,
}

/// An embedding call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbeddingRequest {
    /// The texts, embedded in order.
    pub texts: Vec<String>,
    /// What they are used for.
    pub input_type: EmbeddingInputType,
}

impl EmbeddingRequest {
    /// Embeds `texts` as documents.
    pub fn new(texts: Vec<String>) -> Self {
        EmbeddingRequest {
            texts,
            input_type: EmbeddingInputType::Document,
        }
    }
}

/// The embeddings, one per input text, in input order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmbeddingResponse {
    /// The model that answered.
    pub model: String,
    /// One vector per text.
    pub embeddings: Vec<Vec<f32>>,
    /// Tokens used (summed over batches).
    pub usage: InputUsage,
}

/// Embeds `texts` in batches of at most `max_chunks` (the model's `max_chunks`; 0 counts as 1),
/// one batch after another, and joins the answers. Each batch must return exactly one vector
/// per text, else the call fails with [`ErrorKind::InvalidResponse`].
pub async fn embed_in_batches<F, Fut>(
    texts: &[String],
    max_chunks: u32,
    mut embed_batch: F,
) -> Result<EmbeddingResponse>
where
    F: FnMut(Vec<String>) -> Fut,
    Fut: Future<Output = Result<EmbeddingResponse>>,
{
    let size = usize::try_from(max_chunks.max(1)).unwrap_or(usize::MAX);
    let mut all = EmbeddingResponse::default();
    for batch in texts.chunks(size) {
        let answer = embed_batch(batch.to_vec()).await?;
        if answer.embeddings.len() != batch.len() {
            return Err(Error::new(
                ErrorKind::InvalidResponse,
                format!(
                    "asked for {} embeddings, got {}",
                    batch.len(),
                    answer.embeddings.len()
                ),
            ));
        }
        if all.model.is_empty() {
            all.model = answer.model;
        }
        all.embeddings.extend(answer.embeddings);
        all.usage.add(answer.usage);
    }
    Ok(all)
}
