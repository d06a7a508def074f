//! Sending a request: retries, error mapping, tracing, and streamed bodies.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures::Stream;
use reqwest::header::HeaderMap;
use serde::de::{DeserializeOwned, DeserializeSeed};
use serde::Deserialize;
use tracing::Instrument;

use super::body::{deadline_passed, read_prefix, too_large, BodyStream};
use super::client::shared_client;
use super::request::{HttpRequest, Secrets};
use super::retry::{backoff, retry_after};
use super::settings::HttpSettings;
use crate::error::{Error, ErrorKind, Result};
use crate::sse::{EventDecoder, Framing, SseEvent, SseEventRef};

/// What a provider's error body says, as parsed by its protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderErrorBody {
    /// The human-readable message.
    pub message: Option<String>,
    /// The provider's error code or type (e.g. `context_length_exceeded`).
    pub code: Option<String>,
    /// A kind the protocol knows better than the status (`None`: decided by [`classify`]).
    pub kind: Option<ErrorKind>,
    /// How long the body asks the caller to wait (for APIs that say it in the body rather
    /// than in `retry-after`); a `retry-after` header wins.
    pub retry_after: Option<Duration>,
}

/// Parses a provider's error body; given the HTTP status and the body text.
pub type ErrorBodyParser = fn(status: u16, body: &str) -> ProviderErrorBody;

/// Error codes (and code fragments) providers use, and the kind each means.
const CODE_KINDS: &[(&str, ErrorKind)] = &[
    ("context_length_exceeded", ErrorKind::ContextWindowExceeded),
    ("context_window_exceeded", ErrorKind::ContextWindowExceeded),
    ("string_above_max_length", ErrorKind::ContextWindowExceeded),
    ("content_filter", ErrorKind::ContentFiltered),
    ("content_policy_violation", ErrorKind::ContentFiltered),
    ("insufficient_quota", ErrorKind::Quota),
    ("billing_hard_limit_reached", ErrorKind::Quota),
    ("model_not_found", ErrorKind::ModelNotFound),
    ("invalid_api_key", ErrorKind::Authorization),
    ("rate_limit_exceeded", ErrorKind::RateLimit),
    ("overloaded", ErrorKind::ServerUnavailable),
];

/// Message fragments (lower case) that identify a kind when a server sends no code
/// (llama.cpp, vLLM and others).
const MESSAGE_KINDS: &[(&str, ErrorKind)] = &[
    ("context length", ErrorKind::ContextWindowExceeded),
    ("context size", ErrorKind::ContextWindowExceeded),
    ("context window", ErrorKind::ContextWindowExceeded),
    ("maximum context", ErrorKind::ContextWindowExceeded),
    ("too many tokens", ErrorKind::ContextWindowExceeded),
    ("content management policy", ErrorKind::ContentFiltered),
    ("insufficient quota", ErrorKind::Quota),
    ("exceeded your current quota", ErrorKind::Quota),
];

/// The kind of an HTTP error: the protocol's choice, else the provider's code, else the
/// message, else the status.
pub fn classify(status: u16, body: &ProviderErrorBody) -> ErrorKind {
    if let Some(kind) = body.kind {
        return kind;
    }
    if let Some(code) = body.code.as_deref() {
        if let Some((_, kind)) = CODE_KINDS.iter().find(|(c, _)| code.contains(c)) {
            return *kind;
        }
    }
    if let Some(message) = body.message.as_deref() {
        let message = message.to_ascii_lowercase();
        if let Some((_, kind)) = MESSAGE_KINDS.iter().find(|(m, _)| message.contains(m)) {
            return *kind;
        }
    }
    match status {
        401 | 403 => ErrorKind::Authorization,
        404 if body
            .message
            .as_deref()
            .is_some_and(|m| m.to_ascii_lowercase().contains("model")) =>
        {
            ErrorKind::ModelNotFound
        }
        402 => ErrorKind::Quota,
        408 => ErrorKind::Timeout,
        409 | 500..=599 => ErrorKind::ServerUnavailable,
        429 => ErrorKind::RateLimit,
        _ => ErrorKind::BadRequest,
    }
}

/// Decodes a JSON payload; failure is an [`ErrorKind::InvalidResponse`] keeping the payload.
pub fn decode_json<'a, T: Deserialize<'a>>(payload: &'a [u8]) -> Result<T> {
    decode_json_with(payload, std::marker::PhantomData)
}

