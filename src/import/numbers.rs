//! Numbers as statements write them: decimal comma or point, thousands
//! separators, parenthesised negatives (`(2.00)`), `n/a` cells, `.5`, and
//! for amounts scientific notation (`5.1E-05`, which some stores emit for
//! tiny per-stream earnings). Each layout says which it uses (its
//! profile's `[numbers]`). A cell is turned into its digits, and those
//! into an exact `Decimal` (`decimal::from_digits`), never through a float.
//! A cell that is not a number says why (`decimal::Bad`).

use super::decimal::{from_digits, int_from_bytes, plain, short_scaled, Bad, Exact};

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
    /// Whether amounts may be written in scientific notation.
    pub exponent: bool,
    /// Whether `(2.00)` means -2.00.
    pub parentheses: bool,
}

impl Default for NumberStyle {
    fn default() -> Self {
        NumberStyle {
            decimal: DecimalMark::Point,
            thousands: None,
            nulls: Vec::new(),
            empty_is_zero: false,
            exponent: true,
            parentheses: true,
        }
    }
}

impl NumberStyle {
    /// Under this style a `.` is always the decimal point, so the plain
    /// reading (`decimal::plain`) is the style's reading wherever it answers.
    #[inline]
    pub fn point_is_decimal(&self) -> bool {
        self.decimal != DecimalMark::Comma && self.thousands != Some(b'.')
    }

    fn is_null(&self, b: &[u8]) -> bool {
        (b.is_empty() && self.empty_is_zero) || self.nulls.iter().any(|n| n.eq_ignore_ascii_case(b))
    }

    /// An amount, exact (or rounded past 28 digits, and said so).
    pub fn decimal(&self, b: &[u8]) -> Result<Exact, Bad> {
        let b = b.trim_ascii();
        if self.point_is_decimal() {
            // The common case, `-12.345678`: no separators to interpret.
            if let Ok(e) = plain(b) {
                return Ok(e);
            }
        }
        if self.is_null(b) {
            return Ok(Exact {
                value: rust_decimal::Decimal::ZERO,
                rounded: false,
            });
        }
        parse(b, self, self.exponent)
    }

    /// The same amount as a scaled integer (`-12.50` is `(-1250, 2)`), for
    /// sums kept as integers; `None` when the cell is anything but a short
    /// plain number (the full path then reads it, and says what is wrong).
    pub fn scaled(&self, b: &[u8]) -> Option<(i64, u32)> {
        let b = b.trim_ascii();
        if self.point_is_decimal() {
            if let Some(v) = short_scaled(b) {
                return Some(v);
            }
        }
        let d = self.decimal(b).ok()?;
        if d.rounded {
            return None;
        }
        let d = d.value;
        Some((i64::try_from(d.mantissa()).ok()?, d.scale()))
    }

    /// A whole number (units). `2.0` is accepted, `2.5` and `1E3` are not.
    pub fn integer(&self, b: &[u8]) -> Result<i64, Bad> {
        let b = b.trim_ascii();
        // Plain digits, signed or not, read the same under every style.
        if let Some(v) = int_from_bytes(b) {
            return Ok(v);
        }
        if self.is_null(b) {
            return Ok(0);
        }
        let d = parse(b, self, false)?.value;
        if !d.fract().is_zero() {
            return Err(Bad::NotWhole);
        }
        i64::try_from(d.mantissa() / 10i128.pow(d.scale())).map_err(|_| Bad::TooLarge)
    }
}

