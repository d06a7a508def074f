//! Money as an exact count of 10⁻⁷ currency units.
//!
//! The runtime rounds every price to 7 decimal places (`modelrt::runtime::pricing`), so a
//! whole number of 10⁻⁷ units holds every cost exactly. Stored as a 64-bit integer it adds up
//! exactly in SQL on SQLite and PostgreSQL alike, and lets a budget reservation be a single
//! conditional `UPDATE` (up to about 922 billion currency units).

use rust_decimal::{Decimal, RoundingStrategy};

/// Decimal places of a unit.
pub const SCALE: u32 = 7;

/// An exact amount, in 10⁻⁷ units of the catalog's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money(pub i64);

impl Money {
    /// Nothing.
    pub const ZERO: Money = Money(0);

    /// The exact amount of `value`, or `None` when it has more than 7 decimals, is negative
    /// or is too large.
    pub fn exact(value: Decimal) -> Option<Money> {
        if value.is_sign_negative() || value.normalize().scale() > SCALE {
            return None;
        }
        let mut scaled = value;
        scaled.rescale(SCALE);
        i64::try_from(scaled.mantissa()).ok().map(Money)
    }

    /// A cost computed by the runtime, rounded up to a unit (a no-op for catalog prices,
    /// which have 7 decimals); saturates rather than fail.
    pub fn cost(value: Decimal) -> Money {
        let rounded = value.round_dp_with_strategy(SCALE, RoundingStrategy::AwayFromZero);
        Money::exact(rounded.max(Decimal::ZERO)).unwrap_or(Money(i64::MAX))
    }

    /// The amount as a decimal with 7 places.
    pub fn decimal(self) -> Decimal {
        Decimal::new(self.0, SCALE)
    }

    /// Parses a decimal string such as `"12.50"`, naming the problem when it is not one.
    pub fn parse(text: &str) -> Result<Money, String> {
        let value: Decimal = text
            .trim()
            .parse()
            .map_err(|_| format!("`{text}` is not a decimal amount such as \"12.50\""))?;
        Money::exact(value).ok_or_else(|| {
            format!("`{text}` must be a non-negative amount with at most {SCALE} decimals")
        })
    }

    /// `self + other`, saturating.
    pub fn plus(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}

impl std::fmt::Display for Money {
    /// The shortest exact decimal: `12.5`, `0.0000150`→`0.000015`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.decimal().normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_exactly() {
        let money = Money::parse("12.50").unwrap();
        assert_eq!(money, Money(125_000_000));
        assert_eq!(money.to_string(), "12.5");
        assert_eq!(Money::parse("0.0000001").unwrap(), Money(1));
        assert!(Money::parse("0.00000001")
            .unwrap_err()
            .contains("7 decimals"));
        assert!(Money::parse("-1").is_err());
        assert!(Money::parse("ten").unwrap_err().contains("not a decimal"));
        assert_eq!(Money::cost(Decimal::new(15, 8)), Money(2));
    }
}
