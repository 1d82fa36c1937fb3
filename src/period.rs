//! Accounting periods and usage dates: the period forms (`2026-03`,
//! `2026-Q1`, `2026-H1`, `2026`) are the common `--period` option of
//! docs/commands.md; usage dates and the receipts basis are in
//! docs/arithmetic.md, "Matching and terms".
//!
//! Accounting is on a receipts basis: every line given to a run belongs to
//! the run's period. The usage date of a line only decides which agreement
//! term and which amended terms price it (docs/arithmetic.md, step 3 and
//! "Amendments and dates").

use jiff::civil::Date;
use std::fmt;

/// `2026-03`, `2026-Q1`, `2026-H1` or `2026`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub year: i16,
    /// First month (1-12) and number of months.
    pub first_month: i8,
    pub months: i8,
}

impl Period {
    /// A period as a person types it (`--period`, royalty.toml): any case,
    /// `2026-q1` as `2026-Q1`. Ledger file names keep the strict form
    /// (`parse`), so one period has one file name.
    pub fn parse_typed(s: &str) -> Option<Period> {
        Period::parse(&s.to_ascii_uppercase())
    }

    /// A period in its canonical form (`2026-Q1`, upper case).
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let (y, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i16 = y.parse().ok()?;
        let (first_month, months) = match rest {
            None => (1, 12),
            Some(r) => match r.as_bytes() {
                [b'Q', q @ b'1'..=b'4'] => ((q - b'1') as i8 * 3 + 1, 3),
                [b'H', h @ b'1'..=b'2'] => ((h - b'1') as i8 * 6 + 1, 6),
                [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                    let m = ((a - b'0') * 10 + (b - b'0')) as i8;
                    if !(1..=12).contains(&m) {
                        return None;
                    }
                    (m, 1)
                }
                _ => return None,
            },
        };
        Some(Period {
            year,
            first_month,
            months,
        })
    }

    pub fn first_day(&self) -> Date {
        Date::new(self.year, self.first_month, 1).expect("valid period")
    }

    pub fn last_day(&self) -> Date {
        let last_month = self.first_month + self.months - 1;
        Date::new(self.year, last_month, 1)
            .expect("valid period")
            .last_of_month()
    }

    pub fn contains(&self, d: Date) -> bool {
        d >= self.first_day() && d <= self.last_day()
    }

    /// The period of the same length right after this one (`2026-Q4` ->
    /// `2027-Q1`); none past the year 9999.
    pub fn next(&self) -> Option<Period> {
        let first = self.first_month + self.months;
        let (year, first_month) = if first > 12 {
            (self.year.checked_add(1).filter(|y| *y <= 9999)?, first - 12)
        } else {
            (self.year, first)
        };
        Some(Period {
            year,
            first_month,
            months: self.months,
        })
    }

    /// A key that orders periods by their end (for "later than the last closed").
    pub fn sort_key(&self) -> (Date, Date) {
        (self.last_day(), self.first_day())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.months, self.first_month) {
            (12, _) => write!(f, "{}", self.year),
            (6, m) => write!(f, "{}-H{}", self.year, (m - 1) / 6 + 1),
            (3, m) => write!(f, "{}-Q{}", self.year, (m - 1) / 3 + 1),
            (_, m) => write!(f, "{}-{:02}", self.year, m),
        }
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The usage date of a statement line: a month (`2026-01`) or a day
/// (`2026-01-31`). Packed so it can be part of an aggregation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usage {
    pub year: i16,
    pub month: i8,
    /// 0 when the statement gives only the month.
    pub day: i8,
}

impl Usage {
    /// Parses `YYYY-MM` or `YYYY-MM-DD` from bytes without allocating.
    pub fn parse_bytes(b: &[u8]) -> Option<Usage> {
        let b = b.trim_ascii();
        let num = |s: &[u8]| -> Option<i32> {
            if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(s.iter().fold(0i32, |a, &c| a * 10 + (c - b'0') as i32))
        };
        let (year, month, day) = match b.len() {
            7 if b[4] == b'-' => (num(&b[..4])?, num(&b[5..7])?, 0),
            10 if b[4] == b'-' && b[7] == b'-' => (num(&b[..4])?, num(&b[5..7])?, num(&b[8..])?),
            _ => return None,
        };
        let (year, month, day) = (year as i16, month as i8, day as i8);
        if day == 0 {
            Date::new(year, month, 1).ok()?;
        } else {
            Date::new(year, month, day).ok()?;
        }
        Some(Usage { year, month, day })
    }

