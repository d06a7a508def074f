//! Token builders for the constant values inside catalog rows: texts, options, numbers, prices.

use std::str::FromStr;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use rust_decimal::Decimal;

use crate::emit::EmitError;
use crate::ir::I18n;

/// `I18n { en_us: "..", others: &[("zh_Hans", ".."), ..] }`, or `text("..")` for English only.
pub fn i18n(text: &I18n) -> TokenStream {
    let en = &text.en_us;
    if text.others.is_empty() {
        return quote!(::modelrt::__private::text(#en));
    }
    let others = text
        .others
        .iter()
        .map(|(code, text)| quote!((#code, #text)));
    quote!(catalog::I18n { en_us: #en, others: &[#(#others),*] })
}

/// `Some(..)` or `None` around whatever `f` builds.
pub fn option<T>(value: Option<&T>, f: impl FnOnce(&T) -> TokenStream) -> TokenStream {
    match value {
        Some(value) => {
            let inner = f(value);
            quote!(Some(#inner))
        }
        None => quote!(None),
    }
}

/// An `f64` literal that round-trips exactly and always reads as a float (`1f64`, `0.7f64`).
pub fn float(value: f64) -> Result<TokenStream, EmitError> {
    if !value.is_finite() {
        return Err(EmitError::new(format!("number {value} is not finite")));
    }
    let literal = Literal::f64_suffixed(value);
    Ok(quote!(#literal))
}

/// A decimal string as a `Decimal` constant plus the text it was declared as.
pub fn price(declared: &str) -> Result<TokenStream, EmitError> {
    let value = parse_decimal(declared)?;
    let mantissa = value.mantissa().unsigned_abs();
    // A Decimal's mantissa is 96 bits: split it into the three u32 words `from_parts` takes.
    let lo = (mantissa & 0xFFFF_FFFF) as u32;
    let mid = ((mantissa >> 32) & 0xFFFF_FFFF) as u32;
    let hi = ((mantissa >> 64) & 0xFFFF_FFFF) as u32;
    let negative = value.is_sign_negative();
    let scale = value.scale();
    if mid == 0 && hi == 0 && !negative {
        return Ok(quote!(::modelrt::__private::price(#declared, #lo, #scale)));
    }
    Ok(quote! {
        catalog::Price {
            declared: #declared,
            value: ::modelrt::runtime::Decimal::from_parts(#lo, #mid, #hi, #negative, #scale),
        }
    })
}

/// Parses a price exactly (no rounding through f64).
pub fn parse_decimal(declared: &str) -> Result<Decimal, EmitError> {
    Decimal::from_str_exact(declared.trim())
        .or_else(|_| Decimal::from_str(declared.trim()))
        .map_err(|e| EmitError::new(format!("price `{declared}` is not an exact decimal: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_keeps_exact_parts() {
        let tokens = price("0.000001").unwrap().to_string();
        assert!(
            tokens.contains("price (\"0.000001\" , 1u32 , 6u32)"),
            "{tokens}"
        );
        let tokens = price("12.5").unwrap().to_string();
        assert!(
            tokens.contains("price (\"12.5\" , 125u32 , 1u32)"),
            "{tokens}"
        );
        // A value above 2^32 spreads into the mid word.
        let tokens = price("4294967296").unwrap().to_string();
        assert!(
            tokens.contains("from_parts (0u32 , 1u32 , 0u32 , false , 0u32)"),
            "{tokens}"
        );
        assert!(price("cheap").is_err());
    }

    #[test]
    fn floats_read_as_floats() {
        assert_eq!(float(1.0).unwrap().to_string(), "1f64");
        assert_eq!(float(0.7).unwrap().to_string(), "0.7f64");
        assert!(float(f64::NAN).is_err());
    }

    #[test]
    fn i18n_lists_other_languages() {
        let text = I18n {
            en_us: "Hello".into(),
            others: vec![("zh_Hans".into(), "你好".into())],
        };
        let tokens = i18n(&text).to_string();
        assert!(tokens.contains("en_us : \"Hello\""), "{tokens}");
        assert!(tokens.contains("(\"zh_Hans\" , \"你好\")"), "{tokens}");
    }
}
