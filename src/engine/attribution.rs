//! Per-track attribution, on demand: what each party earned on each track.
//!
//! The period's result prices each agreement's revenue per (terms, source,
//! currency); the documents that show tracks (`explain --track`, the
//! statements) ask for this finer view. It matches with the same
//! `match_key` and prices with the same `Pricing::earn`, from the exchange
//! rates and milestone standings of the period's result, so nothing is
//! decided twice. Cost: one pass over the revenue sums, then one pricing
//! per (track, terms, source, currency) group: O(tracks x parties).
//!
//! A retroactive milestone's catch-up is earned on earlier periods'
//! revenue, not on any track of this one: it stays out of the tracks. For a
//! whole agreement, the tracks' lines plus its catch-ups add up exactly to
//! each party's earnings, and this is checked.

use super::pricing::{Group, Pricing};
use super::result::{EarningLine, Origin, PeriodResult};
use super::GroupKey;
use crate::agreement::Agreement;
use crate::codes::Isrc;
use crate::diag::{Error, Result};
use crate::exact::Exact;
use crate::statement::{Key, Sums};
use std::collections::BTreeMap;

/// One party's earnings on one track, under one origin, source and currency.
#[derive(Clone, Debug)]
pub struct TrackLine {
    /// Index of the agreement in the agreements given to the engine.
    pub agreement: usize,
    pub party: usize,
    pub line: EarningLine,
}

/// Per agreement, a track's matched revenue of one group (terms, source,
/// currency, prior usage month, release share).
type TrackGroups = BTreeMap<usize, BTreeMap<(Isrc, GroupKey), Sums>>;

/// Which tracks to attribute: a whole agreement's are checked to add up to
/// its parties' earnings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every agreement's tracks (every statement of the period).
    All,
    /// One agreement's tracks (one party's statement): by its index.
    Agreement(usize),
    /// One track, whatever agreement has it (`explain --track`).
    Track(Isrc),
}

/// Attributes the period's matched revenue to tracks, in `scope`. Lines
/// come in agreement, party, track order (`of_party` finds one party's
/// lines by bisection).
pub fn tracks(
    agreements: &[Agreement],
    revenue: &[(Key, Sums)],
    result: &PeriodResult,
    scope: Scope,
) -> Result<Vec<TrackLine>> {
    let by_isrc = super::isrc_index(agreements);
    let mut groups = TrackGroups::new();
    for (key, sums) in revenue {
        if matches!(scope, Scope::Track(i) if i != key.isrc) {
            continue;
        }
        if let Ok((ai, t)) = super::match_key(agreements, &by_isrc, key) {
            if matches!(scope, Scope::Agreement(x) if x != ai) {
                continue;
            }
            let k = GroupKey::new(t, key.source, key.currency, key.usage, result.period);
            add(&mut groups, ai, key.isrc, k, sums)?;
        }
    }
    // Release revenue: each listed track gets 1/tracks of the release's
    // rows, as the engine apportioned them (step 1b).
    for o in &result.releases {
        for c in &o.claims {
            if matches!(scope, Scope::Agreement(x) if x != c.agreement) {
                continue;
            }
            for isrc in &c.tracks {
                if matches!(scope, Scope::Track(i) if i != *isrc) {
                    continue;
                }
                let mut k = GroupKey::new(
                    c.terms,
                    o.key.source,
                    o.key.currency,
                    o.key.usage,
                    result.period,
                );
                k.release = Some(super::ReleaseShare {
                    listed: 1,
                    ..c.share
                });
                add(&mut groups, c.agreement, *isrc, k, &o.sums)?;
            }
        }
    }
    let mut out = Vec::new();
    for ar in &result.agreements {
        if matches!(scope, Scope::Agreement(x) if x != ar.index) {
            continue;
        }
        let a = &agreements[ar.index];
        let pricing = Pricing::new(
            a,
            ar.conversions
                .iter()
                .map(|c| (c.currency, c.rate.clone()))
                .collect(),
            &ar.milestones,
        );
        let mut lines: Vec<TrackLine> = Vec::new();
        let none = BTreeMap::new();
        for ((isrc, k), sums) in groups.get(&ar.index).unwrap_or(&none) {
            lines.extend(
                pricing
                    .earn(&Group {
                        terms: k.terms,
                        source: k.source,
                        currency: k.currency,
                        track: Some(*isrc),
                        amount: k.amount(sums),
                        units: sums.units,
                        prior: k.prior,
                        release: k.release,
                    })
                    .into_iter()
                    .map(|(party, line)| TrackLine {
                        agreement: ar.index,
                        party,
                        line,
                    }),
            );
        }
        if !matches!(scope, Scope::Track(_)) {
            check(ar, &lines)?;
        }
        lines.sort_by(|x, y| {
            (
                x.party,
                x.line.track,
                &x.line.origin,
                x.line.source,
                x.line.currency,
                x.line.prior,
                x.line.release,
            )
                .cmp(&(
                    y.party,
                    y.line.track,
                    &y.line.origin,
                    y.line.source,
                    y.line.currency,
                    y.line.prior,
                    y.line.release,
                ))
        });
        out.extend(lines);
    }
    Ok(out)
}

/// Adds a track's sums into its group, exactly.
fn add(groups: &mut TrackGroups, ai: usize, isrc: Isrc, k: GroupKey, sums: &Sums) -> Result<()> {
    let g = groups.entry(ai).or_default().entry((isrc, k)).or_default();
    if super::add_exactly(g, sums) {
        Ok(())
    } else {
        Err(Error::Invariant(format!(
            "{isrc}: a track's sums past 28 digits where the agreement's fit"
        )))
    }
}

/// One party's lines in the output of `tracks` (sorted by agreement and
/// party), without scanning the others.
pub fn of_party(lines: &[TrackLine], agreement: usize, party: usize) -> &[TrackLine] {
    let start = lines.partition_point(|l| (l.agreement, l.party) < (agreement, party));
    let end = lines.partition_point(|l| (l.agreement, l.party) <= (agreement, party));
    &lines[start..end]
}

/// The tracks of a whole agreement add up to each party's exact earnings
/// (less the catch-ups, which belong to no track of the period).
fn check(ar: &super::AgreementResult, lines: &[TrackLine]) -> Result<()> {
    for p in &ar.parties {
        let tracks: Exact = lines
            .iter()
            .filter(|l| l.party == p.index)
            .map(|l| &l.line.exact)
            .sum();
        let catch_up: Exact = p
            .lines
            .iter()
            .filter(|l| matches!(l.origin, Origin::CatchUp { .. }))
            .map(|l| &l.exact)
            .sum();
        if tracks + catch_up != p.earned_exact {
            return Err(Error::Invariant(format!(
                "{}/{}: the tracks' earnings do not add up to {}",
                ar.id, p.id, p.earned_exact
            )));
        }
    }
    Ok(())
}
