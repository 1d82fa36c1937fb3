//! The engine: agreements + revenue (+ opening balances) -> payouts.
//!
//! Pure: no I/O, no printing. It follows SPEC 3 in its order: match, convert,
//! rate, round once, then the per-party deductions down to the payment. Every
//! figure keeps what it came from (`EarningLine`, `Conversion`) so `explain`
//! can show it, and `conserve` checks the invariants before anything is
//! returned: a failure there is a bug, reported as such.

pub mod allocate;
mod conserve;
pub mod milestone;
pub mod recoupment;
pub mod result;

use crate::agreement::{Agreement, RateTerm};
use crate::codes::{Currency, Isrc, Source};
use crate::diag::{Diagnostic, Error, Result};
use crate::fx::FxTable;
use crate::ledger::State;
use crate::money::{round_cents, Money};
use crate::period::Period;
use crate::statement::{FileSummary, Key, Sums};
pub use result::*;
use rust_decimal::Decimal;
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
    /// Chart positions, deals... (SPEC 2.5).
    pub events: &'a [crate::events::Event],
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

/// Matched revenue of one agreement, before conversion:
/// (terms, source, currency) -> sums.
type Grouped = BTreeMap<(usize, Source, Currency), Sums>;

pub fn compute(input: &Input) -> Result<PeriodResult> {
    let by_isrc = isrc_index(input.agreements);
    let mut grouped: Vec<Grouped> = vec![Grouped::new(); input.agreements.len()];
    let mut unmatched = Bucket::default();
    let mut out_of_term = Bucket::default();

    // Step 1: match each line to the agreement covering its ISRC and date.
    for (key, sums) in input.revenue {
        let Some(candidates) = by_isrc.get(&key.isrc) else {
            unmatched.add(key.isrc, key.currency, sums);
            continue;
        };
        let (first, last) = (key.usage.first_day(), key.usage.last_day());
        match candidates
            .iter()
            .find(|&&i| input.agreements[i].covers(first, last))
        {
            Some(&i) => {
                let a = &input.agreements[i];
                let t = a.terms_on(key.usage.pricing_date());
                grouped[i]
                    .entry((t, key.source, key.currency))
                    .or_default()
                    .merge(sums);
            }
            None => out_of_term.add(key.isrc, key.currency, sums),
        }
    }

    let on = input.period.last_day();
    let mut missing: Vec<Diagnostic> = Vec::new();
    let mut agreements = Vec::with_capacity(input.agreements.len());
    for (i, (a, g)) in input.agreements.iter().zip(&grouped).enumerate() {
        match price(i, a, g, input, on) {
            Ok(r) => agreements.push(r),
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
                    );
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
    };
    result.checks = conserve::check(&result, input.agreements);
    if !result.checks.conservation {
        return Err(Error::Invariant(result.checks.details.join("; ")));
    }
    Ok(result)
}

