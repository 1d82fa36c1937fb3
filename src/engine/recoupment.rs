//! docs/arithmetic.md steps 6 (gate), 7 to 11 for every party of every agreement, from
//! the opening ledger state to the closing one.
//!
//! Order within a period:
//! 1. each row (agreement, party) gets its carried balance, reserve held and
//!    released, and what vesting holds (step 6/7);
//! 2. advances are recouped from the rows no gate holds, advance by advance in
//!    agreement-id and file order, from the advance's own agreement first,
//!    then the cross-collateralized ones in id order (step 8);
//! 3. each record-one gate then opens or stays shut, given what its advance
//!    has recouped (plus, `combined`, the gated parties' lifetime earnings);
//!    the gated rows hold or release, and recoup their own advances;
//! 4. threshold, withholding and payout currency (steps 9-11).
//!
//! A negative balance is carried forward as a deficit and recoups nothing.

use super::result::{AdvanceStanding, AgreementResult, Flows, Recoupment};
use crate::agreement::{Agreement, BonusRecoup, ReleaseSchedule};
use crate::diag::Diagnostic;
use crate::exact::{Exact, TooLarge};
use crate::fx::FxTable;
use crate::ledger::{PartyState, State};
use crate::money::{round_cents, Money};
use crate::period::Period;
use std::path::PathBuf;

/// Splits a reserve into the amounts released over the next periods, in
/// closed form: equal parts are one rounded division, not a loop over
/// fractions, and the number of periods is bounded where it is read
/// (`limits::MAX_RELEASE_PERIODS`). Each part is rounded half-to-even and the
/// last takes the remainder; a part that would take more than what is left
/// (rounding up many small parts) is cut to what is left, so no release is
/// ever negative (docs/arithmetic.md).
pub fn release_parts(reserved: Money, schedule: &ReleaseSchedule) -> Result<Vec<Money>, TooLarge> {
    Ok(match schedule {
        ReleaseSchedule::Equal(n) => {
            // Exact: 1/6 of 0.03 is exactly half a cent, and rounds to even.
            let n = (*n).max(1);
            let share = Exact::money(reserved) / Exact::int(i64::from(n));
            let others = Money(rust_decimal::Decimal::from(n - 1));
            let times = |m: Money| Money(m.0 * others.0);
            let mut part = exact_cents(share.round_cents())?;
            if times(part) > reserved {
                part = exact_cents(share.floor_cents())?;
            }
            let mut parts = vec![part; n as usize - 1];
            parts.push(reserved - times(part));
            parts
        }
        ReleaseSchedule::Explicit(fractions) => {
            let mut left = reserved;
            let mut parts: Vec<Money> = Vec::with_capacity(fractions.len());
            for f in fractions.iter().take(fractions.len().saturating_sub(1)) {
                let part = exact_cents(Exact::money(reserved) * Exact::dec(*f))?
                    .min(left)
                    .max(Money::ZERO);
                left -= part;
                parts.push(part);
            }
            parts.push(left);
            parts
        }
    })
}

/// Rounds an exact figure half-to-even to cents, checked: a figure too
/// large for an amount is refused (an input error naming it, docs/limits.md),
/// never taken as zero.
fn exact_cents(x: Exact) -> Result<Money, TooLarge> {
    x.round_cents().to_money()
}

/// docs/arithmetic.md step 6, vesting: the held balance is (1 - v) x lifetime earnings,
/// v = 0 before the cliff, else min(1, m / months), m = whole months from the
/// vesting start to the day after the period. A party that departed has v
/// frozen at its departure, and what is not vested goes to the label.
fn vest(
    party: &crate::agreement::Party,
    ps: &PartyState,
    f: &mut Flows,
    period: Period,
) -> Result<(), TooLarge> {
    let Some(v) = party.vesting else {
        return Ok(());
    };
    let departed = party.departed.filter(|d| *d <= period.last_day());
    // (9999-12-31 has no tomorrow; a day less changes no whole month there.)
    let until = departed.unwrap_or_else(|| {
        let last = period.last_day();
        last.tomorrow().unwrap_or(last)
    });
    let m = crate::period::whole_months(v.start, until).max(0) as u32;
    let vested = if m < v.cliff_months {
        Exact::zero()
    } else {
        (Exact::int(i64::from(m)) / Exact::int(i64::from(v.months))).min(Exact::one())
    };
    let lifetime = ps.earned + f.earned;
    let not_vested = exact_cents((Exact::one() - vested) * Exact::money(lifetime))?;
    if departed.is_some() {
        // The hold is released, and what never vests is forfeited.
        f.unvested = -ps.unvested;
        f.forfeited = not_vested - ps.forfeited;
    } else {
        f.unvested = not_vested - ps.unvested;
    }
    Ok(())
}

