//! Parsing numbers out of statement cells without allocating: amounts go
//! straight from bytes to an exact `Decimal` (a scaled integer), never
//! through a float.

use rust_decimal::Decimal;

/// Most digits a statement number may have before its point: amounts and
/// units stay below 10^15 (a quadrillion). No real statement line comes
/// near it, and it keeps a line's scaled amount well inside an i128; the
/// sums themselves are checked as they are added (`fast::Acc`).
pub const MAX_INTEGER_DIGITS: usize = 15;

/// Whether a parsed number is within `MAX_INTEGER_DIGITS`.
pub fn in_bounds(d: &Decimal) -> bool {
    d.abs() < Decimal::from(1_000_000_000_000_000i64)
}

/// Parses `-1234.5678`, `+12`, `.5`-free plain decimals from bytes, below
/// 10^15 (`MAX_INTEGER_DIGITS`); anything else is `None`.
pub fn decimal_from_bytes(b: &[u8]) -> Option<Decimal> {
    let b = b.trim_ascii();
    if let Some(d) = short_decimal(b) {
        return Some(d);
    }
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut mantissa: i128 = 0;
    let mut scale: u32 = 0;
    let mut seen_dot = false;
    let mut seen_digit_before = false;
    let mut seen_digit_after = false;
    let mut significant = 0u32;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                if mantissa != 0 || c != b'0' {
                    significant += 1;
                }
                if significant > 28 {
                    return None;
                }
                mantissa = mantissa * 10 + (c - b'0') as i128;
                if seen_dot {
                    scale += 1;
                    seen_digit_after = true;
                } else {
                    seen_digit_before = true;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return None,
        }
    }
    if !seen_digit_before || (seen_dot && !seen_digit_after) || scale > 28 {
        return None;
    }
    if neg {
        mantissa = -mantissa;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale)
        .ok()
        .filter(in_bounds)
}

/// The common case, on the hot path of every statement line: at most 18
/// digits, an optional `-` and one `.`, summed in a u64 (no i128 arithmetic).
/// Anything else is left to the general parser.
fn short_decimal(b: &[u8]) -> Option<Decimal> {
    let (v, scale) = short_scaled(b)?;
    // `-0.00` keeps its sign, as the general parser keeps it.
    let mut d = Decimal::from_i128_with_scale(v.unsigned_abs() as i128, scale);
    d.set_sign_negative(b[0] == b'-');
    Some(d)
}

/// The same number as a scaled integer: `-12.50` is `(-1250, 2)`. For sums
/// kept as integers, so the hot path builds no `Decimal` at all.
pub fn short_scaled(b: &[u8]) -> Option<(i64, u32)> {
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let (mut v, mut scale, mut dot, mut n) = (0u64, 0u32, false, 0usize);
    for &c in digits {
        if c.is_ascii_digit() {
            v = v * 10 + (c - b'0') as u64;
            n += 1;
            scale += dot as u32;
        } else if c == b'.' && !dot {
            dot = true;
        } else {
            return None;
        }
    }
    // `1.` and `.5` are refused, as by the general parser; so are numbers
    // of 10^15 or more (their leading zeros aside, as there too).
    if n == 0 || n > 18 || digits[0] == b'.' || digits[digits.len() - 1] == b'.' {
        return None;
    }
    if n - scale as usize > MAX_INTEGER_DIGITS && v / 10u64.pow(scale) >= 10u64.pow(15) {
        return None;
    }
    // At most 18 digits: below 10^18 < 2^63.
    let v = v as i64;
    Some((if neg { -v } else { v }, scale))
}

/// Parses a whole number (units), optionally signed.
pub fn int_from_bytes(b: &[u8]) -> Option<i64> {
    let b = b.trim_ascii();
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as i64;
    }
    // Below 10^15, as amounts.
    if v >= 10i64.pow(MAX_INTEGER_DIGITS as u32) {
        return None;
    }
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    #[test]
    fn numbers_stay_below_a_quadrillion() {
        for (s, ok) in [
            ("999999999999999.999999", true),
            ("-999999999999999", true),
            ("1000000000000000", false),
            ("-1000000000000000.5", false),
            ("00000000000000000000001.5", true),
            ("12345678901234567890", false),
        ] {
            assert_eq!(decimal_from_bytes(s.as_bytes()).is_some(), ok, "{s}");
            let short = short_scaled(s.as_bytes());
            assert!(short.is_none() || ok, "{s}");
        }
        assert_eq!(
            int_from_bytes(b"999999999999999"),
            Some(999_999_999_999_999)
        );
        assert_eq!(int_from_bytes(b"1000000000000000"), None);
        assert_eq!(int_from_bytes(b"000000000000000001"), Some(1));
    }

    #[test]
    fn decimals_from_bytes() {
        for (s, want) in [
            ("12.34", Some("12.34")),
            ("-0.005", Some("-0.005")),
            ("+7", Some("7")),
            (" 3.10 ", Some("3.10")),
            ("0", Some("0")),
            ("1.", None),
            (".5", None),
            ("1e3", None),
            ("1,5", None),
            ("abc", None),
            ("", None),
            ("-", None),
            ("1.2.3", None),
        ] {
            assert_eq!(decimal_from_bytes(s.as_bytes()), want.map(dec), "{s}");
        }
    }

    #[test]
    fn ints_from_bytes() {
        assert_eq!(int_from_bytes(b"-12"), Some(-12));
        assert_eq!(int_from_bytes(b"1000000"), Some(1_000_000));
        assert_eq!(int_from_bytes(b"1.5"), None);
        assert_eq!(int_from_bytes(b""), None);
    }
}
