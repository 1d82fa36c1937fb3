//! Numbers from the bytes of a statement cell, exactly: a value is built
//! from its digits as a scaled integer, never through a float.
//!
//! Two readings share one rule set:
//! - `short_scaled`, the hot path of every line: at most 18 digits, an
//!   optional `-` and one `.`, summed in a u64;
//! - `from_digits`, for everything else (profiles' number styles, long
//!   cells), which also rounds a cell that has more digits than a `Decimal`
//!   holds (28 significant digits, 28 decimals) half-to-even at its last
//!   kept digit and says so, so the file can report it (docs/formats.md,
//!   "Numbers"): such a cell is never refused and the rounding is far below
//!   a cent.

use rust_decimal::Decimal;

/// Most digits a statement number may have before its point: amounts and
/// units stay below 10^15 (a quadrillion). No real statement line comes
/// near it, and it keeps a line's scaled amount well inside an i128; the
/// sums themselves are checked as they are added (`acc::Acc`).
pub const MAX_INTEGER_DIGITS: usize = 15;

/// Significant digits (and decimals) a `Decimal` keeps.
pub const MAX_DIGITS: usize = 28;

/// Whether a parsed number is within `MAX_INTEGER_DIGITS`.
pub fn in_bounds(d: &Decimal) -> bool {
    d.abs() < Decimal::from(1_000_000_000_000_000i64)
}

/// A number read from a cell: its exact value, or its value rounded at the
/// 28th significant digit (or 28th decimal) when the cell had more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exact {
    pub value: Decimal,
    pub rounded: bool,
}

/// Why a cell is not a number (said after "found `...`").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bad {
    Empty,
    NoDigits,
    /// A character that has no place in a number of this layout.
    Stray(char),
    TwoMarks(char),
    /// The decimal mark is the last character (`1.`).
    NothingAfterMark(char),
    /// `,` used as a decimal mark where the layout writes `.` (or the
    /// other way round).
    WrongMark {
        found: char,
        expected: char,
    },
    /// Thousands groups that are not of three digits (`12,34.5`).
    Grouping(char),
    Exponent,
    NotWhole,
    TooLarge,
}

impl std::fmt::Display for Bad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bad::Empty => write!(f, "the cell is empty"),
            Bad::NoDigits => write!(f, "there is no digit in it"),
            Bad::Stray(c) => write!(f, "`{c}` has no place in a number"),
            Bad::TwoMarks(c) => write!(f, "`{c}` appears twice as the decimal mark"),
            Bad::NothingAfterMark(c) => write!(f, "no digit follows the decimal mark `{c}`"),
            Bad::WrongMark { found, expected } => write!(
                f,
                "`{found}` is not the decimal mark in this layout, which writes `{expected}`"
            ),
            Bad::Grouping(c) => write!(
                f,
                "digits grouped by `{c}` must come in threes (`1{c}234{c}567`)"
            ),
            Bad::Exponent => write!(f, "scientific notation is not accepted in this layout"),
            Bad::NotWhole => write!(f, "it has a fraction"),
            Bad::TooLarge => write!(
                f,
                "it is 10^15 or more; no statement line comes near a quadrillion"
            ),
        }
    }
}