/// Is `date` (an advance's) on or before the end of the period?
fn active(date: Option<jiff::civil::Date>, period: Period) -> bool {
    date.is_none_or(|d| d <= period.last_day())
}

/// A balance recouped in step 8: an advance of the agreement, or a
/// recoupable milestone bonus (`engine::bonus`), after the advances.
struct Account {
    id: String,
    party: usize,
    amount: Money,
    date: Option<jiff::civil::Date>,
    /// Recouped this period: an advance dated on or before its end, a bonus
    /// paid now or earlier.
    active: bool,
    cross: Vec<String>,
}

fn accounts_of(
    a: &Agreement,
    r: &AgreementResult,
    opening: &State,
    period: Period,
) -> Vec<Account> {
    let mut v: Vec<Account> = a
        .advances
        .iter()
        .map(|adv| Account {
            id: adv.id.clone(),
            party: adv.party,
            amount: adv.amount,
            date: adv.date,
            active: active(adv.date, period),
            cross: adv.cross_collateralize.clone(),
        })
        .collect();
    let st = opening.agreement(&a.id);
    for (mi, m) in a.milestones.iter().enumerate() {
        for b in &m.bonuses {
            let cross = match &b.recoup {
                BonusRecoup::No => continue,
                BonusRecoup::Own => Vec::new(),
                BonusRecoup::With(k) => a.advances[*k].cross_collateralize.clone(),
            };
            let id = super::bonus::account_id(&m.id, &a.parties[b.party].id);
            let paid_now = r
                .parties
                .get(b.party)
                .is_some_and(|p| p.bonuses.iter().any(|x| x.milestone == mi));
            let known = st.is_some_and(|s| s.advances.contains_key(&id));
            if paid_now || known {
                v.push(Account {
                    id,
                    party: b.party,
                    amount: b.amount,
                    date: None,
                    active: true,
                    cross,
                });
            }
        }
    }
    v
}

struct Row {
    agreement: usize,
    party: usize,
    gated_party: bool,
    available: Option<Money>,
}

