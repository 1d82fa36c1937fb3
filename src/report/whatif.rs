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
    /// Recouped against advances this period.
    pub recouped: Money,
    /// The party's advance balance after the period.
    pub unrecouped: Money,
    /// Milestone bonuses paid this period.
    pub bonus: Money,
}

/// An agreement's totals on one side: what the label keeps.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LabelSide {
    pub revenue: Money,
    /// Revenue less the parties' earnings (docs/arithmetic.md, step 5).
    pub label_retained: Money,
    /// Milestone bonuses the label pays beyond the split.
    pub bonuses: Money,
}

#[derive(Serialize)]
pub struct AgreementRow {
    pub agreement: String,
    pub currency: String,
    pub baseline: LabelSide,
    pub scenario: LabelSide,
}

/// The label's side of one agreement in a result (zeros when absent: a
/// draft not signed yet has no baseline).
pub fn label_side(r: &PeriodResult, id: &str) -> LabelSide {
    r.agreements
        .iter()
        .find(|a| a.id == id)
        .map(|a| LabelSide {
            revenue: a.revenue,
            label_retained: a.label_retained,
            bonuses: a.bonuses(),
        })
        .unwrap_or_default()
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
    /// Per agreement in scope: revenue and what the label keeps.
    pub agreements: Vec<AgreementRow>,
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
                recouped: r.as_ref().map(|r| r.recouped).unwrap_or_default(),
                unrecouped: r.as_ref().map(|r| r.unrecouped).unwrap_or_default(),
                bonus: r.as_ref().map(|r| r.bonus).unwrap_or_default(),
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
    let mut ids: Vec<(String, String)> = Vec::new();
    for ag in scen_agreements.iter().chain(base_agreements) {
        if only.is_none_or(|o| o == ag.id) && !ids.iter().any(|(i, _)| *i == ag.id) {
            ids.push((ag.id.clone(), ag.currency.to_string()));
        }
    }
    ids.sort();
    let agreements = ids
        .into_iter()
        .map(|(id, currency)| AgreementRow {
            baseline: label_side(base, &id),
            scenario: label_side(scen, &id),
            agreement: id,
            currency,
        })
        .collect();
    Comparison {
        period: scen.period,
        rows,
        agreements,
    }
}

fn signed(m: Money) -> String {
    if m.is_positive() {
        format!("+{m}")
    } else {
        m.to_string()
    }
}

/// "1251.31 -> 5695.52 (+4444.21)", or one figure when nothing changes.
fn change(b: Money, s: Money) -> String {
    if b == s {
        b.to_string()
    } else {
        format!("{b} → {s} ({})", signed(s - b))
    }
}

/// The per-party figures of the table, in column order; `bonus` only when
/// some row has one (most periods have none, as in `run`'s table).
fn party_cells(r: &Row, bonus: bool) -> Vec<(&'static str, String)> {
    let (b, s) = (&r.baseline, &r.scenario);
    let mut v = vec![
        (
            "earned",
            format!("{} {}", change(b.earned, s.earned), r.currency),
        ),
        ("recouped", change(b.recouped, s.recouped)),
        ("unrecouped after", change(b.unrecouped, s.unrecouped)),
    ];
    if bonus {
        v.push(("bonus", change(b.bonus, s.bonus)));
    }
    v.push(("payable", change(b.payable, s.payable)));
    v.push(("paid", change(b.paid, s.paid)));
    v.push(("unlocks", r.unlocks.join(", ")));
    v
}

