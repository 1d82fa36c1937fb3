//! The balances recouped in step 8 (docs/arithmetic.md): each advance of
//! an agreement and each recoupable milestone bonus (after the advances) is
//! an account, recouped from its party's rows with money available, the
//! account's own agreement first, then the cross-collateralized ones in id
//! order. Only a positive availability recoups.

use super::sheet::{Inputs, Rows};
use crate::agreement::{Agreement, BonusRecoup};
use crate::engine::result::{AgreementResult, Recoupment};
use crate::ledger::State;
use crate::money::Money;
use crate::period::Period;

/// Is `date` (an advance's) on or before the end of the period?
pub(super) fn active(date: Option<jiff::civil::Date>, period: Period) -> bool {
    date.is_none_or(|d| d <= period.last_day())
}

/// A balance recouped in step 8: an advance of the agreement, or a
/// recoupable milestone bonus (`engine::bonus`), after the advances.
pub(super) struct Account {
    pub(super) id: String,
    pub(super) party: usize,
    pub(super) amount: Money,
    pub(super) date: Option<jiff::civil::Date>,
    /// Recouped this period: an advance dated on or before its end, a bonus
    /// paid now or earlier.
    pub(super) active: bool,
    pub(super) cross: Vec<String>,
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
            let id = crate::engine::bonus::account_id(&m.id, &a.parties[b.party].id);
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

/// Every agreement's accounts and their balances.
pub(super) struct Books {
    pub(super) accounts: Vec<Vec<Account>>,
    pub(super) balances: Vec<Vec<Money>>,
    /// The balances at the start of the period.
    pub(super) opening: Vec<Vec<Money>>,
}

impl Books {
    /// Balances at the start of the period (new advances and bonuses paid
    /// now at their amount).
    pub(super) fn open(inputs: &Inputs, results: &[AgreementResult]) -> Books {
        let (agreements, opening, period) = (inputs.agreements, inputs.opening, inputs.period);
        let accounts: Vec<Vec<Account>> = agreements
            .iter()
            .zip(results.iter())
            .map(|(a, r)| accounts_of(a, r, opening, period))
            .collect();
        let balances: Vec<Vec<Money>> = agreements
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
        Books {
            accounts,
            balances,
            opening: opening_balances,
        }
    }

    /// One recoupment pass: every advance with a balance takes what the rows
    /// with a known, positive availability can give.
    pub(super) fn recoup(
        &mut self,
        agreements: &[Agreement],
        results: &mut [AgreementResult],
        rows: &mut Rows,
    ) {
        for (ai, a) in agreements.iter().enumerate() {
            for (k, adv) in self.accounts[ai].iter().enumerate() {
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
                    if self.balances[ai][k].is_zero() {
                        break;
                    }
                    let Some(pi) = agreements[j].party_index(party_id) else {
                        continue;
                    };
                    let Some(row) = rows.get_mut(j, pi) else {
                        continue;
                    };
                    let Some(avail) = row.available else { continue };
                    if !avail.is_positive() {
                        continue;
                    }
                    let take = avail.min(self.balances[ai][k]);
                    row.available = Some(avail - take);
                    self.balances[ai][k] -= take;
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
}
