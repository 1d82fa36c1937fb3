//! The rows every writer renders (docs/commands.md, `run --format json`): one per party and agreement,
//! one per agreement, and the set-aside lines.

use crate::agreement::Agreement;
use crate::codes::{Currency, Source};
use crate::engine::{Bucket, PartyResult, PeriodResult};
use crate::ledger::PayoutRecord;
use crate::money::{round_cents, Money};
use serde::Serialize;
use std::collections::BTreeMap;

/// One payout row: the typed record the ledger stores (field names and
/// order are the stable contract of `run --format json`), with what only
/// the table shows beside it.
#[derive(Clone, Debug, Serialize)]
pub struct PayoutRow {
    #[serde(flatten)]
    pub record: PayoutRecord,
    /// For the table only: what the label holds for the party before and
    /// after the period (kept out of the JSON and CSV contract).
    #[serde(skip)]
    pub balance_open: Money,
    #[serde(skip)]
    pub balance_close: Money,
    #[serde(skip)]
    pub notes: Vec<String>,
}

impl std::ops::Deref for PayoutRow {
    type Target = PayoutRecord;
    fn deref(&self) -> &PayoutRecord {
        &self.record
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct AgreementRow {
    pub agreement: String,
    pub currency: Currency,
    pub revenue: Money,
    pub label_retained: Money,
    pub forfeited: Money,
    pub units: BTreeMap<String, i64>,
    pub lines: u64,
    /// Dispute adjustments the label paid this period (negative:
    /// recovered), beyond the revenue split (docs/arithmetic.md, step 8b).
    pub adjusted: Money,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<super::progress::MilestoneRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reversion: Option<super::progress::ReversionRow>,
    /// Milestone bonuses the label pays this period beyond the revenue
    /// split (docs/arithmetic.md, step 8): an addition.
    pub bonuses: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct SetAside {
    pub lines: u64,
    /// Per currency, half-to-even to cents (the exact sums are in reconcile).
    pub amount: BTreeMap<String, Money>,
}

impl SetAside {
    pub fn from(b: &Bucket) -> SetAside {
        SetAside {
            lines: b.lines(),
            amount: b
                .by_currency
                .iter()
                .map(|(c, s)| (c.to_string(), Money(round_cents(s.amount))))
                .collect(),
        }
    }
}

/// Does a party get a row? Every party of an agreement with revenue this
/// period, and any party still holding a balance.
fn shows(agreement_active: bool, p: &PartyResult) -> bool {
    let f = &p.flows;
    (agreement_active && p.joined)
        || !p.balance_close.is_zero()
        || [
            f.earned,
            f.released,
            f.reserved,
            f.recouped,
            f.carried_in,
            f.carried_out,
            f.unvested,
            f.gated,
            f.forfeited,
            f.payable,
            f.unrecouped,
            f.held,
            f.adjusted,
            f.bonus,
        ]
        .iter()
        .any(|m| !m.is_zero())
}

pub fn payout_rows(r: &PeriodResult, agreements: &[Agreement]) -> Vec<PayoutRow> {
    let mut rows = Vec::new();
    for a in &r.agreements {
        let active = a.lines > 0;
        let ag = &agreements[a.index];
        for p in &a.parties {
            if !shows(active, p) {
                continue;
            }
            let f = &p.flows;
            rows.push(PayoutRow {
                record: PayoutRecord {
                    agreement: a.id.clone(),
                    party: p.id.clone(),
                    currency: a.currency,
                    earned: f.earned,
                    released: f.released,
                    reserved: f.reserved,
                    recouped: f.recouped,
                    carried_in: f.carried_in,
                    carried_out: f.carried_out,
                    unvested: f.unvested,
                    gated: f.gated,
                    forfeited: f.forfeited,
                    payable: f.payable,
                    withheld: f.withheld,
                    paid: f.paid,
                    paid_currency: f
                        .paid_currency
                        .unwrap_or(ag.parties[p.index].payout_currency),
                    paid_amount: f.paid_amount,
                    unrecouped: f.unrecouped,
                    milestones: p.milestones.clone(),
                    perks: p.perks.clone(),
                    held: f.held,
                    adjusted: f.adjusted,
                    bonus: f.bonus,
                },
                balance_open: p.balance_open,
                balance_close: p.balance_close,
                notes: p.notes.clone(),
            });
        }
    }
    rows
}

pub fn agreement_rows(r: &PeriodResult, agreements: &[Agreement]) -> Vec<AgreementRow> {
    r.agreements
        .iter()
        .map(|a| AgreementRow {
            agreement: a.id.clone(),
            currency: a.currency,
            revenue: a.revenue,
            label_retained: a.label_retained,
            forfeited: a.parties.iter().map(|p| p.flows.forfeited).sum(),
            units: a
                .units
                .iter()
                .map(|(s, u): (&Source, &i64)| (s.name().to_string(), *u))
                .collect(),
            lines: a.lines,
            adjusted: a.parties.iter().map(|p| p.flows.adjusted).sum(),
            milestones: super::progress::milestone_rows(&agreements[a.index], a),
            reversion: super::progress::reversion_row(a),
            bonuses: a.bonuses(),
        })
        .collect()
}
