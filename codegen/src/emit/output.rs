//! What the emitter produces: the generated module as a tree of modules and items, which
//! `build.rs` writes as one formatted file ([`Generated::to_source`]) and `include_providers!`
//! turns into tokens ([`Generated::into_tokens`]).
//!
//! Code items (types, impls) are built as tokens and stay tokens for the macro; only the
//! written file formats them. The catalog tables are written once, as formatted text (see
//! [`super::text`]), for both: the macro lexes that text. Building them as tokens instead was
//! measured to save a quarter to a third of that lexing, for a second table writer the file
//! would not use (BENCHMARKS.md, "`include_providers!` expansion without formatting").

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::names::ident;
use crate::emit::text::{Text, Written};
use crate::emit::{EmitError, ProviderModule};
use crate::ir::Provider;

/// Builds one provider's module.
pub(crate) type BuildModule<'a, C> =
    dyn Fn(&Provider) -> Result<ProviderModule<C>, EmitError> + Sync + 'a;

/// The form a consumer takes code items in: tokens as built (the macro), or text formatted by
/// prettyplease at the depth of the module holding them (the written file).
pub(crate) trait CodeForm: Sized {
    /// Converts `tokens`, items that sit `depth` modules deep.
    fn from_tokens(tokens: TokenStream, depth: usize) -> Result<Self, EmitError>;

    /// `build` of every provider, in catalog order.
    fn provider_modules(
        providers: &[Provider],
        build: &BuildModule<'_, Self>,
    ) -> Vec<Result<ProviderModule<Self>, EmitError>>;
}

impl CodeForm for TokenStream {
    fn from_tokens(tokens: TokenStream, _depth: usize) -> Result<Self, EmitError> {
        Ok(tokens)
    }

    /// On the calling thread: tokens cannot cross threads (and inside a proc macro they talk
    /// to the compiler, which only the calling thread can reach).
    fn provider_modules(
        providers: &[Provider],
        build: &BuildModule<'_, Self>,
    ) -> Vec<Result<ProviderModule<Self>, EmitError>> {
        providers.iter().map(build).collect()
    }
}

impl CodeForm for String {
    fn from_tokens(tokens: TokenStream, depth: usize) -> Result<Self, EmitError> {
        format_items(tokens, depth)
    }

    /// On every core: each thread builds its modules' tokens and formats them.
    fn provider_modules(
        providers: &[Provider],
        build: &BuildModule<'_, Self>,
    ) -> Vec<Result<ProviderModule<Self>, EmitError>> {
        crate::parallel::map(providers, build)
    }
}

/// The generated module: `// @generated` lines (the written file only), then the items.
#[derive(Debug)]
pub struct Generated<C> {
    pub(super) header: String,
    pub(super) items: Vec<Item<C>>,
}

/// One piece of a module.
#[derive(Debug)]
pub enum Item<C> {
    /// Code items, in the consumer's [`CodeForm`].
    Code(C),
    /// Items written as formatted text, indented for the depth they sit at: the tables, and
    /// documented `pub use` lines.
    Text(String),
    /// A nested `pub mod`.
    Module(Module<C>),
}

/// `pub mod name { .. }` with its doc.
#[derive(Debug)]
pub struct Module<C> {
    /// The module's name (a loader-checked identifier).
    pub name: String,
    /// Its rustdoc.
    pub doc: String,
    /// Its items, in order.
    pub items: Vec<Item<C>>,
}

impl Generated<String> {
    /// The generated file.
    pub fn to_source(&self) -> String {
        let mut out = Text::new(0);
        out.push(&self.header);
        // Writing formatted pieces cannot fail.
        let _ = write_items(&mut out, &self.items);
        out.into_string()
    }
}

fn write_items(out: &mut Text, items: &[Item<String>]) -> Written {
    for item in items {
        match item {
            Item::Code(text) | Item::Text(text) => {
                out.push(text);
            }
            Item::Module(module) => {
                out.doc(&module.doc);
                out.module(&module.name, |t| write_items(t, &module.items))?;
            }
        }
    }
    Ok(())
}

impl Generated<TokenStream> {
    /// The generated module as tokens, tables lexed from their text.
    pub fn into_tokens(self) -> Result<TokenStream, EmitError> {
        items_tokens(self.items)
    }
}

fn items_tokens(items: Vec<Item<TokenStream>>) -> Result<TokenStream, EmitError> {
    let mut tokens = TokenStream::new();
    for item in items {
        match item {
            Item::Code(code) => tokens.extend(code),
            Item::Text(text) => tokens.extend(
                text.parse::<TokenStream>()
                    .map_err(|e| EmitError::new(format!("a generated table does not lex: {e}")))?,
            ),
            Item::Module(module) => {
                let doc = doc_attrs(&module.doc);
                let name = ident(&module.name);
                let body = items_tokens(module.items)?;
                tokens.extend(quote!(#doc pub mod #name { #body }));
            }
        }
    }
    Ok(tokens)
}

/// Formats items as they read `depth` modules deep: formatted as a file, each line then
/// indented `depth` levels (generated literals and docs never span lines).
fn format_items(items: TokenStream, depth: usize) -> Result<String, EmitError> {
    if items.is_empty() {
        return Ok(String::new());
    }
    let file = syn::parse2::<syn::File>(items)
        .map_err(|e| EmitError::new(format!("generated code does not parse: {e}")))?;
    let text = prettyplease::unparse(&file);
    let indent = "    ".repeat(depth);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree<C>(code: C) -> Generated<C> {
        Generated {
            header: "// @generated\n\n".to_owned(),
            items: vec![Item::Module(Module {
                name: "providers".to_owned(),
                doc: "Every provider.".to_owned(),
                items: vec![
                    Item::Text("    /// A table.\n    pub static N: u32 = 1;\n".to_owned()),
                    Item::Code(code),
                ],
            })],
        }
    }

    #[test]
    fn the_file_and_the_tokens_hold_the_same_items() {
        let code = || {
            quote!(
                pub struct S;
            )
        };
        let source = tree(String::from_tokens(code(), 1).unwrap()).to_source();
        assert_eq!(
            source,
            "// @generated\n\n/// Every provider.\npub mod providers {\n    /// A table.\n    \
             pub static N: u32 = 1;\n    pub struct S;\n}\n"
        );
        let tokens = tree(code()).into_tokens().unwrap();
        let from_file: TokenStream = source.parse().unwrap();
        assert_eq!(tokens.to_string(), from_file.to_string());
    }

    #[test]
    fn a_table_that_does_not_lex_is_an_error() {
        let mut generated = tree(TokenStream::new());
        generated
            .items
            .push(Item::Text("\"unterminated".to_owned()));
        let error = generated.into_tokens().unwrap_err();
        assert!(error.message.contains("does not lex"), "{error}");
    }
}
