//! The part of modelrt that generated provider code names: the typed handles ([`sdk`]), the
//! dynamic [`registry`] and the helpers the generated tables call.
//!
//! Most apps depend on the `modelrt` crate, which re-exports all of this next to the bundled
//! provider tree. A crate that compiles only its own tree depends on this crate instead:
//! `modelrt_sdk::include_providers!("providers")` generates the tree's modules there, and its
//! hand-written Rust attaches with `#[modelrt_sdk::provider(<id>)]`, without the bundled
//! providers being compiled at all.

#![warn(missing_docs)]

pub use modelrt_macros::{include_providers, provider};
pub use modelrt_runtime as runtime;
pub use serde_json;

pub mod env;
pub mod registry;
pub mod sdk;
mod support;

/// Items the generated code calls; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::support::*;
    pub use serde_json;
}
