//! Prices of token counts, exactly as Dify computes them (SCHEMA.md §5).
//!
//! `price = tokens × unit_price × unit`, rounded half-up to 7 decimal places, in exact
//! decimal arithmetic. Input and output are priced and rounded separately, then added.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::catalog::Pricing;

/// Decimal places kept in prices.
const PRICE_SCALE: u32 = 7;

/// Which side of a call is priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceKind {
    /// Prompt tokens.
    Input,
    /// Completion tokens.
    Output,
}

/// The price of `tokens` tokens of one kind. No output price means output is free.
pub fn price(pricing: &Pricing, kind: PriceKind, tokens: u64) -> Decimal {
    let unit_price = match kind {
        PriceKind::Input => pricing.input.value(),
        PriceKind::Output => pricing.output.map_or(Decimal::ZERO, |p| p.value()),
    };
    // checked_mul: an absurd token count must not panic; saturate instead.
    let amount = Decimal::from(tokens)
        .checked_mul(unit_price)
        .and_then(|v| v.checked_mul(pricing.unit.value()))
        .unwrap_or(Decimal::MAX);
    let mut rounded =
        amount.round_dp_with_strategy(PRICE_SCALE, RoundingStrategy::MidpointAwayFromZero);
    // Always show 7 places, as Dify's quantize does (`0.0020000`, not `0.002`).
    rounded.rescale(PRICE_SCALE);
    rounded
}

/// The cost of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Price of the prompt tokens.
    pub input: Decimal,
    /// Price of the completion tokens.
    pub output: Decimal,
    /// `input + output`.
    pub total: Decimal,
    /// Currency of all three.
    pub currency: &'static str,
}

/// The cost of a call with the given token counts.
pub fn cost(pricing: &Pricing, input_tokens: u64, output_tokens: u64) -> Cost {
    let input = price(pricing, PriceKind::Input, input_tokens);
    let output = price(pricing, PriceKind::Output, output_tokens);
    Cost {
        input,
        output,
        total: input.saturating_add(output),
        currency: pricing.currency,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Price;
    use std::str::FromStr;

    fn price_of(text: &'static str) -> Price {
        let value = Decimal::from_str(text).unwrap();
        Price {
            declared: text,
            mantissa: value.mantissa(),
            scale: value.scale(),
        }
    }

    fn pricing(input: &'static str, output: Option<&'static str>, unit: &'static str) -> Pricing {
        Pricing {
            input: price_of(input),
            output: output.map(price_of),
            unit: price_of(unit),
            currency: "USD",
        }
    }

    #[test]
    fn per_million_tokens() {
        let p = pricing("2.50", Some("10.00"), "0.000001");
        let c = cost(&p, 1_000_000, 500);
        assert_eq!(c.input.to_string(), "2.5000000");
        assert_eq!(c.output.to_string(), "0.0050000");
        assert_eq!(c.total.to_string(), "2.5050000");
        assert_eq!(c.currency, "USD");
    }

    #[test]
    fn rounds_half_up_to_seven_places() {
        // 5 × 0.00000001 = 0.00000005 -> 0.0000001 (half-up), not banker's 0.0000000.
        let p = pricing("0.01", None, "0.000001");
        assert_eq!(price(&p, PriceKind::Input, 5).to_string(), "0.0000001");
        assert_eq!(price(&p, PriceKind::Input, 4).to_string(), "0.0000000");
        // 15 × 0.00000001 = 0.00000015 -> 0.0000002
        assert_eq!(price(&p, PriceKind::Input, 15).to_string(), "0.0000002");
    }

    #[test]
    fn missing_output_price_is_free_and_huge_counts_do_not_panic() {
        let p = pricing("0.002", None, "0.001");
        assert_eq!(price(&p, PriceKind::Output, 1000), Decimal::ZERO);
        assert_eq!(price(&p, PriceKind::Input, 1000).to_string(), "0.0020000");
        let _ = cost(&p, u64::MAX, u64::MAX);
    }
}
