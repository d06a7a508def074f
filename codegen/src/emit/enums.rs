//! Generated "wire enums": the closed value sets of `select`/`radio` credentials and of
//! parameters with `options`. Each enum is data-driven: its wire strings are one table that
//! `as_str` indexes and `FromStr` scans.

use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::emit::docs::doc_attrs;
use crate::emit::names::{ident, pascal_case, Scope};

/// One generated enum.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WireEnum {
    /// Type name, unique in the provider module.
    pub name: String,
    /// Rustdoc of the type.
    pub doc: String,
    /// `(wire value, variant name, variant doc)` in declared order.
    pub variants: Vec<(String, String, String)>,
}

/// The wire enums of one provider module: names are unique, identical value sets under the same
/// name are shared (e.g. one `Region` for every model type's credentials).
#[derive(Debug)]
pub struct EnumSet<'a> {
    scope: &'a mut Scope,
    enums: Vec<WireEnum>,
}

impl<'a> EnumSet<'a> {
    /// An empty set claiming names in `scope` (the provider module's type names).
    pub fn new(scope: &'a mut Scope) -> Self {
        EnumSet {
            scope,
            enums: Vec::new(),
        }
    }

    /// The enum for `values` named after `base` (e.g. a variable name), or `prefix` + `base`
    /// when `base` names a different enum already; returns its type name.
    pub fn request(
        &mut self,
        base: &str,
        prefix: &str,
        doc: &str,
        values: &[(String, String)],
    ) -> String {
        let base = pascal_case(base);
        for candidate in [base.clone(), format!("{prefix}{base}")] {
            if let Some(existing) = self.find(&candidate, values) {
                return existing;
            }
        }
        let name = if self.scope.is_free(&base) {
            self.scope.claim(&base)
        } else {
            self.scope.claim(&format!("{prefix}{base}"))
        };
        let mut variant_scope = Scope::default();
        let variants = values
            .iter()
            .map(|(wire, label)| {
                let variant = variant_scope.claim(&pascal_case(wire));
                let doc = if label.is_empty() || label == wire {
                    format!("`{wire}`")
                } else {
                    format!("{label} (`{wire}`)")
                };
                (wire.clone(), variant, doc)
            })
            .collect();
        self.enums.push(WireEnum {
            name: name.clone(),
            doc: doc.to_owned(),
            variants,
        });
        name
    }

    /// Claims a type name that is not an enum (a params struct) in the same scope.
    pub fn claim_type(&mut self, base: &str) -> String {
        self.scope.claim(base)
    }

    fn find(&self, name: &str, values: &[(String, String)]) -> Option<String> {
        self.enums
            .iter()
            .find(|e| {
                e.name == name
                    && e.variants.len() == values.len()
                    && e.variants
                        .iter()
                        .zip(values)
                        .all(|(v, (wire, _))| &v.0 == wire)
            })
            .map(|e| e.name.clone())
    }

    /// The enums requested so far, in request order.
    pub fn into_enums(self) -> Vec<WireEnum> {
        self.enums
    }
}

/// Which provider module defines each distinct wire enum: the first, in catalog order, that
/// needs it. Identical enums (same name, values and docs; `response_format`'s `text` /
/// `json_object` in most providers) are then one type, re-exported by the other modules, so
/// a large tree compiles each once (BENCHMARKS.md, "Build pipeline").
#[derive(Debug, Default)]
pub struct Owners {
    owner_of: HashMap<WireEnum, Ident>,
}