/// [`decode_json`] with a seed, e.g. one that decodes into a value the caller owns.
pub fn decode_json_with<'a, S: DeserializeSeed<'a>>(
    payload: &'a [u8],
    seed: S,
) -> Result<S::Value> {
    let mut deserializer = serde_json::Deserializer::from_slice(payload);
    seed.deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|e| {
            Error::new(
                ErrorKind::InvalidResponse,
                format!("cannot decode the response: {e}"),
            )
            .with_body(String::from_utf8_lossy(payload).into_owned())
        })
}

/// A successful response, read completely.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The status (2xx).
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

/// Decoded events of a streamed response. Dropping it closes the connection.
pub type EventStream = ParsedStream<SseEvent>;

/// The items parsed from a streamed response. Dropping it closes the connection.
pub type ParsedStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'static>>;

/// What a stream parser makes of one event.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed<T> {
    /// An item for the caller.
    Item(T),
    /// Nothing (e.g. a keep-alive or an event type the protocol ignores).
    Skip,
    /// The end of the answer (e.g. `[DONE]`): the stream ends; later bytes are ignored.
    End,
}

/// Raw chunks of a streamed response (e.g. audio). Dropping it closes the connection.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Vec<u8>>> + Send + 'static>>;

/// Sends requests for one provider call: the shared client, retries with backoff for
/// retryable errors, a `modelrt.http` tracing span per call at DEBUG (provider, model, method,
/// URL without query, attempt: never headers or bodies; a retry's warning names them too),
/// and errors mapped to the taxonomy with provider and model set and the request's secrets
/// redacted.
#[derive(Debug, Clone)]
pub struct HttpCall {
    provider: String,
    model: String,
    settings: HttpSettings,
    parse_error: ErrorBodyParser,
}

impl HttpCall {
    /// A call to `model` of `provider` whose error bodies `parse_error` understands.
    pub fn new(
        provider: impl Into<String>,
        model: impl Into<String>,
        settings: HttpSettings,
        parse_error: ErrorBodyParser,
    ) -> Self {
        HttpCall {
            provider: provider.into(),
            model: model.into(),
            settings,
            parse_error,
        }
    }

    /// The provider id.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The model id.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Sends `request` and reads the whole body (retrying as configured); a body larger
    /// than [`HttpSettings::max_body_bytes`] is an [`ErrorKind::InvalidResponse`].
    pub async fn send(&self, request: &HttpRequest) -> Result<HttpResponse> {
        self.with_retries(request, self.deadline(), |client| async move {
            let response = self.attempt(&client, request).await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = self.read_body(response).await?;
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
        .await
    }

    /// Sends `request` and makes the answer into a `T` with `decode`. An error of `decode`
    /// (e.g. a payload that does not parse, which may echo the request) gets provider, model
    /// and the request's secrets redacted, exactly as a transport error does.
    pub async fn send_with<T>(
        &self,
        request: &HttpRequest,
        decode: impl FnOnce(&HttpResponse) -> Result<T>,
    ) -> Result<T> {
        let response = self.send(request).await?;
        decode(&response).map_err(|e| self.finish_error(e, request))
    }

    /// Sends `request` and decodes the JSON answer.
    pub async fn send_json<T: DeserializeOwned>(&self, request: &HttpRequest) -> Result<T> {
        self.send_with(request, |response| decode_json(&response.body))
            .await
    }

    /// Sends `request` and returns its body as decoded events (see
    /// [`HttpCall::send_events_with`]).
    pub async fn send_events(
        &self,
        request: &HttpRequest,
        framing: Framing,
    ) -> Result<EventStream> {
        self.send_events_with(request, framing, |event| event.to_event().map(Parsed::Item))
            .await
    }

    /// Sends `request` and returns its body as the items `parse` makes of each event, parsed
    /// straight from the receive buffer (no copy per event). Retries happen only until the
    /// response headers arrive; once the stream has started, an error ends it, after every
    /// item parsed before it. A JSON answer (from a server that ignored the request to
    /// stream) is parsed as one event whose data is the whole body.
    pub async fn send_events_with<T, F>(
        &self,
        request: &HttpRequest,
        framing: Framing,
        mut parse: F,
    ) -> Result<ParsedStream<T>>
    where
        T: Send + 'static,
        F: FnMut(SseEventRef<'_>) -> Result<Parsed<T>> + Send + 'static,
    {
        let deadline = self.deadline();
        let response = self
            .with_retries(request, deadline, |client| async move {
                self.attempt(&client, request).await
            })
            .await?;
        let is_json = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if is_json {
            let body = self
                .read_body(response)
                .await
                .map_err(|e| self.finish_error(e, request))?;
            let parsed = parse(SseEventRef {
                event: None,
                data: &body,
            });
            let item = match parsed {
                Ok(Parsed::Item(item)) => Some(Ok(item)),
                Ok(Parsed::Skip | Parsed::End) => None,
                Err(error) => Some(Err(self.finish_error(error, request))),
            };
            return Ok(Box::pin(futures::stream::iter(item)));
        }
        Ok(Box::pin(Events {
            body: BodyStream::new(response, transport_error, deadline),
            decoder: EventDecoder::new(framing).with_max_event_bytes(self.settings.max_event_bytes),
            parse,
            ready: VecDeque::new(),
            failure: None,
            finished: false,
            call: self.clone(),
            secrets: request.secrets(),
        }))
    }

    /// Sends `request` and returns its body as raw chunks (same retry rule as
    /// [`HttpCall::send_events`]).
    pub async fn send_bytes(&self, request: &HttpRequest) -> Result<ByteStream> {
        use futures::StreamExt;
        let deadline = self.deadline();
        let response = self
            .with_retries(request, deadline, |client| async move {
                self.attempt(&client, request).await
            })
            .await?;
        let call = self.clone();
        let secrets = request.secrets();
        let body = BodyStream::new(response, transport_error, deadline);
        Ok(Box::pin(body.map(move |item| {
            item.map(|bytes| bytes.to_vec())
                .map_err(|e| call.scrub(e, &secrets))
        })))
    }

    /// When the call must end (from now), with the configured duration.
    fn deadline(&self) -> Option<(tokio::time::Instant, Duration)> {
        self.settings
            .deadline
            .map(|d| (tokio::time::Instant::now() + d, d))
    }

    /// Reads a whole 2xx body, refusing one larger than the configured cap (without reading
    /// it, when its length is declared).
    async fn read_body(&self, response: reqwest::Response) -> Result<Vec<u8>> {
        let limit = self.settings.max_body_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large(limit));
        }
        let body = read_prefix(response, limit)
            .await
            .map_err(transport_error)?;
        if !body.complete {
            return Err(too_large(limit));
        }
        Ok(body.bytes)
    }

    /// Runs `attempt` until it succeeds, fails for good, or `deadline` passes.
    async fn with_retries<'s, T, F, Fut>(
        &'s self,
        request: &'s HttpRequest,
        deadline: Option<(tokio::time::Instant, Duration)>,
        attempt: F,
    ) -> Result<T>
    where
        F: FnMut(reqwest::Client) -> Fut,
        Fut: std::future::Future<Output = Result<T>> + 's,
    {
        let attempts = self.attempts(request, attempt);
        let Some((at, duration)) = deadline else {
            return attempts.await;
        };
        tokio::time::timeout_at(at, attempts)
            .await
            .unwrap_or_else(|_| Err(self.finish_error(deadline_passed(duration), request)))
    }

