//! Dates as statements write them, described by small patterns so a profile
//! can say how its dates look: `YYYY-MM`, `MM/DD/YYYY`, `M/D/YYYY *`
//! (CD Baby's `10/15/2023 12:00:00 AM`), `M/D/YY *` (Bandcamp's
//! `6/24/23 11:45am`), `MON-YY` (`JUN-25`), `MONTH YYYY` (`June 2025`),
//! `YYYYMMDD` (DDEX).
//!
//! Tokens: `YYYY` 4-digit year, `YY` 2-digit year (20YY), `MM`/`DD` exactly
//! two digits, `M`/`D` one or two digits, `MON` a 3-letter English month
//! (any case), `MONTH` a full English month name, `*` anything to the end
//! (a time of day). Every other character must appear as written.

use crate::period::Usage;
use jiff::civil::Date;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Year4,
    Year2,
    Month2,
    Month12,
    Day2,
    Day12,
    MonAbbr,
    MonName,
    Rest,
    Lit(u8),
}

/// One compiled date pattern.
#[derive(Clone, Debug)]
pub struct DatePattern {
    pub text: String,
    toks: Vec<Tok>,
    has_day: bool,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl DatePattern {
    pub fn compile(p: &str) -> Result<DatePattern, String> {
        let mut toks = Vec::new();
        let b = p.as_bytes();
        let mut i = 0;
        let mut has = (false, false, false);
        while i < b.len() {
            let rest = &p[i..];
            let (t, n) = if rest.starts_with("YYYY") {
                (Tok::Year4, 4)
            } else if rest.starts_with("YY") {
                (Tok::Year2, 2)
            } else if rest.starts_with("MONTH") {
                (Tok::MonName, 5)
            } else if rest.starts_with("MON") {
                (Tok::MonAbbr, 3)
            } else if rest.starts_with("MM") {
                (Tok::Month2, 2)
            } else if rest.starts_with('M') {
                (Tok::Month12, 1)
            } else if rest.starts_with("DD") {
                (Tok::Day2, 2)
            } else if rest.starts_with('D') {
                (Tok::Day12, 1)
            } else if rest.starts_with('*') {
                (Tok::Rest, 1)
            } else {
                (Tok::Lit(b[i]), 1)
            };
            match t {
                Tok::Year4 | Tok::Year2 => has.0 = true,
                Tok::Month2 | Tok::Month12 | Tok::MonAbbr | Tok::MonName => has.1 = true,
                Tok::Day2 | Tok::Day12 => has.2 = true,
                _ => {}
            }
            toks.push(t);
            i += n;
        }
        if !has.0 || !has.1 {
            return Err(format!(
                "date pattern `{p}` needs a year (YYYY or YY) and a month (MM, M, MON or MONTH)"
            ));
        }
        Ok(DatePattern {
            text: p.to_string(),
            toks,
            has_day: has.2,
        })
    }

    /// Parses a cell; a pattern without a day gives a month usage.
    pub fn parse(&self, b: &[u8]) -> Option<Usage> {
        let b = b.trim_ascii();
        let (mut y, mut m, mut d) = (None, None, None);
        let mut i = 0;
        let digits = |i: usize, min: usize, max: usize| -> Option<(i32, usize)> {
            let n = b[i.min(b.len())..]
                .iter()
                .take(max)
                .take_while(|c| c.is_ascii_digit())
                .count();
            if n < min {
                return None;
            }
            Some((
                b[i..i + n]
                    .iter()
                    .fold(0i32, |a, &c| a * 10 + (c - b'0') as i32),
                n,
            ))
        };
        for t in &self.toks {
            match t {
                Tok::Year4 => {
                    let (v, n) = digits(i, 4, 4)?;
                    y = Some(v);
                    i += n;
                }
                Tok::Year2 => {
                    let (v, n) = digits(i, 2, 2)?;
                    y = Some(2000 + v);
                    i += n;
                }
                Tok::Month2 | Tok::Month12 | Tok::Day2 | Tok::Day12 => {
                    let min = if matches!(t, Tok::Month2 | Tok::Day2) {
                        2
                    } else {
                        1
                    };
                    let (v, n) = digits(i, min, 2)?;
                    if matches!(t, Tok::Month2 | Tok::Month12) {
                        m = Some(v);
                    } else {
                        d = Some(v);
                    }
                    i += n;
                }
                Tok::MonAbbr | Tok::MonName => {
                    let word = b[i..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .count();
                    let w = &b[i..i + word];
                    let found = MONTHS.iter().position(|name| {
                        if *t == Tok::MonAbbr {
                            w.len() == 3 && name.as_bytes()[..3].eq_ignore_ascii_case(w)
                        } else {
                            name.as_bytes().eq_ignore_ascii_case(w)
                        }
                    })?;
                    m = Some(found as i32 + 1);
                    i += word;
                }
                Tok::Rest => i = b.len(),
                Tok::Lit(c) => {
                    if b.get(i) != Some(c) {
                        return None;
                    }
                    i += 1;
                }
            }
        }
        if i != b.len() {
            return None;
        }
        let (y, m) = (y? as i16, m? as i8);
        match d {
            Some(d) if self.has_day => {
                let date = Date::new(y, m, d as i8).ok()?;
                Some(Usage::from_date(date))
            }
            _ => {
                Date::new(y, m, 1).ok()?;
                Some(Usage {
                    year: y,
                    month: m,
                    day: 0,
                })
            }
        }
    }
}

/// Tries each pattern in turn.
pub fn parse_any(patterns: &[DatePattern], b: &[u8]) -> Option<Usage> {
    patterns.iter().find_map(|p| p.parse(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pat: &str, s: &str) -> Option<String> {
        DatePattern::compile(pat)
            .unwrap()
            .parse(s.as_bytes())
            .map(|u| u.to_string())
    }

    #[test]
    fn patterns() {
        assert_eq!(p("YYYY-MM", "2023-06").as_deref(), Some("2023-06"));
        assert_eq!(
            p("M/D/YYYY *", "10/15/2023 12:00:00 AM").as_deref(),
            Some("2023-10-15")
        );
        assert_eq!(
            p("M/D/YY *", "6/24/23 11:45am").as_deref(),
            Some("2023-06-24")
        );
        assert_eq!(p("MON-YY", "JUN-25").as_deref(), Some("2025-06"));
        assert_eq!(p("MONTH YYYY", "June 2025").as_deref(), Some("2025-06"));
        assert_eq!(p("MM/DD/YYYY", "06/01/2025").as_deref(), Some("2025-06-01"));
        assert_eq!(p("YYYYMMDD", "20151001").as_deref(), Some("2015-10-01"));
        assert_eq!(p("MM/DD/YYYY", "6/1/2025"), None);
        assert_eq!(p("YYYY-MM", "2023-13"), None);
        assert_eq!(p("YYYY-MM", "2023-06-01"), None);
        assert_eq!(p("MONTH YYYY", "Juni 2025"), None);
        assert!(DatePattern::compile("DD/MM").is_err());
    }
}
