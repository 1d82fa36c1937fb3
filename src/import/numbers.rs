//! Numbers as statements write them: decimal comma or point, thousands
//! separators, parenthesised negatives (`(2.00)`), `n/a` cells and, for
//! amounts only, scientific notation (`5.1E-05`, which some stores emit for
//! tiny per-stream earnings). Parsed from bytes straight into an exact
//! `Decimal`, never through a float.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Which character marks the decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalMark {
    Point,
    Comma,
    /// Per cell: a mark that occurs once is the decimal mark; when both occur
    /// the last one is, the other separates thousands (`1.234,56`).
    Auto,
}

/// How one profile writes numbers.
#[derive(Clone, Debug)]
pub struct NumberStyle {
    pub decimal: DecimalMark,
    /// Thousands separator (`,` `.` space `'`), if the layout uses one.
    pub thousands: Option<u8>,
    /// Cells read as zero (compared case-insensitively), e.g. `n/a`, `-`.
    pub nulls: Vec<Vec<u8>>,
    /// Whether an empty amount / units cell is zero (else it is an error).
    pub empty_is_zero: bool,
}

impl Default for NumberStyle {
    fn default() -> Self {
        NumberStyle {
            decimal: DecimalMark::Point,
            thousands: None,
            nulls: Vec::new(),
            empty_is_zero: false,
        }
    }
}

impl NumberStyle {
    /// Digits with at most a leading `-` and one `.` read as the decimal
    /// point under this style (the point is not a thousands separator here).
    fn plain(&self, b: &[u8]) -> bool {
        let digits = b.strip_prefix(b"-").unwrap_or(b);
        let dots = digits.iter().filter(|c| **c == b'.').count();
        !digits.is_empty()
            && digits.iter().all(|c| c.is_ascii_digit() || *c == b'.')
            && (dots == 0
                || (dots == 1
                    && self.decimal != DecimalMark::Comma
                    && self.thousands != Some(b'.')))
    }

    fn is_null(&self, b: &[u8]) -> bool {
        (b.is_empty() && self.empty_is_zero) || self.nulls.iter().any(|n| n.eq_ignore_ascii_case(b))
    }

    /// An amount: exact decimal, scientific notation accepted.
    pub fn decimal(&self, b: &[u8]) -> Option<Decimal> {
        let b = b.trim_ascii();
        if self.plain(b) {
            // The common case, `-12.345678`: no separators to interpret.
            if let Some(d) = super::decimal::decimal_from_bytes(b) {
                return Some(d);
            }
        }
        if self.is_null(b) {
            return Some(Decimal::ZERO);
        }
        parse(b, self, true).filter(super::decimal::in_bounds)
    }

    /// The same amount as a scaled integer (`-12.50` is `(-1250, 2)`), for
    /// sums kept as integers; `None` also when it does not fit in an i64.
    pub fn scaled(&self, b: &[u8]) -> Option<(i64, u32)> {
        let b = b.trim_ascii();
        // Under this style a `.` is the decimal point: the plain reading.
        if self.decimal != DecimalMark::Comma && self.thousands != Some(b'.') {
            if let Some(v) = super::decimal::short_scaled(b) {
                return Some(v);
            }
        }
        let d = self.decimal(b)?;
        Some((i64::try_from(d.mantissa()).ok()?, d.scale()))
    }

    /// A whole number (units). `2.0` is accepted, `2.5` and `1E3` are not.
    pub fn integer(&self, b: &[u8]) -> Option<i64> {
        let b = b.trim_ascii();
        // Plain digits, signed or not, read the same under every style.
        if let Some(v) = super::decimal::int_from_bytes(b) {
            return Some(v);
        }
        if self.is_null(b) {
            return Some(0);
        }
        let d = parse(b, self, false).filter(super::decimal::in_bounds)?;
        if !d.fract().is_zero() {
            return None;
        }
        d.to_i64()
    }
}

