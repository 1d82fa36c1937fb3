//! Record-one gates (docs/arithmetic.md, step 6, and "Record-one gates,
//! reserves and recoupment"), decided once the rows no gate holds have
//! recouped: a gate opens when its advance is recouped (`net`), or when
//! what it recouped plus the gated parties' lifetime earnings reach it
//! (`combined`). The gated rows then hold their earnings, or release all
//! that was held, and become available to recoup their own advances.

use super::accounts::{active, Books};
use super::sheet::{base_available, Inputs, Rows};
use crate::engine::result::AgreementResult;
use crate::ledger::State;
use crate::money::Money;

pub(super) fn decide(
    inputs: &Inputs,
    results: &mut [AgreementResult],
    closing: &mut State,
    books: &Books,
    rows: &mut Rows,
) {
    let (period, agreements, opening) = (inputs.period, inputs.agreements, inputs.opening);
    for (ai, a) in agreements.iter().enumerate() {
        let Some(g) = &a.gate else { continue };
        let st = closing.agreements.entry(a.id.clone()).or_default();
        let open_before = st.gate_open;
        let adv = &a.advances[g.advance];
        let recouped_total = adv.amount - books.balances[ai][g.advance];
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
            && (books.balances[ai][g.advance].is_zero() || measure >= adv.amount);
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
            let k = rows.position(ai, pi).expect("every party has a row");
            rows.list[k].available = Some(base_available(&f) - f.gated);
        }
    }
}
