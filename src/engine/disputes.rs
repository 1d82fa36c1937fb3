//! Money follows the dispute register (docs/arithmetic.md, steps 8b and
//! 9b): while a dispute is open and its agreement says so, the disputed
//! amount is held from what would be paid, up to what is payable; the
//! period after it is resolved, what was held is released and the agreed
//! adjustment is credited (or, negative, recovered) exactly once.
//!
//! The adjustment is the label's own money, beyond the period's revenue
//! split: it changes no agreement's revenue or label share of the period;
//! it enters the party's account beside what is carried in, so it counts
//! towards the payout minimum, recoups an unrecouped advance like any
//! royalty, is subject to withholding, and a recovery larger than what is
//! available carries forward as a deficit.
//!
//! The ledger state records per dispute what is held and the period that
//! settled it, so a resolution is paid once however often periods are run.

use super::result::{DisputeStep, PartyResult, PeriodResult};
use crate::ledger::disputes::Dispute;
use crate::ledger::{DisputeState, State};
use crate::money::Money;
use crate::period::Period;

/// The disputes of one party in the view, in id order.
fn of<'a>(
    view: &'a [Dispute],
    agreement: &'a str,
    party: &'a str,
) -> impl Iterator<Item = &'a Dispute> {
    view.iter()
        .filter(move |d| d.agreement == agreement && d.party == party)
}

fn state<'a>(s: &'a State, id: &str) -> Option<&'a DisputeState> {
    s.disputes.get(id)
}

/// Step 8b: every resolution of this party not paid yet releases what its
/// dispute holds (negative `held`) and credits its adjustment (`adjusted`).
pub fn settle_resolved(
    agreement: &str,
    p: &mut PartyResult,
    view: &[Dispute],
    opening: &State,
    closing: &mut State,
    period: Period,
) {
    for d in of(view, agreement, &p.id) {
        let Some(res) = &d.resolution else { continue };
        let before = state(opening, &d.id);
        if before.is_some_and(|s| s.settled.is_some()) {
            continue;
        }
        let held = before.map(|s| s.held).unwrap_or_default();
        p.flows.held -= held;
        p.flows.adjusted += res.adjustment;
        p.disputes.push(DisputeStep {
            id: d.id.clone(),
            held: -held,
            adjusted: res.adjustment,
            held_after: Money::ZERO,
            resolved: true,
        });
        let mut words = format!(
            "dispute {} on {} was resolved on {} ({})",
            d.id, d.period, res.date, res.note
        );
        if !held.is_zero() {
            words.push_str(&format!(": the {held} held is released"));
        }
        match res.adjustment {
            a if a.is_positive() => words.push_str(&format!("; an adjustment of {a} is credited")),
            a if a.is_negative() => words.push_str(&format!("; {} is recovered", -a)),
            _ => words.push_str("; no adjustment"),
        }
        p.notes.push(words);
        closing.disputes.insert(
            d.id.clone(),
            DisputeState {
                agreement: agreement.to_string(),
                party: p.id.clone(),
                held: Money::ZERO,
                settled: Some(period.to_string()),
            },
        );
    }
}

/// Step 9b: from `payable`, what this party's open disputes hold (each up
/// to what it claims and has not held yet, in id order). Returns the total.
pub fn hold_open(
    agreement: &str,
    p: &mut PartyResult,
    view: &[Dispute],
    opening: &State,
    closing: &mut State,
    payable: Money,
) -> Money {
    let mut left = payable;
    let mut total = Money::ZERO;
    for d in of(view, agreement, &p.id).filter(|d| d.is_open()) {
        let before = state(opening, &d.id).map(|s| s.held).unwrap_or_default();
        let take = if d.hold && left.is_positive() {
            (d.amount - before).max(Money::ZERO).min(left)
        } else {
            Money::ZERO
        };
        left -= take;
        total += take;
        let after = before + take;
        if !take.is_zero() {
            p.notes.push(format!(
                "{take} is held for dispute {} on {} ({} claimed, {after} held in all) until it is resolved",
                d.id, d.period, d.amount
            ));
        } else if !d.hold {
            p.notes.push(format!(
                "dispute {} on {} is open ({} claimed); the agreement does not hold disputed amounts",
                d.id, d.period, d.amount
            ));
        }
        p.disputes.push(DisputeStep {
            id: d.id.clone(),
            held: take,
            adjusted: Money::ZERO,
            held_after: after,
            resolved: false,
        });
        closing.disputes.insert(
            d.id.clone(),
            DisputeState {
                agreement: agreement.to_string(),
                party: p.id.clone(),
                held: after,
                settled: None,
            },
        );
    }
    p.flows.held += total;
    total
}

/// The register's invariants, to the cent: what each dispute holds lies
/// between nothing and its claim; the disputes' holds add up to each
/// party's held balance; a party's `adjusted` is the adjustments of the
/// resolutions its steps paid, each dispute settled at most once.
pub fn check(r: &PeriodResult, opening: &State) -> Vec<String> {
    let mut problems = Vec::new();
    for d in &r.disputes {
        let Some(s) = r.closing.disputes.get(&d.id) else {
            continue;
        };
        if s.held.is_negative() || s.held > d.amount {
            problems.push(format!(
                "dispute {}: {} held of a {} claim",
                d.id, s.held, d.amount
            ));
        }
        let was = opening.disputes.get(&d.id).and_then(|s| s.settled.clone());
        if was.is_some() && s.settled != was {
            problems.push(format!("dispute {}: settled twice", d.id));
        }
    }
    for a in &r.agreements {
        for p in &a.parties {
            let steps_adjusted: Money = p.disputes.iter().map(|s| s.adjusted).sum();
            let steps_held: Money = p.disputes.iter().map(|s| s.held).sum();
            if steps_adjusted != p.flows.adjusted || steps_held != p.flows.held {
                problems.push(format!(
                    "{}/{}: the dispute steps do not add up to held {} and adjusted {}",
                    a.id, p.id, p.flows.held, p.flows.adjusted
                ));
            }
            let held_by_disputes: Money = r
                .closing
                .disputes
                .values()
                .filter(|s| s.agreement == a.id && s.party == p.id)
                .map(|s| s.held)
                .sum();
            let held = r
                .closing
                .party(&a.id, &p.id)
                .map(|s| s.held)
                .unwrap_or_default();
            if held != held_by_disputes {
                problems.push(format!(
                    "{}/{}: {held} held for disputes, but the disputes hold {held_by_disputes}",
                    a.id, p.id
                ));
            }
        }
    }
    problems
}
