//! The gateway against local mock upstreams: the exact request each endpoint sends upstream,
//! the OpenAI shapes it answers in, errors, the gateway key, bad input and cancellation.

mod audio;
mod bad_input;
mod cancel;
mod chat;
mod embeddings;
mod errors;
mod metrics;
mod models;
mod rerank_moderation;
mod responses;
mod routing;
mod strategies;
mod support;
