//! What reading one file (or one chunk of it) gathers besides the sums:
//! errors with their places, skipped rows tallied by reason with exact
//! amounts, release sums, unknown territories, rounded cells. A chunk's
//! `Reader` is absorbed into the file's in chunk order (line numbers
//! shifted), so the outcome does not depend on the number of threads;
//! `finish` hands it all to the sink and turns it into warnings.

use crate::codes::{Source, Territory};
use crate::diag::Diagnostic;
use crate::import::dates;
use crate::import::sink::{Sink, SkippedRow, MAX_DIAGNOSTICS_PER_FILE};
use crate::import::territory;
use crate::period::Usage;
use crate::statement::acc::{Acc, FastMap};
use crate::statement::{ReleaseKey, Rounding, SkipKind, Skipped, SkippedSums};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The skipped rows of one reason, summed exactly.
struct Tally {
    reason: String,
    kind: SkipKind,
    rows: u64,
    lines: Vec<u64>,
    /// Amount and units per currency text; `lines` counts rows.
    sums: BTreeMap<String, Acc>,
}

/// A skipped row, as `skip` takes it.
pub struct SkipRow<'a> {
    pub reason: &'a str,
    pub kind: SkipKind,
    pub line: u64,
    pub units: i64,
    /// Currency text and amount, when the row states them.
    pub amount: Option<(String, Decimal)>,
    /// For `run --unmatched`: what the row was identified by, and read as.
    pub id: String,
    pub usage: Option<Usage>,
    pub source: Option<Source>,
    pub territory: Option<Territory>,
}

/// Per-file (or per-chunk) state besides the sums.
pub struct Reader<'a> {
    pub path: &'a Path,
    pub diags: Vec<Diagnostic>,
    errors: usize,
    tallies: Vec<Tally>,
    /// Kept only for `run --unmatched` (`keep_rows`).
    rows: Vec<SkippedRow>,
    keep_rows: bool,
    releases: FastMap<ReleaseKey, Acc>,
    territories: HashMap<Box<[u8]>, Option<Territory>>,
    unknown_territories: Vec<(String, u64, u64)>,
    /// Source per cell, when every source rule reads the same column.
    pub sources: FastMap<Box<[u8]>, Source>,
    /// Usage date per date cell: months repeat on every line.
    dates: FastMap<Box<[u8]>, Option<Usage>>,
    /// Cells rounded past 28 digits, and the most that moved them.
    rounded_cells: u64,
    rounded_bound: Decimal,
}

impl<'a> Reader<'a> {
    pub fn new(path: &'a Path, keep_rows: bool) -> Self {
        Reader {
            path,
            diags: Vec::new(),
            errors: 0,
            tallies: Vec::new(),
            rows: Vec::new(),
            keep_rows,
            releases: FastMap::default(),
            territories: HashMap::new(),
            unknown_territories: Vec::new(),
            sources: FastMap::default(),
            dates: FastMap::default(),
            rounded_cells: 0,
            rounded_bound: Decimal::ZERO,
        }
    }

    pub fn error(&mut self, line: u64, col: usize, msg: String) {
        self.errors += 1;
        if self.errors <= MAX_DIAGNOSTICS_PER_FILE {
            self.diags
                .push(Diagnostic::error(self.path, line as usize, col, msg));
        }
    }

    /// A cell rounded past 28 digits (`decimal::from_digits`), its value
    /// as kept: it moved by less than a unit of its last kept digit.
    pub fn rounded(&mut self, kept: Decimal) {
        self.rounded_cells += 1;
        self.rounded_bound += Decimal::new(1, kept.scale());
    }

    /// Maps a territory cell, remembering unknown values for one warning each.
    pub fn territory(
        &mut self,
        cell: &[u8],
        extra: &HashMap<String, Territory>,
        line: u64,
    ) -> Territory {
        let c = cell.trim_ascii();
        if c.len() == 2 {
            if let Some(t) = Territory::parse_bytes(c) {
                return t;
            }
        }
        let t = match self.territories.get(c) {
            Some(t) => *t,
            None => {
                let t = territory::lookup(c, extra);
                self.territories.insert(c.into(), t);
                t
            }
        };
        t.unwrap_or_else(|| {
            let name = String::from_utf8_lossy(c).into_owned();
            match self.unknown_territories.iter_mut().find(|u| u.0 == name) {
                Some(u) => u.2 += 1,
                None => self.unknown_territories.push((name, line, 1)),
            }
            Territory::WORLD
        })
    }