    async fn attempts<'s, T, F, Fut>(
        &'s self,
        request: &'s HttpRequest,
        mut attempt: F,
    ) -> Result<T>
    where
        F: FnMut(reqwest::Client) -> Fut,
        Fut: std::future::Future<Output = Result<T>> + 's,
    {
        let client = shared_client(&self.settings).map_err(|e| self.finish_error(e, request))?;
        // At DEBUG: formatting its fields for every call was 5 % of a gateway request's
        // instructions, and at INFO only the retry warning below would show them, which
        // carries them itself.
        let span = tracing::debug_span!(
            "modelrt.http",
            provider = %self.provider,
            model = %self.model,
            method = %request.method,
            url = %request.url_for_logs(),
            attempt = tracing::field::Empty,
        );
        async {
            let mut retry = 0u32;
            loop {
                tracing::Span::current().record("attempt", retry + 1);
                tracing::debug!("sending request");
                let error = match attempt(client.clone()).await {
                    Ok(value) => return Ok(value),
                    Err(error) => self.finish_error(error, request),
                };
                let server_delay = error.retry_after();
                let too_long = server_delay.is_some_and(|d| d > self.settings.max_retry_after);
                // The server may already be generating (and billing) an answer to a POST.
                let maybe_processing = error.is_read_timeout()
                    && !request.method.is_idempotent()
                    && !self.settings.retry_read_timeouts;
                if !error.is_retryable()
                    || retry >= self.settings.max_retries
                    || too_long
                    || maybe_processing
                {
                    tracing::debug!(kind = %error.kind(), status = ?error.status(), "request failed");
                    return Err(error);
                }
                let delay = backoff(&self.settings, retry, server_delay);
                tracing::warn!(
                    provider = %self.provider,
                    model = %self.model,
                    url = %request.url_for_logs(),
                    attempt = retry + 1,
                    kind = %error.kind(),
                    status = ?error.status(),
                    delay_ms = delay.as_millis() as u64,
                    "retrying after a retryable error"
                );
                tokio::time::sleep(delay).await;
                retry += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt up to the response headers; a non-2xx status becomes an error.
    async fn attempt(
        &self,
        client: &reqwest::Client,
        request: &HttpRequest,
    ) -> Result<reqwest::Response> {
        let response = request
            .to_reqwest(client)
            .send()
            .await
            .map_err(transport_error)?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        // The status says what happened; a body too long or broken off only loses detail.
        let body = match read_prefix(response, self.settings.max_error_body_bytes).await {
            Ok(body) => String::from_utf8_lossy(&body.bytes).into_owned(),
            Err(e) => format!("(body unreadable: {})", e.without_url()),
        };
        Err(self.status_error(status, &headers, body))
    }

    fn status_error(&self, status: u16, headers: &HeaderMap, body: String) -> Error {
        let parsed = (self.parse_error)(status, &body);
        let kind = classify(status, &parsed);
        let mut message = parsed
            .message
            .clone()
            .unwrap_or_else(|| format!("the server answered HTTP {status}"));
        if status == 404 && kind == ErrorKind::BadRequest {
            // A 404 that names no model is most often a wrong base URL or path.
            message.push_str(" (not found: is the endpoint URL right?)");
        }
        let mut error = Error::new(kind, message)
            .with_status(status)
            .with_headers(
                headers
                    .iter()
                    .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
            )
            .with_body(body);
        if let Some(code) = parsed.code {
            error = error.with_code(code);
        }
        if let Some(delay) = retry_after(headers, SystemTime::now()).or(parsed.retry_after) {
            error = error.with_retry_after(delay);
        }
        error
    }

    fn finish_error(&self, error: Error, request: &HttpRequest) -> Error {
        self.scrub(error, &request.secrets())
    }

    /// `error` as it leaves this call: with provider and model, and `secrets` redacted.
    pub(crate) fn scrub(&self, error: Error, secrets: &Secrets) -> Error {
        secrets.scrub(error.in_call(&self.provider, &self.model))
    }
}

/// A transport failure (no HTTP answer, or the body broke off or stalled).
fn transport_error(error: reqwest::Error) -> Error {
    let error = error.without_url();
    if error.is_timeout() && error.is_connect() {
        return Error::new(
            ErrorKind::Timeout,
            "cannot connect within the connect timeout",
        )
        .with_source(error);
    }
    if error.is_timeout() {
        return Error::new(ErrorKind::Timeout, "no answer within the read timeout")
            .with_source(error)
            .marked_read_timeout();
    }
    let message = if error.is_connect() {
        "cannot connect to the server"
    } else if error.is_body() || error.is_decode() {
        "the connection broke while reading the response"
    } else {
        "the request failed"
    };
    Error::new(ErrorKind::Connection, message).with_source(error)
}

/// The items parsed from the events of a response body `S`.
struct Events<S, F, T> {
    body: S,
    decoder: EventDecoder,
    parse: F,
    ready: VecDeque<T>,
    /// An error to report once every item before it was delivered.
    failure: Option<Error>,
    finished: bool,
    call: HttpCall,
    secrets: Secrets,
}

// Nothing is ever pinned through `Events`: the parser and items are plain values.
impl<S: Unpin, F, T> Unpin for Events<S, F, T> {}

impl<S, F, T> Events<S, F, T> {
    fn fail(&mut self, error: Error) {
        self.failure = Some(self.call.scrub(error, &self.secrets));
        self.finished = true;
    }
}

impl<S, F, T> Stream for Events<S, F, T>
where
    S: Stream<Item = Result<Bytes>> + Unpin,
    F: FnMut(SseEventRef<'_>) -> Result<Parsed<T>>,
{
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.finished {
                return Poll::Ready(this.failure.take().map(Err));
            }
            let polled = Pin::new(&mut this.body).poll_next(cx);
            let Events {
                decoder,
                parse,
                ready,
                finished,
                ..
            } = this;
            let mut ended = false;
            let mut deliver = |event: SseEventRef<'_>| {
                if !ended {
                    match parse(event)? {
                        Parsed::Item(item) => ready.push_back(item),
                        Parsed::Skip => {}
                        Parsed::End => ended = true,
                    }
                }
                Ok(())
            };
            let result = match polled {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => decoder.feed_with(&chunk, &mut deliver),
                Poll::Ready(Some(Err(error))) => Err(error),
                Poll::Ready(None) => {
                    *finished = true;
                    decoder.finish_with(&mut deliver)
                }
            };
            if ended {
                this.finished = true;
            }
            if let Err(error) = result {
                this.fail(error);
            }
        }
    }
}
