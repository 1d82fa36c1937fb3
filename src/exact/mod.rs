//! Exact rationals for everything between a statement's sums and the one
//! rounding per agreement (docs/arithmetic.md, "Exact fractions").
//!
//! `Decimal` holds 28 significant digits: a product such as amount x fx rate
//! x a 1/3 share can need more, and `Decimal` then rounds silently. The
//! pricing path therefore computes in `Exact`, an exact number, and comes
//! back to `Decimal` only at the roundings the contract allows, through
//! `Exact::to_money` / `to_decimal`, which never panic and say when a figure
//! does not fit.
//!
//! Three representations, one value, each used only when the one before
//! cannot hold it:
//! - a decimal held as an `i128` mantissa and a scale (what almost every
//!   figure is: amounts, decimal rates and their products, computed with
//!   integer arithmetic);
//! - a fraction of two `i128`s (`fraction.rs`) when the value has no finite
//!   decimal (a 1/6 milestone crossing, a 30/43 share, an inverse exchange
//!   rate): checked integer arithmetic and a cheap gcd;
//! - an arbitrary-precision fraction (`BigRational`, `big.rs`) when a
//!   numerator or denominator outgrows 128 bits.
//!
//! Every operation is exact in all three and tries them in that order: a
//! step that would overflow is done again in the next form, never wrapped,
//! and a result always comes back in the first form that holds it. The
//! value is the same whichever form computed it, so comparisons (and
//! therefore equality) are by value across forms.
//!
//! For people, `Display` writes a terminating value as its exact decimal
//! ("8", "0.0125") and any other as a fraction ("1/6"), never as 28 digits.

mod big;
mod fraction;

use crate::money::Money;
use big::{ten_pow, terminating, write_decimal};
use fraction::{floor_div, round_half_even, ten, Frac};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// The largest scale the decimal form keeps (an `i128` holds 38 digits).
const MAX_SCALE: u32 = 36;

#[derive(Clone, Debug)]
enum Repr {
    /// `m / 10^s`.
    Dec { m: i128, s: u32 },
    /// Lowest terms, positive denominator, no finite decimal that `Dec`
    /// holds.
    Frac(Frac),
    /// Lowest terms; a numerator or denominator past `i128`. Boxed: rare,
    /// and unboxed it would make every `Exact` 80 bytes instead of 48 (the
    /// engine moves many of them).
    Big(Box<BigRational>),
}

/// An exact rational number.
#[derive(Clone, Debug)]
pub struct Exact(Repr);

impl Default for Exact {
    fn default() -> Self {
        Exact::zero()
    }
}

/// A figure too large for an amount (`Decimal` holds 28 digits).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the figure {0} is too large for an amount")]
pub struct TooLarge(pub String);

/// `m` scaled from `from` decimals up to `to` (`to >= from`), if it fits.
fn rescale(m: i128, from: u32, to: u32) -> Option<i128> {
    m.checked_mul(ten(to - from)?)
}

impl Exact {
    pub fn zero() -> Exact {
        Exact(Repr::Dec { m: 0, s: 0 })
    }
    pub fn one() -> Exact {
        Exact(Repr::Dec { m: 1, s: 0 })
    }
    pub fn int(n: i64) -> Exact {
        Exact(Repr::Dec {
            m: i128::from(n),
            s: 0,
        })
    }
    /// The exact value of a decimal (mantissa / 10^scale).
    pub fn dec(d: Decimal) -> Exact {
        Exact(Repr::Dec {
            m: d.mantissa(),
            s: d.scale(),
        })
    }
    pub fn money(m: Money) -> Exact {
        Exact::dec(m.0)
    }
    /// `num / den`; `den` must not be zero (the loaders refuse a zero total).
    pub fn ratio(num: Decimal, den: Decimal) -> Exact {
        if den == Decimal::ONE {
            return Exact::dec(num);
        }
        Exact::dec(num) / Exact::dec(den)
    }

    /// The value as a fraction (the slow, general form).
    fn big(&self) -> BigRational {
        match &self.0 {
            Repr::Dec { m, s } => BigRational::new(BigInt::from(*m), ten_pow(*s)),
            // Already in lowest terms with a positive denominator.
            Repr::Frac(f) => BigRational::new_raw(BigInt::from(f.n), BigInt::from(f.d)),
            Repr::Big(r) => (**r).clone(),
        }
    }

    /// The value as a small fraction, if it is one.
    fn frac(&self) -> Option<Frac> {
        match &self.0 {
            Repr::Dec { m, s } => Frac::from_dec(*m, *s),
            Repr::Frac(f) => Some(*f),
            Repr::Big(_) => None,
        }
    }

    /// A small fraction in the decimal form when it has a finite decimal
    /// that fits.
    fn from_frac(f: Frac) -> Exact {
        match f.to_dec() {
            Some((m, s)) if s <= MAX_SCALE => Exact(Repr::Dec { m, s }),
            _ => Exact(Repr::Frac(f)),
        }
    }

