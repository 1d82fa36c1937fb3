//! What-if sweeps (docs/commands.md, `whatif`): one flag swept over a range
//! (`--streams 0..20M/1M`), each point priced by the real engine from the
//! same opening state, one row per point and party. Rendered as a table,
//! CSV, JSON, or an SVG chart of each party's earnings and the label's
//! share against the swept value, with the first point at which each
//! milestone is in force and each advance is recouped marked.
//!
//! Everything here is read from the engine's result at each point
//! (`Point::of`): the sweep decides nothing about milestones or
//! recoupment, it only notes where the engine's answer changes.

use super::rows::payout_rows;
use super::svg::chart;
use super::whatif::{label_side, LabelSide};
use crate::agreement::Agreement;
use crate::engine::PeriodResult;
use crate::money::Money;
use crate::period::Period;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write;

#[derive(Clone, Debug, Serialize)]
pub struct SweepRow {
    pub agreement: String,
    pub party: String,
    pub currency: String,
    pub earned: Money,
    pub bonus: Money,
    pub recouped: Money,
    pub unrecouped: Money,
    pub payable: Money,
    pub paid: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct AgreementPoint {
    pub agreement: String,
    pub currency: String,
    #[serde(flatten)]
    pub label: LabelSide,
}

#[derive(Clone, Debug, Serialize)]
pub struct Point {
    /// The swept flag's value (units, or an amount for `--sync`).
    pub value: Decimal,
    pub rows: Vec<SweepRow>,
    pub agreements: Vec<AgreementPoint>,
    /// (agreement, milestone) in force at this point.
    #[serde(skip)]
    in_force: BTreeSet<(String, String)>,
    /// (agreement, advance, party) with nothing left to recoup.
    #[serde(skip)]
    recouped: BTreeSet<(String, String, String)>,
}

impl Point {
    /// The engine's result at one value of the swept flag.
    pub fn of(
        value: Decimal,
        r: &PeriodResult,
        agreements: &[Agreement],
        only: Option<&str>,
    ) -> Point {
        let keep = |id: &str| only.is_none_or(|o| o == id);
        let rows = payout_rows(r, agreements)
            .into_iter()
            .filter(|x| keep(&x.agreement))
            .map(|x| SweepRow {
                agreement: x.agreement.clone(),
                party: x.party.clone(),
                currency: x.currency.to_string(),
                earned: x.earned,
                bonus: x.bonus,
                recouped: x.recouped,
                unrecouped: x.unrecouped,
                payable: x.payable,
                paid: x.paid,
            })
            .collect();
        let mut in_force = BTreeSet::new();
        let mut recouped = BTreeSet::new();
        let mut ags = Vec::new();
        for a in r.agreements.iter().filter(|a| keep(&a.id)) {
            ags.push(AgreementPoint {
                agreement: a.id.clone(),
                currency: a.currency.to_string(),
                label: label_side(r, &a.id),
            });
            for m in a.milestones.iter().filter(|m| m.in_force()) {
                in_force.insert((a.id.clone(), m.id.clone()));
            }
            let ag = &agreements[a.index];
            for adv in a
                .advances
                .iter()
                .filter(|x| x.remaining.is_zero() && !x.amount.is_zero())
            {
                recouped.insert((
                    a.id.clone(),
                    adv.id.clone(),
                    ag.parties[adv.party].id.clone(),
                ));
            }
        }
        Point {
            value,
            rows,
            agreements: ags,
            in_force,
            recouped,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Marker {
    /// `milestone` (first point in force) or `recouped` (first point an
    /// advance has nothing left to recoup).
    pub kind: &'static str,
    pub agreement: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The first swept value at which it holds (to the step's resolution).
    pub at: Decimal,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sweep {
    pub period: Period,
    /// The swept flag: streams, downloads, physical or sync.
    pub swept: String,
    pub points: Vec<Point>,
    pub markers: Vec<Marker>,
}

impl Sweep {
    /// Marks the first point at which each milestone is in force and each
    /// advance has nothing left to recoup.
    pub fn new(period: Period, swept: &str, points: Vec<Point>) -> Sweep {
        let mut markers: Vec<Marker> = Vec::new();
        for p in &points {
            for (a, m) in &p.in_force {
                if !markers
                    .iter()
                    .any(|x| x.kind == "milestone" && &x.agreement == a && &x.id == m)
                {
                    markers.push(Marker {
                        kind: "milestone",
                        agreement: a.clone(),
                        id: m.clone(),
                        party: None,
                        at: p.value,
                    });
                }
            }
            for (a, adv, party) in &p.recouped {
                if !markers
                    .iter()
                    .any(|x| x.kind == "recouped" && &x.agreement == a && &x.id == adv)
                {
                    markers.push(Marker {
                        kind: "recouped",
                        agreement: a.clone(),
                        id: adv.clone(),
                        party: Some(party.clone()),
                        at: p.value,
                    });
                }
            }
        }
        Sweep {
            period,
            swept: swept.to_string(),
            points,
            markers,
        }
    }
}

fn short(d: Decimal) -> String {
    chart::short(d)
}

pub fn table(s: &Sweep, describe: &str) -> String {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(vec![
            s.swept.as_str(),
            "agreement",
            "party",
            "earned",
            "bonus",
            "recouped",
            "unrecouped",
            "payable",
            "label retained",
        ]);
    for i in [0, 3, 4, 5, 6, 7, 8] {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    for p in &s.points {
        for r in &p.rows {
            let label = p.agreements.iter().find(|a| a.agreement == r.agreement);
            t.add_row(vec![
                short(p.value),
                r.agreement.clone(),
                r.party.clone(),
                format!("{} {}", r.earned, r.currency),
                r.bonus.to_string(),
                r.recouped.to_string(),
                r.unrecouped.to_string(),
                r.payable.to_string(),
                label
                    .map(|a| a.label.label_retained.to_string())
                    .unwrap_or_default(),
            ]);
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "What if, {}: {describe}, swept over {} points (the ledger is not touched)",
        s.period,
        s.points.len()
    );
    let _ = writeln!(out, "{t}");
    for m in &s.markers {
        let _ = writeln!(out, "{}", marker_text(m, &s.swept));
    }
    out
}

fn marker_text(m: &Marker, swept: &str) -> String {
    match m.kind {
        "milestone" => format!(
            "  {}: milestone `{}` in force from {} {swept}",
            m.agreement,
            m.id,
            short(m.at)
        ),
        _ => format!(
            "  {}: advance `{}` of {} recouped from {} {swept}",
            m.agreement,
            m.id,
            m.party.clone().unwrap_or_default(),
            short(m.at)
        ),
    }
}

pub const CSV_COLUMNS: [&str; 13] = [
    "value",
    "agreement",
    "party",
    "currency",
    "earned",
    "bonus",
    "recouped",
    "unrecouped",
    "payable",
    "paid",
    "revenue",
    "label_retained",
    "label_bonuses",
];

/// One row per point and party; the agreement's revenue and what the
/// label keeps repeated on each of its rows. `value` is the swept flag's.
pub fn csv(s: &Sweep) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
    header[0] = s.swept.clone();
    w.write_record(&header).expect("in-memory write");
    for p in &s.points {
        for r in &p.rows {
            let label = p.agreements.iter().find(|a| a.agreement == r.agreement);
            let l = |f: fn(&LabelSide) -> Money| {
                label
                    .map(|a| f(&a.label).cents_string())
                    .unwrap_or_default()
            };
            crate::report::safe::csv_record(
                &mut w,
                [
                    p.value.normalize().to_string(),
                    r.agreement.clone(),
                    r.party.clone(),
                    r.currency.clone(),
                    r.earned.cents_string(),
                    r.bonus.cents_string(),
                    r.recouped.cents_string(),
                    r.unrecouped.cents_string(),
                    r.payable.cents_string(),
                    r.paid.cents_string(),
                    l(|x| x.revenue),
                    l(|x| x.label_retained),
                    l(|x| x.bonuses),
                ],
            );
        }
    }
    String::from_utf8(w.into_inner().expect("in-memory write")).expect("UTF-8 in, UTF-8 out")
}

/// `royalty.whatif-sweep/1` (docs/schema/whatif-sweep.json).
pub fn json(s: &Sweep, problems: &[crate::diag::Problem]) -> String {
    crate::report::document::render("whatif-sweep", s, problems)
}

/// The chart: each party's earnings (with its bonuses) and the label's
/// share (retained less bonuses) against the swept value.
pub fn svg(s: &Sweep, title: &str) -> String {
    let xs: Vec<Decimal> = s.points.iter().map(|p| p.value).collect();
    let mut keys: Vec<(String, String)> = Vec::new();
    for p in &s.points {
        for r in &p.rows {
            let k = (r.agreement.clone(), r.party.clone());
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let many = s.points.first().is_some_and(|p| p.agreements.len() > 1);
    let name = |a: &str, p: &str| {
        if many {
            format!("{a}/{p}")
        } else {
            p.to_string()
        }
    };
    let mut series: Vec<(String, Vec<Decimal>)> = keys
        .iter()
        .map(|(a, party)| {
            let ys = s
                .points
                .iter()
                .map(|p| {
                    p.rows
                        .iter()
                        .find(|r| &r.agreement == a && &r.party == party)
                        .map(|r| (r.earned + r.bonus).0)
                        .unwrap_or_default()
                })
                .collect();
            (format!("{} earnings", name(a, party)), ys)
        })
        .collect();
    let ags: Vec<(String, String)> = s
        .points
        .first()
        .map(|p| {
            p.agreements
                .iter()
                .map(|a| (a.agreement.clone(), a.currency.clone()))
                .collect()
        })
        .unwrap_or_default();
    for (a, _) in &ags {
        let ys = s
            .points
            .iter()
            .map(|p| {
                p.agreements
                    .iter()
                    .find(|x| &x.agreement == a)
                    .map(|x| (x.label.label_retained - x.label.bonuses).0)
                    .unwrap_or_default()
            })
            .collect();
        series.push((
            if many {
                format!("{a} label share")
            } else {
                "label share".into()
            },
            ys,
        ));
    }
    let markers: Vec<(Decimal, String)> = s
        .markers
        .iter()
        .map(|m| {
            let what = match m.kind {
                "milestone" => m.id.clone(),
                _ => format!("{} recouped", m.id),
            };
            (
                m.at,
                if many {
                    format!("{}: {what}", m.agreement)
                } else {
                    what
                },
            )
        })
        .collect();
    let currencies: BTreeSet<&str> = ags.iter().map(|(_, c)| c.as_str()).collect();
    let unit = currencies.into_iter().collect::<Vec<_>>().join(", ");
    chart::lines(&chart::Lines {
        title,
        x_label: &s.swept,
        y_label: &format!("per period, {unit}"),
        xs: &xs,
        series: &series,
        markers: &markers,
    })
}
