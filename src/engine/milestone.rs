//! Milestones (docs/arithmetic.md, step 4): which escalations are in force this period,
//! and on what fraction of its revenue.
//!
//! `units` and `revenue` metrics are cumulative over the agreement's life:
//! C0 (the ledger's total before the period) plus U (this period's matched
//! lines of the metric's sources, each weighted).
//! - prospective: C0 >= threshold -> the whole period; C0 + U > threshold ->
//!   the fraction f = (C0 + U - threshold) / U; otherwise nothing;
//! - retroactive: C0 + U >= threshold -> the whole period, and in the period
//!   it is first reached a catch-up on all earlier revenue (the ledger's);
//! - event: an events-file line of the kind, on one of the agreement's
//!   tracks, dated on or before the period's end and meeting the condition,
//!   puts the milestone in force for that whole period and every later one.

use crate::agreement::{Agreement, Metric, Milestone, Mode};
use crate::codes::Source;
use crate::events::Event;
use crate::exact::Exact;
use crate::ledger::AgreementState;
use crate::period::Period;
use std::collections::BTreeMap;

/// A milestone's standing in one period.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    pub id: String,
    /// The share of this period's revenue on the escalated sources the
    /// increments apply to (0 = not in force, 1 = the whole period).
    pub fraction: Exact,
    /// Reached for the first time in this period.
    pub first_time: bool,
    /// Retroactive and first reached now: a catch-up on earlier revenue.
    pub catch_up: bool,
    /// For units and revenue: the total before and after this period.
    pub before: Exact,
    pub after: Exact,
    pub threshold: Exact,
    /// The period it was first reached in (from the ledger, or this one).
    pub reached_in: Option<String>,
    /// The event that reached it, for people.
    pub event: Option<String>,
}

impl Standing {
    pub fn in_force(&self) -> bool {
        self.fraction.is_positive()
    }
    /// What is still missing to reach a units or revenue milestone.
    pub fn to_go(&self) -> Option<Exact> {
        (self.after < self.threshold).then(|| &self.threshold - &self.after)
    }
}

fn metric_total(
    m: &Milestone,
    units: &BTreeMap<Source, i64>,
    revenue: &BTreeMap<Source, Exact>,
) -> Exact {
    m.sources
        .iter()
        .map(|s| {
            let v = match m.metric {
                Metric::Revenue => revenue.get(s).cloned().unwrap_or_default(),
                _ => Exact::int(units.get(s).copied().unwrap_or_default()),
            };
            v * Exact::dec(m.weight(*s))
        })
        .sum()
}

pub fn evaluate(
    a: &Agreement,
    opening: Option<&AgreementState>,
    units: &BTreeMap<Source, i64>,
    revenue: &BTreeMap<Source, Exact>,
    events: &[Event],
    period: Period,
) -> Vec<Standing> {
    let empty = AgreementState::default();
    let st = opening.unwrap_or(&empty);
    a.milestones
        .iter()
        .map(|m| {
            let recorded = st.milestones.get(&m.id).cloned();
            let mut s = Standing {
                id: m.id.clone(),
                fraction: Exact::zero(),
                first_time: false,
                catch_up: false,
                before: Exact::zero(),
                after: Exact::zero(),
                threshold: Exact::dec(m.threshold),
                reached_in: recorded.clone(),
                event: None,
            };
            match &m.metric {
                Metric::Event {
                    kind,
                    at_most,
                    at_least,
                } => {
                    let hit = events
                        .iter()
                        .filter(|e| e.kind == *kind && e.date <= period.last_day())
                        .filter(|e| a.tracks.iter().any(|t| t.isrc == e.isrc))
                        .filter(|e| {
                            at_most.is_none_or(|x| e.value <= x)
                                && at_least.is_none_or(|x| e.value >= x)
                        })
                        .min_by_key(|e| (e.date, e.line));
                    if let Some(e) = hit {
                        s.fraction = Exact::one();
                        s.first_time = recorded.is_none();
                        s.event = Some(format!(
                            "{} {} {} on {}",
                            e.kind.name(),
                            e.value,
                            e.note,
                            e.date
                        ));
                    }
                }
                Metric::Units | Metric::Revenue => {
                    let c0 = metric_total(m, &st.units, &st.revenue);
                    let u = metric_total(m, units, revenue);
                    let after = &c0 + &u;
                    let t = Exact::dec(m.threshold);
                    match m.mode {
                        Mode::Prospective => {
                            if c0 >= t {
                                s.fraction = Exact::one();
                                // Exactly at the threshold last period: in
                                // force from this one, so reached now.
                                s.first_time = c0 == t;
                            } else if u.is_positive() && after > t {
                                // Exact: (C0 + U - threshold) / U, no digit lost.
                                s.fraction = (&after - &t) / &u;
                                s.first_time = true;
                            }
                        }
                        Mode::Retroactive => {
                            if after >= t {
                                s.fraction = Exact::one();
                                s.first_time = c0 < t;
                                s.catch_up = s.first_time;
                            }
                        }
                    }
                    s.first_time = s.first_time && recorded.is_none();
                    s.before = c0;
                    s.after = after;
                }
            }
            if s.in_force() && s.reached_in.is_none() {
                s.reached_in = Some(period.to_string());
            }
            s
        })
        .collect()
}
