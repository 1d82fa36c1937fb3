//! Revenue reported per release (a UPC, no ISRC) as the run's outputs show
//! it: per statement currency, the release rows, what was apportioned to
//! the tracks agreements list on them and what stays unattributed
//! (docs/arithmetic.md, step 1b). Read from the engine's `ReleaseOutcome`s.

use crate::codes::Currency;
use crate::engine::PeriodResult;
use crate::exact::Exact;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One currency's release rows: rows = apportioned + unattributed, exact.
#[derive(Clone, Debug, Serialize)]
pub struct ReleaseTotals {
    pub currency: Currency,
    /// How many release row keys (release, source, usage date).
    pub keys: usize,
    pub rows: u64,
    pub amount: Exact,
    pub apportioned: Exact,
    pub unattributed: Exact,
    pub ok: bool,
}

pub fn totals(r: &PeriodResult) -> Vec<ReleaseTotals> {
    let mut by: BTreeMap<Currency, ReleaseTotals> = BTreeMap::new();
    for o in &r.releases {
        let t = by.entry(o.key.currency).or_insert_with(|| ReleaseTotals {
            currency: o.key.currency,
            keys: 0,
            rows: 0,
            amount: Exact::zero(),
            apportioned: Exact::zero(),
            unattributed: Exact::zero(),
            ok: true,
        });
        t.keys += 1;
        t.rows += o.sums.lines;
        t.amount += Exact::dec(o.sums.amount);
        t.apportioned += &o.apportioned;
        t.unattributed += &o.unapportioned;
    }
    by.into_values()
        .map(|mut t| {
            t.ok = &t.apportioned + &t.unattributed == t.amount;
            t
        })
        .collect()
}

/// For the run's table and reconcile's text: one line per currency.
pub fn text(r: &PeriodResult) -> String {
    let mut out = String::new();
    let t = totals(r);
    if t.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nRelease rows without ISRC (apportioned to the tracks agreements list on the release; the rest unattributed)"
    );
    for x in &t {
        let _ = writeln!(
            out,
            "  {}: {} rows, {} = {} apportioned + {} unattributed  {}",
            x.currency,
            x.rows,
            x.amount,
            x.apportioned,
            x.unattributed,
            if x.ok { "ok" } else { "FAILED" }
        );
    }
    out
}
