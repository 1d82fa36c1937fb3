//! The engine: agreements + revenue (+ opening balances) -> payouts.
//!
//! Pure: no I/O, no printing. It follows docs/arithmetic.md in its order:
//! match, convert, rate, round once, then the per-party deductions down to
//! the payment. Every figure keeps what it came from (`EarningLine`:
//! terms, milestone, source, currency, base, rate; `Conversion`) so every
//! document renders it instead of recomputing it, and `conserve` checks the
//! invariants before anything is returned: a failure there is a bug.
//!
//! Cost: the engine works on the readers' sums per (track, source, usage
//! month, currency), never on statement lines. It groups them per
//! (agreement, terms, source, currency) in one pass and prices each group
//! once, in exact rationals; per-track figures are derived on demand by
//! `attribution::tracks` for the documents that show tracks.

pub mod allocate;
pub mod attribution;
pub mod bonus;
mod conserve;
pub mod disputes;
mod edge;
pub mod milestone;
pub mod pricing;
pub mod recoupment;
pub mod releases;
pub mod result;
pub mod tracks;

use crate::agreement::Agreement;
use crate::codes::{Currency, Isrc, Source};
use crate::diag::{Diagnostic, Error, Result};
use crate::exact::Exact;
use crate::fx::FxTable;
use crate::ledger::State;
use crate::money::Money;
use crate::period::Period;
use crate::statement::{FileSummary, Key, Sums};
use pricing::{Group, Pricing};
pub use releases::ReleaseShare;
pub use result::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

pub struct Input<'a> {
    pub period: Period,
    pub agreements: &'a [Agreement],
    /// Revenue sums in key order (`Revenue::sorted`).
    pub revenue: &'a [(Key, Sums)],
    pub files: &'a [FileSummary],
    pub fx: &'a FxTable,
    /// The ledger's state before the period (empty for a new ledger).
    pub opening: &'a State,
    /// Chart positions, deals... (docs/agreements.md, events).
    pub events: &'a [crate::events::Event],
    /// Revenue reported per release only, in key order
    /// (`Revenue::sorted_releases`): apportioned to the tracks agreements
    /// list on the release (step 1b).
    pub releases: &'a [(crate::statement::ReleaseKey, Sums)],
    /// The disputes of the register this period sees
    /// (`ledger::disputes::file::view`): holds, releases, adjustments.
    pub disputes: &'a [crate::ledger::disputes::Dispute],
}

/// Which agreement each ISRC may belong to.
pub fn isrc_index(agreements: &[Agreement]) -> HashMap<Isrc, Vec<usize>> {
    let mut m: HashMap<Isrc, Vec<usize>> = HashMap::new();
    for (i, a) in agreements.iter().enumerate() {
        for t in &a.tracks {
            m.entry(t.isrc).or_default().push(i);
        }
    }
    m
}

/// What an agreement's matched revenue is grouped by before pricing: the
/// terms in force, source and currency, and what a document shows apart
/// (a usage month before the period, a release's share).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GroupKey {
    pub terms: usize,
    pub source: Source,
    pub currency: Currency,
    /// The usage month, when before the period (a prior-period correction).
    pub prior: Option<crate::period::Usage>,
    /// A release's share (the sums are the release's rows, whole).
    pub release: Option<ReleaseShare>,
}

impl GroupKey {
    /// The key of revenue used in `usage`, in a computation of `period`.
    pub fn new(
        terms: usize,
        source: Source,
        currency: Currency,
        usage: crate::period::Usage,
        period: Period,
    ) -> GroupKey {
        GroupKey {
            terms,
            source,
            currency,
            prior: prior_month(usage, period),
            release: None,
        }
    }

    /// The exact net receipts of the group's sums: the release's share of
    /// them for a release group.
    pub fn amount(&self, sums: &Sums) -> Exact {
        let a = Exact::dec(sums.amount);
        match self.release {
            Some(r) => a * r.fraction(),
            None => a,
        }
    }
}

/// The usage month of revenue used before `period` began (a prior-period
/// correction or late report), `None` within the period.
pub fn prior_month(usage: crate::period::Usage, period: Period) -> Option<crate::period::Usage> {
    (usage.first_day() < period.first_day()).then_some(crate::period::Usage {
        year: usage.year,
        month: usage.month,
        day: 0,
    })
}

/// Matched revenue of one agreement, before conversion.
type Grouped = BTreeMap<GroupKey, Sums>;

