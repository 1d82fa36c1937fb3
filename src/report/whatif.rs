//! `whatif`: payouts for hypothetical revenue beside the baseline (docs/commands.md,
//! `whatif`). Never touches the ledger: both sides are computed by the real
//! engine from the same opening state; only the revenue differs.
//!
//! Hypothetical revenue comes from flags (units, and amounts derived from
//! documented per-unit assumptions, see `Assumptions`) or a scenario file
//! (canonical statement CSV) read by the command. This module builds the
//! synthetic lines and compares the two results; it does no I/O.

use crate::agreement::Agreement;
use crate::codes::{Source, Territory};
use crate::engine::PeriodResult;
use crate::money::Money;
use crate::period::{Period, Usage};
use crate::report::rows::payout_rows;
use crate::statement::{FileSummary, Revenue, RevenueLine};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;

/// Hypothetical revenue given on the command line. Amounts are in each
/// agreement's currency; units times the per-unit assumption give the net
/// receipts of a source.
#[derive(Clone, Debug, Default)]
pub struct Assumptions {
    pub streams: Option<i64>,
    /// Net receipts per stream (default 0.004).
    pub stream_rate: Decimal,
    pub downloads: Option<i64>,
    /// Net receipts per download (default 0.70).
    pub download_rate: Decimal,
    pub physical: Option<i64>,
    /// Net receipts per physical copy (default 10.00).
    pub physical_rate: Decimal,
    /// A sync fee (one use).
    pub sync: Option<Decimal>,
}

impl Assumptions {
    pub fn lines(&self) -> Vec<(Source, i64, Decimal)> {
        let mut v = Vec::new();
        let per = |n: Option<i64>, rate: Decimal| n.map(|n| (n, Decimal::from(n) * rate));
        if let Some((u, a)) = per(self.streams, self.stream_rate) {
            v.push((Source::Streaming, u, a));
        }
        if let Some((u, a)) = per(self.downloads, self.download_rate) {
            v.push((Source::Download, u, a));
        }
        if let Some((u, a)) = per(self.physical, self.physical_rate) {
            v.push((Source::Physical, u, a));
        }
        if let Some(fee) = self.sync {
            v.push((Source::Sync, 1, fee));
        }
        v
    }
}

/// The hypothetical lines: for each chosen agreement, on its first track,
/// in its currency, dated in the period's first month. They are read as one
/// statement file named `(whatif)`, so reconciliation's statement totals
/// include them and the engine's conservation check holds.
pub fn hypothetical(
    agreements: &[Agreement],
    chosen: &[usize],
    period: Period,
    a: &Assumptions,
) -> Revenue {
    let d = period.first_day();
    let usage = Usage {
        year: d.year(),
        month: d.month(),
        day: 0,
    };
    let mut revenue = Revenue::default();
    let mut file = FileSummary {
        path: "(whatif)".into(),
        format: "whatif".into(),
        ..FileSummary::default()
    };
    for &i in chosen {
        let ag = &agreements[i];
        let Some(track) = ag.tracks.first() else {
            continue;
        };
        for (source, units, amount) in a.lines() {
            let line = RevenueLine {
                line: file.lines + 1,
                usage,
                isrc: track.isrc,
                source,
                territory: Territory::WORLD,
                units,
                amount,
                currency: ag.currency,
                tax_withheld: Decimal::ZERO,
            };
            revenue.add_line(&mut file, &line);
        }
    }
    revenue.files.push(file);
    revenue
}

#[derive(Serialize)]
pub struct Side {
    pub earned: Money,
    pub payable: Money,
    pub paid: Money,
}

#[derive(Serialize)]
pub struct Row {
    pub agreement: String,
    pub party: String,
    pub currency: String,
    pub baseline: Side,
    pub scenario: Side,
    pub delta_earned: Money,
    pub delta_payable: Money,
    /// Milestones in force in the scenario but not in the baseline.
    pub unlocks: Vec<String>,
}

#[derive(Serialize)]
pub struct Comparison {
    pub period: Period,
    pub rows: Vec<Row>,
}

/// Baseline and scenario side by side. The scenario may run on draft
/// agreements (`scen_agreements`), whose parties may differ: every party of
/// either side appears, scenario order first.
pub fn compare(
    base: &PeriodResult,
    scen: &PeriodResult,
    base_agreements: &[Agreement],
    scen_agreements: &[Agreement],
    only: Option<&str>,
) -> Comparison {
    let b = payout_rows(base, base_agreements);
    let s = payout_rows(scen, scen_agreements);
    let mut keys: Vec<(String, String)> = Vec::new();
    // Agreement id, then party file order, as in run.
    for ag in scen_agreements.iter().chain(base_agreements) {
        if only.is_some_and(|o| o != ag.id) {
            continue;
        }
        for p in &ag.parties {
            let k = (ag.id.clone(), p.id.clone());
            let present = |rows: &[crate::report::rows::PayoutRow]| {
                rows.iter().any(|r| r.agreement == k.0 && r.party == k.1)
            };
            if !keys.contains(&k) && (present(&b) || present(&s)) {
                keys.push(k);
            }
        }
    }
    keys.sort_by(|x, y| x.0.cmp(&y.0));
    let rows = keys
        .into_iter()
        .map(|(a, p)| {
            let find = |rows: &[crate::report::rows::PayoutRow]| {
                rows.iter()
                    .find(|r| r.agreement == a && r.party == p)
                    .cloned()
            };
            let (rb, rs) = (find(&b), find(&s));
            let side = |r: &Option<crate::report::rows::PayoutRow>| Side {
                earned: r.as_ref().map(|r| r.earned).unwrap_or_default(),
                payable: r.as_ref().map(|r| r.payable).unwrap_or_default(),
                paid: r.as_ref().map(|r| r.paid).unwrap_or_default(),
            };
            let (sb, ss) = (side(&rb), side(&rs));
            let mb = rb
                .as_ref()
                .map(|r| r.milestones.clone())
                .unwrap_or_default();
            let unlocks = rs
                .as_ref()
                .map(|r| {
                    r.milestones
                        .iter()
                        .filter(|m| !mb.contains(m))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let currency = rs
                .as_ref()
                .or(rb.as_ref())
                .map(|r| r.currency.to_string())
                .unwrap_or_default();
            Row {
                agreement: a,
                party: p,
                currency,
                delta_earned: ss.earned - sb.earned,
                delta_payable: ss.payable - sb.payable,
                baseline: sb,
                scenario: ss,
                unlocks,
            }
        })
        .collect();
    Comparison {
        period: scen.period,
        rows,
    }
}

fn signed(m: Money) -> String {
    if m.is_positive() {
        format!("+{m}")
    } else {
        m.to_string()
    }
}

pub fn table(c: &Comparison, describe: &str) -> String {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(vec![
            "agreement",
            "party",
            "earned (baseline)",
            "earned (scenario)",
            "delta",
            "payable (baseline)",
            "payable (scenario)",
            "delta",
            "unlocks",
        ]);
    for i in 2..8 {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    for r in &c.rows {
        t.add_row(vec![
            r.agreement.clone(),
            r.party.clone(),
            format!("{} {}", r.baseline.earned, r.currency),
            r.scenario.earned.to_string(),
            signed(r.delta_earned),
            r.baseline.payable.to_string(),
            r.scenario.payable.to_string(),
            signed(r.delta_payable),
            r.unlocks.join(", "),
        ]);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "What if, {}: {describe} (the ledger is not touched)",
        c.period
    );
    let _ = writeln!(out, "{t}");
    out
}

pub fn json(c: &Comparison) -> String {
    crate::report::explain::json(c)
}
