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
//!
//! Each step has its module: `holds` (1), `accounts` (the balances and
//! their recoupment, 2 and after the gates), `gates` (3), `payout` (4), over
//! the working sheet they share (`sheet`).

mod accounts;
mod gates;
mod holds;
mod payout;
mod sheet;

pub use holds::release_parts;

use crate::agreement::Agreement;
use crate::diag::Diagnostic;
use crate::engine::result::AgreementResult;
use crate::fx::FxTable;
use crate::ledger::disputes::Dispute;
use crate::ledger::State;
use crate::period::Period;
use accounts::Books;
use sheet::{base_available, Inputs};

pub fn settle(
    period: Period,
    agreements: &[Agreement],
    results: &mut [AgreementResult],
    opening: &State,
    fx: &FxTable,
    disputes: &[Dispute],
) -> Result<State, Vec<Diagnostic>> {
    let inputs = Inputs {
        period,
        agreements,
        opening,
        fx,
        disputes,
    };
    let mut closing = opening.clone();
    // Missing exchange rates, and figures too large for an amount.
    let mut missing = Vec::new();

    // 1. Carried, reserves, what is held.
    let (mut rows, mut queues) = holds::open(&inputs, results, &mut closing, &mut missing);
    let mut books = Books::open(&inputs, results);

    // 2. Rows no gate holds.
    for row in rows.list.iter_mut().filter(|r| !r.gated_party) {
        row.available = Some(base_available(
            &results[row.agreement].parties[row.party].flows,
        ));
    }
    books.recoup(agreements, results, &mut rows);

    // 3. Gates.
    gates::decide(&inputs, results, &mut closing, &books, &mut rows);
    books.recoup(agreements, results, &mut rows);

    // 4. Threshold, withholding, payout currency; then the closing state.
    payout::pay(
        &inputs,
        results,
        &mut closing,
        &books,
        &rows,
        &mut queues,
        &mut missing,
    );
    if missing.is_empty() {
        Ok(closing)
    } else {
        Err(missing)
    }
}
