//! The ledger: the state carried from one closed period to the next (docs/ledger.md),
//! as plain data. `store` reads and writes it as one auditable JSON file per
//! closed period; `opening` starts it from a spreadsheet's balances.
//!
//! Amounts are kept exact where later arithmetic needs them exact (lifetime
//! revenue feeds milestones and catch-ups) and in cents where they are
//! balances (carried, reserved, held, unrecouped). docs/ledger.md describes
//! the files.

pub mod disputes;
pub mod opening;
pub mod status;
pub mod store;

use crate::codes::Source;
use crate::exact::Exact;
use crate::money::Money;
use crate::period::Period;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The state after the last closed period (or the opening balances).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Per agreement id.
    #[serde(default)]
    pub agreements: BTreeMap<String, AgreementState>,
    /// Per dispute id, what its hold and its resolution have done to the
    /// money so far (docs/ledger.md, "The dispute register").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub disputes: BTreeMap<String, DisputeState>,
}

/// The money side of one dispute, after the last closed period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DisputeState {
    pub agreement: String,
    pub party: String,
    /// Held from the party's payments while it is open.
    pub held: Money,
    /// The period whose payment carried its resolution (release and
    /// adjustment): set once, so it is paid exactly once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AgreementState {
    /// Lifetime units per source (all closed periods).
    #[serde(default)]
    pub units: BTreeMap<Source, i64>,
    /// Lifetime net revenue per source, agreement currency, exact: a
    /// decimal, or a fraction ("1000/3") when an inverse exchange rate made
    /// it one (docs/ledger.md).
    #[serde(default, with = "exact_map")]
    pub revenue: BTreeMap<Source, Exact>,
    /// Unrecouped balance per advance id.
    #[serde(default)]
    pub advances: BTreeMap<String, Money>,
    /// Recouped so far per advance id (for `combined` gates).
    #[serde(default)]
    pub recouped: BTreeMap<String, Money>,
    /// Whether the record-one gate has opened.
    #[serde(default)]
    pub gate_open: bool,
    /// Milestones reached, with the period they were first reached in.
    #[serde(default)]
    pub milestones: BTreeMap<String, String>,
    #[serde(default)]
    pub parties: BTreeMap<String, PartyState>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartyState {
    /// Carried forward: under the minimum (positive) or a deficit (negative).
    #[serde(default)]
    pub carried: Money,
    /// Reserve releases due in the next closed periods, first = next.
    #[serde(default)]
    pub reserve_releases: Vec<Money>,
    /// Earnings held by the record-one gate.
    #[serde(default)]
    pub gated: Money,
    /// Earnings held until they vest.
    #[serde(default)]
    pub unvested: Money,
    /// Lifetime forfeitures to the label (departure before vesting).
    #[serde(default)]
    pub forfeited: Money,
    /// Lifetime earnings (rounded figures of each period).
    #[serde(default)]
    pub earned: Money,
    /// Lifetime net payments, agreement currency.
    #[serde(default)]
    pub paid: Money,
    /// Lifetime tax withheld.
    #[serde(default)]
    pub withheld: Money,
    /// Held from payments for open disputes (docs/arithmetic.md, step 9b).
    #[serde(default, skip_serializing_if = "Money::is_zero_ref")]
    pub held: Money,
    /// Lifetime dispute adjustments credited (negative: recovered).
    #[serde(default, skip_serializing_if = "Money::is_zero_ref")]
    pub adjusted: Money,
}

impl PartyState {
    pub fn reserve_held(&self) -> Money {
        self.reserve_releases.iter().sum()
    }

    /// Everything the label holds for the party: carried (a deficit when
    /// negative), reserves not yet released, held by a gate, by vesting and
    /// for open disputes.
    pub fn balance(&self) -> Money {
        self.carried + self.reserve_held() + self.gated + self.unvested + self.held
    }

    /// Any balance that keeps the party on the payout table.
    pub fn holds_balance(&self) -> bool {
        !self.carried.is_zero()
            || !self.reserve_held().is_zero()
            || !self.gated.is_zero()
            || !self.unvested.is_zero()
            || !self.held.is_zero()
    }
}

impl State {
    pub fn agreement(&self, id: &str) -> Option<&AgreementState> {
        self.agreements.get(id)
    }
    pub fn party(&self, agreement: &str, party: &str) -> Option<&PartyState> {
        self.agreements.get(agreement)?.parties.get(party)
    }
}

