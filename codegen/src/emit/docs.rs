//! Rustdoc text for generated items: what a reader of `cargo doc` needs to pick a model.

use proc_macro2::TokenStream;
use quote::quote;
use rust_decimal::Decimal;

use crate::emit::literals::parse_decimal;
use crate::emit::EmitError;
use crate::ir::{Model, Pricing};

/// `#[doc]` attributes for `text`, one per line with a leading space, so the formatted output
/// reads as ordinary `/// ...` comments.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// The doc of a model variant: label and id, context size, features, prices, source file.
pub fn model_doc(model: &Model) -> Result<String, EmitError> {
    let mut doc = if model.label.en_us == model.id {
        format!("`{}`", model.id)
    } else {
        format!("{} (`{}`)", model.label.en_us, model.id)
    };
    if model.deprecated {
        doc.push_str(", deprecated");
    }
    doc.push('.');
    let mut facts = Vec::new();
    if let Some(size) = model.properties.context_size {
        facts.push(format!("Context: {size} tokens."));
    }
    if !model.features.is_empty() {
        let features: Vec<&str> = model.features.iter().map(|f| f.as_str()).collect();
        facts.push(format!("Features: {}.", features.join(", ")));
    }
    if let Some(pricing) = &model.pricing {
        facts.push(price_doc(pricing).map_err(|e| e.in_file(&model.source))?);
    }
    facts.push(format!("Declared in `{}`.", model.source));
    doc.push_str("\n\n");
    doc.push_str(&facts.join("\n"));
    Ok(doc)
}

/// `#[deprecated]` naming the YAML file for a model marked `deprecated: true` (on its enum
/// variant and its marker type alike), else nothing.
pub fn deprecated_attr(model: &Model) -> TokenStream {
    if !model.deprecated {
        return TokenStream::new();
    }
    let note = format!("marked `deprecated: true` in {}", model.source);
    quote!(#[deprecated(note = #note)])
}

/// `Price per 1M tokens: input 2.5, output 10 USD.` (no output for an input-only price)
fn price_doc(pricing: &Pricing) -> Result<String, EmitError> {
    let unit = parse_decimal(&pricing.unit)?;
    let per_million = |declared: &str| -> Result<String, EmitError> {
        let value = parse_decimal(declared)?;
        let scaled = value
            .checked_mul(unit)
            .and_then(|v| v.checked_mul(Decimal::from(1_000_000)))
            .ok_or_else(|| EmitError::new(format!("price `{declared}` overflows")))?;
        Ok(scaled.normalize().to_string())
    };
    let input = per_million(&pricing.input)?;
    let output = match &pricing.output {
        Some(output) => format!(", output {}", per_million(output)?),
        None => String::new(), // an input-only price (embeddings, rerank)
    };
    Ok(format!(
        "Price per 1M tokens: input {input}{output} {}.",
        pricing.currency
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_per_million_tokens() {
        let pricing = Pricing {
            input: "0.0025".into(),
            output: Some("0.01".into()),
            unit: "0.001".into(),
            currency: "USD".into(),
        };
        assert_eq!(
            price_doc(&pricing).unwrap(),
            "Price per 1M tokens: input 2.5, output 10 USD."
        );
        let input_only = Pricing {
            input: "0.5".into(),
            output: None,
            unit: "0.000001".into(),
            currency: "RMB".into(),
        };
        assert_eq!(
            price_doc(&input_only).unwrap(),
            "Price per 1M tokens: input 0.5 RMB."
        );
    }
}