/// Which agreement and terms a revenue key belongs to (docs/arithmetic.md,
/// step 1): `Ok((agreement, terms))`, `Err(true)` when an agreement lists
/// the track but no term covers the usage date (out of term), `Err(false)`
/// when none lists it (unmatched).
pub fn match_key(
    agreements: &[Agreement],
    by_isrc: &HashMap<Isrc, Vec<usize>>,
    key: &Key,
) -> std::result::Result<(usize, usize), bool> {
    let candidates = by_isrc.get(&key.isrc).ok_or(false)?;
    let (first, last) = (key.usage.first_day(), key.usage.last_day());
    let i = *candidates
        .iter()
        .find(|&&i| agreements[i].covers(first, last))
        .ok_or(true)?;
    Ok((i, agreements[i].terms_on(key.usage.pricing_date())))
}

/// Revenue sums split by what step 1 does with them: matched to an
/// agreement, unmatched, or out of term; per statement currency. The same
/// `match_key` as `compute`, for reconciling one file at a time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcomes {
    pub matched: BTreeMap<Currency, Sums>,
    pub unmatched: BTreeMap<Currency, Sums>,
    pub out_of_term: BTreeMap<Currency, Sums>,
}

pub fn outcomes(agreements: &[Agreement], revenue: &[(Key, Sums)]) -> Outcomes {
    let by_isrc = isrc_index(agreements);
    let mut o = Outcomes::default();
    for (key, sums) in revenue {
        let into = match match_key(agreements, &by_isrc, key) {
            Ok(_) => &mut o.matched,
            Err(true) => &mut o.out_of_term,
            Err(false) => &mut o.unmatched,
        };
        into.entry(key.currency).or_default().merge(sums);
    }
    o
}

/// Adds statement sums exactly: `Decimal` would round a sum past 28 digits
/// silently, so a sum that no longer fits is refused instead.
fn add_exactly(into: &mut Sums, s: &Sums) -> bool {
    let scale = into.amount.scale().max(s.amount.scale());
    let (a, t) = (
        into.amount.checked_add(s.amount),
        into.tax_withheld.checked_add(s.tax_withheld),
    );
    match (a, t) {
        (Some(a), Some(t)) if a.scale() >= scale => {
            into.amount = a;
            into.tax_withheld = t;
            into.units += s.units;
            into.lines += s.lines;
            true
        }
        _ => false,
    }
}

pub fn compute(input: &Input) -> Result<PeriodResult> {
    let sums = input.revenue.iter().map(|(_, s)| s);
    // With the unmatched lines the reader summed per currency only.
    let unmatched = input.files.iter().flat_map(|f| f.unmatched.values());
    edge::check_run(
        sums.chain(input.releases.iter().map(|(_, s)| s))
            .chain(unmatched),
        input.files,
    )
    .map_err(Error::one)?;
    let by_isrc = isrc_index(input.agreements);
    let mut grouped: Vec<Grouped> = vec![Grouped::new(); input.agreements.len()];
    let mut unmatched = Bucket::default();
    let mut out_of_term = Bucket::default();

    // Step 1: match each key to the agreement covering its ISRC and date.
    let mut too_large = Vec::new();
    for (key, sums) in input.revenue {
        match match_key(input.agreements, &by_isrc, key) {
            Ok((i, t)) => {
                let k = GroupKey::new(t, key.source, key.currency, key.usage, input.period);
                if !add_exactly(grouped[i].entry(k).or_default(), sums) {
                    too_large.push(i);
                }
            }
            Err(true) => out_of_term.add(key.isrc, key.currency, sums),
            Err(false) => unmatched.add(key.isrc, key.currency, sums),
        }
    }
    // Step 1b: release rows to the agreements listing tracks on them.
    let releases =
        releases::apportion(input.agreements, input.releases).map_err(Error::Invariant)?;
    for o in &releases {
        for c in &o.claims {
            let mut k = GroupKey::new(
                c.terms,
                o.key.source,
                o.key.currency,
                o.key.usage,
                input.period,
            );
            k.release = Some(c.share);
            if !add_exactly(grouped[c.agreement].entry(k).or_default(), &o.sums) {
                too_large.push(c.agreement);
            }
        }
    }
    if let Some(&i) = too_large.first() {
        let a = &input.agreements[i];
        return Err(Error::one(Diagnostic::error(
            &a.file,
            0,
            0,
            format!(
                "the revenue of agreement `{}` sums past 28 digits: an amount that large cannot be kept exact",
                a.id
            ),
        )));
    }
    // Lines of tracks no agreement lists that the reader summed per
    // currency only (docs/scaling.md, "Memory").
    for (c, s) in input.files.iter().flat_map(|f| &f.unmatched) {
        unmatched.by_currency.entry(*c).or_default().merge(s);
    }

    let on = input.period.last_day();
    let mut missing: Vec<Diagnostic> = Vec::new();
    let mut agreements = Vec::with_capacity(input.agreements.len());
    for (i, (a, g)) in input.agreements.iter().zip(&grouped).enumerate() {
        match price(i, a, g, input, on) {
            Ok(Ok(r)) => agreements.push(r),
            Ok(Err(e)) => return Err(e),
            Err(m) => {
                let file = input
                    .fx
                    .file
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("fx.csv"));
                for m in m {
                    let d = Diagnostic::error(
                        &file,
                        0,
                        0,
                        format!("{m} (needed by agreement `{}`)", a.id),
                    )
                    .with_code("fx.missing-rate");
                    if !missing.contains(&d) {
                        missing.push(d);
                    }
                }
            }
        }
    }
    if !missing.is_empty() {
        return Err(Error::Input(missing));
    }
    let closing = recoupment::settle(
        input.period,
        input.agreements,
        &mut agreements,
        input.opening,
        input.fx,
        input.disputes,
    )
    .map_err(Error::Input)?;
    let mut closing = closing;
    for r in &agreements {
        let st = closing.agreements.entry(r.id.clone()).or_default();
        for m in r.milestones.iter().filter(|m| m.in_force()) {
            st.milestones
                .entry(m.id.clone())
                .or_insert_with(|| input.period.to_string());
        }
    }

    let mut result = PeriodResult {
        period: input.period,
        agreements,
        unmatched,
        out_of_term,
        files: input.files.to_vec(),
        checks: Checks::default(),
        closing,
        releases,
        disputes: input.disputes.to_vec(),
    };
    result.checks = conserve::check(&result, input.agreements, input.opening);
    if !result.checks.conservation {
        return Err(Error::Invariant(result.checks.details.join("; ")));
    }
    Ok(result)
}

