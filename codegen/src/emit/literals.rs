//! Writers for the constant values inside catalog rows: texts, numbers, prices.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::emit::text::{Text, Written};
use crate::emit::EmitError;
use crate::ir::I18n;

/// `I18n { en_us: "..", others: &[("zh_Hans", ".."), ..] }`, or `rt::text("..")` for English only
/// (`rt` is `::modelrt_sdk::__private`, imported by every module of tables).
pub fn i18n(t: &mut Text, text: &I18n) -> Written {
    if text.others.is_empty() {
        t.push("rt::text(").str(&text.en_us).push(")");
        return Ok(());
    }
    t.push("catalog::I18n { en_us: ")
        .str(&text.en_us)
        .push(", others: ");
    translations(t, &text.others)?;
    t.push(" }");
    Ok(())
}

/// The languages of a text besides English, `&[("zh_Hans", ".."), ..]`, or `rt::ENGLISH_ONLY`.
pub fn translations(t: &mut Text, others: &[(String, String)]) -> Written {
    if others.is_empty() {
        t.push("rt::ENGLISH_ONLY");
        return Ok(());
    }
    t.push("&");
    t.list(others, |t, (code, text)| {
        t.push("(").str(code).push(", ").str(text).push(")");
        Ok(())
    })
}

/// A string literal (for [`Text::option`] and [`Text::list`]).
pub fn string(t: &mut Text, value: &(impl AsRef<str> + ?Sized)) -> Written {
    t.str(value.as_ref());
    Ok(())
}

/// An `f64` literal that round-trips exactly and always reads as a float (`1f64`, `0.7f64`).
pub fn float(t: &mut Text, value: f64) -> Written {
    if !value.is_finite() {
        return Err(EmitError::new(format!("number {value} is not finite")));
    }
    // `Display` of a finite f64 is the shortest text that reads back to the same value, never
    // in exponent form, so the suffix makes it a float literal even for whole numbers.
    t.display(value).push("f64");
    Ok(())
}

/// A decimal string as an exact `catalog::Price` literal (its digits and scale) plus the text
/// it was declared as.
pub fn price(t: &mut Text, declared: &str) -> Written {
    t.push("catalog::Price { declared: ").str(declared);
    let value = parse_decimal(declared)?;
    t.display(format_args!(
        ", mantissa: {}, scale: {} }}",
        value.mantissa(),
        value.scale()
    ));
    Ok(())
}

/// The same as [`price`], as the tuple `__private::PriceParts`: `("0.5", 5, 1)`.
pub fn price_parts(t: &mut Text, declared: &str) -> Written {
    t.push("(").str(declared);
    let value = parse_decimal(declared)?;
    t.display(format_args!(", {}, {})", value.mantissa(), value.scale()));
    Ok(())
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

    fn written(f: impl FnOnce(&mut Text) -> Written) -> Result<String, EmitError> {
        let mut t = Text::new(0);
        f(&mut t)?;
        Ok(t.into_string())
    }

    #[test]
    fn price_keeps_exact_parts() {
        assert_eq!(
            written(|t| price(t, "0.000001")).unwrap(),
            "catalog::Price { declared: \"0.000001\", mantissa: 1, scale: 6 }"
        );
        assert_eq!(
            written(|t| price(t, "12.5")).unwrap(),
            "catalog::Price { declared: \"12.5\", mantissa: 125, scale: 1 }"
        );
        // Digits beyond 64 bits stay exact.
        let text = written(|t| price(t, "79228162514264337593543950335")).unwrap();
        assert!(
            text.contains("mantissa: 79228162514264337593543950335, scale: 0"),
            "{text}"
        );
        assert!(written(|t| price(t, "cheap")).is_err());
        assert_eq!(
            written(|t| price_parts(t, "12.5")).unwrap(),
            "(\"12.5\", 125, 1)"
        );
        assert!(written(|t| price_parts(t, "cheap")).is_err());
    }

    #[test]
    fn floats_read_as_floats() {
        assert_eq!(written(|t| float(t, 1.0)).unwrap(), "1f64");
        assert_eq!(written(|t| float(t, 0.7)).unwrap(), "0.7f64");
        assert_eq!(written(|t| float(t, -2.5)).unwrap(), "-2.5f64");
        assert_eq!(written(|t| float(t, 1e300)).unwrap().len(), 301 + 3);
        assert!(written(|t| float(t, f64::NAN)).is_err());
    }

    #[test]
    fn i18n_lists_other_languages() {
        let text = I18n {
            en_us: "Hello".into(),
            others: vec![("zh_Hans".into(), "你好".into())],
        };
        assert_eq!(
            written(|t| i18n(t, &text)).unwrap(),
            "catalog::I18n { en_us: \"Hello\", others: &[(\"zh_Hans\", \"你好\")] }"
        );
        let english = I18n {
            en_us: "Hi \"there\"".into(),
            others: vec![],
        };
        assert_eq!(
            written(|t| i18n(t, &english)).unwrap(),
            "rt::text(\"Hi \\\"there\\\"\")"
        );
    }
}
