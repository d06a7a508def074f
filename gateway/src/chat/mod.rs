//! `POST /v1/chat/completions`.

mod reply;
mod request;

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::{stream, StreamExt};

use crate::error::ApiError;
use crate::observability::Recorder;
use crate::server::{JsonObject, Shared};

/// Answers a chat completion, whole or as server-sent events passed on as they arrive.
pub async fn completions(
    State(shared): State<Arc<Shared>>,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let call = request::decode(body)?;
    let request = &call.request;
    if !call.stream {
        let (response, _) = shared
            .call_llm(&call.model, &call.params, request, |handle| {
                let request = request.clone();
                async move { handle.invoke(request).await }
            })
            .await?;
        Recorder::current().answered(&response.model, &response.usage);
        return Ok(Json(reply::completion(&call.model, &response)).into_response());
    }
    let (pieces, found) = shared
        .call_llm(&call.model, &call.params, request, |handle| {
            let request = request.clone();
            async move { handle.stream(request).await }
        })
        .await?;
    let mut writer = reply::ChunkWriter::new(call.model, call.include_usage);
    // Dropping this stream (the client went away) drops `pieces`, which cancels the call.
    let events = Recorder::current()
        .watch(pieces)
        .flat_map(move |piece| {
            let texts = match piece {
                Ok(piece) => writer.write(piece),
                Err(error) => vec![found.fail(error).body().to_string()],
            };
            stream::iter(texts)
        })
        .chain(stream::once(async { "[DONE]".to_owned() }))
        .map(|text| Ok::<_, Infallible>(Event::default().data(text)));
    Ok(Sse::new(events).into_response())
}