    /// The usage date of a date cell, remembered (a bounded memo).
    pub fn usage(&mut self, formats: &[dates::DatePattern], cell: &[u8]) -> Option<Usage> {
        if let Some(u) = self.dates.get(cell) {
            return *u;
        }
        let u = dates::parse_any(formats, cell);
        if self.dates.len() < 4096 {
            self.dates.insert(cell.into(), u);
        }
        u
    }

    /// Adds a skipped row to its reason's tally.
    pub fn skip(&mut self, r: SkipRow) {
        let i = match self.tallies.iter().position(|t| t.reason == r.reason) {
            Some(i) => i,
            None => {
                self.tallies.push(Tally {
                    reason: r.reason.to_string(),
                    kind: r.kind,
                    rows: 0,
                    lines: Vec::new(),
                    sums: BTreeMap::new(),
                });
                self.tallies.len() - 1
            }
        };
        let t = &mut self.tallies[i];
        t.rows += 1;
        if t.lines.len() < Skipped::LINES_KEPT {
            t.lines.push(r.line);
        }
        let (cur, amount) = r
            .amount
            .clone()
            .unwrap_or_else(|| ("?".into(), Decimal::ZERO));
        t.sums
            .entry(cur)
            .or_default()
            .add_parts(r.units, amount, Decimal::ZERO);
        if self.keep_rows && r.kind != SkipKind::Totals {
            self.rows.push(SkippedRow {
                line: r.line,
                kind: r.kind,
                reason: r.reason.to_string(),
                id: r.id,
                usage: r.usage,
                source: r.source,
                territory: r.territory,
                units: r.units,
                amount: r.amount.as_ref().map(|a| a.1),
                currency: r.amount.map(|a| a.0).unwrap_or_default(),
            });
        }
    }

    /// Adds a release row's numbers to its release's sums.
    pub fn release(&mut self, key: ReleaseKey, units: i64, amount: Decimal, tax: Decimal) {
        self.releases
            .entry(key)
            .or_default()
            .add_parts(units, amount, tax);
    }

    /// Takes in what another reader saw in a later chunk of the same file,
    /// its line numbers shifted by `offset`.
    pub fn absorb(&mut self, other: Reader, offset: u64) {
        for mut d in other.diags {
            d.line += offset as usize;
            if self.diags.len() < MAX_DIAGNOSTICS_PER_FILE {
                self.diags.push(d);
            }
        }
        self.errors += other.errors;
        for t in other.tallies {
            let i = match self.tallies.iter().position(|x| x.reason == t.reason) {
                Some(i) => i,
                None => {
                    self.tallies.push(Tally {
                        lines: Vec::new(),
                        rows: 0,
                        sums: BTreeMap::new(),
                        ..t
                    });
                    self.tallies.len() - 1
                }
            };
            let x = &mut self.tallies[i];
            x.rows += t.rows;
            for l in t.lines {
                if x.lines.len() < Skipped::LINES_KEPT {
                    x.lines.push(l + offset);
                }
            }
            for (c, a) in t.sums {
                x.sums.entry(c).or_default().merge(&a);
            }
        }
        for mut r in other.rows {
            r.line += offset;
            self.rows.push(r);
        }
        for (k, a) in other.releases {
            self.releases.entry(k).or_default().merge(&a);
        }
        for (name, line, n) in other.unknown_territories {
            match self.unknown_territories.iter_mut().find(|u| u.0 == name) {
                Some(u) => u.2 += n,
                None => self.unknown_territories.push((name, line + offset, n)),
            }
        }
        self.rounded_cells += other.rounded_cells;
        self.rounded_bound += other.rounded_bound;
    }

