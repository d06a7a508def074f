//! The `#[modelrt::provider(<id>)]` attribute (being written).

use proc_macro::TokenStream;

/// Wires a hand-written `impl` block to the traits generated for provider `<id>`.
#[proc_macro_attribute]
pub fn provider(attr: TokenStream, item: TokenStream) -> TokenStream {
    let _ = attr;
    item
}
