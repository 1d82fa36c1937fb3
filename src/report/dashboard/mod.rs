//! `dashboard`: one self-contained HTML page for the label (docs/commands.md,
//! `dashboard`): revenue per agreement and source over the closed periods
//! and the current one, each advance's recoupment, each milestone's
//! progress, reserves to be released and when, top tracks, unmatched and
//! skipped revenue, and open objection windows.
//!
//! The current period is the engine's result; the closed periods are the
//! ledger's records (each period's revenue is the change of the lifetime
//! revenue it recorded); track revenue is the engine's (`engine::tracks`).
//! Nothing is matched or priced here. `html` lays the page out, with
//! inline SVG charts (`report::svg`) and no script.

pub mod html;

use crate::agreement::{Agreement, Metric};
use crate::codes::{Currency, Source};
use crate::engine::PeriodResult;
use crate::exact::Exact;
use crate::ledger::store::Ledger;
use crate::money::Money;
use crate::period::Period;
use crate::statement::{Key, Sums};
use jiff::civil::Date;
use std::collections::BTreeMap;

pub struct Inputs<'a> {
    pub result: &'a PeriodResult,
    pub agreements: &'a [Agreement],
    pub ledger: &'a Ledger,
    /// The statements' sums in key order (for the tracks).
    pub revenue: &'a [(Key, Sums)],
    /// The day objection windows are judged on (default: the period's end).
    pub as_of: Option<Date>,
    pub label: Option<String>,
}

/// One agreement's revenue per period and source.
pub struct History {
    pub agreement: String,
    pub title: String,
    pub currency: Currency,
    /// (period, closed?) in order; the last is the current one.
    pub periods: Vec<(String, bool)>,
    pub sources: Vec<Source>,
    /// values[period][source], cents: the period's rounded revenue
    /// apportioned over its sources (returns negative), so they add up.
    pub values: Vec<Vec<Money>>,
}

pub struct Progress {
    pub agreement: String,
    pub title: String,
    pub done: Money,
    pub total: Money,
    pub caption: String,
}

pub struct ReserveRow {
    pub agreement: String,
    pub party: String,
    pub currency: Currency,
    pub amount: Money,
    pub released_at_close_of: Period,
}

pub struct TrackRow {
    pub agreement: String,
    pub isrc: String,
    pub title: String,
    pub currency: Currency,
    pub revenue: Money,
    pub units: i64,
}

pub struct SetAsideRow {
    pub what: String,
    pub lines: u64,
    pub amounts: Vec<(String, Money)>,
}

pub struct Window {
    pub agreement: String,
    pub period: String,
    pub deadline: Date,
    pub open: bool,
}

pub struct Dashboard {
    pub label: Option<String>,
    pub period: Period,
    pub as_of: Date,
    pub totals: Vec<(Currency, Money, Money, Money)>,
    pub history: Vec<History>,
    pub advances: Vec<Progress>,
    pub milestones: Vec<Progress>,
    pub reserves: Vec<ReserveRow>,
    pub tracks: Vec<TrackRow>,
    pub set_aside: Vec<SetAsideRow>,
    pub windows: Vec<Window>,
}

fn cents(x: &Exact) -> Money {
    Money(x.approx(2))
}

/// A period's revenue per source as the bars show it: `total` (the
/// engine's rounded revenue) apportioned over the sources' exact revenue,
/// returns included, so the segments add up to the total on the card
/// (docs/arithmetic.md, "Parts of a total").
fn bar_parts(sources: &[Source], by_source: &BTreeMap<Source, Exact>, total: Money) -> Vec<Money> {
    let zero = Exact::zero();
    let parts: Vec<&Exact> = sources
        .iter()
        .map(|s| by_source.get(s).unwrap_or(&zero))
        .collect();
    crate::report::figures::apportion(total, &parts)
}