    /// A general fraction in the first form that holds it. A value with
    /// a numerator or denominator past `i128` has no decimal form either
    /// (its mantissa or its scale would not fit).
    fn from_big(r: BigRational) -> Exact {
        match (r.numer().to_i128(), r.denom().to_i128()) {
            (Some(n), Some(d)) => match Frac::new(n, d) {
                Some(f) => Exact::from_frac(f),
                None => Exact(Repr::Big(Box::new(r))),
            },
            _ => Exact(Repr::Big(Box::new(r))),
        }
    }

    fn signum(&self) -> i32 {
        match &self.0 {
            Repr::Dec { m, .. } => m.signum() as i32,
            Repr::Frac(f) => f.n.signum() as i32,
            Repr::Big(r) => {
                if r.is_zero() {
                    0
                } else if r.is_positive() {
                    1
                } else {
                    -1
                }
            }
        }
    }
    pub fn is_zero(&self) -> bool {
        self.signum() == 0
    }
    pub fn is_positive(&self) -> bool {
        self.signum() > 0
    }
    pub fn is_negative(&self) -> bool {
        self.signum() < 0
    }
    pub fn is_one(&self) -> bool {
        match &self.0 {
            Repr::Dec { m, s } => ten(*s).is_some_and(|t| *m == t),
            Repr::Frac(f) => f.n == 1 && f.d == 1,
            Repr::Big(r) => r.is_one(),
        }
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
        self.to_dp(2, floor_div, big::floor_div)
    }

    /// Rounds half-to-even to cents.
    pub fn round_cents(&self) -> Exact {
        self.round_dp(2)
    }

    /// Rounds half-to-even to `dp` decimals (for displays that promise a
    /// number of decimals, and for the roundings of the contract).
    pub fn round_dp(&self, dp: u32) -> Exact {
        self.to_dp(dp, round_half_even, big::round_half_even)
    }

    /// The value to `dp` decimals, the integer `value x 10^dp` chosen by
    /// `small` (`n / d` with `d > 0`, `None` on overflow) or, when that
    /// overflows, by `large`: the same rule on big integers.
    fn to_dp(
        &self,
        dp: u32,
        small: fn(i128, i128) -> Option<i128>,
        large: fn(BigInt, &BigInt) -> BigInt,
    ) -> Exact {
        let q = match &self.0 {
            Repr::Dec { s, .. } if *s <= dp => return self.clone(),
            Repr::Dec { m, s } => ten(s - dp).and_then(|d| small(*m, d)),
            Repr::Frac(f) => ten(dp)
                .and_then(|t| f.n.checked_mul(t))
                .and_then(|n| small(n, f.d)),
            Repr::Big(_) => None,
        };
        match q {
            Some(m) if dp <= MAX_SCALE => Exact(Repr::Dec { m, s: dp }),
            _ => {
                let r = self.big();
                let unit = ten_pow(dp);
                Exact::from_big(BigRational::new(large(r.numer() * &unit, r.denom()), unit))
            }
        }
    }

    /// Whole cents as an amount. The value must already be whole cents
    /// (after `floor_cents` or `round_cents`); one too large for `Decimal`
    /// is an error, never a panic and never a rounding.
    pub fn to_money(&self) -> Result<Money, TooLarge> {
        self.to_decimal().map(Money)
    }

    /// The value as a `Decimal` when it terminates and fits, else an error.
    pub fn to_decimal(&self) -> Result<Decimal, TooLarge> {
        let too_large = || TooLarge(self.to_string());
        let (mut m, mut s) = match &self.0 {
            Repr::Dec { m, s } => (*m, *s),
            Repr::Frac(f) if !f.terminates() => return Err(too_large()),
            _ => {
                let (m, s) = terminating(&self.big()).ok_or_else(too_large)?;
                (m.to_i128().ok_or_else(too_large)?, s)
            }
        };
        // Trailing zeros past Decimal's 28 decimals are not digits lost.
        while s > 0 && m % 10 == 0 {
            m /= 10;
            s -= 1;
        }
        if s > 28 {
            return Err(too_large());
        }
        Decimal::try_from_i128_with_scale(m, s).map_err(|_| too_large())
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

    /// Reads what `Display` writes: a decimal ("-12.5") or a fraction ("1/6").
    pub fn parse(s: &str) -> Option<Exact> {
        match s.split_once('/') {
            Some((n, d)) => {
                let n: BigInt = n.trim().parse().ok()?;
                let d: BigInt = d.trim().parse().ok()?;
                (!d.is_zero()).then(|| Exact::from_big(BigRational::new(n, d)))
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
                Some(Exact::from_big(BigRational::new(
                    m,
                    ten_pow(frac.len() as u32),
                )))
            }
        }
    }
}

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Dec { m, s } => write_decimal(f, &BigInt::from(*m), *s),
            Repr::Frac(x) if !x.terminates() => write!(f, "{}/{}", x.n, x.d),
            _ => {
                let r = self.big();
                match terminating(&r) {
                    Some((m, s)) => write_decimal(f, &m, s),
                    None => write!(f, "{}/{}", r.numer(), r.denom()),
                }
            }
        }
    }
}

