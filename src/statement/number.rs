//! Parsing numbers out of statement cells without allocating: amounts go
//! straight from bytes to an exact `Decimal` (a scaled integer), never
//! through a float.

use rust_decimal::Decimal;

/// Parses `-1234.5678`, `+12`, `.5`-free plain decimals from bytes.
/// Up to 28 significant digits; anything else is `None`.
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
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

/// The common case, on the hot path of every statement line: at most 18
/// digits, an optional `-` and one `.`, summed in a u64 (no i128 arithmetic).
/// Anything else is left to the general parser.
fn short_decimal(b: &[u8]) -> Option<Decimal> {
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
    // `1.` and `.5` are refused, as by the general parser.
    if n == 0 || n > 18 || digits[0] == b'.' || digits[digits.len() - 1] == b'.' {
        return None;
    }
    let mut d = Decimal::from_i128_with_scale(v as i128, scale);
    d.set_sign_negative(neg);
    Some(d)
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
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

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
