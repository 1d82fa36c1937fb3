//! What the engine produces: plain data, every figure with what it came
//! from, for the report writers to render (table, CSV, JSON, statements)
//! and for `explain` to trace. Exact figures are `Exact` (rationals);
//! rounded ones are `Money` (cents).

use crate::agreement::RateTerm;
use crate::codes::{Currency, Isrc, Source};
use crate::exact::Exact;
use crate::money::Money;
use crate::period::Period;
use crate::statement::{FileSummary, Sums};
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
    /// Revenue reported per release only (a UPC, no ISRC): what each
    /// release's rows became, apportioned or not (`engine::releases`).
    pub releases: Vec<super::releases::ReleaseOutcome>,
    /// The disputes of the register this computation saw (docs/ledger.md,
    /// "The dispute register"), in id order: what the statements and
    /// `reconcile` say about them, beside the money in `PartyResult::disputes`.
    pub disputes: Vec<crate::ledger::disputes::Dispute>,
}

impl AgreementResult {
    /// The milestone bonuses the label pays this period, beyond the
    /// revenue split (docs/arithmetic.md, step 8).
    pub fn bonuses(&self) -> Money {
        self.parties.iter().map(|p| p.flows.bonus).sum()
    }
}

impl PeriodResult {
    /// The result of agreement `index` (its position in the agreements
    /// given to the engine): results come in that order, so no search.
    pub fn agreement(&self, index: usize) -> Option<&AgreementResult> {
        match self.agreements.get(index) {
            Some(a) if a.index == index => Some(a),
            _ => self.agreements.iter().find(|a| a.index == index),
        }
    }
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
    /// The lines' exact sum, in `currency`.
    pub amount: rust_decimal::Decimal,
    /// Release revenue apportioned to the agreement's tracks, in
    /// `currency`, exact (amount/12 has no finite decimal).
    pub apportioned: Exact,
    /// 1 `currency` = `rate` agreement currency (an inverse rate is exact).
    pub rate: Exact,
    pub converted: Exact,
    pub lines: u64,
    pub units: i64,
}

#[derive(Clone, Debug)]
pub struct AgreementResult {
    /// Position in the agreements slice given to the engine.
    pub index: usize,
    pub id: String,
    pub currency: Currency,
    /// R, exact, in the agreement currency.
    pub revenue_exact: Exact,
    /// round(R), half-to-even (docs/arithmetic.md, step 5).
    pub revenue: Money,
    pub label_retained: Money,
    pub label_exact: Exact,
    pub units: BTreeMap<Source, i64>,
    pub revenue_by_source: BTreeMap<Source, Exact>,
    pub tax_withheld_at_source: Exact,
    pub lines: u64,
    pub conversions: Vec<Conversion>,
    pub parties: Vec<PartyResult>,
    pub milestones: Vec<super::milestone::Standing>,
    /// Lifetime net revenue after this period (ledger + this period), exact.
    pub lifetime_revenue: Exact,
    pub reversion: Option<ReversionStanding>,
    /// Each advance of the agreement this period, in file order.
    pub advances: Vec<AdvanceStanding>,
}

/// An advance's history as of this period (statements show it).
#[derive(Clone, Debug, PartialEq)]
pub struct AdvanceStanding {
    pub id: String,
    /// Position of its party in the agreement.
    pub party: usize,
    pub amount: Money,
    pub date: Option<jiff::civil::Date>,
    /// Recouped in earlier periods.
    pub recouped_before: Money,
    /// Recouped this period (from this and cross-collateralized agreements).
    pub recouped: Money,
    /// Still to recoup after this period.
    pub remaining: Money,
}

/// A reversion clause this period (`[reversion]`).
#[derive(Clone, Debug)]
pub struct ReversionStanding {
    /// The condition held at its date: the rights revert.
    pub triggered: bool,
    pub rights: Vec<String>,
    pub to: String,
    pub by: jiff::civil::Date,
    pub if_revenue_below: Money,
}

/// Which term of the agreement a figure was earned under.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A base rate of the terms at this index (0 = the original terms,
    /// then each amendment in date order).
    Base { terms: usize },
    /// A milestone's increment (index into the agreement's milestones), on
    /// `fraction` of the period's revenue of the source (1 = all of it; less
    /// in the period a prospective milestone is crossed).
    Increment { milestone: usize, fraction: Exact },
    /// A retroactive milestone's catch-up on the revenue of earlier periods.
    CatchUp { milestone: usize },
}

