//! The general form's helpers: powers of ten, whether a `BigRational` has
//! a finite decimal, writing a decimal of any size, and the roundings on big
//! integers.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use std::cmp::Ordering;
use std::fmt;

pub(super) fn ten_pow(n: u32) -> BigInt {
    num_traits::pow(BigInt::from(10u8), n as usize)
}

/// (mantissa, scale) when the fraction is a terminating decimal, i.e. its
/// denominator has no prime factor but 2 and 5.
pub(super) fn terminating(r: &BigRational) -> Option<(BigInt, u32)> {
    let mut d = r.denom().clone();
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
    Some((r.numer() * ten_pow(scale) / r.denom(), scale))
}

/// Writes `m / 10^s` without trailing zeros.
pub(super) fn write_decimal(f: &mut fmt::Formatter<'_>, m: &BigInt, s: u32) -> fmt::Result {
    let digits = m.abs().to_string();
    let s = s as usize;
    let (int, frac) = if digits.len() > s {
        let (i, fr) = digits.split_at(digits.len() - s);
        (i.to_string(), fr.to_string())
    } else {
        (
            "0".to_string(),
            format!("{}{digits}", "0".repeat(s - digits.len())),
        )
    };
    let frac = frac.trim_end_matches('0');
    let sign = if m.is_negative() { "-" } else { "" };
    if frac.is_empty() {
        write!(f, "{sign}{int}")
    } else {
        write!(f, "{sign}{int}.{frac}")
    }
}

/// `n / d` (`d > 0`) rounded towards minus infinity.
pub(super) fn floor_div(n: BigInt, d: &BigInt) -> BigInt {
    n.div_floor(d)
}

/// `n / d` (`d > 0`) rounded half-to-even to an integer.
pub(super) fn round_half_even(n: BigInt, d: &BigInt) -> BigInt {
    let (q, rem) = n.div_mod_floor(d);
    let twice: BigInt = &rem * BigInt::from(2);
    match twice.cmp(d) {
        Ordering::Less => q,
        Ordering::Equal if q.is_even() => q,
        _ => q + 1,
    }
}
