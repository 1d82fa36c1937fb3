//! The last steps of a period's settlement (docs/arithmetic.md, steps 9 to
//! 11): what recoupment left, plus the bonuses paid now, is payable when it
//! reaches the minimum (less what open disputes hold, step 9b) or carried
//! forward; then withholding and the payout currency. The closing ledger
//! state of every agreement and party is written here too, from the flows
//! the steps before settled.

use super::accounts::Books;
use super::holds::Queues;
use super::sheet::{Inputs, Rows};
use crate::agreement::{Agreement, Party};
use crate::diag::Diagnostic;
use crate::engine::result::{AdvanceStanding, AgreementResult, PartyResult};
use crate::exact::Exact;
use crate::fx::FxTable;
use crate::ledger::{PartyState, State};
use crate::money::{round_cents, Money};
use std::path::PathBuf;

/// Threshold, withholding, payout currency; then the closing state.
pub(super) fn pay(
    inputs: &Inputs,
    results: &mut [AgreementResult],
    closing: &mut State,
    books: &Books,
    rows: &Rows,
    queues: &mut Queues,
    missing: &mut Vec<Diagnostic>,
) {
    let on = inputs.period.last_day();
    for r in results.iter_mut() {
        let a = &inputs.agreements[r.index];
        close_agreement(a, r, closing, books);
        for p in r.parties.iter_mut() {
            let party = &a.parties[p.index];
            let k = rows
                .position(r.index, p.index)
                .expect("every party has a row");
            // What recoupment left of the row's availability, and the
            // milestone bonuses paid now (never taken by an advance).
            let remaining = rows.list[k].available.unwrap_or_default() + p.flows.bonus;
            payable(inputs, a, p, remaining, closing);
            if let Some(d) = withhold_and_convert(a, party, p, inputs.fx, on) {
                missing.push(d);
            }
            close_party(inputs.opening, a, r.index, p, closing, books, queues);
        }
    }
}

/// The agreement's lifetime units and revenue, and each account's balance
/// and standing after the period.
fn close_agreement(a: &Agreement, r: &mut AgreementResult, closing: &mut State, books: &Books) {
    let st = closing.agreements.entry(a.id.clone()).or_default();
    for (s, u) in &r.units {
        let lifetime = st.units.entry(*s).or_default();
        *lifetime = lifetime.saturating_add(*u);
    }
    for (s, d) in &r.revenue_by_source {
        *st.revenue.entry(*s).or_default() += d;
    }
    for (k, adv) in books.accounts[r.index].iter().enumerate() {
        if adv.active {
            st.advances
                .insert(adv.id.clone(), books.balances[r.index][k]);
            st.recouped
                .insert(adv.id.clone(), adv.amount - books.balances[r.index][k]);
        }
        let (before, after) = (books.opening[r.index][k], books.balances[r.index][k]);
        r.advances.push(AdvanceStanding {
            id: adv.id.clone(),
            party: adv.party,
            amount: adv.amount,
            date: adv.date,
            recouped_before: if adv.active {
                adv.amount - before
            } else {
                Money::ZERO
            },
            recouped: before - after,
            remaining: after,
        });
    }
}

/// Steps 9 and 9b: what remains is payable when it reaches the minimum,
/// less what open disputes hold; otherwise it is carried forward.
fn payable(
    inputs: &Inputs,
    a: &Agreement,
    p: &mut PartyResult,
    remaining: Money,
    closing: &mut State,
) {
    let would_pay = if remaining >= a.payout.minimum && !remaining.is_negative() {
        remaining
    } else {
        Money::ZERO
    };
    // Step 9b: open disputes hold from what would be paid (and are
    // listed on the party's row even when nothing is).
    let held = crate::engine::disputes::hold_open(
        &a.id,
        p,
        inputs.disputes,
        inputs.opening,
        closing,
        would_pay,
    );
    let rest = remaining - held;
    let f = &mut p.flows;
    if rest.is_negative() {
        f.carried_out = rest;
        p.notes
            .push(format!("a deficit of {} is carried forward", -rest));
    } else if rest < a.payout.minimum {
        f.carried_out = rest;
        if rest.is_positive() {
            let after = if held.is_zero() {
                ""
            } else {
                "after the dispute hold, "
            };
            p.notes.push(format!(
                "{after}{rest} is below the payout minimum of {} and is carried forward",
                a.payout.minimum
            ));
        }
    } else {
        f.payable = rest;
    }
}

/// Steps 10 and 11: withholding, then the payment in the party's payout
/// currency at the rate of `on`; a missing rate is the problem returned.
fn withhold_and_convert(
    a: &Agreement,
    party: &Party,
    p: &mut PartyResult,
    fx: &FxTable,
    on: jiff::civil::Date,
) -> Option<Diagnostic> {
    let f = &mut p.flows;
    f.withheld = Money(round_cents(f.payable.0 * party.withholding));
    f.paid = f.payable - f.withheld;
    f.paid_currency = Some(party.payout_currency);
    let (line, col) = party.payout_currency_at;
    match fx.rate_exact(a.currency, party.payout_currency, on) {
        // Half-to-even to the payout currency's smallest payable unit:
        // cents, or a whole yen or won (docs/arithmetic.md, step 11).
        Ok(rate) => match (Exact::money(f.paid) * &rate)
            .round_dp(party.payout_currency.payment_decimals())
            .to_money()
        {
            Ok(m) => {
                f.paid_amount = m;
                if party.payout_currency != a.currency {
                    p.fx_rate = Some(rate);
                }
                None
            }
            Err(e) => Some(
                Diagnostic::error(
                    &a.file,
                    line,
                    col,
                    format!("`{}` paid in {}: {e}", party.id, party.payout_currency),
                )
                .with_code("fx.missing-rate"),
            ),
        },
        Err(m) => Some(
            Diagnostic::error(
                &a.file,
                line,
                col,
                format!(
                    "{m} (`{}` is paid in {}; fx file: {})",
                    party.id,
                    party.payout_currency,
                    fx_name(fx)
                ),
            )
            .with_code("fx.missing-rate"),
        ),
    }
}

/// What the party still owes on its accounts, its balances before and
/// after, and its closing ledger state.
fn close_party(
    opening: &State,
    a: &Agreement,
    ai: usize,
    p: &mut PartyResult,
    closing: &mut State,
    books: &Books,
    queues: &mut Queues,
) {
    let f = &mut p.flows;
    f.unrecouped = books.accounts[ai]
        .iter()
        .enumerate()
        .filter(|(_, adv)| adv.party == p.index)
        .map(|(k, _)| books.balances[ai][k])
        .sum();
    let before = opening.party(&a.id, &p.id).cloned().unwrap_or_default();
    p.balance_open = before.balance();
    let st = closing.agreements.entry(a.id.clone()).or_default();
    let ps: &mut PartyState = st.parties.entry(p.id.clone()).or_default();
    ps.carried = f.carried_out;
    ps.reserve_releases = std::mem::take(&mut queues[ai][p.index]);
    while ps.reserve_releases.last().is_some_and(|m| m.is_zero()) {
        ps.reserve_releases.pop();
    }
    ps.gated += f.gated;
    ps.unvested += f.unvested;
    ps.forfeited += f.forfeited;
    ps.earned += f.earned;
    ps.paid += f.paid;
    ps.withheld += f.withheld;
    ps.held += f.held;
    ps.adjusted += f.adjusted;
    p.balance_close = ps.balance();
}

fn fx_name(fx: &FxTable) -> String {
    fx.file
        .clone()
        .unwrap_or_else(|| PathBuf::from("(none given)"))
        .display()
        .to_string()
}
