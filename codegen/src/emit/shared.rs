//! Tables shared across providers: identical parameter-rule lists and feature lists (models of
//! one family repeat them verbatim) are emitted once, as private statics of the `providers`
//! module, and every model row points at them. This keeps the generated code proportional to
//! what is distinct, not to the number of models.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::names::ident;

/// One shared static array.
#[derive(Debug)]
struct Entry {
    name: String,
    element: TokenStream,
    items: Vec<TokenStream>,
}

/// The interned arrays, in first-use order (so names are deterministic).
#[derive(Debug, Default)]
pub struct Shared {
    entries: Vec<Entry>,
    by_key: HashMap<String, usize>,
}

impl Shared {
    /// A reference to the shared array holding `items` (`&[]` when empty). `key` must identify
    /// the content exactly; `prefix` names the array kind (`RULES`, `FEATURES`). `items` is
    /// built only for content not seen before.
    pub fn slice<E>(
        &mut self,
        prefix: &str,
        element: TokenStream,
        key: String,
        items: impl FnOnce() -> Result<Vec<TokenStream>, E>,
    ) -> Result<TokenStream, E> {
        let key = format!("{prefix}:{key}");
        let index = match self.by_key.get(&key) {
            Some(&index) => index,
            None => {
                let items = items()?;
                if items.is_empty() {
                    return Ok(quote!(&[]));
                }
                let name = format!("{prefix}_{}", self.entries.len());
                self.entries.push(Entry {
                    name,
                    element,
                    items,
                });
                self.by_key.insert(key, self.entries.len() - 1);
                self.entries.len() - 1
            }
        };
        Ok(match self.entries.get(index) {
            Some(entry) => {
                let name = ident(&entry.name);
                quote!(&super::#name)
            }
            None => quote!(&[]),
        })
    }

    /// The `static` items, to be placed in the `providers` module.
    pub fn statics(&self) -> TokenStream {
        let statics = self.entries.iter().map(|e| {
            let name = ident(&e.name);
            let element = &e.element;
            let len = e.items.len();
            let items = &e.items;
            quote!(static #name: [#element; #len] = [#(#items),*];)
        });
        quote!(#(#statics)*)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_content_is_emitted_once() {
        let mut shared = Shared::default();
        let mut slice = |prefix: &str, key: &str, items: Vec<TokenStream>| {
            shared
                .slice(prefix, quote!(u8), key.into(), || Ok::<_, ()>(items))
                .unwrap()
                .to_string()
        };
        let a = slice("RULES", "k1", vec![quote!(1u8)]);
        let b = slice("RULES", "k1", vec![quote!(9u8)]);
        let c = slice("FEATURES", "k1", vec![quote!(2u8)]);
        let empty = slice("RULES", "k2", Vec::new());
        assert_eq!(a, b, "the first content under a key wins");
        assert_eq!(c, "& super :: FEATURES_1");
        assert_eq!(empty, "& []");
        let statics = shared.statics().to_string();
        assert_eq!(statics.matches("static").count(), 2, "{statics}");
        assert!(!statics.contains("9u8"), "{statics}");
    }
}
