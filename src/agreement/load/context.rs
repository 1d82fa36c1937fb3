//! Where the loader's problems go: one file's text and the problems found
//! in it, each byte span turned into line:column, with the readers of
//! single values (dates, decimals, shares, rates, ids, counts) that check a
//! value against its range (docs/limits.md) and report it where it is
//! written. Every other part of the loader reports through it, so every
//! message has the same form.

use crate::agreement::raw::{RawNum, S};
use crate::codes::Source;
use crate::diag::{line_col, Diagnostic};
use crate::limits::{self, Range};
use crate::money::{parse_decimal, parse_percent, Rate};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::path::Path;

/// Collects problems for one file, turning byte spans into line:column.
pub(super) struct Ctx<'a> {
    pub(super) text: &'a str,
    pub(super) file: &'a Path,
    pub(super) diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub(super) fn err(&mut self, span: std::ops::Range<usize>, msg: impl Into<String>) {
        let (line, col) = line_col(self.text, span.start);
        self.diags
            .push(Diagnostic::error(self.file, line, col, msg));
    }
    pub(super) fn err_at<T>(&mut self, v: &S<T>, msg: impl Into<String>) {
        self.err(v.span(), msg)
    }

    pub(super) fn date(&mut self, v: &S<toml::Value>, what: &str) -> Option<Date> {
        let parsed = match v.get_ref() {
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt
                .date
                .and_then(|d| Date::new(d.year as i16, d.month as i8, d.day as i8).ok()),
            toml::Value::String(s) => s.trim().parse::<Date>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.err_at(v, format!("`{what}`: expected a date such as 2026-01-15"));
        }
        parsed
    }

    /// Is `v` a float? Then it is refused here, at its place, with the
    /// string it most likely meant; the caller reports nothing more.
    pub(super) fn float(&mut self, v: &S<RawNum>) -> bool {
        match v.get_ref().float_error() {
            Some(msg) => {
                self.err_at(v, msg);
                true
            }
            None => false,
        }
    }

    /// A plain decimal ("5000.00" or an integer).
    pub(super) fn decimal(&mut self, v: &S<RawNum>, what: &str) -> Option<Decimal> {
        if self.float(v) {
            return None;
        }
        let d = match v.get_ref() {
            RawNum::Int(i) => Some(Decimal::from(*i)),
            RawNum::Text(t) => parse_decimal(t),
            RawNum::Float(_) => None,
        };
        if d.is_none() {
            self.err_at(
                v,
                format!("`{what}`: expected a decimal such as \"5000.00\""),
            );
        }
        d
    }

    /// `d`, read from `v`, if it lies in `r`; else an error that names the
    /// term, shows the value as written and says what is expected.
    pub(super) fn ranged(
        &mut self,
        v: &S<RawNum>,
        what: &str,
        d: Decimal,
        r: &Range,
    ) -> Option<Decimal> {
        let written = match v.get_ref() {
            RawNum::Text(t) | RawNum::Float(t) => t.trim().to_string(),
            RawNum::Int(i) => i.to_string(),
        };
        self.ranged_at(v.span(), &written, what, d, r)
    }

    pub(super) fn ranged_at(
        &mut self,
        span: std::ops::Range<usize>,
        written: &str,
        what: &str,
        d: Decimal,
        r: &Range,
    ) -> Option<Decimal> {
        let expect = match r.check(d) {
            Ok(d) => return Some(d),
            Err(expect) => expect,
        };
        let why = if d < Decimal::ZERO && r.min >= Decimal::ZERO {
            "must not be negative"
        } else if limits::decimals(d) > r.decimals {
            "has too many decimals"
        } else {
            "is out of range"
        };
        let (line, col) = line_col(self.text, span.start);
        self.diags.push(
            Diagnostic::error(
                self.file,
                line,
                col,
                format!("`{what}` {why} ({written}): {expect}"),
            )
            .with_code("agreement.out-of-range"),
        );
        None
    }

    /// Is the id a safe name (`limits::safe_id`)? Ids become parts of file
    /// names and payment references.
    pub(super) fn id(&mut self, v: &S<String>, what: &str) -> bool {
        let ok = limits::safe_id(v.get_ref());
        if !ok {
            self.err_at(
                v,
                format!(
                    "{what} id `{}`: expected {}",
                    v.get_ref().escape_debug(),
                    limits::ID_RULE
                ),
            );
        }
        ok
    }

    /// A plain decimal within `r`.
    pub(super) fn decimal_in(&mut self, v: &S<RawNum>, what: &str, r: &Range) -> Option<Decimal> {
        let d = self.decimal(v, what)?;
        self.ranged(v, what, d, r)
    }

    /// A whole count from `min` to `max` (periods, months, days).
    pub(super) fn count(&mut self, v: &S<RawNum>, what: &str, min: u32, max: u32) -> Option<u32> {
        let d = self.decimal(v, what)?;
        let n = limits::count(d, max).filter(|n| *n >= min);
        if n.is_none() {
            self.err_at(
                v,
                format!("`{what}` must be a whole number from {min} to {max}"),
            );
        }
        n
    }

    /// A share ("4%") within 0% to 100%.
    pub(super) fn share(&mut self, v: &S<RawNum>, what: &str) -> Option<Decimal> {
        let d = self.percent(v, what)?;
        self.ranged(v, what, d, &limits::SHARE)
    }

    /// A rate or an increment: a share or an amount per unit, each in its range.
    pub(super) fn rate_in(&mut self, v: &S<RawNum>, what: &str, rate: Rate) -> Option<Rate> {
        match rate {
            Rate::Share(x) => self.ranged(v, what, x, &limits::SHARE).map(Rate::Share),
            Rate::PerUnit(x) => self
                .ranged(v, what, x, &limits::PER_UNIT)
                .map(Rate::PerUnit),
        }
    }

    /// A percentage string ("4%").
    pub(super) fn percent(&mut self, v: &S<RawNum>, what: &str) -> Option<Decimal> {
        if self.float(v) {
            return None;
        }
        let d = match v.get_ref() {
            RawNum::Text(t) => parse_percent(t),
            RawNum::Int(_) | RawNum::Float(_) => None,
        };
        if d.is_none() {
            self.err_at(
                v,
                format!("`{what}`: expected a percentage string such as \"4%\""),
            );
        }
        d
    }

    pub(super) fn source(&mut self, name: &str, span: std::ops::Range<usize>) -> Option<Source> {
        let s = Source::parse(name);
        if s.is_none() {
            self.err(
                span,
                format!(
                    "unknown source `{name}`; expected one of: {}",
                    Source::vocabulary()
                ),
            );
        }
        s
    }
}
