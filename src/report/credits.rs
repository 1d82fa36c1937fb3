//! `credits`: the attribution sheet (SPEC 4): who did what on which track,
//! with the time they invested, what they delivered and their share.
//!
//! Rows: agreements in id order, then tracks and parties in file order (the
//! order the agreement's author chose). The share is the party's rate per
//! source as text ("streaming 4%, sync 10%") under the terms in force on a
//! given date: the period's last day when a period is known (so amended
//! splits show as amended), else the original terms.

use crate::agreement::Agreement;
use jiff::civil::Date;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct CreditRow {
    pub agreement: String,
    pub track: String,
    pub isrc: String,
    pub party: String,
    pub name: String,
    pub role: String,
    pub hours: String,
    pub deliverables: String,
    pub share: String,
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
    crate::codes::Source::ALL
        .iter()
        .filter_map(|s| {
            a.terms[t]
                .rate(pi, *s)
                .map(|r| format!("{} {}", s.name(), r.describe()))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn rows(agreements: &[Agreement], on: Option<Date>) -> Vec<CreditRow> {
    let mut order: Vec<&Agreement> = agreements.iter().collect();
    order.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = Vec::new();
    for a in order {
        let t = on.map_or(0, |d| a.terms_on(d));
        for track in &a.tracks {
            for (pi, p) in a.parties.iter().enumerate() {
                out.push(CreditRow {
                    agreement: a.id.clone(),
                    track: track.title.clone(),
                    isrc: track.isrc.to_string(),
                    party: p.id.clone(),
                    name: p.name.clone(),
                    role: p.role.clone(),
                    hours: p
                        .hours
                        .map(|h| h.normalize().to_string())
                        .unwrap_or_default(),
                    deliverables: p.deliverables.join("; "),
                    share: share_text(a, t, pi),
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
        r.hours.clone(),
        r.deliverables.clone(),
        r.share.clone(),
    ]
}

pub fn csv(rows: &[CreditRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory write");
    for r in rows {
        w.write_record(cells(r)).expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("UTF-8 in, UTF-8 out")
}

pub fn json(rows: &[CreditRow]) -> String {
    crate::report::explain::json(&rows)
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