/// The value of `digits` (ASCII digits, leading zeros allowed) times
/// 10^(exponent - frac_len), negated when `neg`: digits past what a
/// `Decimal` keeps are rounded half-to-even (`rounded` says so).
pub fn from_digits(neg: bool, digits: &[u8], frac_len: usize, exponent: i32) -> Result<Exact, Bad> {
    let start = digits
        .iter()
        .position(|&c| c != b'0')
        .unwrap_or(digits.len());
    let sig = &digits[start..];
    let scale = frac_len as i64 - exponent as i64;
    if sig.is_empty() {
        let mut z = Decimal::ZERO;
        z.set_sign_negative(neg);
        return Ok(Exact {
            value: z,
            rounded: false,
        });
    }
    // Digits before the point: at most MAX_INTEGER_DIGITS.
    if sig.len() as i64 - scale > MAX_INTEGER_DIGITS as i64 {
        return Err(Bad::TooLarge);
    }
    // Digits dropped: beyond 28 significant ones, or beyond 28 decimals.
    let drop = (sig.len() as i64 - MAX_DIGITS as i64)
        .max(scale - MAX_DIGITS as i64)
        .max(0) as usize;
    // Past the last kept place everything is dropped: pad with the zeros
    // that stand before the significant digits.
    let padded;
    let sig = if drop > sig.len() {
        padded = [vec![b'0'; drop - sig.len()], sig.to_vec()].concat();
        &padded[..]
    } else {
        sig
    };
    let kept = &sig[..sig.len() - drop];
    let mut m: i128 = 0;
    for &c in kept {
        m = m * 10 + (c - b'0') as i128;
    }
    let mut rounded = false;
    if drop > 0 {
        let rest = &sig[sig.len() - drop..];
        rounded = rest.iter().any(|&c| c != b'0');
        let half = rest[0].cmp(&b'5');
        let beyond = rest[1..].iter().any(|&c| c != b'0');
        let up = match half {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => beyond || m % 2 == 1,
            std::cmp::Ordering::Less => false,
        };
        m += up as i128;
    }
    let mut scale = scale - drop as i64;
    // A whole number written with an exponent (`1.5E3`): scale up.
    while scale < 0 {
        m *= 10;
        scale += 1;
    }
    let mut value =
        Decimal::try_from_i128_with_scale(m, scale as u32).map_err(|_| Bad::TooLarge)?;
    value.set_sign_negative(neg);
    if !in_bounds(&value) {
        return Err(Bad::TooLarge);
    }
    Ok(Exact { value, rounded })
}

/// `-1234.5678`, `+12`, `.5`, `-.5` read plainly (a `.` for the decimals,
/// no separators), below 10^15.
pub fn plain(b: &[u8]) -> Result<Exact, Bad> {
    let b = b.trim_ascii();
    if let Some((v, scale)) = short_scaled(b) {
        let mut d = Decimal::from_i128_with_scale(v.unsigned_abs() as i128, scale);
        // `-0.00` keeps its sign, as the long reading below keeps it.
        d.set_sign_negative(b[0] == b'-');
        return Ok(Exact {
            value: d,
            rounded: false,
        });
    }
    let (neg, body) = match b.first() {
        None => return Err(Bad::Empty),
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        Some(_) => (false, b),
    };
    let mut digits = Vec::with_capacity(body.len());
    let mut frac = None;
    for &c in body {
        match c {
            b'0'..=b'9' => digits.push(c),
            b'.' if frac.is_none() => frac = Some(digits.len()),
            b'.' => return Err(Bad::TwoMarks('.')),
            b',' => {
                return Err(Bad::WrongMark {
                    found: ',',
                    expected: '.',
                })
            }
            b'e' | b'E' if !digits.is_empty() => return Err(Bad::Exponent),
            c => return Err(Bad::Stray(c as char)),
        }
    }
    if digits.is_empty() {
        return Err(Bad::NoDigits);
    }
    if frac == Some(digits.len()) {
        return Err(Bad::NothingAfterMark('.'));
    }
    let frac_len = frac.map_or(0, |f| digits.len() - f);
    from_digits(neg, &digits, frac_len, 0)
}

/// The common case as a scaled integer: `-12.50` is `(-1250, 2)`, `.5` is
/// `(5, 1)`. At most 18 digits, an optional `-` and one `.` that is not
/// last; anything else is `None` (left to `plain` and the number styles).
/// For sums kept as integers, so the hot path builds no `Decimal` at all.
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
    // `1.` is refused, as by `plain`; so are numbers of 10^15 or more
    // (their leading zeros aside, as there too).
    if n == 0 || n > 18 || digits[digits.len() - 1] == b'.' {
        return None;
    }
    if n - scale as usize > MAX_INTEGER_DIGITS && v / 10u64.pow(scale) >= 10u64.pow(15) {
        return None;
    }
    // At most 18 digits: below 10^18 < 2^63.
    let v = v as i64;
    Some((if neg { -v } else { v }, scale))
}