/// Steps 2, 3 and 5 for one agreement: convert, apply rates, round once.
fn price(
    index: usize,
    a: &Agreement,
    g: &Grouped,
    input: &Input,
    on: jiff::civil::Date,
) -> std::result::Result<AgreementResult, Vec<crate::fx::MissingRate>> {
    let fx = input.fx;
    let opening = input.opening.agreement(&a.id);
    // Step 2: convert each currency's sum exactly; the rate is one per
    // currency for the whole period, so converting sums equals converting lines.
    let mut rates: BTreeMap<Currency, Decimal> = BTreeMap::new();
    let mut missing = Vec::new();
    for (_, _, c) in g.keys() {
        if rates.contains_key(c) {
            continue;
        }
        match fx.rate(*c, a.currency, on) {
            Ok(r) => {
                rates.insert(*c, r);
            }
            Err(m) => missing.push(m),
        }
    }
    if !missing.is_empty() {
        missing.dedup();
        return Err(missing);
    }

    let mut conversions: BTreeMap<Currency, Conversion> = BTreeMap::new();
    // (terms, source) -> (converted amount, units)
    let mut base: BTreeMap<(usize, Source), (Decimal, i64)> = BTreeMap::new();
    let mut units: BTreeMap<Source, i64> = BTreeMap::new();
    let mut revenue_by_source: BTreeMap<Source, Decimal> = BTreeMap::new();
    let mut tax = Decimal::ZERO;
    let mut lines = 0;
    for ((t, s, c), sums) in g {
        let rate = rates[c];
        let converted = sums.amount * rate;
        let conv = conversions.entry(*c).or_insert(Conversion {
            currency: *c,
            amount: Decimal::ZERO,
            rate,
            converted: Decimal::ZERO,
            lines: 0,
        });
        conv.amount += sums.amount;
        conv.converted += converted;
        conv.lines += sums.lines;
        let b = base.entry((*t, *s)).or_default();
        b.0 += converted;
        b.1 += sums.units;
        *units.entry(*s).or_default() += sums.units;
        *revenue_by_source.entry(*s).or_default() += converted;
        tax += sums.tax_withheld * rate;
        lines += sums.lines;
    }
    let revenue_exact: Decimal = base.values().map(|(d, _)| *d).sum();

    // Step 3: each party's exact earnings, one figure per (terms, source).
    // Shares of a weighted split are fractions; `denom` (the product of the
    // distinct weight totals) scales every part to an exact decimal for the
    // rounding of step 5.
    let mut denom = Decimal::ONE;
    let mut dens: Vec<Decimal> = Vec::new();
    for &(t, _) in base.keys() {
        for r in a.terms[t].rates.iter().flatten().flatten() {
            if let RateTerm::Share { den, .. } = r {
                if !dens.contains(den) {
                    dens.push(*den);
                    denom *= *den;
                }
            }
        }
    }
    let mut parties: Vec<PartyResult> = a
        .parties
        .iter()
        .enumerate()
        .map(|(pi, p)| PartyResult {
            index: pi,
            id: p.id.clone(),
            earned_exact: Decimal::ZERO,
            rounding: Decimal::ZERO,
            lines: Vec::new(),
            flows: Flows::default(),
            fx_rate: None,
            milestones: Vec::new(),
            perks: Vec::new(),
            notes: Vec::new(),
            balance_open: Money::ZERO,
            balance_close: Money::ZERO,
            joined: p.joins.is_none_or(|j| j <= input.period.last_day()),
        })
        .collect();
    let mut scaled = vec![Decimal::ZERO; parties.len()];
    for (&(t, s), &(amount, u)) in &base {
        for p in parties.iter_mut() {
            let Some(rate) = a.terms[t].rate(p.index, s) else {
                continue;
            };
            let exact = rate.apply(amount, u);
            scaled[p.index] += match rate {
                RateTerm::Share { num, den } => amount * num * (denom / den),
                RateTerm::PerUnit(per) => Decimal::from(u) * per * denom,
            };
            p.earned_exact += exact;
            p.lines.push(EarningLine {
                source: s,
                terms: t,
                base: amount,
                units: u,
                rate,
                exact,
                milestone: None,
                fraction: Decimal::ONE,
                catch_up: false,
            });
        }
    }

    // Step 4: milestone increments, on the fraction of the period in force,
    // and a retroactive milestone's catch-up on earlier revenue.
    let standings = milestone::evaluate(
        a,
        opening,
        &units,
        &revenue_by_source,
        input.events,
        input.period,
    );
    let last_terms = a.terms.len() - 1;
    for (m, st) in a.milestones.iter().zip(&standings) {
        if !st.in_force() {
            continue;
        }
        for &(pi, source, inc) in &m.escalate {
            let rate = match inc {
                crate::money::Rate::Share(x) => RateTerm::Share {
                    num: x,
                    den: Decimal::ONE,
                },
                crate::money::Rate::PerUnit(x) => RateTerm::PerUnit(x),
            };
            let base = revenue_by_source.get(&source).copied().unwrap_or_default();
            let u = units.get(&source).copied().unwrap_or_default();
            let mut add = |base: Decimal, u: i64, fraction: Decimal, catch_up: bool| {
                let exact = rate.apply(base, u) * fraction;
                if exact.is_zero() {
                    return;
                }
                scaled[pi] += exact * denom;
                parties[pi].earned_exact += exact;
                parties[pi].lines.push(EarningLine {
                    source,
                    terms: last_terms,
                    base,
                    units: u,
                    rate,
                    exact,
                    milestone: Some(m.id.clone()),
                    fraction,
                    catch_up,
                });
            };
            add(base, u, st.fraction, false);
            if st.catch_up {
                let earlier = opening
                    .and_then(|o| o.revenue.get(&source))
                    .copied()
                    .unwrap_or_default();
                let earlier_units = opening
                    .and_then(|o| o.units.get(&source))
                    .copied()
                    .unwrap_or_default();
                add(earlier, earlier_units, Decimal::ONE, true);
            }
        }
    }
    for p in parties.iter_mut() {
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
    let lifetime_revenue = opening
        .map(|o| o.revenue.values().copied().sum())
        .unwrap_or(Decimal::ZERO)
        + revenue_exact;
    let reversion = a.reversion.as_ref().map(|r| ReversionStanding {
        triggered: input.period.last_day() >= r.by && lifetime_revenue < r.if_revenue_below.0,
        rights: r.rights.clone(),
        to: r.to.clone(),
        by: r.by,
        if_revenue_below: r.if_revenue_below,
    });

    // Step 5: round the total once and share the cents out.
    let rounded = allocate::allocate(revenue_exact, &scaled, denom);
    let label_exact = revenue_exact - parties.iter().map(|p| p.earned_exact).sum::<Decimal>();
    for (p, r) in parties.iter_mut().zip(&rounded) {
        p.rounding = *r - crate::money::floor_cents(p.earned_exact);
        p.flows.earned = Money(*r);
    }
    Ok(AgreementResult {
        index,
        id: a.id.clone(),
        currency: a.currency,
        revenue_exact,
        revenue: Money(round_cents(revenue_exact)),
        label_retained: Money(rounded[rounded.len() - 1]),
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
    })
}
