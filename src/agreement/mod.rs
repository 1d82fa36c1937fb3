//! The agreement model (docs/agreements.md): who shares in which tracks, at
//! what rates.
//!
//! This is the validated form. `raw` holds the serde structs that mirror the
//! TOML file, `load` turns one into the other and reports every problem with
//! its place. Nothing here does I/O.

pub mod load;
mod procedure;
mod raw;

use crate::codes::{Currency, Isrc, Source};
use crate::money::Money;
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Agreement {
    pub id: String,
    pub title: String,
    pub currency: Currency,
    pub signed: Option<Date>,
    /// Usage before this date is out of term (docs/agreements.md, "Header").
    pub start: Option<Date>,
    /// Extension: usage after this date is out of term. Lets a track move to a
    /// new agreement without two agreements covering the same dates.
    pub end: Option<Date>,
    pub tracks: Vec<Track>,
    pub parties: Vec<Party>,
    /// The terms in force from each date on: `terms[0]` is the original
    /// agreement (in force from the beginning), later entries come from
    /// amendments, in date order.
    pub terms: Vec<Terms>,
    pub payout: PayoutRules,
    pub advances: Vec<Advance>,
    pub gate: Option<Gate>,
    pub reserve: Option<Reserve>,
    pub milestones: Vec<Milestone>,
    pub reversion: Option<Reversion>,
    /// Why each amended terms set exists (`reason`), by `terms` index.
    pub amendment_reasons: Vec<String>,
    /// Statements bind once this many days pass unchallenged (`[dispute]`).
    pub objection_days: Option<u32>,
    /// The rest of the dispute procedure (`[dispute]`), when stated.
    pub dispute: Option<DisputeClause>,
    /// Albums the agreement's tracks are on (`[[release]]`): revenue
    /// reported per release is apportioned to them (engine::releases).
    pub releases: Vec<Release>,
    /// The file it was read from (for messages).
    pub file: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Track {
    pub isrc: Isrc,
    pub title: String,
}

#[derive(Clone, Debug)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub role: String,
    pub tier: Option<String>,
    pub hours: Option<Decimal>,
    pub deliverables: Vec<String>,
    /// The currency the party is paid in (docs/arithmetic.md, step 11).
    pub payout_currency: Currency,
    /// Tax withheld from each payment, as a fraction (docs/arithmetic.md, step 10).
    pub withholding: Decimal,
    pub vesting: Option<Vesting>,
    /// The party left: earnings not vested by then are forfeited to the label.
    pub departed: Option<Date>,
    /// Set for a party an amendment adds: it earns from this date on.
    pub joins: Option<Date>,
    /// Line and column of `payout_currency` (or of the party's id), for
    /// the message when its exchange rate is missing.
    pub payout_currency_at: (usize, usize),
}

/// Vesting of a party's earnings (docs/arithmetic.md, step 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vesting {
    pub start: Date,
    pub months: u32,
    pub cliff_months: u32,
}

