//! Exact rationals for everything between a statement's sums and the one
//! rounding per agreement (docs/arithmetic.md, "Exact fractions").
//!
//! `Decimal` holds 28 significant digits: a product such as amount x fx rate
//! x a 1/3 share can need more, and `Decimal` then rounds silently. The
//! pricing path therefore computes in `Exact`, an arbitrary-precision
//! fraction, and comes back to `Decimal` only at the roundings the contract
//! allows, through `Exact::to_money`, which never panics and says when a
//! figure does not fit.
//!
//! For people, `Display` writes a terminating value as its exact decimal
//! ("8", "0.0125") and any other as a fraction ("1/6"), never as 28 digits.

use crate::money::Money;
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// An exact rational number.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Exact(BigRational);

/// A figure too large for an amount (`Decimal` holds 28 digits).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the figure {0} is too large for an amount")]
pub struct TooLarge(pub String);

fn ten_pow(n: u32) -> BigInt {
    num_traits::pow(BigInt::from(10u8), n as usize)
}

impl Exact {
    pub fn zero() -> Exact {
        Exact(BigRational::zero())
    }
    pub fn one() -> Exact {
        Exact(BigRational::one())
    }
    pub fn int(n: i64) -> Exact {
        Exact(BigRational::from_integer(BigInt::from(n)))
    }
    /// The exact value of a decimal (mantissa / 10^scale).
    pub fn dec(d: Decimal) -> Exact {
        Exact(BigRational::new(
            BigInt::from(d.mantissa()),
            ten_pow(d.scale()),
        ))
    }
    pub fn money(m: Money) -> Exact {
        Exact::dec(m.0)
    }
    /// `num / den`; `den` must not be zero (the loaders refuse a zero total).
    pub fn ratio(num: Decimal, den: Decimal) -> Exact {
        Exact::dec(num) / Exact::dec(den)
    }
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
    pub fn is_positive(&self) -> bool {
        self.0.is_positive()
    }
    pub fn is_negative(&self) -> bool {
        self.0.is_negative()
    }
    pub fn is_one(&self) -> bool {
        self.0.is_one()
    }
    pub fn numer(&self) -> &BigInt {
        self.0.numer()
    }
    pub fn denom(&self) -> &BigInt {
        self.0.denom()
    }
    pub fn min(self, o: Exact) -> Exact {
        if self <= o {
            self
        } else {
            o
        }
    }

    /// Floors to cents (towards minus infinity): docs/arithmetic.md, step 5.
    pub fn floor_cents(&self) -> Exact {
        let hundred = BigInt::from(100);
        let scaled = self.0.numer() * &hundred;
        Exact(BigRational::new(scaled.div_floor(self.0.denom()), hundred))
    }

    /// Rounds half-to-even to cents.
    pub fn round_cents(&self) -> Exact {
        self.round_dp(2)
    }

    /// Rounds half-to-even to `dp` decimals (for displays that promise a
    /// number of decimals, and for the roundings of the contract).
    pub fn round_dp(&self, dp: u32) -> Exact {
        let hundred = ten_pow(dp);
        let (n, d) = (self.0.numer() * &hundred, self.0.denom().clone());
        let (q, r) = n.div_mod_floor(&d);
        // r in [0, d): compare 2r with d.
        let twice: BigInt = &r * BigInt::from(2);
        let q = match twice.cmp(&d) {
            std::cmp::Ordering::Less => q,
            std::cmp::Ordering::Greater => q + 1,
            std::cmp::Ordering::Equal if q.is_even() => q,
            std::cmp::Ordering::Equal => q + 1,
        };
        Exact(BigRational::new(q, hundred))
    }

    /// Whole cents as an amount. The value must already be whole cents
    /// (after `floor_cents` or `round_cents`); one too large for `Decimal`
    /// is an error, never a panic and never a rounding.
    pub fn to_money(&self) -> Result<Money, TooLarge> {
        self.to_decimal().map(Money)
    }

