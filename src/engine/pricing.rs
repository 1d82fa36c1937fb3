//! Steps 2 to 4 of docs/arithmetic.md for one group of revenue: convert it,
//! apply every party's base rate under the terms in force, and every
//! milestone increment in force on its fraction of the period.
//!
//! One function (`Pricing::earn`) prices any group, whether it is all of an
//! agreement's revenue of one source, terms and currency (the period's
//! result) or one track's (`attribution::tracks`): the figures are exact
//! rationals and the arithmetic is linear, so a track's lines add up to the
//! agreement's exactly. No report prices anything.

use super::milestone::Standing;
use super::result::{EarningLine, Origin};
use crate::agreement::{Agreement, RateTerm};
use crate::codes::{Currency, Isrc, Source};
use crate::exact::Exact;
use crate::money::Rate;
use std::collections::BTreeMap;

/// The exact value of a rate on a base (agreement currency) and units.
pub fn apply(rate: &RateTerm, base: &Exact, units: i64) -> Exact {
    match *rate {
        RateTerm::Share { num, den } => base * &Exact::ratio(num, den),
        RateTerm::PerUnit(per) => Exact::int(units) * Exact::dec(per),
    }
}

/// A rate as a share of net receipts, exact (`None` for a per-unit rate).
pub fn share(rate: &RateTerm) -> Option<Exact> {
    match *rate {
        RateTerm::Share { num, den } => Some(Exact::ratio(num, den)),
        RateTerm::PerUnit(_) => None,
    }
}

/// An increment (`"+1%"`, `"+0.02/unit"`) as a rate term.
pub fn increment(inc: Rate) -> RateTerm {
    match inc {
        Rate::Share(x) => RateTerm::Share {
            num: x,
            den: rust_decimal::Decimal::ONE,
        },
        Rate::PerUnit(x) => RateTerm::PerUnit(x),
    }
}

/// A rate with its exact share (`None` for a per-unit rate).
type Priced = Option<(RateTerm, Option<Exact>)>;

/// What prices one agreement's revenue this period: its terms, the
/// period-end exchange rates and the milestones' standings, with every
/// share made exact once (a group then costs one product per party).
pub struct Pricing<'a> {
    pub agreement: &'a Agreement,
    /// 1 unit of the currency = rate agreement currency.
    pub fx: BTreeMap<Currency, Exact>,
    pub standings: &'a [Standing],
    /// Per terms, party and source: the rate and its exact share.
    shares: Vec<Vec<[Priced; 9]>>,
    /// Per milestone in force: (party, source, increment, its exact share
    /// times the milestone's fraction).
    increments: Vec<(usize, usize, Source, RateTerm, Option<Exact>)>,
}

impl<'a> Pricing<'a> {
    pub fn new(
        agreement: &'a Agreement,
        fx: BTreeMap<Currency, Exact>,
        standings: &'a [Standing],
    ) -> Self {
        let shares = agreement
            .terms
            .iter()
            .map(|t| {
                t.rates
                    .iter()
                    .map(|row| row.map(|r| r.map(|r| (r, share(&r)))))
                    .collect()
            })
            .collect();
        let mut increments = Vec::new();
        for (mi, (m, st)) in agreement.milestones.iter().zip(standings).enumerate() {
            if !st.in_force() {
                continue;
            }
            for &(pi, source, inc) in &m.escalate {
                let rate = increment(inc);
                let scaled = share(&rate).map(|x| x * &st.fraction);
                increments.push((mi, pi, source, rate, scaled));
            }
        }
        Pricing {
            agreement,
            fx,
            standings,
            shares,
            increments,
        }
    }
}

/// A group of revenue to price: all of it shares terms, source and currency.
pub struct Group {
    pub terms: usize,
    pub source: Source,
    pub currency: Currency,
    pub track: Option<Isrc>,
    /// Net receipts in `currency`, exact (for a release's share, the share).
    pub amount: Exact,
    /// Units (for a release's share, the release's: a per-unit rate is
    /// paid on the share of them).
    pub units: i64,
    pub prior: Option<crate::period::Usage>,
    pub release: Option<super::releases::ReleaseShare>,
}

impl Pricing<'_> {
    /// The group's earnings, party by party: (party index, line). Base rates
    /// first in party order, then the increments of each milestone in force.
    pub fn earn(&self, g: &Group) -> Vec<(usize, EarningLine)> {
        let rate = &self.fx[&g.currency];
        let base = if rate.is_one() {
            g.amount.clone()
        } else {
            &g.amount * rate
        };
        // A per-unit rate on a release's share is paid on the share of its
        // units (3 albums of 12 tracks: 3/12 of a unit per track).
        let per_unit = |rate: &RateTerm| {
            let x = apply(rate, &base, g.units);
            match g.release {
                Some(r) => x * r.fraction(),
                None => x,
            }
        };
        let line = |origin: Origin, rate: RateTerm, exact: Exact| EarningLine {
            origin,
            terms: g.terms,
            source: g.source,
            currency: g.currency,
            track: g.track,
            prior: g.prior,
            release: g.release,
            amount: g.amount.clone(),
            base: base.clone(),
            units: g.units,
            rate,
            exact,
        };
        let mut out = Vec::new();
        for (pi, row) in self.shares[g.terms].iter().enumerate() {
            if let Some((rate, share)) = &row[g.source.index()] {
                let exact = match share {
                    Some(s) => &base * s,
                    None => per_unit(rate),
                };
                out.push((pi, line(Origin::Base { terms: g.terms }, *rate, exact)));
            }
        }
        for (mi, pi, source, rate, scaled) in &self.increments {
            if *source != g.source {
                continue;
            }
            let fraction = self.standings[*mi].fraction.clone();
            let exact = match scaled {
                Some(s) => &base * s,
                None => per_unit(rate) * &fraction,
            };
            let origin = Origin::Increment {
                milestone: *mi,
                fraction,
            };
            out.push((*pi, line(origin, *rate, exact)));
        }
        out
    }

    /// A retroactive milestone's catch-up in the period it is first reached:
    /// the increment on the lifetime revenue (or units) of the escalated
    /// source before this period, from the ledger.
    pub fn catch_ups(
        &self,
        lifetime_revenue: &BTreeMap<Source, Exact>,
        lifetime_units: &BTreeMap<Source, i64>,
    ) -> Vec<(usize, EarningLine)> {
        let a = self.agreement;
        let mut out = Vec::new();
        for (mi, (m, st)) in a.milestones.iter().zip(self.standings).enumerate() {
            if !st.catch_up {
                continue;
            }
            for &(pi, source, inc) in &m.escalate {
                let rate = increment(inc);
                let base = lifetime_revenue.get(&source).cloned().unwrap_or_default();
                let units = lifetime_units.get(&source).copied().unwrap_or_default();
                let exact = apply(&rate, &base, units);
                if exact.is_zero() {
                    continue;
                }
                out.push((
                    pi,
                    EarningLine {
                        origin: Origin::CatchUp { milestone: mi },
                        terms: a.terms.len() - 1,
                        source,
                        currency: a.currency,
                        track: None,
                        prior: None,
                        release: None,
                        amount: base.clone(),
                        base,
                        units,
                        rate,
                        exact,
                    },
                ));
            }
        }
        out
    }
}