/// Each agreement's revenue per source in each closed period before
/// `period`, from the ledger's lifetime totals (this minus the previous).
fn closed_history(
    ledger: &Ledger,
    period: Period,
    id: &str,
) -> Vec<(String, BTreeMap<Source, Exact>)> {
    let mut out = Vec::new();
    let mut before: BTreeMap<Source, Exact> = BTreeMap::new();
    for e in &ledger.entries {
        let now = e
            .record
            .state
            .agreement(id)
            .map(|s| s.revenue.clone())
            .unwrap_or_default();
        let closed = e
            .record
            .period()
            .filter(|p| p.last_day() < period.first_day());
        if let Some(p) = closed {
            let delta: BTreeMap<Source, Exact> = now
                .iter()
                .map(|(s, v)| (*s, v - &before.get(s).cloned().unwrap_or_default()))
                .collect();
            out.push((p.to_string(), delta));
        }
        before = now;
    }
    out
}

pub fn build(i: &Inputs) -> Dashboard {
    let r = i.result;
    let as_of = i.as_of.unwrap_or_else(|| r.period.last_day());
    let mut totals: BTreeMap<Currency, (Money, Money, Money)> = BTreeMap::new();
    let mut history = Vec::new();
    let mut advances = Vec::new();
    let mut milestones = Vec::new();
    let mut reserves = Vec::new();
    let mut windows = Vec::new();
    for ar in &r.agreements {
        let a = &i.agreements[ar.index];
        let t = totals.entry(a.currency).or_default();
        t.0 += ar.revenue;
        t.1 += ar.parties.iter().map(|p| p.flows.paid).sum::<Money>();
        t.2 += ar.label_retained - ar.bonuses();

        // Each period's total: a closed one's revenue is its exact change
        // of lifetime revenue rounded once (step 5), this one's is the
        // engine's `revenue`.
        let mut periods: Vec<(String, BTreeMap<Source, Exact>, Money)> =
            closed_history(i.ledger, r.period, &a.id)
                .into_iter()
                .map(|(p, m)| {
                    let total = cents(&m.values().sum::<Exact>());
                    (p, m, total)
                })
                .collect();
        periods.push((
            r.period.to_string(),
            ar.revenue_by_source.clone(),
            ar.revenue,
        ));
        let mut sources: Vec<Source> = periods
            .iter()
            .flat_map(|(_, m, _)| m.keys().copied())
            .collect();
        sources.sort();
        sources.dedup();
        history.push(History {
            agreement: a.id.clone(),
            title: a.title.clone(),
            currency: a.currency,
            values: periods
                .iter()
                .map(|(_, m, total)| bar_parts(&sources, m, *total))
                .collect(),
            periods: periods
                .iter()
                .enumerate()
                .map(|(k, (p, _, _))| {
                    (
                        p.clone(),
                        k + 1 < periods.len() || i.ledger.closed(r.period).is_some(),
                    )
                })
                .collect(),
            sources,
        });

        for adv in &ar.advances {
            let done = adv.recouped_before + adv.recouped;
            advances.push(Progress {
                agreement: a.id.clone(),
                title: format!("{}: {} ({})", a.id, adv.id, a.parties[adv.party].id),
                done,
                total: adv.amount,
                caption: if adv.remaining.is_zero() {
                    format!(
                        "{} {} recouped in full",
                        crate::report::figures::amount(adv.amount),
                        a.currency
                    )
                } else {
                    format!(
                        "{} of {} {} recouped ({} this period); {} to go",
                        crate::report::figures::amount(done),
                        crate::report::figures::amount(adv.amount),
                        a.currency,
                        crate::report::figures::amount(adv.recouped),
                        crate::report::figures::amount(adv.remaining)
                    )
                },
            });
        }
        for (m, st) in a.milestones.iter().zip(&ar.milestones) {
            let (done, total) = match m.metric {
                Metric::Event { .. } => (
                    if st.in_force() {
                        Money(rust_decimal::Decimal::ONE)
                    } else {
                        Money::ZERO
                    },
                    Money(rust_decimal::Decimal::ONE),
                ),
                _ => (Money(st.after.approx(2)), Money(st.threshold.approx(2))),
            };
            milestones.push(Progress {
                agreement: a.id.clone(),
                title: format!(
                    "{}: {} ({})",
                    a.id,
                    m.id,
                    crate::report::progress::what(a, m)
                ),
                done,
                total,
                caption: match m.metric {
                    Metric::Event { .. } => crate::report::progress::standing(a, m, st),
                    _ => format!(
                        "{} of {}: {}",
                        crate::report::figures::thousands(st.after.approx(2)),
                        crate::report::figures::thousands(st.threshold.approx(2)),
                        crate::report::progress::standing(a, m, st)
                    ),
                },
            });
        }
        for p in &ar.parties {
            if let Some(ps) = r.closing.party(&a.id, &p.id) {
                for (k, amount) in ps
                    .reserve_releases
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| !m.is_zero())
                {
                    reserves.push(ReserveRow {
                        agreement: a.id.clone(),
                        party: p.id.clone(),
                        currency: a.currency,
                        amount: *amount,
                        released_at_close_of: crate::report::statement::following(r.period, k + 1),
                    });
                }
            }
        }
        if let Some(days) = a.objection_days {
            let mut statements: Vec<Period> = i
                .ledger
                .entries
                .iter()
                .filter_map(|e| e.record.period())
                .filter(|p| p.last_day() < r.period.first_day())
                .collect();
            statements.push(r.period);
            for p in statements {
                let deadline = p
                    .last_day()
                    .checked_add(jiff::Span::new().days(i64::from(days)))
                    .unwrap_or(p.last_day());
                windows.push(Window {
                    agreement: a.id.clone(),
                    period: p.to_string(),
                    deadline,
                    open: as_of <= deadline,
                });
            }
        }
    }

    let mut tracks: Vec<TrackRow> = crate::engine::tracks::revenue(i.agreements, i.revenue, r)
        .into_iter()
        .map(|t| {
            let a = &i.agreements[t.agreement];
            TrackRow {
                agreement: a.id.clone(),
                isrc: t.isrc.to_string(),
                title: a
                    .tracks
                    .iter()
                    .find(|x| x.isrc == t.isrc)
                    .map(|x| x.title.clone())
                    .unwrap_or_default(),
                currency: a.currency,
                revenue: cents(&t.revenue),
                units: t.units,
            }
        })
        .collect();
    // Ranked within each currency: amounts in different currencies are
    // not compared.
    tracks.sort_by(|x, y| {
        (x.currency, std::cmp::Reverse(x.revenue), &x.isrc).cmp(&(
            y.currency,
            std::cmp::Reverse(y.revenue),
            &y.isrc,
        ))
    });
    let mut kept: BTreeMap<Currency, usize> = BTreeMap::new();
    tracks.retain(|t| {
        let n = kept.entry(t.currency).or_default();
        *n += 1;
        *n <= 5
    });

    let mut set_aside = Vec::new();
    for (what, b) in [
        ("unmatched (no agreement lists the ISRC)", &r.unmatched),
        ("out of term", &r.out_of_term),
    ] {
        set_aside.push(SetAsideRow {
            what: what.into(),
            lines: b.lines(),
            amounts: b
                .by_currency
                .iter()
                .map(|(c, s)| (c.to_string(), Money(crate::money::round_cents(s.amount))))
                .collect(),
        });
    }
    for f in &r.files {
        for s in &f.skipped {
            set_aside.push(SetAsideRow {
                what: format!(
                    "skipped in {}: {} ({})",
                    f.path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    s.reason,
                    s.kind.name()
                ),
                lines: s.rows,
                amounts: s
                    .sums
                    .iter()
                    .map(|(c, x)| (c.clone(), Money(crate::money::round_cents(x.amount))))
                    .collect(),
            });
        }
    }

    Dashboard {
        label: i.label.clone(),
        period: r.period,
        as_of,
        totals: totals
            .into_iter()
            .map(|(c, (a, b, d))| (c, a, b, d))
            .collect(),
        history,
        advances,
        milestones,
        reserves,
        tracks,
        set_aside,
        windows,
    }
}
