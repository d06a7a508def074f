//! One WebSocket exchange: open a signed URL, send one text frame, read the answer's text
//! frames as events (for [`crate::protocols::llm_events::chunk_stream`]).
//!
//! The connect and read timeouts of [`HttpSettings`] apply. A handshake the server refuses
//! with an HTTP status becomes the error that status and its `{"message"}` body mean; nothing
//! is retried, since a refused handshake is an authentication or a quota matter.

use std::time::SystemTime;

use futures::{SinkExt, StreamExt};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::error::{Error, ErrorKind, Result};
use crate::http::{classify, retry_after, EventStream, HttpSettings, ProviderErrorBody};
use crate::sse::SseEvent;

/// Opens `url`, sends `frame` and returns the text frames the server answers with.
pub async fn exchange(url: &str, frame: String, settings: &HttpSettings) -> Result<EventStream> {
    let connecting = tokio_tungstenite::connect_async(url);
    let (mut socket, _) = match timeout(settings.connect_timeout, connecting).await {
        Err(_) => {
            return Err(Error::new(
                ErrorKind::Timeout,
                "cannot open the WebSocket within the connect timeout",
            ))
        }
        Ok(Err(error)) => return Err(handshake_error(error)),
        Ok(Ok(connected)) => connected,
    };
    socket
        .send(Message::text(frame))
        .await
        .map_err(|e| broken("cannot send the request frame", e))?;
    let read_timeout = settings.read_timeout;
    let frames = futures::stream::unfold(Some(socket), move |socket| async move {
        let mut socket = socket?;
        loop {
            let next = match timeout(read_timeout, socket.next()).await {
                Err(_) => Some(Err(Error::new(
                    ErrorKind::Timeout,
                    "no frame within the read timeout",
                )
                .marked_read_timeout())),
                // A connection dropped without a close frame ends the frames too; whether
                // the answer was whole is the decoder's call (its last frame says so).
                Ok(None | Some(Ok(Message::Close(_))))
                | Ok(Some(Err(
                    WsError::ConnectionClosed
                    | WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake),
                ))) => None,
                Ok(Some(Ok(Message::Text(text)))) => Some(Ok(event(text.as_str()))),
                Ok(Some(Ok(Message::Binary(bytes)))) => {
                    Some(Ok(event(&String::from_utf8_lossy(&bytes))))
                }
                // Pings are answered by the library; nothing else carries data.
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(error))) => Some(Err(broken("the connection broke", error))),
            };
            return match next {
                Some(Ok(event)) => Some((Ok(event), Some(socket))),
                Some(Err(error)) => Some((Err(error), None)),
                None => None,
            };
        }
    });
    Ok(Box::pin(frames))
}

fn event(data: &str) -> SseEvent {
    SseEvent {
        event: None,
        data: data.to_owned(),
    }
}

fn broken(what: &str, error: WsError) -> Error {
    Error::new(ErrorKind::Connection, what).with_source(error)
}

/// The handshake's failure: the server's HTTP answer when it sent one (`{"message": …}`),
/// else the transport's.
fn handshake_error(error: WsError) -> Error {
    let WsError::Http(response) = error else {
        return broken("cannot open the WebSocket", error);
    };
    let status = response.status().as_u16();
    let body = response
        .body()
        .as_deref()
        .map(String::from_utf8_lossy)
        .unwrap_or_default()
        .into_owned();
    let message = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_owned));
    let parsed = ProviderErrorBody {
        message: message.clone(),
        ..ProviderErrorBody::default()
    };
    let message =
        message.unwrap_or_else(|| format!("the server refused the WebSocket with HTTP {status}"));
    let mut error = Error::new(classify(status, &parsed), message)
        .with_status(status)
        .with_body(body);
    if let Some(delay) = retry_after(response.headers(), SystemTime::now()) {
        error = error.with_retry_after(delay);
    }
    error
}
