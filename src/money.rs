//! Exact money and rates.
//!
//! Every amount is a `rust_decimal::Decimal`; nothing on a money or rate path
//! ever touches binary floating point (docs/arithmetic.md, "Exact fractions").
//! Rounding of decimal amounts lives here, so the places the contract allows
//! it (docs/arithmetic.md, steps 5, 6, 7, 10 and 11) all call the same two
//! functions; exact fractions round by the same rules in `crate::exact`.

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

/// An exact amount of money in some currency (the currency travels beside it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub fn new(d: Decimal) -> Self {
        Money(d)
    }
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
    /// For `skip_serializing_if`, which passes a reference.
    pub fn is_zero_ref(&self) -> bool {
        self.0.is_zero()
    }
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }
    /// Half-to-even to cents: the one rounding rule of docs/arithmetic.md.
    pub fn round_cents(self) -> Money {
        Money(round_cents(self.0))
    }
    pub fn min(self, other: Money) -> Money {
        if self <= other {
            self
        } else {
            other
        }
    }
    pub fn max(self, other: Money) -> Money {
        if self >= other {
            self
        } else {
            other
        }
    }
    /// Fixed two-decimal text, as every amount appears in outputs
    /// (docs/commands.md, "`run --format json`").
    pub fn cents_string(self) -> String {
        let mut d = round_cents(self.0);
        d.rescale(2);
        // Never print "-0.00".
        if d.is_zero() {
            return "0.00".to_string();
        }
        d.to_string()
    }
}

/// Rounds half-to-even to two decimals.
pub fn round_cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
}

/// Floors (towards minus infinity) to two decimals: docs/arithmetic.md, step 5.
pub fn floor_cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity)
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.cents_string())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}
impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}
impl SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        self.0 -= o.0;
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}
impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + *b)
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.cents_string())
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_decimal(&s).map(Money).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not an amount like \"12.34\""))
        })
    }
}

/// Parses an exact decimal written with `.` ("5000.00", "-12", "0.005").
/// Refuses anything `Decimal` could only hold approximately.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s.trim();
    if t.is_empty() || t.contains(['e', 'E', '_', ',']) {
        return None;
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.starts_with(['+', '.']) || t.ends_with('.') {
        return None;
    }
    Decimal::from_str_exact(t).ok()
}

/// A number written with a decimal comma (`1,0871`, `-0,5`), as a
/// spreadsheet in many locales writes it: the same number with a point, for
/// a message that says what to write. `parse_decimal` refuses it, since
/// `1,000` could as well be a thousand.
pub fn decimal_comma(s: &str) -> Option<String> {
    let t = s.trim();
    let (int, frac) = t.split_once(',')?;
    let digits = int.strip_prefix(['-', '+']).unwrap_or(int);
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (all_digits(digits) && all_digits(frac)).then(|| format!("{int}.{frac}"))
}

/// Parses a percentage ("4%", "12.5%") into a fraction (0.04, 0.125).
pub fn parse_percent(s: &str) -> Option<Decimal> {
    let t = s.trim().strip_suffix('%')?;
    let d = parse_decimal(t)?;
    d.checked_div(Decimal::ONE_HUNDRED)
}

/// A rate in an agreement: a share of net receipts or a fixed amount per unit
/// (docs/agreements.md, "Rates: per party, or a pool and a split").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rate {
    /// Fraction of net receipts (4% is 0.04).
    Share(Decimal),
    /// Amount per unit, in the agreement currency.
    PerUnit(Decimal),
}

impl Rate {
    /// "4%" or "0.10/unit". Increments may carry a leading "+" ("+0.5%").
    pub fn parse(s: &str) -> Option<Rate> {
        let t = s.trim();
        if let Some(u) = t.strip_suffix("/unit") {
            return parse_decimal(u).map(Rate::PerUnit);
        }
        parse_percent(t).map(Rate::Share)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rate::Share(x) => write!(f, "{}%", (*x * Decimal::ONE_HUNDRED).normalize()),
            Rate::PerUnit(x) => write!(f, "{}/unit", x.normalize()),
        }
    }
}

/// Formats a fraction as a percentage for people ("0.04" -> "4%").
pub fn percent_string(fraction: Decimal) -> String {
    format!("{}%", (fraction * Decimal::ONE_HUNDRED).normalize())
}

/// Parses a decimal that may be written in any of the forms `parse_decimal`
/// accepts; used by tests and small helpers.
pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("literal decimal")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decimal_comma_is_recognised_and_rewritten_with_a_point() {
        assert_eq!(decimal_comma(" 1,0871 ").as_deref(), Some("1.0871"));
        assert_eq!(decimal_comma("-0,5").as_deref(), Some("-0.5"));
        for not in ["1.0871", "1,2,3", ",5", "5,", "a,b", "1,0e3", ""] {
            assert_eq!(decimal_comma(not), None, "{not}");
        }
    }

    #[test]
    fn rounding_is_half_to_even() {
        for (input, want) in [
            ("0.015", "0.02"),
            ("0.025", "0.02"),
            ("0.035", "0.04"),
            ("-0.025", "-0.02"),
            ("2.675", "2.68"),
            ("0.0049999", "0.00"),
        ] {
            assert_eq!(round_cents(dec(input)), dec(want), "{input}");
        }
    }

    #[test]
    fn floor_goes_towards_minus_infinity() {
        assert_eq!(floor_cents(dec("2.6699")), dec("2.66"));
        assert_eq!(floor_cents(dec("-2.661")), dec("-2.67"));
        assert_eq!(floor_cents(dec("3")), dec("3"));
    }

    #[test]
    fn cents_string_has_two_decimals_and_no_negative_zero() {
        assert_eq!(Money(dec("3")).cents_string(), "3.00");
        assert_eq!(Money(dec("-0.001")).cents_string(), "0.00");
        assert_eq!(Money(dec("-12.5")).cents_string(), "-12.50");
    }

    #[test]
    fn rates_parse_exactly() {
        assert_eq!(Rate::parse("4%"), Some(Rate::Share(dec("0.04"))));
        assert_eq!(Rate::parse("+0.5%"), Some(Rate::Share(dec("0.005"))));
        assert_eq!(Rate::parse("0.10/unit"), Some(Rate::PerUnit(dec("0.10"))));
        assert_eq!(Rate::parse("4"), None);
        assert_eq!(Rate::parse("1e2%"), None);
        assert_eq!(Rate::parse("abc%"), None);
    }

    #[test]
    fn decimals_refuse_inexact_forms() {
        assert_eq!(parse_decimal("12.50"), Some(dec("12.50")));
        assert_eq!(parse_decimal("-0.005"), Some(dec("-0.005")));
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal("1,000"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal("."), None);
    }
}
