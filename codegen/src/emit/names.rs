//! Rust names for things the YAML names freely: credential variables, parameter names and
//! option values become fields, enum names and variants. The loader already names providers
//! (`rust_module`) and models (`rust_ident`); everything else is named here.

use std::collections::BTreeSet;

use modelrt_vocabulary::is_keyword;
use proc_macro2::{Ident, Span};

/// Splits `text` into lower-case words at non-alphanumeric characters and camel-case humps
/// (`topP` -> `top`, `p`; `HTTPProxy` -> `http`, `proxy`; `gpt4o` stays one word).
fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let hump = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if hump && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A snake_case field name for `text`: `topP` -> `top_p`, `type` -> `type_`, `1st` -> `_1st`,
/// `` (nothing usable) -> `value`.
pub fn snake_case(text: &str) -> String {
    let joined = words(text).join("_");
    if joined.is_empty() {
        return "value".to_owned();
    }
    if joined.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("_{joined}");
    }
    if is_keyword(&joined) {
        return format!("{joined}_");
    }
    joined
}

/// An UpperCamelCase type or variant name for `text`: `json_object` -> `JsonObject`,
/// `JSON` -> `Json`, `1024x1024` -> `V1024x1024`, `` -> `Empty`.
pub fn pascal_case(text: &str) -> String {
    let mut out = String::new();
    for word in words(text) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        return "Empty".to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

/// Hands out names unique within one scope (a struct's fields, an enum's variants, a module's
/// types): a name already taken gets `_2`, `_3`, ... (or `2`, `3`, ... for camel case).
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Whether `name` is still free.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// Takes `base`, or the first free numbered form of it.
    pub fn claim(&mut self, base: &str) -> String {
        let separator = if base.starts_with(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        let mut name = base.to_owned();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{separator}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// An identifier token for a name produced here (always legal by construction).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_makes_legal_fields() {
        assert_eq!(snake_case("topP"), "top_p");
        assert_eq!(snake_case("max_tokens"), "max_tokens");
        assert_eq!(snake_case("maxTokens"), "max_tokens");
        assert_eq!(snake_case("openai_api_base"), "openai_api_base");
        assert_eq!(snake_case("HTTPProxy"), "http_proxy");
        assert_eq!(snake_case("api-key.v2"), "api_key_v2");
        assert_eq!(snake_case("type"), "type_");
        assert_eq!(snake_case("self"), "self_");
        assert_eq!(snake_case("model"), "model");
        assert_eq!(snake_case("2fa"), "_2fa");
        assert_eq!(snake_case("__model_type"), "model_type");
        assert_eq!(snake_case("!!"), "value");
        assert_eq!(snake_case("Größe"), "gr_e");
    }

    #[test]
    fn pascal_case_makes_legal_variants() {
        assert_eq!(pascal_case("json_object"), "JsonObject");
        assert_eq!(pascal_case("JSON"), "Json");
        assert_eq!(pascal_case("1024x1024"), "V1024x1024");
        assert_eq!(pascal_case(""), "Empty");
        assert_eq!(pascal_case("self"), "Self_");
        assert_eq!(pascal_case("us-east-1"), "UsEast1");
    }

    #[test]
    fn scope_numbers_collisions() {
        let mut scope = Scope::with_reserved(&["Llm"]);
        assert_eq!(scope.claim("Llm"), "Llm2");
        assert_eq!(scope.claim("top_p"), "top_p");
        assert_eq!(scope.claim("top_p"), "top_p_2");
        assert!(!scope.is_free("top_p_2"));
    }
}
