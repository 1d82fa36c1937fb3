//! The revenue model (docs/formats.md, "The canonical statement"): statement
//! lines, summed as they stream in.
//!
//! The engine only ever needs sums per (track, source, usage date, currency),
//! so readers never keep lines: each line is added into a `Revenue` aggregate
//! the moment it is parsed, and memory stays flat however long the statement
//! is. Each file's own control totals are kept beside, for reconciliation
//! (docs/arithmetic.md, "Invariants, checked on every run": statements =
//! matched + unmatched + out of term), with the rows that could not be read as
//! revenue lines (`Skipped`: a release row without ISRC, a payout, the file's
//! own totals) counted by reason, so nothing leaves a file unaccounted for.
//!
//! Revenue reported per release (a UPC, no ISRC) is also summed per
//! release (`Revenue::releases`), so that a later step can apportion it to
//! the release's tracks; until then it is reported as skipped.

pub mod acc;
pub mod table;

use crate::codes::{Currency, Isrc, Source, Territory, Upc};
use crate::period::Usage;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use table::SumTable;

/// One revenue line in the canonical form, whatever file layout it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct RevenueLine {
    /// 1-based line of the source file (for messages and `--unmatched`).
    pub line: u64,
    pub usage: Usage,
    pub isrc: Isrc,
    pub source: Source,
    pub territory: Territory,
    pub units: i64,
    /// Net receipts to the label, exact, in `currency`.
    pub amount: Decimal,
    pub currency: Currency,
    /// Tax already withheld at source, same currency (docs/arithmetic.md, step 10).
    pub tax_withheld: Decimal,
}

/// What lines are summed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub isrc: Isrc,
    pub source: Source,
    pub usage: Usage,
    pub currency: Currency,
    /// `WW` unless the sums are kept per territory (`royalty aggregate`):
    /// no term of the contract depends on it, and keeping it would multiply
    /// the number of sums by the number of territories.
    pub territory: Territory,
}

/// Hashes the key as two packed words: it is hashed once per statement
/// line, so this is on the hot path (equal keys pack equally).
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let i = self.isrc.bytes();
        let head = u64::from_le_bytes([i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7]]);
        let tail = u32::from_le_bytes([i[8], i[9], i[10], i[11]]) as u64;
        let (c, t, u) = (self.currency.bytes(), self.territory.bytes(), &self.usage);
        let when = (u.year as u16 as u64) << 16 | (u.month as u8 as u64) << 8 | u.day as u8 as u64;
        let what = (self.source as u64) << 56
            | (c[0] as u64) << 48
            | (c[1] as u64) << 40
            | (c[2] as u64) << 32;
        state.write_u64(head);
        state.write_u64(tail << 32 | when);
        state.write_u64(what | (t[0] as u64) << 8 | t[1] as u64);
    }
}

impl Key {
    pub fn of(l: &RevenueLine, by_territory: bool) -> Key {
        Key {
            isrc: l.isrc,
            source: l.source,
            usage: l.usage,
            currency: l.currency,
            territory: if by_territory {
                l.territory
            } else {
                Territory::WORLD
            },
        }
    }
}

/// Exact sums of the lines sharing a key.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sums {
    pub units: i64,
    pub amount: Decimal,
    pub tax_withheld: Decimal,
    pub lines: u64,
}

impl Sums {
    // Units saturate rather than wrap or panic: a run whose units come
    // anywhere near i64 is refused at the engine's edge (`engine::edge::check_run`).
    pub fn add(&mut self, units: i64, amount: Decimal, tax: Decimal) {
        self.units = self.units.saturating_add(units);
        self.amount += amount;
        self.tax_withheld += tax;
        self.lines += 1;
    }
    pub fn merge(&mut self, o: &Sums) {
        self.units = self.units.saturating_add(o.units);
        self.amount += o.amount;
        self.tax_withheld += o.tax_withheld;
        self.lines = self.lines.saturating_add(o.lines);
    }
}

/// What a skipped row is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipKind {
    /// Revenue that cannot go to a track (a release row without ISRC, a
    /// UPC in the ISRC column, an identifier that is not an ISRC): part of
    /// the statement's total, reported beside unmatched revenue.
    #[default]
    Unattributable,
    /// A row restating the file's own totals: not revenue.
    Totals,
    /// Money that is not income: a payout to the label, a transfer.
    NotRevenue,
}

impl SkipKind {
    pub fn name(self) -> &'static str {
        match self {
            SkipKind::Unattributable => "unattributable",
            SkipKind::Totals => "totals",
            SkipKind::NotRevenue => "not-revenue",
        }
    }
}

/// Amounts, units and rows of skipped rows in one currency.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SkippedSums {
    pub amount: Decimal,
    pub units: i64,
    pub rows: u64,
}