/// What a milestone counts (docs/agreements.md, "Milestones").
#[derive(Clone, Debug, PartialEq)]
pub enum Metric {
    /// Cumulative units of `sources`, each weighted (1 when not given).
    Units,
    /// Cumulative net revenue of `sources`, agreement currency.
    Revenue,
    /// An events-file line of this kind meeting the condition.
    Event {
        kind: crate::events::EventKind,
        at_most: Option<Decimal>,
        at_least: Option<Decimal>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Prospective,
    Retroactive,
}

#[derive(Clone, Debug)]
pub struct Milestone {
    pub id: String,
    pub metric: Metric,
    pub sources: Vec<Source>,
    /// Multiplier per source for the metric (e.g. 0.002: 500 streams = 1 unit).
    pub weights: Vec<(Source, Decimal)>,
    pub threshold: Decimal,
    pub mode: Mode,
    /// (party, source, increment): added to the base rate once reached.
    pub escalate: Vec<(usize, Source, crate::money::Rate)>,
    /// (party, perk): recognition unlocked when reached.
    pub perks: Vec<(usize, String)>,
    /// One-off amounts paid on reaching it (docs/agreements.md, bonuses).
    pub bonuses: Vec<Bonus>,
}

/// A milestone bonus: a one-off amount in the agreement currency, paid to
/// `party` in the period the milestone is first reached (docs/arithmetic.md,
/// step 8, bonuses). A cost to the label beyond the revenue split.
#[derive(Clone, Debug, PartialEq)]
pub struct Bonus {
    pub party: usize,
    pub amount: Money,
    pub recoup: BonusRecoup,
}

/// Whether a bonus is recouped from the party's later earnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BonusRecoup {
    /// Paid outright: never recouped.
    No,
    /// Recouped like an advance of its amount, from the party's earnings
    /// under this agreement (`recoupable = true`).
    Own,
    /// Recouped with this advance (index in `advances`): from the same
    /// agreements (its cross-collateralization), after the agreement's
    /// advances (`recoup = "ID"`).
    With(usize),
}

impl Milestone {
    pub fn weight(&self, s: Source) -> Decimal {
        self.weights
            .iter()
            .find(|(x, _)| *x == s)
            .map(|(_, w)| *w)
            .unwrap_or(Decimal::ONE)
    }
    pub fn concerns(&self, party: usize) -> bool {
        self.escalate.iter().any(|(p, _, _)| *p == party)
            || self.perks.iter().any(|(p, _)| *p == party)
            || self.bonuses.iter().any(|b| b.party == party)
    }
}

/// If the project falters, rights revert (docs/agreements.md, "Amendments,
/// reversion, disputes"; docs/arithmetic.md, "Reversion").
#[derive(Clone, Debug)]
pub struct Reversion {
    pub if_revenue_below: Money,
    pub by: Date,
    pub rights: Vec<String>,
    pub to: String,
}

/// How a statement is challenged (`[dispute]`, docs/agreements.md): after
/// the objection window (`Agreement::objection_days`), mediation first,
/// then arbitration before a named body or expert.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DisputeClause {
    /// How long mediation may run before the dispute may go to arbitration.
    pub mediation_days: Option<u32>,
    /// Who decides at arbitration (a body or an independent expert).
    pub arbitration: Option<String>,
    /// How long the arbitration may take to decide.
    pub arbitration_days: Option<u32>,
    /// Hold the disputed amount from payment until the dispute is resolved.
    pub hold_disputed: bool,
}

/// An album some of the agreement's tracks are on (`[[release]]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub upc: crate::codes::Upc,
    pub title: String,
    /// The number of tracks on the release: each gets 1/tracks of what the
    /// release earns without a track named.
    pub tracks: u32,
    /// The agreement's tracks on the release (indices into `tracks`), in
    /// file order: `isrcs`, or every track of the agreement.
    pub listed: Vec<usize>,
    /// Line and column of `upc`, for messages across agreements.
    pub upc_at: (usize, usize),
}

/// What one party earns from one source: a share of net receipts
/// (`num / den`, kept as a fraction so weighted splits such as 1/3 stay
/// exact) or a fixed amount per unit. The engine prices with it in exact
/// rationals (`engine::pricing::apply`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateTerm {
    Share { num: Decimal, den: Decimal },
    PerUnit(Decimal),
}

impl RateTerm {
    /// The share as one decimal (for display and the 100% check).
    pub fn share(&self) -> Option<Decimal> {
        match *self {
            RateTerm::Share { num, den } => Some(num / den),
            RateTerm::PerUnit(_) => None,
        }
    }
}

/// Where a party's shares come from (kept for `describe` and `credits`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareForm {
    /// `[rates]`: per party and source.
    Rates,
    /// `[pool]` x explicit `[split]`.
    PoolSplit,
    /// `[pool]` x weighted split (tiers, optionally x hours).
    PoolWeighted { by_hours: bool },
}