/// Steps 2 to 5 for one agreement: convert, apply rates and milestones,
/// round once. The outer error lists missing exchange rates; the inner one
/// a figure too large for an amount.
fn price(
    index: usize,
    a: &Agreement,
    g: &Grouped,
    input: &Input,
    on: jiff::civil::Date,
) -> std::result::Result<Result<AgreementResult>, Vec<crate::fx::MissingRate>> {
    let opening = input.opening.agreement(&a.id);
    // Step 2: one exact rate per currency for the whole period, so
    // converting sums equals converting lines.
    let mut fx: BTreeMap<Currency, Exact> = BTreeMap::new();
    let mut missing = Vec::new();
    for k in g.keys() {
        let c = &k.currency;
        if fx.contains_key(c) {
            continue;
        }
        match input.fx.rate_exact(*c, a.currency, on) {
            Ok(r) => {
                fx.insert(*c, r);
            }
            Err(m) => missing.push(m),
        }
    }
    if !missing.is_empty() {
        missing.dedup();
        return Err(missing);
    }
    Ok(price_converted(index, a, g, input, opening, fx))
}

fn price_converted(
    index: usize,
    a: &Agreement,
    g: &Grouped,
    input: &Input,
    opening: Option<&crate::ledger::AgreementState>,
    fx: BTreeMap<Currency, Exact>,
) -> Result<AgreementResult> {
    let mut conversions: BTreeMap<Currency, Conversion> = BTreeMap::new();
    let mut units: BTreeMap<Source, i64> = BTreeMap::new();
    let mut revenue_by_source: BTreeMap<Source, Exact> = BTreeMap::new();
    let mut tax = Exact::zero();
    let mut lines = 0;
    for (k, sums) in g {
        let (s, c) = (&k.source, &k.currency);
        let rate = &fx[c];
        let amount = k.amount(sums);
        let converted = &amount * rate;
        let conv = conversions.entry(*c).or_insert(Conversion {
            currency: *c,
            amount: rust_decimal::Decimal::ZERO,
            apportioned: Exact::zero(),
            rate: rate.clone(),
            converted: Exact::zero(),
            lines: 0,
            units: 0,
        });
        conv.converted += &converted;
        *revenue_by_source.entry(*s).or_default() += converted;
        if let Some(share) = k.release {
            // A release's share: its tax withheld pro rata; its units are
            // copies of the release, not of a track (no unit metric).
            conv.apportioned += &amount;
            tax += Exact::dec(sums.tax_withheld) * share.fraction() * rate;
            continue;
        }
        // Exact: the sums were added exactly when grouped.
        conv.amount += sums.amount;
        conv.lines += sums.lines;
        conv.units += sums.units;
        *units.entry(*s).or_default() += sums.units;
        tax += Exact::dec(sums.tax_withheld) * rate;
        lines += sums.lines;
    }
    let revenue_exact: Exact = revenue_by_source.values().sum();

    // Step 4 first: which milestones are in force, and on what fraction.
    let standings = milestone::evaluate(
        a,
        opening,
        &units,
        &revenue_by_source,
        input.events,
        input.period,
    );
    // Step 3: every group priced once; each party's lines add up to its
    // exact earnings.
    let pricing = Pricing::new(a, fx, &standings);
    let mut parties: Vec<PartyResult> = a
        .parties
        .iter()
        .enumerate()
        .map(|(pi, p)| PartyResult {
            index: pi,
            id: p.id.clone(),
            earned_exact: Exact::zero(),
            rounding: Money::ZERO,
            lines: Vec::new(),
            flows: Flows::default(),
            fx_rate: None,
            milestones: Vec::new(),
            perks: Vec::new(),
            recoupments: Vec::new(),
            bonuses: Vec::new(),
            notes: Vec::new(),
            disputes: Vec::new(),
            balance_open: Money::ZERO,
            balance_close: Money::ZERO,
            joined: p.joins.is_none_or(|j| j <= input.period.last_day()),
        })
        .collect();
    let mut earned = Vec::new();
    for (k, sums) in g {
        earned.extend(pricing.earn(&Group {
            terms: k.terms,
            source: k.source,
            currency: k.currency,
            track: None,
            amount: k.amount(sums),
            units: sums.units,
            prior: k.prior,
            release: k.release,
        }));
    }
    let empty = crate::ledger::AgreementState::default();
    let before = opening.unwrap_or(&empty);
    earned.extend(pricing.catch_ups(&before.revenue, &before.units));
    for (pi, line) in earned {
        parties[pi].earned_exact += &line.exact;
        parties[pi].lines.push(line);
    }
    for p in parties.iter_mut() {
        p.lines.sort_by(|x, y| {
            (&x.origin, x.source, x.currency, x.prior, x.release)
                .cmp(&(&y.origin, y.source, y.currency, y.prior, y.release))
        });
        for (m, st) in a.milestones.iter().zip(&standings) {
            if st.in_force() && m.concerns(p.index) {
                p.milestones.push(m.id.clone());
            }
            if st.first_time {
                p.perks.extend(
                    m.perks
                        .iter()
                        .filter(|(pi, _)| *pi == p.index)
                        .map(|(_, perk)| perk.clone()),
                );
            }
        }
    }
    bonus::pay(a, &standings, &mut parties);
    let lifetime_revenue = before.revenue.values().sum::<Exact>() + &revenue_exact;
    let reversion = a.reversion.as_ref().map(|r| ReversionStanding {
        triggered: input.period.last_day() >= r.by
            && lifetime_revenue < Exact::money(r.if_revenue_below),
        rights: r.rights.clone(),
        to: r.to.clone(),
        by: r.by,
        if_revenue_below: r.if_revenue_below,
    });

    // Step 5: round the total once and share the cents out.
    let exact_parts: Vec<Exact> = parties.iter().map(|p| p.earned_exact.clone()).collect();
    let too_large = |e: crate::exact::TooLarge| {
        Error::one(Diagnostic::error(
            &a.file,
            0,
            0,
            format!("agreement `{}`: {e}", a.id),
        ))
    };
    let rounded = allocate::allocate(&revenue_exact, &exact_parts).map_err(too_large)?;
    let label_exact = &revenue_exact - &exact_parts.iter().sum::<Exact>();
    for (p, r) in parties.iter_mut().zip(&rounded) {
        p.rounding = *r - p.earned_exact.floor_cents().to_money().map_err(too_large)?;
        p.flows.earned = *r;
    }
    Ok(AgreementResult {
        index,
        id: a.id.clone(),
        currency: a.currency,
        revenue: revenue_exact.round_cents().to_money().map_err(too_large)?,
        revenue_exact,
        label_retained: rounded[rounded.len() - 1],
        label_exact,
        units,
        revenue_by_source,
        tax_withheld_at_source: tax,
        lines,
        conversions: conversions.into_values().collect(),
        parties,
        milestones: standings,
        lifetime_revenue,
        reversion,
        advances: Vec::new(),
    })
}