impl PartialEq for Exact {
    fn eq(&self, o: &Exact) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Exact {}
impl PartialOrd for Exact {
    fn partial_cmp(&self, o: &Exact) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Exact {
    fn cmp(&self, o: &Exact) -> Ordering {
        if let (Repr::Dec { m: a, s: x }, Repr::Dec { m: b, s: y }) = (&self.0, &o.0) {
            let s = (*x).max(*y);
            if let (Some(a), Some(b)) = (rescale(*a, *x, s), rescale(*b, *y, s)) {
                return a.cmp(&b);
            }
        }
        if let Some(ord) = fracs(self, o).and_then(|(x, y)| x.checked_cmp(y)) {
            return ord;
        }
        self.big().cmp(&o.big())
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

/// Both values as small fractions, when both are (checked first, so a
/// general fraction costs no conversion of the other).
fn fracs(a: &Exact, b: &Exact) -> Option<(Frac, Frac)> {
    if matches!(a.0, Repr::Big(_)) || matches!(b.0, Repr::Big(_)) {
        return None;
    }
    Some((a.frac()?, b.frac()?))
}

/// One operation in the first form that holds it: `small` on small
/// fractions (`None` on overflow), else `large` on general ones.
fn general(
    a: &Exact,
    b: &Exact,
    small: fn(Frac, Frac) -> Option<Frac>,
    large: fn(BigRational, BigRational) -> BigRational,
) -> Exact {
    match fracs(a, b).and_then(|(x, y)| small(x, y)) {
        Some(f) => Exact::from_frac(f),
        None => Exact::from_big(large(a.big(), b.big())),
    }
}

/// The sum: integer arithmetic on decimals when it fits.
fn add(a: &Exact, b: &Exact) -> Exact {
    if let (Repr::Dec { m: x, s: p }, Repr::Dec { m: y, s: q }) = (&a.0, &b.0) {
        let s = (*p).max(*q);
        if let (Some(x), Some(y)) = (rescale(*x, *p, s), rescale(*y, *q, s)) {
            if let Some(m) = x.checked_add(y) {
                return Exact(Repr::Dec { m, s });
            }
        }
    }
    general(a, b, Frac::checked_add, |x, y| x + y)
}

/// The product: integer arithmetic on decimals when it fits.
fn mul(a: &Exact, b: &Exact) -> Exact {
    if let (Repr::Dec { m: x, s: p }, Repr::Dec { m: y, s: q }) = (&a.0, &b.0) {
        if p + q <= MAX_SCALE {
            if let Some(m) = x.checked_mul(*y) {
                return Exact(Repr::Dec { m, s: p + q });
            }
        }
    }
    general(a, b, Frac::checked_mul, |x, y| x * y)
}

/// The quotient (the divisor is never zero: shares and rates are checked).
/// A quotient with a finite decimal that fits comes back as a decimal (a
/// 60% split of a 20% pool, a threshold over a round number); any other is
/// a fraction.
fn div(a: &Exact, b: &Exact) -> Exact {
    general(a, b, Frac::checked_div, |x, y| x / y)
}

fn neg(a: &Exact) -> Exact {
    let small = match &a.0 {
        Repr::Dec { m, s } => m.checked_neg().map(|m| Exact(Repr::Dec { m, s: *s })),
        Repr::Frac(f) => f.checked_neg().map(|f| Exact(Repr::Frac(f))),
        Repr::Big(_) => None,
    };
    small.unwrap_or_else(|| Exact::from_big(-a.big()))
}

macro_rules! binop {
    ($tr:ident, $f:ident, $imp:expr) => {
        impl $tr for Exact {
            type Output = Exact;
            fn $f(self, o: Exact) -> Exact {
                $imp(&self, &o)
            }
        }
        impl $tr<&Exact> for Exact {
            type Output = Exact;
            fn $f(self, o: &Exact) -> Exact {
                $imp(&self, o)
            }
        }
        impl $tr<&Exact> for &Exact {
            type Output = Exact;
            fn $f(self, o: &Exact) -> Exact {
                $imp(self, o)
            }
        }
    };
}
binop!(Add, add, add);
binop!(Sub, sub, |a: &Exact, b: &Exact| add(a, &neg(b)));
binop!(Mul, mul, mul);
binop!(Div, div, div);

impl AddAssign<&Exact> for Exact {
    fn add_assign(&mut self, o: &Exact) {
        *self = add(self, o);
    }
}
impl AddAssign for Exact {
    fn add_assign(&mut self, o: Exact) {
        *self = add(self, &o);
    }
}
impl SubAssign<&Exact> for Exact {
    fn sub_assign(&mut self, o: &Exact) {
        *self = add(self, &neg(o));
    }
}
impl Neg for Exact {
    type Output = Exact;
    fn neg(self) -> Exact {
        neg(&self)
    }
}
impl Sum for Exact {
    fn sum<I: Iterator<Item = Exact>>(iter: I) -> Exact {
        iter.fold(Exact::zero(), |a, b| add(&a, &b))
    }
}
impl<'a> Sum<&'a Exact> for Exact {
    fn sum<I: Iterator<Item = &'a Exact>>(iter: I) -> Exact {
        iter.fold(Exact::zero(), |a, b| add(&a, b))
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