fn parse(b: &[u8], st: &NumberStyle, allow_exponent: bool) -> Result<Exact, Bad> {
    if b.is_empty() {
        return Err(Bad::Empty);
    }
    // Parenthesised negatives: (2.00) is -2.00, as accountants write them.
    let (mut neg, b) = match (b.first(), b.last()) {
        (Some(b'('), Some(b')')) if b.len() > 2 && st.parentheses => {
            (true, b[1..b.len() - 1].trim_ascii())
        }
        _ => (false, b),
    };
    let b = match b.first() {
        Some(b'-') => {
            neg = !neg;
            &b[1..]
        }
        Some(b'+') => &b[1..],
        _ => b,
    };
    let (dec, thou) = marks(b, st);
    let mut digits: Vec<u8> = Vec::with_capacity(b.len());
    let mut frac: Option<usize> = None;
    // Digits since the last thousands separator (must be exactly 3).
    let mut group: Option<usize> = None;
    let mut exponent: i32 = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'0'..=b'9' => {
                digits.push(c);
                if frac.is_none() {
                    if let Some(g) = group.as_mut() {
                        *g += 1;
                    }
                }
            }
            _ if Some(c) == thou && frac.is_none() => {
                if digits.is_empty() || group.is_some_and(|g| g != 3) {
                    return Err(Bad::Grouping(c as char));
                }
                group = Some(0);
            }
            _ if c == dec => {
                if frac.is_some() {
                    return Err(Bad::TwoMarks(c as char));
                }
                if group.is_some_and(|g| g != 3) {
                    return Err(Bad::Grouping(thou.unwrap_or(b',') as char));
                }
                group = None;
                frac = Some(digits.len());
            }
            b'e' | b'E' if !digits.is_empty() => {
                if !allow_exponent {
                    return Err(Bad::Exponent);
                }
                let rest = &b[i + 1..];
                let (eneg, ed) = match rest.first() {
                    Some(b'-') => (true, &rest[1..]),
                    Some(b'+') => (false, &rest[1..]),
                    _ => (false, rest),
                };
                if ed.is_empty() || ed.len() > 2 || !ed.iter().all(u8::is_ascii_digit) {
                    return Err(Bad::Exponent);
                }
                let e = ed.iter().fold(0i32, |a, &d| a * 10 + (d - b'0') as i32);
                exponent = if eneg { -e } else { e };
                break;
            }
            b'.' | b',' => {
                return Err(Bad::WrongMark {
                    found: c as char,
                    expected: dec as char,
                })
            }
            c => return Err(Bad::Stray(c as char)),
        }
        i += 1;
    }
    if digits.is_empty() {
        return Err(Bad::NoDigits);
    }
    if frac == Some(digits.len()) && exponent == 0 {
        return Err(Bad::NothingAfterMark(dec as char));
    }
    if group.is_some_and(|g| g != 3) {
        return Err(Bad::Grouping(thou.unwrap_or(b',') as char));
    }
    let frac_len = frac.map_or(0, |f| digits.len() - f);
    from_digits(neg, &digits, frac_len, exponent)
}

/// The decimal mark and thousands separator to use for this cell.
fn marks(b: &[u8], st: &NumberStyle) -> (u8, Option<u8>) {
    match st.decimal {
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
    }
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
            ..NumberStyle::default()
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
            (&point, ".5", Some("0.5")),
            (&point, "-.5", Some("-0.5")),
            (&point, "0.75   ", Some("0.75")),
            (&point, "1,5", None),
            (&point, "12,34.5", None),
            (&point, "", None),
            (&point, "abc", None),
            (&point, "1.", None),
            (&comma, "1.234,56", Some("1234.56")),
            (&comma, "0,5", Some("0.5")),
            (&comma, ",5", Some("0.5")),
            (&auto, "0,123", Some("0.123")),
            (&auto, "0.123", Some("0.123")),
            (&auto, "1.234,5", Some("1234.5")),
            (&auto, "1,234.5", Some("1234.5")),
        ] {
            assert_eq!(
                st.decimal(s.as_bytes()).ok().map(|e| e.value),
                want.map(dec),
                "{s}"
            );
        }
        assert_eq!(point.integer(b"1,234"), Ok(1234));
        assert_eq!(point.integer(b"(3)"), Ok(-3));
        assert_eq!(point.integer(b"2.0"), Ok(2));
        assert_eq!(point.integer(b"2.5"), Err(Bad::NotWhole));
        assert_eq!(point.integer(b"1E3"), Err(Bad::Exponent));
    }

    #[test]
    fn bad_numbers_say_what_is_wrong() {
        let point = style(DecimalMark::Point, Some(b','));
        let comma = style(DecimalMark::Comma, None);
        let why = |st: &NumberStyle, s: &str| st.decimal(s.as_bytes()).unwrap_err().to_string();
        assert_eq!(
            why(&point, "12,34.5"),
            "digits grouped by `,` must come in threes (`1,234,567`)"
        );
        assert_eq!(
            why(&comma, "1.5"),
            "`.` is not the decimal mark in this layout, which writes `,`"
        );
        assert_eq!(why(&point, "12 USD"), "` ` has no place in a number");
        let strict = NumberStyle {
            exponent: false,
            parentheses: false,
            ..NumberStyle::default()
        };
        assert_eq!(
            why(&strict, "1E3"),
            "scientific notation is not accepted in this layout"
        );
        assert_eq!(why(&strict, "(2.00)"), "`(` has no place in a number");
    }

    #[test]
    fn the_scaled_reading_agrees_with_the_exact_one() {
        let auto = style(DecimalMark::Auto, None);
        for s in [
            "0,5", "1.234,5", ".021330", "-0.00", "12", "(2.00)", "5.1E-05",
        ] {
            let e = auto.decimal(s.as_bytes()).unwrap().value;
            let (m, scale) = auto.scaled(s.as_bytes()).unwrap();
            assert_eq!(
                rust_decimal::Decimal::from_i128_with_scale(m as i128, scale),
                e,
                "{s}"
            );
        }
    }
}
