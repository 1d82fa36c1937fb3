//! `credits`: the attribution sheet (docs/commands.md): who did what on
//! which track, with the time they invested, what they delivered and their
//! share.
//!
//! Rows: agreements in id order, then tracks and parties in file order (the
//! order the agreement's author chose). The share is the party's rate per
//! source as text ("streaming 4% + 1% (four-million-streams), sync 10%")
//! under the terms in force at the end of the period: the amended terms
//! when an amendment is in force, plus the increments of the milestones the
//! engine found in force. Without a period: the original terms.

use crate::agreement::Agreement;
use crate::engine::PeriodResult;
use jiff::civil::Date;
use serde::Serialize;

/// One row of the sheet. In JSON `hours` is a number and `deliverables` a
/// list; CSV and the table write them as text.
#[derive(Clone, Debug, Serialize)]
pub struct CreditRow {
    pub agreement: String,
    pub track: String,
    pub isrc: String,
    pub party: String,
    pub name: String,
    pub role: String,
    pub hours: Option<serde_json::Number>,
    pub deliverables: Vec<String>,
    pub share: String,
    /// The milestones in force at the period end that raise this party's
    /// rates or gave it perks.
    pub milestones: Vec<String>,
}

pub const COLUMNS: [&str; 9] = [
    "agreement",
    "track",
    "isrc",
    "party",
    "name",
    "role",
    "hours",
    "deliverables",
    "share",
];

/// The share of party `pi` under terms `t`, source by source.
pub fn share_text(a: &Agreement, t: usize, pi: usize) -> String {
    share_with(a, t, pi, &[])
}

/// The share of party `pi` under terms `t` plus the increments of the
/// milestones `in_force` (indices into the agreement's milestones).
fn share_with(a: &Agreement, t: usize, pi: usize, in_force: &[usize]) -> String {
    crate::codes::Source::ALL
        .iter()
        .filter_map(|s| {
            let base = a.terms[t]
                .rate(pi, *s)
                .map(|r| super::origin::rate_text(&r));
            let incs: Vec<String> = in_force
                .iter()
                .flat_map(|&mi| {
                    let m = &a.milestones[mi];
                    m.escalate
                        .iter()
                        .filter(move |(p, src, _)| *p == pi && src == s)
                        .map(move |(_, _, inc)| format!("+ {inc} ({})", m.id))
                })
                .collect();
            if base.is_none() && incs.is_empty() {
                return None;
            }
            let mut parts = vec![base.unwrap_or_else(|| "0%".into())];
            parts.extend(incs);
            Some(format!("{} {}", s.name(), parts.join(" ")))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sheet under the terms in force on `on` (the period's last day), with
/// the milestones the engine's `result` found in force for that period.
pub fn rows(
    agreements: &[Agreement],
    on: Option<Date>,
    result: Option<&PeriodResult>,
) -> Vec<CreditRow> {
    let mut order: Vec<(usize, &Agreement)> = agreements.iter().enumerate().collect();
    order.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let mut out = Vec::new();
    for (ai, a) in order {
        let t = on.map_or(0, |d| a.terms_on(d));
        let in_force: Vec<usize> = result
            .and_then(|r| r.agreement(ai))
            .map(|ar| {
                ar.milestones
                    .iter()
                    .enumerate()
                    .filter(|(_, st)| st.in_force())
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default();
        for track in &a.tracks {
            for (pi, p) in a.parties.iter().enumerate() {
                out.push(CreditRow {
                    agreement: a.id.clone(),
                    track: track.title.clone(),
                    isrc: track.isrc.to_string(),
                    party: p.id.clone(),
                    name: p.name.clone(),
                    role: p.role.clone(),
                    hours: p.hours.and_then(|h| h.normalize().to_string().parse().ok()),
                    deliverables: p.deliverables.clone(),
                    share: share_with(a, t, pi, &in_force),
                    milestones: in_force
                        .iter()
                        .filter(|&&mi| a.milestones[mi].concerns(pi))
                        .map(|&mi| a.milestones[mi].id.clone())
                        .collect(),
                });
            }
        }
    }
    out
}

fn cells(r: &CreditRow) -> [String; 9] {
    [
        r.agreement.clone(),
        r.track.clone(),
        r.isrc.clone(),
        r.party.clone(),
        r.name.clone(),
        r.role.clone(),
        r.hours.as_ref().map(|h| h.to_string()).unwrap_or_default(),
        r.deliverables.join("; "),
        r.share.clone(),
    ]
}

pub fn csv(rows: &[CreditRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory write");
    for r in rows {
        super::safe::csv_record(&mut w, cells(r));
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("UTF-8 in, UTF-8 out")
}

/// `royalty.credits/1`: the period the terms are those of (null: the
/// original terms) and the rows. Before the schema it was a bare array of
/// the rows; the rows are unchanged (docs/schema.md, "Changes").
pub fn json(
    period: Option<crate::period::Period>,
    rows: &[CreditRow],
    problems: &[crate::diag::Problem],
) -> String {
    #[derive(Serialize)]
    struct Credits<'a> {
        period: Option<crate::period::Period>,
        credits: &'a [CreditRow],
    }
    crate::report::document::render(
        "credits",
        &Credits {
            period,
            credits: rows,
        },
        problems,
    )
}

pub fn table(rows: &[CreditRow]) -> String {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(COLUMNS.to_vec());
    for r in rows {
        t.add_row(cells(r).to_vec());
    }
    format!("{t}\n")
}
