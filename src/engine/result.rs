//! What the engine produces: plain data, every figure with what it came
//! from, for the report writers to render (table, CSV, JSON) and for
//! `explain` to trace.

use crate::agreement::RateTerm;
use crate::codes::{Currency, Isrc, Source};
use crate::money::Money;
use crate::period::Period;
use crate::statement::{FileSummary, Sums};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct PeriodResult {
    pub period: Period,
    pub agreements: Vec<AgreementResult>,
    /// Lines whose ISRC no agreement covers.
    pub unmatched: Bucket,
    /// Lines of a covered ISRC whose usage date is outside every term.
    pub out_of_term: Bucket,
    pub files: Vec<FileSummary>,
    pub checks: Checks,
    /// The ledger state after this period (what `close` records).
    pub closing: crate::ledger::State,
}

/// Lines set aside, with their totals in their own currencies.
#[derive(Clone, Debug, Default)]
pub struct Bucket {
    pub by_currency: BTreeMap<Currency, Sums>,
    pub by_isrc: BTreeMap<Isrc, BTreeMap<Currency, Sums>>,
}

impl Bucket {
    pub fn add(&mut self, isrc: Isrc, currency: Currency, s: &Sums) {
        self.by_currency.entry(currency).or_default().merge(s);
        self.by_isrc
            .entry(isrc)
            .or_default()
            .entry(currency)
            .or_default()
            .merge(s);
    }
    pub fn lines(&self) -> u64 {
        self.by_currency.values().map(|s| s.lines).sum()
    }
}

/// One currency's lines converted into the agreement currency.
#[derive(Clone, Debug)]
pub struct Conversion {
    pub currency: Currency,
    pub amount: Decimal,
    pub rate: Decimal,
    pub converted: Decimal,
    pub lines: u64,
}

#[derive(Clone, Debug)]
pub struct AgreementResult {
    /// Position in the agreements slice given to the engine.
    pub index: usize,
    pub id: String,
    pub currency: Currency,
    /// R, exact, in the agreement currency.
    pub revenue_exact: Decimal,
    /// round(R), half-to-even (SPEC 3 step 5).
    pub revenue: Money,
    pub label_retained: Money,
    pub label_exact: Decimal,
    pub units: BTreeMap<Source, i64>,
    pub revenue_by_source: BTreeMap<Source, Decimal>,
    pub tax_withheld_at_source: Decimal,
    pub lines: u64,
    pub conversions: Vec<Conversion>,
    pub parties: Vec<PartyResult>,
    pub milestones: Vec<super::milestone::Standing>,
    /// Lifetime net revenue after this period (ledger + this period), exact.
    pub lifetime_revenue: Decimal,
    pub reversion: Option<ReversionStanding>,
}

/// A reversion clause this period (SPEC 2.2 `[reversion]`).
#[derive(Clone, Debug)]
pub struct ReversionStanding {
    /// The condition held at its date: the rights revert.
    pub triggered: bool,
    pub rights: Vec<String>,
    pub to: String,
    pub by: jiff::civil::Date,
    pub if_revenue_below: Money,
}

/// One party's earnings on one source under one set of terms.
#[derive(Clone, Debug)]
pub struct EarningLine {
    pub source: Source,
    /// Index into the agreement's `terms` (0 = original terms).
    pub terms: usize,
    /// Net receipts in the agreement currency, exact.
    pub base: Decimal,
    pub units: i64,
    pub rate: RateTerm,
    pub exact: Decimal,
    /// Set on the increment of a milestone (SPEC 3 step 4).
    pub milestone: Option<String>,
    /// The share of the base the rate applies to (a prospective crossing).
    pub fraction: Decimal,
    /// A retroactive milestone's catch-up on earlier periods' revenue.
    pub catch_up: bool,
}

/// The flows of SPEC 4.1 for one party and period, in the agreement currency
/// except `paid_amount`.
#[derive(Clone, Debug, Default)]
pub struct Flows {
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
    pub paid_currency: Option<Currency>,
    pub paid_amount: Money,
    pub unrecouped: Money,
    /// Tax withheld at source, passed through pro rata (SPEC 3 step 10).
    pub tax_at_source: Money,
}

#[derive(Clone, Debug)]
pub struct PartyResult {
    /// Position in the agreement's parties.
    pub index: usize,
    pub id: String,
    pub earned_exact: Decimal,
    /// The cent added by the largest-remainder rule, if any.
    pub rounding: Decimal,
    pub lines: Vec<EarningLine>,
    pub flows: Flows,
    pub fx_rate: Option<Decimal>,
    pub milestones: Vec<String>,
    pub perks: Vec<String>,
    /// Why a payable was carried, for people (threshold, deficit).
    pub notes: Vec<String>,
    /// What the label holds for the party (carried + reserves + gated +
    /// unvested) before and after the period: closing = opening + earned -
    /// paid - withheld - recouped - forfeited.
    pub balance_open: Money,
    pub balance_close: Money,
    /// False for a party an amendment adds later than this period.
    pub joined: bool,
}

/// The results of the self-checks run on every computation.
#[derive(Clone, Debug, Default)]
pub struct Checks {
    pub conservation: bool,
    pub details: Vec<String>,
}