/// The comparison for people: one row per party (baseline → scenario),
/// then the label's side. Wider than `width` (the terminal's, as for
/// `run`), each agreement's parties become columns with the figures down
/// the side.
pub fn table(c: &Comparison, describe: &str, width: Option<u16>) -> String {
    let bonus = c
        .rows
        .iter()
        .any(|r| !r.baseline.bonus.is_zero() || !r.scenario.bonus.is_zero());
    let names: Vec<&str> = c
        .rows
        .first()
        .map(|r| party_cells(r, bonus).iter().map(|x| x.0).collect())
        .unwrap_or_default();
    let mut header = vec!["agreement", "party"];
    header.extend(&names);
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(header);
    for i in 2..names.len() + 1 {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    for r in &c.rows {
        let mut v = vec![r.agreement.clone(), r.party.clone()];
        v.extend(party_cells(r, bonus).into_iter().map(|x| x.1));
        t.add_row(v);
    }
    let parties = match width {
        Some(w) if crate::report::table::width_of(&t) > usize::from(w) => {
            let mut out = String::new();
            let mut groups: Vec<(&str, &str, Vec<&Row>)> = Vec::new();
            for r in &c.rows {
                match groups.last_mut() {
                    Some((a, _, g)) if *a == r.agreement => g.push(r),
                    _ => groups.push((&r.agreement, &r.currency, vec![r])),
                }
            }
            for (a, currency, g) in groups {
                let columns: Vec<(String, Vec<String>)> = g
                    .iter()
                    .map(|r| {
                        let cells = party_cells(r, bonus).into_iter().map(|x| x.1);
                        (r.party.clone(), cells.collect())
                    })
                    .collect();
                let _ = writeln!(out, "{a} ({currency})");
                out.push_str(&crate::report::table::transposed(
                    &names,
                    &columns,
                    usize::from(w),
                ));
            }
            out
        }
        _ => format!("{t}\n"),
    };
    let mut l = comfy_table::Table::new();
    l.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(vec![
            "agreement",
            "revenue",
            "label retained",
            "bonuses paid",
        ]);
    if let Some(w) = width {
        l.set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
            .set_width(w);
    }
    for i in 1..4 {
        if let Some(col) = l.column_mut(i) {
            col.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    for a in &c.agreements {
        l.add_row(vec![
            a.agreement.clone(),
            format!(
                "{} {}",
                change(a.baseline.revenue, a.scenario.revenue),
                a.currency
            ),
            change(a.baseline.label_retained, a.scenario.label_retained),
            change(a.baseline.bonuses, a.scenario.bonuses),
        ]);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "What if, {}: {describe} (the ledger is not touched); baseline → scenario",
        c.period
    );
    out.push_str(&parties);
    let _ = writeln!(out, "The label\n{l}");
    out
}

/// `--format csv`: one row per party, baseline and scenario side by side.
pub fn csv(c: &Comparison) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["agreement".to_string(), "party".into(), "currency".into()];
    for side in ["baseline", "scenario"] {
        for f in [
            "earned",
            "recouped",
            "unrecouped",
            "bonus",
            "payable",
            "paid",
        ] {
            header.push(format!("{f}_{side}"));
        }
    }
    header.extend([
        "label_retained_baseline".into(),
        "label_retained_scenario".into(),
        "unlocks".into(),
    ]);
    w.write_record(&header).expect("in-memory write");
    for r in &c.rows {
        let mut v = vec![r.agreement.clone(), r.party.clone(), r.currency.clone()];
        for s in [&r.baseline, &r.scenario] {
            for m in [
                s.earned,
                s.recouped,
                s.unrecouped,
                s.bonus,
                s.payable,
                s.paid,
            ] {
                v.push(m.cents_string());
            }
        }
        let label = c.agreements.iter().find(|a| a.agreement == r.agreement);
        v.push(
            label
                .map(|a| a.baseline.label_retained.cents_string())
                .unwrap_or_default(),
        );
        v.push(
            label
                .map(|a| a.scenario.label_retained.cents_string())
                .unwrap_or_default(),
        );
        v.push(r.unlocks.join("; "));
        crate::report::safe::csv_record(&mut w, &v);
    }
    String::from_utf8(w.into_inner().expect("in-memory write")).expect("UTF-8 in, UTF-8 out")
}

pub fn json(c: &Comparison, problems: &[crate::diag::Problem]) -> String {
    crate::report::document::render("whatif", c, problems)
}
