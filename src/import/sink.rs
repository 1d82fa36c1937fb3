//! Where a reader puts what it reads: the revenue model's sums, the file's
//! control totals and skipped rows, the release sums, and (when asked) the
//! lines no agreement covers and the skipped rows one by one.

use super::catalog::Matching;
use super::tally::FileSums;
use crate::codes::{Isrc, Source, Territory};
use crate::period::Usage;
use crate::statement::acc::{Acc, Summed};
use crate::statement::{FileSummary, Key, ReleaseKey, Revenue, RevenueLine, Rounding, SkipKind};
use rust_decimal::Decimal;

/// How many problems one file reports before it only counts the rest.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 200;

/// One skipped row, for `run --unmatched` (totals rows are not listed:
/// they are not revenue).
#[derive(Clone, Debug, PartialEq)]
pub struct SkippedRow {
    pub line: u64,
    pub kind: SkipKind,
    pub reason: String,
    /// The identifier cell as written (empty, a UPC, a bad ISRC...).
    pub id: String,
    pub usage: Option<Usage>,
    pub source: Option<Source>,
    pub territory: Option<Territory>,
    pub units: i64,
    pub amount: Option<Decimal>,
    pub currency: String,
}

/// Where a reader puts each good line: into the sums and the file's control
/// totals, and, when asked, into lists for `run --unmatched`.
pub struct Sink<'a> {
    pub revenue: &'a mut Revenue,
    pub summary: &'a mut FileSummary,
    /// The tracks agreements list: lines of others are summed per
    /// currency only, or (`Matching::list`) kept in `unmatched`, with the
    /// skipped rows in `skipped_rows`.
    pub matching: Option<&'a Matching>,
    pub unmatched: &'a mut Vec<RevenueLine>,
    pub skipped_rows: &'a mut Vec<SkippedRow>,
    /// Threads for parsing large statements (0: all cores).
    pub threads: usize,
    /// The last day of the run's period: a line used later is an error.
    pub period_end: Option<jiff::civil::Date>,
}

impl Sink<'_> {
    /// Adds the sums of one key read elsewhere (DDEX DSR shares): under
    /// the key, or per currency (`FileSummary::unmatched`) if no agreement
    /// lists the track and the lines are not listed.
    pub fn add_sums(&mut self, key: Key, s: Summed) {
        self.note_rounding(s.rounded_at);
        let s = s.sums;
        match self.matching {
            Some(m) if !m.list && !m.lists_isrc(&key.isrc) => {
                self.summary
                    .unmatched
                    .entry(key.currency)
                    .or_default()
                    .merge(&s);
            }
            _ => self.revenue.sums.add(key, &s),
        }
        self.summary
            .totals
            .entry(key.currency)
            .or_default()
            .merge(&s);
        self.summary.lines += s.lines;
    }

    /// A file's control totals and its unmatched lines' sums per currency,
    /// once its lines are in the run's sums (`tally`). Returns the sums too
    /// large to keep exact, as messages for the file's reader to report (the
    /// sink knows no reader: readers feed sinks, not the reverse).
    pub fn add_file(&mut self, f: FileSums) -> Vec<String> {
        let mut errors = Vec::new();
        let mut exact = |a: &Acc, what: &str, sink: &mut Sink| match a.sums() {
            Some(s) => {
                sink.note_rounding(s.rounded_at);
                Some(s.sums)
            }
            None => {
                errors.push(format!("the {what} add up to 10^16 or more: beyond what can be summed exactly; check the amounts, or split the statement"));
                None
            }
        };
        for (c, a) in &f.totals {
            if let Some(s) = exact(a, &format!("lines in {c}"), self) {
                self.summary.totals.entry(*c).or_default().merge(&s);
                self.summary.lines += s.lines;
            }
        }
        for (c, a) in &f.unmatched {
            if let Some(s) = exact(
                a,
                &format!("lines in {c} of tracks no agreement lists"),
                self,
            ) {
                self.summary.unmatched.entry(*c).or_default().merge(&s);
            }
        }
        errors
    }

    /// Adds the sums of rows reported per release (no ISRC).
    pub fn add_release(&mut self, key: ReleaseKey, s: Summed) {
        self.note_rounding(s.rounded_at);
        self.revenue.releases.entry(key).or_default().merge(&s.sums);
    }

    /// A sum rounded at the given decimal place (`acc::Summed`).
    pub fn note_rounding(&mut self, at: Option<u32>) {
        if let Some(t) = at {
            let r = self.summary.rounding.get_or_insert_with(Rounding::default);
            r.sums += 1;
            // Less than a unit of the place it was rounded at.
            r.bound += Decimal::new(1, t);
        }
    }

    /// Whether skipped rows are kept one by one (for `run --unmatched`).
    pub fn keeps_rows(&self) -> bool {
        self.matching.is_some_and(|m| m.list)
    }

    /// Whether a line of this track is listed as unmatched.
    pub fn lists_unmatched(&self, isrc: &Isrc) -> bool {
        self.matching.is_some_and(|m| m.list && !m.lists_isrc(isrc))
    }

    /// Adds one line read on its own (DDEX DSR records).
    pub fn push(&mut self, l: &RevenueLine) {
        match self.matching {
            Some(m) if !m.list && !m.lists_isrc(&l.isrc) => {
                let u = self.summary.unmatched.entry(l.currency).or_default();
                u.add(l.units, l.amount, l.tax_withheld);
                let t = self.summary.totals.entry(l.currency).or_default();
                t.add(l.units, l.amount, l.tax_withheld);
                self.summary.lines += 1;
            }
            _ => self.revenue.add_line(self.summary, l),
        }
        if self.lists_unmatched(&l.isrc) {
            self.unmatched.push(l.clone());
        }
    }
}
