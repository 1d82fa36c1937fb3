//! Dates as statements write them, described by small patterns so a profile
//! can say how its dates look: `YYYY-MM`, `MM/DD/YYYY`, `M/D/YYYY *`
//! (CD Baby's `10/15/2023 12:00:00 AM`), `M/D/YY *` (Bandcamp's
//! `6/24/23 11:45am`), `MON-YY` (`JUN-25`), `MONTH YYYY` (`June 2025`),
//! `YYYYMMDD` (DDEX).
//!
//! Tokens: `YYYY` 4-digit year, `YY` 2-digit year (20YY), `MM`/`DD` exactly
//! two digits, `M`/`D` one or two digits, `MON` a 3-letter English month
//! (any case), `MONTH` a full English month name, `Q` a quarter written
//! `Q1`..`Q4` (its first month), `*` anything to the end (a time of day).
//! Every other character must appear as written; `\` makes the next one
//! literal (`YYYY\MM` reads The Orchard's `2017M10`).

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
    Quarter,
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
            } else if rest.starts_with('Q') {
                (Tok::Quarter, 1)
            } else if rest.starts_with('\\') && b.len() > i + 1 {
                (Tok::Lit(b[i + 1]), 2)
            } else {
                (Tok::Lit(b[i]), 1)
            };
            match t {
                Tok::Year4 | Tok::Year2 => has.0 = true,
                Tok::Month2 | Tok::Month12 | Tok::MonAbbr | Tok::MonName | Tok::Quarter => {
                    has.1 = true
                }
                Tok::Day2 | Tok::Day12 => has.2 = true,
                _ => {}
            }
            toks.push(t);
            i += n;
        }
        if !has.0 || !has.1 {
            return Err(format!(
                "date pattern `{p}` needs a year (YYYY or YY) and a month (MM, M, MON, MONTH) or quarter (Q)"
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
        self.parse_untrimmed(b.trim_ascii())
    }

    fn parse_untrimmed(&self, b: &[u8]) -> Option<Usage> {
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
                Tok::Quarter => {
                    let q = match b.get(i..i + 2) {
                        Some([q, d])
                            if q.eq_ignore_ascii_case(&b'Q') && (b'1'..=b'4').contains(d) =>
                        {
                            d - b'0'
                        }
                        _ => return None,
                    };
                    m = Some(3 * (q as i32 - 1) + 1);
                    i += 2;
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

/// The first date in a text (a file name, a cell saying `2019.08 Streams`),
/// by any of the patterns: each pattern is tried at every position where
/// a digit or letter starts, with anything after it.
pub fn find_any(patterns: &[DatePattern], text: &[u8]) -> Option<Usage> {
    for start in 0..text.len() {
        let starts_word = start == 0 || !text[start - 1].is_ascii_alphanumeric();
        if !starts_word {
            continue;
        }
        for p in patterns {
            let mut open = p.clone();
            if open.toks.last() != Some(&Tok::Rest) {
                open.toks.push(Tok::Rest);
            }
            if let Some(u) = open.parse_untrimmed(&text[start..]) {
                return Some(u);
            }
        }
    }
    None
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
        assert_eq!(p("YYYY\\MM", "2017M10").as_deref(), Some("2017-10"));
        assert_eq!(p("YYYY\\MM", "2017M9").as_deref(), Some("2017-09"));
        assert_eq!(p("MON - YYYY", "Jul - 2017").as_deref(), Some("2017-07"));
        assert_eq!(p("YYYY/MM/DD", "2026/01/01").as_deref(), Some("2026-01-01"));
        assert_eq!(p("Q YYYY", "Q3 2023").as_deref(), Some("2023-07"));
        assert_eq!(p("Q YYYY", "Q5 2023"), None);
    }

    #[test]
    fn dates_found_inside_a_text() {
        let pats = |ps: &[&str]| -> Vec<DatePattern> {
            ps.iter()
                .map(|x| DatePattern::compile(x).unwrap())
                .collect()
        };
        let f = |ps: &[&str], t: &str| find_any(&pats(ps), t.as_bytes()).map(|u| u.to_string());
        assert_eq!(
            f(&["YYYY.MM"], "2019.08 Streams").as_deref(),
            Some("2019-08")
        );
        assert_eq!(
            f(
                &["Q YYYY"],
                "Tropical Twista Records Q1 2023__converted.csv"
            )
            .as_deref(),
            Some("2023-01")
        );
        assert_eq!(f(&["YYYY.MM"], "154784"), None);
        assert_eq!(f(&["YYYY.MM"], "0.01093420044805"), None);
    }
}