/// The record of one closed period (what `close` writes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeriodRecord {
    pub format: String,
    /// The period closed, or `opening` for opening balances.
    pub period: String,
    /// Opening balances: their as-of date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// SHA-256 of the previous period file, as written.
    pub previous: Option<Link>,
    /// Every statement file consumed, by its bytes.
    #[serde(default)]
    pub statements: Vec<Consumed>,
    /// Where `close` wrote the payment file, as written in outputs
    /// (relative to the project's folder); absent in files written before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payments: Option<String>,
    /// The period's payout rows as closed (the fields of `run --format
    /// json`): an auditor reads them, and a re-run of the period must
    /// reproduce them exactly.
    #[serde(default)]
    pub payouts: Vec<PayoutRecord>,
    /// The state after this period.
    pub state: State,
    /// The events of the dispute register this period applied (absent when
    /// the register was empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disputes: Option<disputes::Anchor>,
}

/// One payout row: a party's flows for a period, in the agreement currency
/// except `paid_amount` (docs/commands.md, `run --format json`). Field
/// names and order are a stable contract; new fields are only ever added.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayoutRecord {
    pub agreement: String,
    pub party: String,
    pub currency: crate::codes::Currency,
    pub earned: Money,
    pub released: Money,
    pub reserved: Money,
    pub recouped: Money,
    pub carried_in: Money,
    pub carried_out: Money,
    pub unvested: Money,
    pub gated: Money,
    pub forfeited: Money,
    pub payable: Money,
    pub withheld: Money,
    pub paid: Money,
    pub paid_currency: crate::codes::Currency,
    pub paid_amount: Money,
    pub unrecouped: Money,
    pub milestones: Vec<String>,
    pub perks: Vec<String>,
    /// Net change of what open disputes hold (positive = newly held,
    /// negative = released on resolution; docs/arithmetic.md, step 9b).
    #[serde(default)]
    pub held: Money,
    /// Dispute adjustments credited this period (negative: recovered;
    /// docs/arithmetic.md, step 8b).
    #[serde(default)]
    pub adjusted: Money,
    /// Milestone bonuses paid this period (docs/arithmetic.md, step 8): an
    /// addition, so records closed before it read as no bonus.
    #[serde(default)]
    pub bonus: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub file: String,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Consumed {
    pub file: String,
    pub sha256: String,
    pub lines: u64,
    /// Its units and amount per currency: a statement re-saved with other
    /// bytes (line endings, quoting) has the same ones, and is refused in
    /// another period as its bytes would be (docs/ledger.md). Absent in
    /// files written before.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub totals: BTreeMap<String, ConsumedTotal>,
}

/// A consumed statement's sums in one currency, exact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumedTotal {
    pub units: i64,
    pub amount: String,
}

impl Consumed {
    /// The totals as recorded, from a statement's sums per currency.
    pub fn totals_of(
        totals: &BTreeMap<crate::codes::Currency, crate::statement::Sums>,
    ) -> BTreeMap<String, ConsumedTotal> {
        totals
            .iter()
            .map(|(c, s)| {
                let total = ConsumedTotal {
                    units: s.units,
                    amount: s.amount.normalize().to_string(),
                };
                (c.to_string(), total)
            })
            .collect()
    }
}

pub const FORMAT: &str = "royalty-ledger/1";

impl PeriodRecord {
    pub fn period(&self) -> Option<Period> {
        Period::parse(&self.period)
    }
}

/// Serialises exact figures as strings ("30625.5", "1000/3"), so no JSON
/// reader turns them into floats; decimals written by earlier versions read
/// back unchanged.
mod exact_map {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(m: &BTreeMap<Source, Exact>, s: S) -> Result<S::Ok, S::Error> {
        let t: BTreeMap<&str, String> = m.iter().map(|(k, v)| (k.name(), v.to_string())).collect();
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<Source, Exact>, D::Error> {
        let t: BTreeMap<String, String> = BTreeMap::deserialize(d)?;
        let mut out = BTreeMap::new();
        for (k, v) in t {
            let src = Source::parse(&k)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown source `{k}`")))?;
            let x = Exact::parse(&v)
                .ok_or_else(|| serde::de::Error::custom(format!("`{v}` is not an exact number")))?;
            out.insert(src, x);
        }
        Ok(out)
    }
}