impl Owners {
    /// The items giving `module` its `wire_enums`: each enum's definition, or a re-export of
    /// the identical one an earlier module defines. Call in catalog order.
    pub fn definitions(&mut self, module: &Ident, wire_enums: &[WireEnum]) -> TokenStream {
        let items = wire_enums.iter().map(|e| match self.owner_of.get(e) {
            Some(owner) => {
                let name = ident(&e.name);
                // Inlined, so one provider's docs never send a reader into another's module.
                quote!(#[doc(inline)] pub use super::#owner::#name;)
            }
            None => {
                self.owner_of.insert(e.clone(), module.clone());
                wire_enum(e)
            }
        });
        quote!(#(#items)*)
    }
}

/// The enum type, its `ALL`, `WIRE` and `as_str`, and `FromStr` of the wire value.
pub fn wire_enum(e: &WireEnum) -> TokenStream {
    let name = ident(&e.name);
    let type_doc = doc_attrs(&e.doc);
    let variants = e.variants.iter().map(|(_, variant, doc)| {
        let variant = ident(variant);
        let doc_attrs = doc_attrs(doc);
        quote!(#doc_attrs #variant)
    });
    let all = e.variants.iter().map(|(_, variant, _)| {
        let variant = ident(variant);
        quote!(#name::#variant)
    });
    let wire = e.variants.iter().map(|(wire, _, _)| wire);
    let what = format!("`{}` value", e.name);
    quote! {
        #type_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name { #(#variants),* }

        impl #name {
            /// Every value, in declared order.
            pub const ALL: &'static [#name] = &[#(#all),*];
            /// The wire value of each variant, by discriminant.
            pub const WIRE: &'static [&'static str] = &[#(#wire),*];

            /// The value as sent on the wire.
            pub fn as_str(self) -> &'static str {
                Self::WIRE[self as usize]
            }
        }

        /// Parses a wire value; the error names the value and this enum.
        impl ::core::str::FromStr for #name {
            type Err = ::modelrt_sdk::runtime::catalog::UnknownName;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::modelrt_sdk::__private::parse_name(#what, Self::ALL, Self::as_str, value)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(list: &[&str]) -> Vec<(String, String)> {
        list.iter()
            .map(|v| ((*v).to_owned(), String::new()))
            .collect()
    }

    #[test]
    fn shares_identical_sets_and_prefixes_different_ones() {
        let mut scope = Scope::with_reserved(&["Llm"]);
        let mut set = EnumSet::new(&mut scope);
        let a = set.request("region", "Llm", "doc", &values(&["us", "eu"]));
        let b = set.request("region", "TextEmbedding", "doc", &values(&["us", "eu"]));
        let c = set.request("region", "Rerank", "doc", &values(&["cn"]));
        let d = set.request("llm", "Param", "doc", &values(&["x"]));
        assert_eq!((a.as_str(), b.as_str()), ("Region", "Region"));
        assert_eq!(c, "RerankRegion");
        assert_eq!(d, "ParamLlm");
        assert_eq!(set.into_enums().len(), 3);
    }

    #[test]
    fn variants_are_unique_and_legal() {
        let mut scope = Scope::default();
        let mut set = EnumSet::new(&mut scope);
        set.request(
            "size",
            "",
            "doc",
            &values(&["1024x1024", "JSON", "json", ""]),
        );
        let e = &set.into_enums()[0];
        let names: Vec<&str> = e.variants.iter().map(|v| v.1.as_str()).collect();
        assert_eq!(names, ["V1024x1024", "Json", "Json2", "Empty"]);
        let code = wire_enum(e).to_string();
        assert!(code.contains("\"1024x1024\""), "{code}");
    }

    #[test]
    fn a_shared_enum_is_defined_once_and_re_exported_inline() {
        let mut scope = Scope::default();
        let mut set = EnumSet::new(&mut scope);
        set.request("region", "", "doc", &values(&["us", "eu"]));
        let wire_enums = set.into_enums();
        let mut owners = Owners::default();
        let first = owners.definitions(&ident("acme"), &wire_enums).to_string();
        let second = owners.definitions(&ident("other"), &wire_enums).to_string();
        assert!(first.contains("pub enum Region"), "{first}");
        assert_eq!(
            second,
            quote!(
                #[doc(inline)]
                pub use super::acme::Region;
            )
            .to_string()
        );
    }
}
