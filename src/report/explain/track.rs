//! `explain --track`: a track's trace from the engine's per-track
//! attribution (every party's lines on it, their totals) and the result's
//! set-aside buckets (its unmatched or out-of-term lines).

use super::{columns, EarningTrace};
use crate::agreement::Agreement;
use crate::codes::{Currency, Isrc, Source};
use crate::engine::attribution::TrackLine;
use crate::engine::PeriodResult;
use crate::exact::Exact;
use crate::period::Period;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One party's earnings on a track under one origin, source and currency.
#[derive(Serialize)]
pub struct TrackShare {
    pub agreement: String,
    pub party: String,
    pub terms: String,
    pub source: Source,
    pub currency: Currency,
    /// The track's net receipts in `currency`, exact.
    pub amount: Exact,
    /// Converted into the agreement currency at the period-end rate.
    pub base: Exact,
    pub agreement_currency: Currency,
    pub units: i64,
    pub rate: String,
    pub fraction: Exact,
    pub earnings: Exact,
}

/// A track's lines the engine set aside, per currency.
#[derive(Serialize)]
pub struct SetAsideTrace {
    /// `unmatched` (no agreement lists the ISRC) or `out_of_term`.
    pub status: &'static str,
    pub currency: Currency,
    pub lines: u64,
    pub units: i64,
    pub amount: Exact,
}

#[derive(Serialize)]
pub struct TrackTrace {
    pub period: Period,
    pub isrc: Isrc,
    pub title: Option<String>,
    pub agreements: Vec<String>,
    /// Every party's earnings on the track, from the engine's attribution.
    pub shares: Vec<TrackShare>,
    /// Per party: the exact total of its shares on this track.
    pub totals: Vec<PartyTotal>,
    pub set_aside: Vec<SetAsideTrace>,
}

#[derive(Serialize)]
pub struct PartyTotal {
    pub agreement: String,
    pub party: String,
    pub currency: Currency,
    pub earnings: Exact,
}

/// A track's trace from the engine's per-track attribution (`lines`, for
/// this ISRC) and the result's set-aside buckets.
pub fn track_trace(
    r: &PeriodResult,
    agreements: &[Agreement],
    lines: &[TrackLine],
    isrc: Isrc,
) -> TrackTrace {
    let listing: Vec<usize> = agreements
        .iter()
        .enumerate()
        .filter(|(_, a)| a.tracks.iter().any(|t| t.isrc == isrc))
        .map(|(i, _)| i)
        .collect();
    let mut shares = Vec::new();
    let mut totals: BTreeMap<(usize, usize), Exact> = BTreeMap::new();
    for tl in lines.iter().filter(|l| l.line.track == Some(isrc)) {
        let a = &agreements[tl.agreement];
        let Some(ar) = r.agreement(tl.agreement) else {
            continue;
        };
        let e = EarningTrace::of(a, ar, &tl.line);
        *totals.entry((tl.agreement, tl.party)).or_default() += &tl.line.exact;
        shares.push(TrackShare {
            agreement: a.id.clone(),
            party: a.parties[tl.party].id.clone(),
            terms: e.terms,
            source: e.source,
            currency: e.currency,
            amount: tl.line.amount.clone(),
            base: e.base,
            agreement_currency: a.currency,
            units: e.units,
            rate: e.rate,
            fraction: e.fraction,
            earnings: e.earnings,
        });
    }
    let mut set_aside = Vec::new();
    for (status, b) in [("unmatched", &r.unmatched), ("out_of_term", &r.out_of_term)] {
        for (c, s) in b.by_isrc.get(&isrc).into_iter().flatten() {
            set_aside.push(SetAsideTrace {
                status,
                currency: *c,
                lines: s.lines,
                units: s.units,
                amount: Exact::dec(s.amount),
            });
        }
    }
    TrackTrace {
        period: r.period,
        isrc,
        title: listing.first().and_then(|&i| {
            agreements[i]
                .tracks
                .iter()
                .find(|t| t.isrc == isrc)
                .map(|t| t.title.clone())
        }),
        agreements: listing.iter().map(|&i| agreements[i].id.clone()).collect(),
        shares,
        totals: totals
            .into_iter()
            .map(|((ai, pi), earnings)| PartyTotal {
                agreement: agreements[ai].id.clone(),
                party: agreements[ai].parties[pi].id.clone(),
                currency: agreements[ai].currency,
                earnings,
            })
            .collect(),
        set_aside,
    }
}

pub fn track_text(t: &TrackTrace) -> String {
    let mut out = String::new();
    let title = t.title.as_deref().unwrap_or("no agreement lists this ISRC");
    let _ = writeln!(out, "{} ({title}), {}", t.isrc, t.period);
    if !t.agreements.is_empty() {
        let _ = writeln!(out, "Listed by: {}", t.agreements.join(", "));
    }
    if t.shares.is_empty() && t.set_aside.is_empty() {
        let _ = writeln!(out, "\nNo statement line of this period names this ISRC.");
        return out;
    }
    if !t.shares.is_empty() {
        let _ = writeln!(
            out,
            "\nEarnings on this track (the engine's attribution, exact)"
        );
        let mut rows = vec![vec![
            "party".into(),
            "terms".into(),
            "source".into(),
            "from".into(),
            "receipts".into(),
            "base".into(),
            "units".into(),
            "rate".into(),
            "fraction".into(),
            "earnings".into(),
        ]];
        for s in &t.shares {
            rows.push(vec![
                format!("{}/{}", s.agreement, s.party),
                s.terms.clone(),
                s.source.name().into(),
                s.currency.to_string(),
                s.amount.to_string(),
                format!("{} {}", s.base, s.agreement_currency),
                s.units.to_string(),
                s.rate.clone(),
                crate::report::origin::fraction_text(&s.fraction),
                s.earnings.to_string(),
            ]);
        }
        out.push_str(&columns(&rows, 4));
        let _ = writeln!(out, "\nPer party on this track");
        let rows: Vec<Vec<String>> = t
            .totals
            .iter()
            .map(|p| {
                vec![
                    format!("{}/{}", p.agreement, p.party),
                    format!("{} {}", p.earnings, p.currency),
                ]
            })
            .collect();
        out.push_str(&columns(&rows, 1));
    }
    for s in &t.set_aside {
        let why = match s.status {
            "unmatched" => {
                "unmatched: no agreement lists this ISRC; not paid, reported by run and reconcile"
            }
            _ => "out of term: its usage date is outside every listing agreement's term; not paid",
        };
        let _ = writeln!(
            out,
            "\n{} lines, {} units, {} {}: {why}",
            s.lines, s.units, s.amount, s.currency
        );
    }
    out
}