/// Parses a whole number (units), optionally signed, below 10^15.
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
    if v >= 10i64.pow(MAX_INTEGER_DIGITS as u32) {
        return None;
    }
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    fn value(s: &str) -> Option<String> {
        plain(s.as_bytes()).ok().map(|e| e.value.to_string())
    }

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
            assert_eq!(plain(s.as_bytes()).is_ok(), ok, "{s}");
            let short = short_scaled(s.as_bytes());
            assert!(short.is_none() || ok, "{s}");
        }
        assert_eq!(plain(b"1000000000000000"), Err(Bad::TooLarge));
        assert_eq!(
            int_from_bytes(b"999999999999999"),
            Some(999_999_999_999_999)
        );
        assert_eq!(int_from_bytes(b"1000000000000000"), None);
        assert_eq!(int_from_bytes(b"000000000000000001"), Some(1));
    }

    #[test]
    fn plain_decimals_as_written() {
        for (s, want) in [
            ("12.34", Some("12.34")),
            ("-0.005", Some("-0.005")),
            ("+7", Some("7")),
            (" 3.10 ", Some("3.10")),
            ("3.10   ", Some("3.10")),
            ("0", Some("0")),
            (".5", Some("0.5")),
            ("-.5", Some("-0.5")),
            ("+.021330", Some("0.021330")),
            ("1.", None),
            ("1e3", None),
            ("1,5", None),
            ("abc", None),
            ("", None),
            ("-", None),
            (".", None),
            ("1.2.3", None),
        ] {
            assert_eq!(value(s), want.map(String::from), "{s}");
        }
        // The quick reading agrees wherever it answers.
        assert_eq!(short_scaled(b".5"), Some((5, 1)));
        assert_eq!(short_scaled(b"-.021330"), Some((-21330, 6)));
        assert_eq!(short_scaled(b"5."), None);
    }

    #[test]
    fn a_bad_number_says_what_is_wrong() {
        let why = |s: &str| plain(s.as_bytes()).unwrap_err().to_string();
        assert_eq!(why("8.OO"), "`O` has no place in a number");
        assert_eq!(
            why("1,5"),
            "`,` is not the decimal mark in this layout, which writes `.`"
        );
        assert_eq!(why("1.2.3"), "`.` appears twice as the decimal mark");
        assert_eq!(why("1."), "no digit follows the decimal mark `.`");
        assert_eq!(
            why("2e5"),
            "scientific notation is not accepted in this layout"
        );
        assert_eq!(why(""), "the cell is empty");
        assert_eq!(why("-"), "there is no digit in it");
    }

    #[test]
    fn more_digits_than_kept_are_rounded_half_to_even_and_said() {
        // Spotify writes up to 33 decimals.
        let e = plain(b"0.000004728602417533660881608229722").unwrap();
        assert_eq!(e.value, dec("0.0000047286024175336608816082"));
        assert!(e.rounded);
        // 28 significant digits are kept exactly.
        let e = plain(b"0.01000246370629471467011063892").unwrap();
        assert_eq!(e.value.to_string(), "0.0100024637062947146701106389");
        assert!(e.rounded);
        let e = plain(b"33.09648978583564446217821278").unwrap();
        assert_eq!(e.value.to_string(), "33.09648978583564446217821278");
        assert!(!e.rounded);
        // Half to even: ...25 -> ...2, ...35 -> ...4, ...251 -> ...3.
        let digits = |tail: &str| format!("0.{}{tail}", "1".repeat(27));
        let r = |t: &str| plain(digits(t).as_bytes()).unwrap().value.to_string();
        assert!(r("25").ends_with("12"), "{}", r("25"));
        assert!(r("35").ends_with("14"), "{}", r("35"));
        assert!(r("251").ends_with("13"), "{}", r("251"));
        assert!(r("249").ends_with("12"), "{}", r("249"));
        // Digits that all lie past the 28th decimal.
        let e = plain(b"0.0000000000000000000000000000015").unwrap();
        assert_eq!((e.value, e.rounded), (dec("0"), true));
        let e = plain(b"-0.00000000000000000000000000006").unwrap();
        assert_eq!(e.value, dec("-0.0000000000000000000000000001"));
        // Trailing zeros past the 28th decimal lose nothing.
        assert!(
            !plain(b"1.50000000000000000000000000000000")
                .unwrap()
                .rounded
        );
    }
}