/// The terms in force from `effective` on.
#[derive(Clone, Debug)]
pub struct Terms {
    /// `None` for the original terms.
    pub effective: Option<Date>,
    pub form: ShareForm,
    /// `rates[party][source]`, indexed by party position and `Source::index`.
    pub rates: Vec<[Option<RateTerm>; 9]>,
    /// Each party's share of the pool (pool forms only): num/den.
    pub split: Vec<Option<(Decimal, Decimal)>>,
    /// Pool per source (pool forms only).
    pub pool: [Option<Decimal>; 9],
}

impl Terms {
    pub fn rate(&self, party: usize, source: Source) -> Option<RateTerm> {
        self.rates.get(party).and_then(|r| r[source.index()])
    }
}

/// An advance (or a cost charged to a party's account) recouped from that
/// party's earnings before anything is paid (docs/arithmetic.md, step 8).
#[derive(Clone, Debug)]
pub struct Advance {
    pub id: String,
    /// Position of the party in the agreement.
    pub party: usize,
    pub amount: Money,
    pub date: Option<Date>,
    /// Other agreements whose earnings (of the same party id) also recoup it.
    pub cross_collateralize: Vec<String>,
}

/// "Record one": these parties' earnings are held until the advance is
/// recouped, then released from the first unit on (docs/agreements.md,
/// "Advances, gates, reserves, payout rules"; docs/arithmetic.md, step 6).
#[derive(Clone, Debug)]
pub struct Gate {
    pub parties: Vec<usize>,
    /// Position of the advance in `advances`.
    pub advance: usize,
    /// `combined`: the gated parties' earnings count towards recoupment of
    /// the advance; `net`: only the advance party's own.
    pub combined: bool,
}

/// How a reserve is released over the periods after it is held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReleaseSchedule {
    /// In equal parts over this many periods (the last takes the remainder).
    Equal(u32),
    /// Fractions per period, summing to exactly 1.
    Explicit(Vec<Decimal>),
}

/// Reserve against returns (docs/arithmetic.md, step 7).
#[derive(Clone, Debug)]
pub struct Reserve {
    pub rate: Decimal,
    pub sources: Vec<Source>,
    pub schedule: ReleaseSchedule,
}

#[derive(Clone, Debug, Default)]
pub struct PayoutRules {
    /// Below this a party's payable is carried forward (docs/arithmetic.md, step 9).
    pub minimum: Money,
    pub lock_in_until: Option<Date>,
}

impl Agreement {
    /// The terms that price usage on `date` (docs/arithmetic.md, step 3, and
    /// "Amendments and dates").
    pub fn terms_on(&self, date: Date) -> usize {
        self.terms
            .iter()
            .rposition(|t| t.effective.is_none_or(|e| e <= date))
            .unwrap_or(0)
    }

    /// Does the agreement's term cover usage from `first` to `last`?
    /// A usage month is covered when any day of it is in term.
    pub fn covers(&self, first: Date, last: Date) -> bool {
        self.start.is_none_or(|s| last >= s) && self.end.is_none_or(|e| first <= e)
    }

    pub fn party_index(&self, id: &str) -> Option<usize> {
        self.parties.iter().position(|p| p.id == id)
    }
}

/// The union of every agreement's tracks: which agreements may match an ISRC.
pub fn covers_same_dates(a: &Agreement, b: &Agreement) -> bool {
    let a_start = a.start.unwrap_or(Date::MIN);
    let a_end = a.end.unwrap_or(Date::MAX);
    let b_start = b.start.unwrap_or(Date::MIN);
    let b_end = b.end.unwrap_or(Date::MAX);
    a_start <= b_end && b_start <= a_end
}

pub use load::{across_agreements, load_agreement_str, load_agreements};

/// For display: all sources a terms set pays anything on.
pub fn sources_paid(terms: &Terms) -> Vec<Source> {
    Source::ALL
        .into_iter()
        .filter(|s| terms.rates.iter().any(|r| r[s.index()].is_some()))
        .collect()
}
