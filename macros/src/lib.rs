//! modelrt's macros: `#[modelrt_sdk::provider(<id>)]`, which wires a hand-written `impl` block to the
//! traits generated for a provider, and `include_providers!`, which compiles a provider tree
//! into the invoking crate.

mod include;
mod provider;

use proc_macro::TokenStream;

/// Wires a hand-written `impl` block to provider `<id>`'s generated traits.
///
/// `#[modelrt_sdk::provider(acme)] impl Llm { .. }` becomes
/// `impl LlmProtocol for crate::providers::acme::Provider { .. }` (the block's methods, spans
/// kept, so rustc reports a missing, extra or mis-typed method on the user's line) plus the
/// impl of the generated `LlmImpl` trait, which checks the block against the provider's YAML.
/// Blocks: `Llm`, `TextEmbedding`, `Rerank`, `Tts`, `Speech2Text`, `Moderation` (the runtime's
/// protocol traits) and the hooks `CustomizableModel` and `RemoteModels`.
#[proc_macro_attribute]
pub fn provider(attr: TokenStream, item: TokenStream) -> TokenStream {
    provider::expand(attr.into(), item.into()).into()
}

/// Compiles the provider tree at a path relative to the invoking source file (or, when there
/// is no such directory, to the crate root) into
/// `pub mod providers { .. }`, exactly as modelrt's build script does for its own tree.
/// Problems in the YAML become compile errors naming the file, line and column.
#[proc_macro]
pub fn include_providers(input: TokenStream) -> TokenStream {
    let call_site = proc_macro::Span::call_site().local_file();
    include::expand(input.into(), call_site).into()
}
