//! The invariants of docs/arithmetic.md, checked on every run, to the cent, per
//! agreement and in total. A failure means the engine is wrong.

use super::result::PeriodResult;
use crate::agreement::Agreement;
use crate::codes::Currency;
use crate::statement::Sums;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub fn check(
    r: &PeriodResult,
    agreements: &[Agreement],
    opening: &crate::ledger::State,
) -> super::Checks {
    let mut problems = Vec::new();
    for a in &r.agreements {
        // revenue = sum of parties' earned + label_retained.
        let earned: Decimal = a.parties.iter().map(|p| p.flows.earned.0).sum();
        if a.revenue.0 != earned + a.label_retained.0 {
            problems.push(format!(
                "{}: revenue {} != parties' earned {} + label {}",
                a.id, a.revenue, earned, a.label_retained.0
            ));
        }
        for p in &a.parties {
            let f = &p.flows;
            // earned + adjusted + bonus = paid + withheld + recouped
            //        + (reserved - released) + (carried_out - carried_in)
            //        + unvested + gated + forfeited + held
            // (an adjustment and a milestone bonus are the label's money,
            // beyond the split: they enter the party's account beside its
            // earnings; docs/arithmetic.md).
            let rhs = f.paid
                + f.withheld
                + f.recouped
                + (f.reserved - f.released)
                + (f.carried_out - f.carried_in)
                + f.unvested
                + f.gated
                + f.forfeited
                + f.held;
            if f.earned + f.adjusted + f.bonus != rhs {
                problems.push(format!(
                    "{}/{}: earned {} + adjusted {} != sum of its uses {}",
                    a.id, p.id, f.earned, f.adjusted, rhs.0
                ));
            }
            // The roll-forward: closing = opening + earned + adjusted + bonus
            // - paid - withheld - recouped - forfeited.
            if p.balance_close
                != p.balance_open + f.earned + f.adjusted + f.bonus
                    - f.paid
                    - f.withheld
                    - f.recouped
                    - f.forfeited
            {
                problems.push(format!(
                    "{}/{}: balance {} -> {} does not roll forward",
                    a.id, p.id, p.balance_open, p.balance_close
                ));
            }
            if f.paid != f.payable - f.withheld {
                problems.push(format!("{}/{}: paid != payable - withheld", a.id, p.id));
            }
            for m in [
                f.earned,
                f.held,
                f.adjusted,
                f.payable,
                f.withheld,
                f.paid,
                f.carried_out,
                f.recouped,
            ] {
                if m.0 != crate::money::round_cents(m.0) {
                    problems.push(format!(
                        "{}/{}: a figure is not whole cents: {}",
                        a.id, p.id, m.0
                    ));
                }
            }
        }
        let _ = &agreements[a.index];
    }
    // Statement totals = matched + unmatched + out-of-term, per currency.
    let mut statements: BTreeMap<Currency, Sums> = BTreeMap::new();
    for f in &r.files {
        for (c, s) in &f.totals {
            statements.entry(*c).or_default().merge(s);
        }
    }
    let mut accounted: BTreeMap<Currency, Sums> = BTreeMap::new();
    for a in &r.agreements {
        for c in &a.conversions {
            let e = accounted.entry(c.currency).or_default();
            e.amount += c.amount;
            e.lines += c.lines;
        }
    }
    for b in [&r.unmatched, &r.out_of_term] {
        for (c, s) in &b.by_currency {
            let e = accounted.entry(*c).or_default();
            e.amount += s.amount;
            e.lines += s.lines;
        }
    }
    if !r.files.is_empty() {
        for (c, s) in &statements {
            let got = accounted.get(c).copied().unwrap_or_default();
            if got.amount != s.amount || got.lines != s.lines {
                problems.push(format!(
                    "statements {c}: {} in {} lines, but matched + unmatched + out-of-term = {} in {} lines",
                    s.amount, s.lines, got.amount, got.lines
                ));
            }
        }
    }
    problems.extend(releases(r));
    problems.extend(super::disputes::check(r, opening));
    super::Checks {
        conservation: problems.is_empty(),
        details: problems,
    }
}

/// Release rows (step 1b), exactly, per currency: rows = apportioned +
/// not apportioned, and what was apportioned is what the agreements
/// converted as their share.
fn releases(r: &PeriodResult) -> Vec<String> {
    let mut problems = Vec::new();
    for o in &r.releases {
        if &o.apportioned + &o.unapportioned != crate::exact::Exact::dec(o.sums.amount) {
            problems.push(format!(
                "release {}: apportioned + not apportioned != its rows",
                o.key.upc
            ));
        }
    }
    let mut by_agreements: BTreeMap<Currency, crate::exact::Exact> = BTreeMap::new();
    for a in &r.agreements {
        for c in &a.conversions {
            *by_agreements.entry(c.currency).or_default() += &c.apportioned;
        }
    }
    for (c, [_, apportioned, _]) in super::releases::totals(&r.releases) {
        let got = by_agreements.remove(&c).unwrap_or_default();
        if got != apportioned {
            problems.push(format!(
                "release rows {c}: {apportioned} apportioned, but the agreements took {got}"
            ));
        }
    }
    if by_agreements.values().any(|x| !x.is_zero()) {
        problems.push("release revenue apportioned from no release row".into());
    }
    problems
}
