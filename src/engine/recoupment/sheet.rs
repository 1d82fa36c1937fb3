//! The settlement's working sheet, shared by its steps: the period's
//! inputs, and one row per (agreement, party) with what the party has
//! available for recoupment and payment. Rows come agreement by agreement,
//! party by party, so a row is found by position, never by search, and the
//! cost stays linear in the number of parties.

use crate::agreement::Agreement;
use crate::engine::result::Flows;
use crate::fx::FxTable;
use crate::ledger::disputes::Dispute;
use crate::ledger::State;
use crate::money::Money;
use crate::period::Period;
use std::collections::HashMap;

/// What the settlement reads and never changes.
pub(super) struct Inputs<'a> {
    pub(super) period: Period,
    pub(super) agreements: &'a [Agreement],
    pub(super) opening: &'a State,
    pub(super) fx: &'a FxTable,
    pub(super) disputes: &'a [Dispute],
}

pub(super) struct Row {
    pub(super) agreement: usize,
    pub(super) party: usize,
    pub(super) gated_party: bool,
    pub(super) available: Option<Money>,
}

pub(super) struct Rows {
    pub(super) list: Vec<Row>,
    /// The position of each agreement's first row.
    first: HashMap<usize, usize>,
}

impl Rows {
    pub(super) fn new(list: Vec<Row>) -> Rows {
        let mut first = HashMap::new();
        for (k, r) in list.iter().enumerate() {
            first.entry(r.agreement).or_insert(k);
        }
        Rows { list, first }
    }

    /// The position of the row of party `pi` of agreement `ai`: its
    /// agreement's first row plus the party's index.
    pub(super) fn position(&self, ai: usize, pi: usize) -> Option<usize> {
        self.first.get(&ai).map(|f| f + pi).filter(|&k| {
            self.list
                .get(k)
                .is_some_and(|r| r.agreement == ai && r.party == pi)
        })
    }

    pub(super) fn get_mut(&mut self, ai: usize, pi: usize) -> Option<&mut Row> {
        let k = self.position(ai, pi)?;
        self.list.get_mut(k)
    }
}

/// What a row has before recoupment and any gate: carried in, adjusted and
/// earned, less what reserves, vesting, forfeiture and disputes hold.
pub(super) fn base_available(f: &Flows) -> Money {
    f.carried_in + f.adjusted + f.earned - f.reserved + f.released
        - f.unvested
        - f.forfeited
        - f.held
}
