//! Where a reader puts what it reads: the revenue model's sums, the file's
//! control totals and skipped rows, the release sums, and (when asked) the
//! lines no agreement covers and the skipped rows one by one.

use super::acc::Summed;
use crate::codes::{Isrc, Source, Territory};
use crate::period::Usage;
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
    /// When set, lines whose ISRC is not in it are also kept in `unmatched`,
    /// and skipped rows in `skipped_rows`.
    pub known: Option<&'a std::collections::HashSet<Isrc>>,
    pub unmatched: &'a mut Vec<RevenueLine>,
    pub skipped_rows: &'a mut Vec<SkippedRow>,
    /// Threads for parsing large statements (0: all cores).
    pub threads: usize,
    /// The last day of the run's period: a line used later is an error.
    pub period_end: Option<jiff::civil::Date>,
}

impl Sink<'_> {
    /// Adds sums read elsewhere (e.g. by the parallel reader) for one key.
    pub fn add_sums(&mut self, key: Key, s: Summed) {
        self.note_rounding(s.rounded_at);
        let s = s.sums;
        self.revenue.sums.entry(key).or_default().merge(&s);
        self.summary
            .totals
            .entry(key.currency)
            .or_default()
            .merge(&s);
        self.summary.lines += s.lines;
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
        self.known.is_some()
    }

    /// Adds one line read on its own (DDEX DSR records).
    pub fn push(&mut self, l: &RevenueLine) {
        self.revenue.add_line(self.summary, l);
        if let Some(known) = self.known {
            if !known.contains(&l.isrc) {
                self.unmatched.push(l.clone());
            }
        }
    }
}
