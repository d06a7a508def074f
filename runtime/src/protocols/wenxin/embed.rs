//! The workshop's embedding endpoints (`embeddings/{name}`: embedding-v1, bge_large_zh,
//! bge_large_en, tao_8k): `{"input": [...], "user_id"}` answered with
//! `data[].{embedding, index}` and `usage.{prompt_tokens, total_tokens}`.

use serde::Deserialize;
use serde_json::json;

use super::workshop::Session;
use crate::embedding::{embed_in_batches, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, Result};
use crate::protocol::CallContext;
use crate::usage::InputUsage;

/// Baidu's endpoint name of each embedding model of Dify's tree whose name differs from its
/// model id (Dify's table, which follows Baidu's API reference).
const ENDPOINTS: &[(&str, &str)] = &[
    ("bge-large-en", "bge_large_en"),
    ("bge-large-zh", "bge_large_zh"),
    ("tao-8k", "tao_8k"),
];
/// Texts per request when neither the model nor the credentials say (Baidu's limit).
const MAX_TEXTS_PER_CALL: u32 = 16;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Answer {
    data: Vec<Embedded>,
    usage: Option<WireUsage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Embedded {
    embedding: Vec<f32>,
    index: Option<usize>,
}

/// Token counts, shared by the embedding and reranker answers.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WireUsage {
    prompt_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

impl WireUsage {
    /// The input tokens counted (total, else prompt), as reported.
    pub(super) fn input(&self) -> InputUsage {
        InputUsage::new(
            self.total_tokens.or(self.prompt_tokens).unwrap_or_default(),
            false,
        )
    }
}

/// Baidu's endpoint name for `model`.
pub(super) fn endpoint_name<'m>(table: &[(&str, &'m str)], model: &'m str) -> &'m str {
    table
        .iter()
        .find(|(id, _)| *id == model)
        .map_or(model, |(_, name)| name)
}

/// Embeds every text, a batch per request.
pub async fn embed(ctx: CallContext<'_>, request: EmbeddingRequest) -> Result<EmbeddingResponse> {
    let in_call = |e: Error| e.in_call(ctx.provider.id, ctx.model.id);
    let size = ctx.max_chunks_or(MAX_TEXTS_PER_CALL).map_err(in_call)?;
    let session = Session::open(&ctx).await?;
    let url = session.url("embeddings", endpoint_name(ENDPOINTS, ctx.model.id));
    let mut response = embed_in_batches(&request.texts, size, |texts| {
        let (session, url) = (&session, url.clone());
        let ctx = &ctx;
        async move {
            let mut answer: Answer = session.post(ctx, url, &json!({"input": texts})).await?;
            // The answer says where each vector goes; keep the texts' order.
            answer.data.sort_by_key(|d| d.index.unwrap_or(usize::MAX));
            Ok(EmbeddingResponse {
                model: ctx.model.id.to_owned(),
                embeddings: answer.data.into_iter().map(|d| d.embedding).collect(),
                usage: answer.usage.unwrap_or_default().input(),
            })
        }
    })
    .await
    .map_err(in_call)?;
    response.usage = response.usage.priced(ctx.pricing().as_ref());
    Ok(response)
}