/// One figure of a party's earnings: the attribution of every cent.
/// `exact` = `base` x `rate` x the origin's fraction (or `units` x a
/// per-unit rate); a party's lines add up exactly to its `earned_exact`.
#[derive(Clone, Debug)]
pub struct EarningLine {
    pub origin: Origin,
    /// The terms in force for the revenue (for an increment, the terms of
    /// the revenue it is on; for a catch-up, the latest terms).
    pub terms: usize,
    pub source: Source,
    /// The statement currency the revenue came in (the agreement currency
    /// for a catch-up, which is priced on the ledger's lifetime revenue).
    pub currency: Currency,
    /// `Some` in per-track attribution (`attribution::tracks`); the
    /// period's result sums all the agreement's tracks.
    pub track: Option<Isrc>,
    /// The usage month, when it is before the period: a prior-period
    /// correction or late report, priced under the terms in force then.
    pub prior: Option<crate::period::Usage>,
    /// Revenue reported per release only, apportioned to tracks
    /// (`engine::releases`): which release, and what share of it.
    pub release: Option<super::releases::ReleaseShare>,
    /// Net receipts in `currency`, exact.
    pub amount: Exact,
    /// Net receipts in the agreement currency: `amount` x the period-end rate.
    pub base: Exact,
    pub units: i64,
    /// The rate (for an increment or catch-up, the increment).
    pub rate: RateTerm,
    pub exact: Exact,
}

impl EarningLine {
    /// The milestone an increment or catch-up comes from.
    pub fn milestone(&self) -> Option<usize> {
        match self.origin {
            Origin::Increment { milestone, .. } | Origin::CatchUp { milestone } => Some(milestone),
            Origin::Base { .. } => None,
        }
    }
}

/// The flows of a payout row (docs/commands.md, `run --format json`) for
/// one party and period, in the agreement currency except `paid_amount`.
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// Tax withheld at source, passed through pro rata (arithmetic step 10).
    pub tax_at_source: Money,
    /// Net change of what open disputes hold (step 9b): positive = newly
    /// held, negative = released by a resolution (step 8b).
    pub held: Money,
    /// Dispute adjustments credited (negative: recovered), step 8b.
    pub adjusted: Money,
    /// Milestone bonuses paid this period (step 8): paid by the label on
    /// top of the revenue split, added to what is payable after recoupment.
    pub bonus: Money,
}

/// What one dispute did to a party's money this period.
#[derive(Clone, Debug, PartialEq)]
pub struct DisputeStep {
    /// The dispute's id in the register (`D1`).
    pub id: String,
    /// Held this period (negative: released by the resolution).
    pub held: Money,
    /// The adjustment credited (negative: recovered).
    pub adjusted: Money,
    /// What the dispute holds after the period.
    pub held_after: Money,
    /// True for the period that pays its resolution.
    pub resolved: bool,
}

/// What recouped one advance from this party this period.
#[derive(Clone, Debug, PartialEq)]
pub struct Recoupment {
    /// The agreement the advance belongs to.
    pub agreement: String,
    pub advance: String,
    pub amount: Money,
}

#[derive(Clone, Debug)]
pub struct PartyResult {
    /// Position in the agreement's parties.
    pub index: usize,
    pub id: String,
    pub earned_exact: Exact,
    /// The cent added by the largest-remainder rule, if any.
    pub rounding: Money,
    pub lines: Vec<EarningLine>,
    pub flows: Flows,
    pub fx_rate: Option<Exact>,
    pub milestones: Vec<String>,
    pub perks: Vec<String>,
    /// Each advance this party's earnings recouped, in the order recouped.
    pub recoupments: Vec<Recoupment>,
    /// The milestone bonuses paid to the party this period.
    pub bonuses: Vec<BonusPaid>,
    /// Why a payable was carried, for people (threshold, deficit).
    pub notes: Vec<String>,
    /// Each dispute of the party that held, released or adjusted money
    /// this period (docs/arithmetic.md, steps 8b and 9b), in id order.
    pub disputes: Vec<DisputeStep>,
    /// What the label holds for the party (carried + reserves + gated +
    /// unvested + held for disputes) before and after the period: closing =
    /// opening + earned + adjusted - paid - withheld - recouped - forfeited.
    pub balance_open: Money,
    pub balance_close: Money,
    /// False for a party an amendment adds later than this period.
    pub joined: bool,
}

/// One milestone bonus paid this period (`engine::bonus`).
#[derive(Clone, Debug, PartialEq)]
pub struct BonusPaid {
    /// Index of the milestone in the agreement.
    pub milestone: usize,
    pub amount: Money,
    pub recoup: crate::agreement::BonusRecoup,
}

/// The results of the self-checks run on every computation.
#[derive(Clone, Debug, Default)]
pub struct Checks {
    pub conservation: bool,
    pub details: Vec<String>,
}
