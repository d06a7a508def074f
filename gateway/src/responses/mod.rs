//! `POST /v1/responses`: OpenAI's Responses API, served over any chat model by translation.

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

/// Answers with a `response` object, or with its events as they arrive.
pub async fn create(
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
        let envelope = reply::Envelope::new(call.model, call.instructions);
        return Ok(Json(envelope.complete(&response)).into_response());
    }
    let (pieces, found) = shared
        .call_llm(&call.model, &call.params, request, |handle| {
            let request = request.clone();
            async move { handle.stream(request).await }
        })
        .await?;
    let envelope = reply::Envelope::new(call.model, call.instructions);
    let mut writer = reply::EventWriter::new(envelope);
    let opening = writer.start();
    // `None` marks the end of the answer, where the closing events go.
    let events = Recorder::current()
        .watch(pieces)
        .map(Some)
        .chain(stream::once(async { None }))
        .scan(false, move |failed, piece| {
            let events = match piece {
                _ if *failed => Vec::new(),
                Some(Ok(piece)) => writer.write(piece),
                Some(Err(error)) => {
                    *failed = true;
                    vec![writer.error(&found.fail(error).body())]
                }
                None => writer.finish(),
            };
            futures::future::ready(Some(stream::iter(events)))
        })
        .flatten();
    let events = stream::iter(opening)
        .chain(events)
        .map(|(kind, data)| Ok::<_, Infallible>(Event::default().event(kind).data(data)));
    Ok(Sse::new(events).into_response())
}