fn parse(b: &[u8], st: &NumberStyle, allow_exponent: bool) -> Option<Decimal> {
    // Parenthesised negatives: (2.00) is -2.00, as accountants write them.
    let (mut neg, b) = match (b.first(), b.last()) {
        (Some(b'('), Some(b')')) if b.len() > 2 => (true, b[1..b.len() - 1].trim_ascii()),
        _ => (false, b),
    };
    let b = match b.first()? {
        b'-' => {
            neg = !neg;
            &b[1..]
        }
        b'+' => &b[1..],
        _ => b,
    };
    let (dec, thou) = marks(b, st)?;
    let mut mantissa: i128 = 0;
    let mut scale: u32 = 0;
    let mut seen_dot = false;
    let mut digits_before = 0usize;
    let mut digits_after = 0usize;
    // Digits since the last thousands separator (must be exactly 3).
    let mut group: Option<usize> = None;
    let mut i = 0;
    let mut exponent: i32 = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add((c - b'0') as i128)?;
                if mantissa > 10i128.pow(28) {
                    return None;
                }
                if seen_dot {
                    scale += 1;
                    digits_after += 1;
                } else {
                    digits_before += 1;
                    if let Some(g) = group.as_mut() {
                        *g += 1;
                    }
                }
            }
            _ if Some(c) == thou && !seen_dot => {
                if digits_before == 0 || group.is_some_and(|g| g != 3) {
                    return None;
                }
                group = Some(0);
            }
            _ if c == dec && !seen_dot => {
                if group.is_some_and(|g| g != 3) {
                    return None;
                }
                group = None;
                seen_dot = true;
            }
            b'e' | b'E' if allow_exponent && digits_before > 0 => {
                let rest = &b[i + 1..];
                let (eneg, ed) = match rest.first()? {
                    b'-' => (true, &rest[1..]),
                    b'+' => (false, &rest[1..]),
                    _ => (false, rest),
                };
                if ed.is_empty() || ed.len() > 2 || !ed.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                let e = ed.iter().fold(0i32, |a, &d| a * 10 + (d - b'0') as i32);
                exponent = if eneg { -e } else { e };
                i = b.len();
                continue;
            }
            _ => return None,
        }
        i += 1;
    }
    if digits_before == 0 || (seen_dot && digits_after == 0) || group.is_some_and(|g| g != 3) {
        return None;
    }
    // value = mantissa x 10^(exponent - scale)
    let mut s = scale as i32 - exponent;
    while s < 0 {
        mantissa = mantissa.checked_mul(10)?;
        s += 1;
    }
    if s > 28 {
        return None;
    }
    if neg {
        mantissa = -mantissa;
    }
    Decimal::try_from_i128_with_scale(mantissa, s as u32).ok()
}

/// The decimal mark and thousands separator to use for this cell.
fn marks(b: &[u8], st: &NumberStyle) -> Option<(u8, Option<u8>)> {
    Some(match st.decimal {
        DecimalMark::Point => (b'.', st.thousands),
        DecimalMark::Comma => (b',', st.thousands),
        DecimalMark::Auto => {
            let last_dot = b.iter().rposition(|&c| c == b'.');
            let last_comma = b.iter().rposition(|&c| c == b',');
            let count = |m: u8| b.iter().filter(|&&c| c == m).count();
            match (last_dot, last_comma) {
                (Some(d), Some(c)) if d > c => (b'.', Some(b',')),
                (Some(_), Some(_)) => (b',', Some(b'.')),
                (None, Some(_)) if count(b',') > 1 => (b'.', Some(b',')),
                (None, Some(_)) => (b',', st.thousands.filter(|&t| t != b',')),
                (Some(_), None) if count(b'.') > 1 => (b',', Some(b'.')),
                _ => (b'.', st.thousands.filter(|&t| t != b'.')),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    fn style(decimal: DecimalMark, thousands: Option<u8>) -> NumberStyle {
        NumberStyle {
            decimal,
            thousands,
            nulls: vec![b"n/a".to_vec()],
            empty_is_zero: false,
        }
    }

    #[test]
    fn number_forms() {
        let point = style(DecimalMark::Point, Some(b','));
        let comma = style(DecimalMark::Comma, Some(b'.'));
        let auto = style(DecimalMark::Auto, None);
        for (st, s, want) in [
            (&point, "1,234.50", Some("1234.50")),
            (&point, "(2.00)", Some("-2.00")),
            (&point, "-0.0000123", Some("-0.0000123")),
            (&point, "5.1E-05", Some("0.000051")),
            (&point, "1.5e2", Some("150")),
            (&point, "N/A", Some("0")),
            (&point, "1,5", None),
            (&point, "12,34.5", None),
            (&point, "", None),
            (&point, "abc", None),
            (&point, "1.", None),
            (&comma, "1.234,56", Some("1234.56")),
            (&comma, "0,5", Some("0.5")),
            (&auto, "0,123", Some("0.123")),
            (&auto, "0.123", Some("0.123")),
            (&auto, "1.234,5", Some("1234.5")),
            (&auto, "1,234.5", Some("1234.5")),
        ] {
            assert_eq!(st.decimal(s.as_bytes()), want.map(dec), "{s}");
        }
        assert_eq!(point.integer(b"1,234"), Some(1234));
        assert_eq!(point.integer(b"(3)"), Some(-3));
        assert_eq!(point.integer(b"2.0"), Some(2));
        assert_eq!(point.integer(b"2.5"), None);
        assert_eq!(point.integer(b"1E3"), None);
    }
}