    pub fn from_date(d: Date) -> Usage {
        Usage {
            year: d.year(),
            month: d.month(),
            day: d.day(),
        }
    }

    /// The first day the usage covers (a month's first day).
    pub fn first_day(&self) -> Date {
        Date::new(self.year, self.month, self.day.max(1)).expect("validated usage")
    }

    /// The last day the usage covers (a month's last day).
    pub fn last_day(&self) -> Date {
        if self.day == 0 {
            self.first_day().last_of_month()
        } else {
            self.first_day()
        }
    }

    /// The date whose terms price this usage: a month is priced by the terms
    /// in force on its first day (docs/arithmetic.md).
    pub fn pricing_date(&self) -> Date {
        self.first_day()
    }
}

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.day == 0 {
            write!(f, "{}-{:02}", self.year, self.month)
        } else {
            write!(f, "{}-{:02}-{:02}", self.year, self.month, self.day)
        }
    }
}

/// Whole months from `from` to `to` (docs/arithmetic.md, step 6: 2026-01-01 to
/// 2026-04-01 is 3).
pub fn whole_months(from: Date, to: Date) -> i32 {
    if to <= from {
        return 0;
    }
    let mut m =
        (to.year() as i32 - from.year() as i32) * 12 + (to.month() as i32 - from.month() as i32);
    if to.day() < from.day() {
        m -= 1;
    }
    m.max(0)
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_next_period_has_the_same_length() {
        let next = |s: &str| Period::parse(s).unwrap().next().map(|p| p.to_string());
        assert_eq!(next("2026-Q1").as_deref(), Some("2026-Q2"));
        assert_eq!(next("2026-Q4").as_deref(), Some("2027-Q1"));
        assert_eq!(next("2026-12").as_deref(), Some("2027-01"));
        assert_eq!(next("2026-H2").as_deref(), Some("2027-H1"));
        assert_eq!(next("2026").as_deref(), Some("2027"));
        assert_eq!(next("9999-Q4"), None);
    }

    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_parse_and_print() {
        for (s, first, last) in [
            ("2026-03", date(2026, 3, 1), date(2026, 3, 31)),
            ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
            ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
            ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
            ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
            ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ] {
            let p = Period::parse(s).unwrap();
            assert_eq!((p.first_day(), p.last_day()), (first, last), "{s}");
            assert_eq!(p.to_string(), s);
        }
        for bad in ["2026-13", "2026-Q5", "26-Q1", "2026-h1", "2026-1", ""] {
            assert!(Period::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Period::parse_typed("2026-h1"), Period::parse("2026-H1"));
        assert_eq!(Period::parse_typed(" 2026-q1"), Period::parse("2026-Q1"));
        assert!(Period::parse_typed("2026-q5").is_none());
    }

    #[test]
    fn usage_dates() {
        let u = Usage::parse_bytes(b"2026-02").unwrap();
        assert_eq!(u.first_day(), date(2026, 2, 1));
        assert_eq!(u.last_day(), date(2026, 2, 28));
        assert_eq!(
            Usage::parse_bytes(b"2026-02-14").unwrap().last_day(),
            date(2026, 2, 14)
        );
        assert!(Usage::parse_bytes(b"2026-02-30").is_none());
        assert!(Usage::parse_bytes(b"2026/02").is_none());
    }

    #[test]
    fn whole_months_as_in_spec_step_6() {
        assert_eq!(whole_months(date(2026, 1, 1), date(2026, 4, 1)), 3);
        assert_eq!(whole_months(date(2026, 1, 15), date(2026, 4, 1)), 2);
        assert_eq!(whole_months(date(2026, 1, 1), date(2025, 4, 1)), 0);
    }
}
