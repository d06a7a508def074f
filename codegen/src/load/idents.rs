//! Rust identifiers for model ids and provider ids (SCHEMA.md §8).
//!
//! Rules (deterministic, documented so users can predict names):
//! - Model variant: split the id at every character that is not an ASCII letter or digit,
//!   upper-case the first letter of each part and keep the rest as written
//!   (`gpt-4o-2024-08-06` -> `Gpt4o20240806`, `01-ai/Yi-34B` -> `M01AiYi34B`). Non-ASCII
//!   letters become `U` + their hex code point. A name that would start with a digit, be empty
//!   or be `Self` gets the prefix `M`.
//! - Provider module: lower-case, runs of other characters become one `_`, trimmed; a leading
//!   digit or empty name gets the prefix `p_`, a keyword the suffix `_`.

use modelrt_vocabulary::is_keyword;

/// The enum variant name of a model id.
pub fn model_ident(id: &str) -> String {
    let mut out = String::new();
    let mut word_start = true;
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            if word_start {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            word_start = false;
        } else if c.is_alphanumeric() {
            out.push_str(&format!("U{:X}", u32::from(c)));
            word_start = true;
        } else {
            word_start = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) || out == "Self" {
        out.insert(0, 'M');
    }
    out
}

/// The module name of a provider id.
pub fn module_ident(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    let mut out = trimmed.to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "p_");
    }
    if is_keyword(&out) {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_idents() {
        assert_eq!(model_ident("gpt-4o-2024-08-06"), "Gpt4o20240806");
        assert_eq!(model_ident("01-ai/Yi-34B"), "M01AiYi34B");
        assert_eq!(
            model_ident("claude-3-5-sonnet@20240620"),
            "Claude35Sonnet20240620"
        );
        assert_eq!(model_ident("qwen2.5:7b"), "Qwen257b");
        assert_eq!(model_ident("self"), "MSelf");
        assert_eq!(model_ident("---"), "M");
        assert_eq!(model_ident("文心"), "U6587U5FC3");
        for id in ["gpt-4o", "01-ai/Yi-34B", "self", "", "文心", "a b"] {
            assert!(
                syn::parse_str::<syn::Ident>(&model_ident(id)).is_ok(),
                "{id}"
            );
        }
    }

    #[test]
    fn module_idents() {
        assert_eq!(
            module_ident("openai_api_compatible"),
            "openai_api_compatible"
        );
        assert_eq!(module_ident("x-ai"), "x_ai");
        assert_eq!(module_ident("OpenAI"), "openai");
        assert_eq!(module_ident("01ai"), "p_01ai");
        assert_eq!(module_ident("crate"), "crate_");
        assert_eq!(module_ident("__"), "p_");
        for id in ["self", "super", "01", "a--b", "type"] {
            assert!(
                syn::parse_str::<syn::Ident>(&module_ident(id)).is_ok(),
                "{id}"
            );
        }
    }
}