    /// The value as a `Decimal` when it terminates and fits, else an error.
    pub fn to_decimal(&self) -> Result<Decimal, TooLarge> {
        let (digits, scale) = self
            .terminating()
            .ok_or_else(|| TooLarge(self.to_string()))?;
        let m = digits.to_i128().ok_or_else(|| TooLarge(self.to_string()))?;
        if scale > 28 {
            return Err(TooLarge(self.to_string()));
        }
        Decimal::try_from_i128_with_scale(m, scale).map_err(|_| TooLarge(self.to_string()))
    }

    /// (mantissa, scale) when the value is a terminating decimal, i.e. its
    /// denominator has no prime factor but 2 and 5.
    fn terminating(&self) -> Option<(BigInt, u32)> {
        let mut d = self.0.denom().clone();
        let (two, five) = (BigInt::from(2), BigInt::from(5));
        let (mut twos, mut fives) = (0u32, 0u32);
        while d.is_even() {
            d /= &two;
            twos += 1;
        }
        while (&d % &five).is_zero() {
            d /= &five;
            fives += 1;
        }
        if !d.is_one() {
            return None;
        }
        let scale = twos.max(fives);
        let m = self.0.numer() * ten_pow(scale) / self.0.denom();
        Some((m, scale))
    }

    /// A display value rounded half-to-even to `dp` decimals, as a
    /// `Decimal` (zero if it cannot be one: only for people, never for sums).
    pub fn approx(&self, dp: u32) -> Decimal {
        self.round_dp(dp.min(28)).to_decimal().unwrap_or_default()
    }

    /// A share as a percentage for people: 0.04 is "4%", 1/6 is "50/3%".
    pub fn percent(&self) -> String {
        format!("{}%", self.clone() * Exact::int(100))
    }
}

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.terminating() {
            Some((m, scale)) => {
                let neg = m.is_negative();
                let digits = m.abs().to_string();
                let s = scale as usize;
                let (int, frac) = if digits.len() > s {
                    digits.split_at(digits.len() - s)
                } else {
                    ("0", "")
                };
                let frac = if digits.len() > s {
                    frac.to_string()
                } else {
                    format!("{}{digits}", "0".repeat(s - digits.len()))
                };
                let frac = frac.trim_end_matches('0');
                let sign = if neg { "-" } else { "" };
                if frac.is_empty() {
                    write!(f, "{sign}{int}")
                } else {
                    write!(f, "{sign}{int}.{frac}")
                }
            }
            None => write!(f, "{}/{}", self.0.numer(), self.0.denom()),
        }
    }
}

impl serde::Serialize for Exact {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Exact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Exact::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not an exact number like 12.5 or 1/6"))
        })
    }
}

impl Exact {
    /// Reads what `Display` writes: a decimal ("-12.5") or a fraction ("1/6").
    pub fn parse(s: &str) -> Option<Exact> {
        match s.split_once('/') {
            Some((n, d)) => {
                let n: BigInt = n.trim().parse().ok()?;
                let d: BigInt = d.trim().parse().ok()?;
                (!d.is_zero()).then(|| Exact(BigRational::new(n, d)))
            }
            // Digit by digit: a figure of more than 28 digits stays exact.
            None => {
                let t = s.trim();
                let (neg, t) = match t.strip_prefix('-') {
                    Some(r) => (true, r),
                    None => (false, t),
                };
                let (int, frac) = t.split_once('.').unwrap_or((t, ""));
                let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
                if int.is_empty()
                    || !digits(int)
                    || !digits(frac)
                    || (t.contains('.') && frac.is_empty())
                {
                    return None;
                }
                let m: BigInt = format!("{int}{frac}").parse().ok()?;
                let m = if neg { -m } else { m };
                Some(Exact(BigRational::new(m, ten_pow(frac.len() as u32))))
            }
        }
    }
}

macro_rules! binop {
    ($tr:ident, $f:ident, $op:tt) => {
        impl $tr for Exact {
            type Output = Exact;
            fn $f(self, o: Exact) -> Exact {
                Exact(self.0 $op o.0)
            }
        }
        impl $tr<&Exact> for Exact {
            type Output = Exact;
            fn $f(self, o: &Exact) -> Exact {
                Exact(self.0 $op &o.0)
            }
        }
        impl $tr<&Exact> for &Exact {
            type Output = Exact;
            fn $f(self, o: &Exact) -> Exact {
                Exact(&self.0 $op &o.0)
            }
        }
    };
}
binop!(Add, add, +);
binop!(Sub, sub, -);
binop!(Mul, mul, *);
binop!(Div, div, /);

