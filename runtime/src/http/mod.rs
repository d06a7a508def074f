//! HTTP for provider calls: one shared client, retries, error mapping, streamed bodies.

mod body;
mod call;
mod client;
mod request;
mod retry;
mod settings;
mod urls;

pub use call::{
    classify, decode_json, decode_json_with, ByteStream, ErrorBodyParser, EventStream, HttpCall,
    HttpResponse, Parsed, ParsedStream, ProviderErrorBody,
};
pub use client::shared_client;
pub(crate) use request::{percent_encode, Secrets};
pub use request::{Body, HttpRequest};
pub use reqwest::Method;
pub use retry::{backoff, retry_after};
pub use settings::HttpSettings;
