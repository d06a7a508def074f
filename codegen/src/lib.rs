//! modelrt-codegen: loads provider trees in Dify's format and emits modelrt's generated Rust.
//!
//! Data flows one way: [`load()`] walks and validates a tree into a [`Catalog`] plus
//! [`Diagnostics`]; [`emit()`] turns a catalog into the generated module, formatted source for a
//! file or tokens for `include_providers!`; [`build`] wires both
//! into a `build.rs`. The `modelrt check` command reuses [`load()`].

pub mod build;
pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod load;
mod parallel;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use emit::emit;
pub use ir::Catalog;
pub use load::{load, strict_flag, LoadOptions, Loaded, STRICT_VAR};