impl AddAssign<&Exact> for Exact {
    fn add_assign(&mut self, o: &Exact) {
        self.0 += &o.0;
    }
}
impl AddAssign for Exact {
    fn add_assign(&mut self, o: Exact) {
        self.0 += o.0;
    }
}
impl SubAssign<&Exact> for Exact {
    fn sub_assign(&mut self, o: &Exact) {
        self.0 -= &o.0;
    }
}
impl Neg for Exact {
    type Output = Exact;
    fn neg(self) -> Exact {
        Exact(-self.0)
    }
}
impl Sum for Exact {
    fn sum<I: Iterator<Item = Exact>>(iter: I) -> Exact {
        iter.fold(Exact::zero(), |a, b| a + b)
    }
}
impl<'a> Sum<&'a Exact> for Exact {
    fn sum<I: Iterator<Item = &'a Exact>>(iter: I) -> Exact {
        iter.fold(Exact::zero(), |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    fn e(s: &str) -> Exact {
        Exact::parse(s).unwrap()
    }

    #[test]
    fn displays_terminating_values_exactly_and_others_as_fractions() {
        assert_eq!(e("8").to_string(), "8");
        assert_eq!(e("8.000").to_string(), "8");
        assert_eq!(e("0.0125").to_string(), "0.0125");
        assert_eq!(e("-0.5").to_string(), "-0.5");
        assert_eq!(e("1/6").to_string(), "1/6");
        assert_eq!(e("2/4").to_string(), "0.5");
        assert_eq!(e("-7/3").to_string(), "-7/3");
        // What Decimal would print as 8.000000000000000000000000002.
        let third = e("1/3");
        assert_eq!((third.clone() * Exact::int(24)).to_string(), "8");
    }

    #[test]
    fn rounds_half_to_even_and_floors_towards_minus_infinity() {
        for (x, round, floor) in [
            ("0.015", "0.02", "0.01"),
            ("0.025", "0.02", "0.02"),
            ("-0.025", "-0.02", "-0.03"),
            ("2/3", "0.67", "0.66"),
            ("-2/3", "-0.67", "-0.67"),
            ("1/200", "0", "0"),
            ("3/200", "0.02", "0.01"),
        ] {
            assert_eq!(e(x).round_cents(), e(round), "round {x}");
            assert_eq!(e(x).floor_cents(), e(floor), "floor {x}");
        }
    }

    #[test]
    fn comes_back_to_decimal_only_when_exact_and_fitting() {
        assert_eq!(e("12.34").to_decimal(), Ok(dec("12.34")));
        assert!(e("1/3").to_decimal().is_err());
        assert!(Exact::int(10).clone() * Exact::dec(Decimal::MAX) > Exact::zero());
        assert!((Exact::int(10) * Exact::dec(Decimal::MAX))
            .to_money()
            .is_err());
    }

    #[test]
    fn products_past_28_digits_stay_exact() {
        // Decimal rounds this product; Exact does not.
        let a = Exact::dec(dec("1234567890.123456789"));
        let b = Exact::dec(dec("0.9876543210987654321"));
        let p = a.clone() * b.clone();
        assert_eq!(p.clone() / b, a);
        assert_eq!(e(&p.to_string()), p);
        assert!(p.to_decimal().is_err(), "too many digits for a Decimal");
    }

    #[test]
    fn parses_what_it_prints_and_nothing_else() {
        for s in [
            "0",
            "-3",
            "12.5",
            "-0.125",
            "1/6",
            "-7/3",
            "123456789012345678901234567890.123",
        ] {
            assert_eq!(e(s).to_string(), s);
        }
        for bad in ["", "1.", ".5", "1e3", "1/0", "a", "--1", "1.2.3"] {
            assert!(Exact::parse(bad).is_none(), "{bad}");
        }
    }
}