    /// Hands skipped rows, release sums and roundings to the sink, and
    /// returns every problem and warning of the file.
    pub fn finish(mut self, sink: &mut Sink) -> Vec<Diagnostic> {
        let mut releases: Vec<(ReleaseKey, Acc)> = self.releases.drain().collect();
        releases.sort_unstable_by_key(|(k, _)| *k);
        for (k, a) in releases {
            match a.sums() {
                Some(s) => sink.add_release(k, s),
                None => self.error(
                    0,
                    0,
                    format!(
                        "the release rows of {} ({}, {}, {}) add up to 10^16 or more: beyond what can be summed exactly",
                        k.upc, k.source, k.usage, k.currency
                    ),
                ),
            }
        }
        for t in std::mem::take(&mut self.tallies) {
            let mut sums = BTreeMap::new();
            for (c, a) in &t.sums {
                match a.sums() {
                    Some(s) => {
                        sink.note_rounding(s.rounded_at);
                        sums.insert(
                            c.clone(),
                            SkippedSums {
                                amount: s.sums.amount,
                                units: s.sums.units,
                                rows: s.sums.lines,
                            },
                        );
                    }
                    None => self.error(
                        0,
                        0,
                        format!(
                            "the skipped rows ({}) add up to 10^16 or more: beyond what can be summed exactly",
                            t.reason
                        ),
                    ),
                }
            }
            let s = Skipped {
                reason: t.reason,
                kind: t.kind,
                rows: t.rows,
                lines: t.lines,
                sums,
            };
            self.diags.push(skipped_warning(self.path, &s));
            sink.summary.skipped.push(s);
        }
        sink.skipped_rows.append(&mut self.rows);
        for (name, line, n) in &self.unknown_territories {
            self.diags.push(Diagnostic::warning(
                self.path,
                *line as usize,
                0,
                format!(
                    "territory `{name}` ({n} row{}) is not a known country name or code: read as WW",
                    if *n == 1 { "" } else { "s" }
                ),
            ).with_code("statement.unknown-territory"));
        }
        if self.rounded_cells > 0 {
            let r = sink.summary.rounding.get_or_insert_with(Rounding::default);
            r.cells += self.rounded_cells;
            r.bound += self.rounded_bound;
        }
        if self.errors > MAX_DIAGNOSTICS_PER_FILE {
            self.diags.push(Diagnostic::error(
                self.path,
                0,
                0,
                format!(
                    "{} more bad rows not listed",
                    self.errors - MAX_DIAGNOSTICS_PER_FILE
                ),
            ));
        }
        self.diags
    }
}

/// One warning per reason: how many rows, which lines, what they carried.
fn skipped_warning(path: &Path, s: &Skipped) -> Diagnostic {
    let lines: Vec<String> = s.lines.iter().take(10).map(|l| l.to_string()).collect();
    let more = if s.rows > lines.len() as u64 {
        ", …"
    } else {
        ""
    };
    // `?`: rows (such as totals lines) whose amount or currency is not given.
    let amounts: Vec<String> = s
        .sums
        .iter()
        .filter(|(c, a)| c.as_str() != "?" || !a.amount.is_zero())
        .map(|(c, a)| format!("{} {c}", a.amount))
        .collect();
    let units: i64 = s.sums.values().map(|a| a.units).sum();
    let what = match s.kind {
        SkipKind::Totals => "not summed in (the file's own totals)",
        SkipKind::NotRevenue => "not summed in: not revenue",
        SkipKind::Unattributable => {
            "not summed in: their revenue cannot be attributed to a track (see `run --unmatched`)"
        }
    };
    Diagnostic::warning(
        path,
        s.lines.first().copied().unwrap_or(0) as usize,
        0,
        format!(
            "{} row{} skipped ({}): lines {}{more}; amount {}, units {}; {what}",
            s.rows,
            if s.rows == 1 { "" } else { "s" },
            s.reason,
            lines.join(", "),
            if amounts.is_empty() {
                "not stated".to_string()
            } else {
                amounts.join(" + ")
            },
            units,
        ),
    )
    .with_code("statement.rows-skipped")
}