/// The rows of one file skipped for one reason, with what they carried:
/// reported (a warning, `run --unmatched`, the JSON, `reconcile`), never
/// silently dropped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Skipped {
    /// What the rows are, in words ("release row without ISRC").
    pub reason: String,
    pub kind: SkipKind,
    pub rows: u64,
    /// The first lines (up to `Skipped::LINES_KEPT`), for messages.
    pub lines: Vec<u64>,
    /// By the currency text of the rows (`?` when a row's currency or
    /// amount is not stated).
    pub sums: BTreeMap<String, SkippedSums>,
}

impl Skipped {
    pub const LINES_KEPT: usize = 20;
}

/// Amounts a file holds with more digits than a `Decimal` keeps, rounded
/// half-to-even (docs/formats.md, "Numbers").
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rounding {
    /// Cells with more than 28 significant digits or decimals.
    pub cells: u64,
    /// Sums (of one key) with more digits than 28.
    pub sums: u64,
    /// The most all these roundings can have moved the file's total.
    pub bound: Decimal,
}

/// Control totals of one statement file, in its own currencies.
#[derive(Clone, Debug, Default)]
pub struct FileSummary {
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Name of the layout it was read as ("canonical", "distrokid", ...).
    pub format: String,
    /// Revenue lines read (summed in `totals`).
    pub lines: u64,
    pub totals: BTreeMap<Currency, Sums>,
    /// Rows not read as revenue lines, by reason, in the order first seen.
    pub skipped: Vec<Skipped>,
    /// Set when some amounts had to be rounded far below a cent.
    pub rounding: Option<Rounding>,
    /// The lines (among `totals`) of tracks no agreement lists, summed per
    /// currency only: so when the reader was given the agreements' tracks
    /// and the output needs no more (docs/scaling.md, "Memory"); otherwise
    /// such lines are in the revenue's sums under their keys like any
    /// other, and this stays empty.
    pub unmatched: BTreeMap<Currency, Sums>,
}

impl FileSummary {
    /// Skipped rows of one kind, summed per currency.
    pub fn skipped_total(&self, kind: SkipKind) -> BTreeMap<String, SkippedSums> {
        let mut t: BTreeMap<String, SkippedSums> = BTreeMap::new();
        for s in self.skipped.iter().filter(|s| s.kind == kind) {
            for (c, x) in &s.sums {
                let e = t.entry(c.clone()).or_default();
                e.amount += x.amount;
                e.units += x.units;
                e.rows += x.rows;
            }
        }
        t
    }
}

/// What revenue reported per release (no ISRC) is summed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReleaseKey {
    pub upc: Upc,
    pub source: Source,
    pub usage: Usage,
    pub currency: Currency,
}

/// The period's revenue: sums per key, and every file's control totals.
#[derive(Clone, Debug, Default)]
pub struct Revenue {
    /// Exact sums per key (`table`): `sorted` hands them to the engine.
    pub sums: SumTable,
    /// Revenue reported per release without ISRC (also counted among each
    /// file's skipped rows as "release row without ISRC"), summed per
    /// release, source, usage date and currency: what a later step
    /// apportions to the release's tracks.
    pub releases: HashMap<ReleaseKey, Sums>,
    pub files: Vec<FileSummary>,
    /// Keep sums per territory (for `royalty aggregate`).
    pub by_territory: bool,
}

impl Revenue {
    pub fn add_line(&mut self, file: &mut FileSummary, l: &RevenueLine) {
        let key = Key::of(l, self.by_territory);
        self.sums.entry(key).add(l);
        file.totals
            .entry(l.currency)
            .or_default()
            .add(l.units, l.amount, l.tax_withheld);
        file.lines += 1;
    }

    /// Adds another aggregate in (e.g. of another file read on another thread).
    pub fn merge(&mut self, other: Revenue) {
        self.sums.absorb(other.sums);
        for (k, s) in other.releases {
            self.releases.entry(k).or_default().merge(&s);
        }
        self.files.extend(other.files);
    }

    /// The sums in key order: the engine's input, independent of the order
    /// files and lines were read in.
    pub fn sorted(&self) -> Cow<'_, [(Key, Sums)]> {
        self.sums.sorted()
    }

    /// Release sums in key order.
    pub fn sorted_releases(&self) -> Vec<(ReleaseKey, Sums)> {
        let mut v: Vec<(ReleaseKey, Sums)> = self.releases.iter().map(|(k, s)| (*k, *s)).collect();
        v.sort_unstable_by_key(|(k, _)| *k);
        v
    }

    /// Files in path order, so outputs do not depend on argument order.
    pub fn sort_files(&mut self) {
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
    }
}