pub fn settle(
    period: Period,
    agreements: &[Agreement],
    results: &mut [AgreementResult],
    opening: &State,
    fx: &FxTable,
    disputes: &[crate::ledger::disputes::Dispute],
) -> Result<State, Vec<Diagnostic>> {
    let mut closing = opening.clone();
    let mut rows: Vec<Row> = Vec::new();
    let mut queues: Vec<Vec<Vec<Money>>> = Vec::new();
    // Missing exchange rates, and figures too large for an amount.
    let mut missing = Vec::new();
    let too_large = |a: &Agreement, party: &str, what: &str, e: TooLarge| {
        Diagnostic::error(
            &a.file,
            0,
            0,
            format!(
                "agreement `{}`, `{party}`: {what}: {e} (docs/limits.md)",
                a.id
            ),
        )
    };

    // 1. Carried, reserves, what is held.
    for r in results.iter_mut() {
        let a = &agreements[r.index];
        let mut q = Vec::new();
        let (revenue, tax) = (r.revenue_exact.clone(), r.tax_withheld_at_source.clone());
        for p in r.parties.iter_mut() {
            // Tax withheld at source is passed through pro rata to exact
            // earnings, for the party's statement; never deducted again.
            if !revenue.is_zero() && !tax.is_zero() {
                p.flows.tax_at_source = exact_cents(&tax * &p.earned_exact / &revenue)
                    .unwrap_or_else(|e| {
                        missing.push(too_large(
                            a,
                            &p.id,
                            "tax withheld at source passed through",
                            e,
                        ));
                        Money::ZERO
                    });
                if !p.flows.tax_at_source.is_zero() {
                    p.notes.push(format!(
                        "{} of tax withheld at source is passed through (already deducted by the payer)",
                        p.flows.tax_at_source
                    ));
                }
            }
            let ps = opening.party(&a.id, &p.id).cloned().unwrap_or_default();
            let f = &mut p.flows;
            f.carried_in = ps.carried;
            f.released = ps.reserve_releases.first().copied().unwrap_or_default();
            let mut queue: Vec<Money> = ps.reserve_releases.iter().skip(1).copied().collect();
            if let Some(res) = &a.reserve {
                let base: Exact = p
                    .lines
                    .iter()
                    .filter(|l| res.sources.contains(&l.source))
                    .map(|l| &l.exact)
                    .sum();
                if base.is_positive() {
                    let parts = exact_cents(base * Exact::dec(res.rate)).and_then(|r| {
                        f.reserved = r;
                        release_parts(r, &res.schedule)
                    });
                    let parts = parts.unwrap_or_else(|e| {
                        missing.push(too_large(a, &p.id, "the reserve", e));
                        Vec::new()
                    });
                    for (i, part) in parts.into_iter().enumerate() {
                        if queue.len() <= i {
                            queue.push(Money::ZERO);
                        }
                        queue[i] += part;
                    }
                }
            }
            q.push(queue);
            if let Err(e) = vest(&a.parties[p.index], &ps, f, period) {
                missing.push(too_large(a, &p.id, "the unvested balance", e));
            }
            // Step 8b: a resolution paid with this period releases its hold
            // and credits its adjustment, before recoupment.
            super::disputes::settle_resolved(&a.id, p, disputes, opening, &mut closing, period);
            let gated_party = a
                .gate
                .as_ref()
                .is_some_and(|g| g.parties.contains(&p.index));
            rows.push(Row {
                agreement: r.index,
                party: p.index,
                gated_party,
                available: None,
            });
        }
        queues.push(q);
    }
    // Rows come agreement by agreement, party by party: a row's position is
    // its agreement's first row plus the party's index (no search, so the
    // cost stays linear in the number of parties).
    let first = first_rows(&rows);
    let pos = |rows: &[Row], ai: usize, pi: usize| {
        first.get(&ai).map(|f| f + pi).filter(|&k| {
            rows.get(k)
                .is_some_and(|r| r.agreement == ai && r.party == pi)
        })
    };
    let flows = |results: &[AgreementResult], ai: usize, pi: usize| -> Flows {
        results[ai].parties[pi].flows.clone()
    };
    let base_available = |f: &Flows| {
        f.carried_in + f.adjusted + f.earned - f.reserved + f.released
            - f.unvested
            - f.forfeited
            - f.held
    };

    // Balances at the start of the period (new advances and bonuses paid
    // now at their amount).
    let accounts: Vec<Vec<Account>> = agreements
        .iter()
        .zip(results.iter())
        .map(|(a, r)| accounts_of(a, r, opening, period))
        .collect();
    let mut balances: Vec<Vec<Money>> = agreements
        .iter()
        .zip(&accounts)
        .map(|(a, accts)| {
            accts
                .iter()
                .map(|acct| {
                    match opening
                        .agreement(&a.id)
                        .and_then(|s| s.advances.get(&acct.id))
                    {
                        Some(b) => *b,
                        None if acct.active => acct.amount,
                        None => Money::ZERO,
                    }
                })
                .collect()
        })
        .collect();

    let opening_balances = balances.clone();

    // 2. Rows no gate holds.
    for row in rows.iter_mut().filter(|r| !r.gated_party) {
        row.available = Some(base_available(&flows(results, row.agreement, row.party)));
    }
    recoup(
        agreements,
        &accounts,
        results,
        &mut rows,
        &first,
        &mut balances,
    );

    // 3. Gates.
    for (ai, a) in agreements.iter().enumerate() {
        let Some(g) = &a.gate else { continue };
        let st = closing.agreements.entry(a.id.clone()).or_default();
        let open_before = st.gate_open;
        let adv = &a.advances[g.advance];
        let recouped_total = adv.amount - balances[ai][g.advance];
        let gated_earned: Money = g
            .parties
            .iter()
            .map(|&pi| {
                let id = &a.parties[pi].id;
                opening
                    .party(&a.id, id)
                    .map(|s| s.earned)
                    .unwrap_or_default()
                    + results[ai].parties[pi].flows.earned
            })
            .sum();
        let measure = recouped_total
            + if g.combined {
                gated_earned
            } else {
                Money::ZERO
            };
        let open_now = active(adv.date, period)
            && (balances[ai][g.advance].is_zero() || measure >= adv.amount);
        st.gate_open = open_before || open_now;
        for &pi in &g.parties {
            let held = opening
                .party(&a.id, &a.parties[pi].id)
                .map(|s| s.gated)
                .unwrap_or_default();
            let p = &mut results[ai].parties[pi];
            let f = &mut p.flows;
            if open_before {
                f.gated = Money::ZERO;
            } else if open_now {
                f.gated = -held;
                if !held.is_zero() {
                    p.notes.push(format!(
                        "the record-one gate opened: the {held} held since the first unit is released"
                    ));
                }
            } else {
                f.gated = f.earned - f.reserved + f.released - f.unvested - f.forfeited;
                p.notes.push(format!(
                    "held by the record-one gate until `{}` is recouped",
                    adv.id
                ));
            }
            let f = p.flows.clone();
            let k = pos(&rows, ai, pi).expect("every party has a row");
            rows[k].available = Some(base_available(&f) - f.gated);
        }
    }
    recoup(
        agreements,
        &accounts,
        results,
        &mut rows,
        &first,
        &mut balances,
    );

    // 4. Threshold, withholding, payout currency; then the closing state.
    let on = period.last_day();
    for r in results.iter_mut() {
        let a = &agreements[r.index];
        let st = closing.agreements.entry(a.id.clone()).or_default();
        for (s, u) in &r.units {
            let lifetime = st.units.entry(*s).or_default();
            *lifetime = lifetime.saturating_add(*u);
        }
        for (s, d) in &r.revenue_by_source {
            *st.revenue.entry(*s).or_default() += d;
        }
        for (k, adv) in accounts[r.index].iter().enumerate() {
            if adv.active {
                st.advances.insert(adv.id.clone(), balances[r.index][k]);
                st.recouped
                    .insert(adv.id.clone(), adv.amount - balances[r.index][k]);
            }
            let (before, after) = (opening_balances[r.index][k], balances[r.index][k]);
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
        for p in r.parties.iter_mut() {
            let party = &a.parties[p.index];
            let k = pos(&rows, r.index, p.index).expect("every party has a row");
            // What recoupment left of the row's availability, and the
            // milestone bonuses paid now (never taken by an advance).
            let remaining = rows[k].available.unwrap_or_default() + p.flows.bonus;
            let would_pay = if remaining >= a.payout.minimum && !remaining.is_negative() {
                remaining
            } else {
                Money::ZERO
            };
            // Step 9b: open disputes hold from what would be paid (and are
            // listed on the party's row even when nothing is).
            let held =
                super::disputes::hold_open(&a.id, p, disputes, opening, &mut closing, would_pay);
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
            let f = &mut p.flows;
            f.withheld = Money(round_cents(f.payable.0 * party.withholding));
            f.paid = f.payable - f.withheld;
            f.paid_currency = Some(party.payout_currency);
            match fx.rate_exact(a.currency, party.payout_currency, on) {
                Ok(rate) => match (Exact::money(f.paid) * &rate).round_cents().to_money() {
                    Ok(m) => {
                        f.paid_amount = m;
                        if party.payout_currency != a.currency {
                            p.fx_rate = Some(rate);
                        }
                    }
                    Err(e) => {
                        let (line, col) = party.payout_currency_at;
                        missing.push(
                            Diagnostic::error(
                                &a.file,
                                line,
                                col,
                                format!("`{}` paid in {}: {e}", party.id, party.payout_currency),
                            )
                            .with_code("fx.missing-rate"),
                        );
                    }
                },
                Err(m) => {
                    let (line, col) = party.payout_currency_at;
                    missing.push(
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
                    );
                }
            }
            f.unrecouped = accounts[r.index]
                .iter()
                .enumerate()
                .filter(|(_, adv)| adv.party == p.index)
                .map(|(k, _)| balances[r.index][k])
                .sum();
            let before = opening.party(&a.id, &p.id).cloned().unwrap_or_default();
            p.balance_open = before.balance();
            let st = closing.agreements.entry(a.id.clone()).or_default();
            let ps: &mut PartyState = st.parties.entry(p.id.clone()).or_default();
            ps.carried = f.carried_out;
            ps.reserve_releases = std::mem::take(&mut queues[r.index][p.index]);
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
    }
    if missing.is_empty() {
        Ok(closing)
    } else {
        Err(missing)
    }
}

fn fx_name(fx: &FxTable) -> String {
    fx.file
        .clone()
        .unwrap_or_else(|| PathBuf::from("(none given)"))
        .display()
        .to_string()
}

/// One recoupment pass: every advance with a balance takes what the rows
/// with a known, positive availability can give.
/// The position of each agreement's first row.
fn first_rows(rows: &[Row]) -> std::collections::HashMap<usize, usize> {
    let mut m = std::collections::HashMap::new();
    for (k, r) in rows.iter().enumerate() {
        m.entry(r.agreement).or_insert(k);
    }
    m
}

fn recoup(
    agreements: &[Agreement],
    accounts: &[Vec<Account>],
    results: &mut [AgreementResult],
    rows: &mut [Row],
    first: &std::collections::HashMap<usize, usize>,
    balances: &mut [Vec<Money>],
) {
    for (ai, a) in agreements.iter().enumerate() {
        for (k, adv) in accounts[ai].iter().enumerate() {
            if !adv.active {
                continue;
            }
            let party_id = &a.parties[adv.party].id;
            let mut order: Vec<usize> = vec![ai];
            let mut others: Vec<usize> = adv
                .cross
                .iter()
                .filter_map(|id| agreements.iter().position(|x| &x.id == id))
                .filter(|&j| j != ai)
                .collect();
            others.sort_by(|&x, &y| agreements[x].id.cmp(&agreements[y].id));
            others.dedup();
            order.extend(others);
            for j in order {
                if balances[ai][k].is_zero() {
                    break;
                }
                let Some(pi) = agreements[j].party_index(party_id) else {
                    continue;
                };
                let Some(row) = first
                    .get(&j)
                    .and_then(|f| rows.get_mut(f + pi))
                    .filter(|r| r.agreement == j && r.party == pi)
                else {
                    continue;
                };
                let Some(avail) = row.available else { continue };
                if !avail.is_positive() {
                    continue;
                }
                let take = avail.min(balances[ai][k]);
                row.available = Some(avail - take);
                balances[ai][k] -= take;
                let p = &mut results[j].parties[pi];
                p.flows.recouped += take;
                p.recoupments.push(Recoupment {
                    agreement: a.id.clone(),
                    advance: adv.id.clone(),
                    amount: take,
                });
                p.notes
                    .push(format!("{take} recoups advance `{}` of `{}`", adv.id, a.id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    #[test]
    fn release_parts_sum_to_the_reserve() {
        let m = |s: &str| Money(dec(s));
        assert_eq!(
            release_parts(
                m("5.00"),
                &ReleaseSchedule::Explicit(vec![dec("0.5"), dec("0.5")])
            )
            .unwrap(),
            vec![m("2.50"), m("2.50")]
        );
        assert_eq!(
            release_parts(m("5.00"), &ReleaseSchedule::Equal(3)).unwrap(),
            vec![m("1.67"), m("1.67"), m("1.66")]
        );
        assert_eq!(
            release_parts(m("100.00"), &ReleaseSchedule::Equal(1)).unwrap(),
            vec![m("100.00")]
        );
    }

    #[test]
    fn no_release_is_negative() {
        let m = |s: &str| Money(dec(s));
        // Seven parts of 0.05 round to 0.01 each: six would take 0.06.
        assert_eq!(
            release_parts(m("0.05"), &ReleaseSchedule::Equal(7)).unwrap(),
            vec![m("0"), m("0"), m("0"), m("0"), m("0"), m("0"), m("0.05")]
        );
        // 50% + 50% + 0%: the halves of 0.03 round up to 0.02 each.
        let parts = release_parts(
            m("0.03"),
            &ReleaseSchedule::Explicit(vec![dec("0.5"), dec("0.5"), dec("0")]),
        )
        .unwrap();
        assert_eq!(parts, vec![m("0.02"), m("0.01"), m("0.00")]);
        for n in 1..=crate::limits::MAX_RELEASE_PERIODS {
            for cents in [1, 5, 99, 100, 12345] {
                let r = Money(rust_decimal::Decimal::new(cents, 2));
                let parts = release_parts(r, &ReleaseSchedule::Equal(n)).unwrap();
                assert_eq!(parts.len(), n as usize);
                assert_eq!(parts.iter().copied().sum::<Money>(), r);
                assert!(parts.iter().all(|p| !p.is_negative()), "{r} / {n}");
            }
        }
    }
}
