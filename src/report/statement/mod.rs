//! `statements`: one statement per party for the period, as one document
//! model (`StatementDoc`) rendered three ways: Markdown, print-ready HTML
//! and PDF (docs/commands.md, `statements`).
//!
//! The model is filled from the engine's result only: the party's earning
//! lines (for sources), the engine's per-track attribution (for tracks),
//! the payout flows, the advances' standings and the closing ledger state
//! (for reserves still held). Nothing is priced or matched here, so a
//! statement cannot disagree with `run`, `explain` or the payment file.

pub mod html;
pub mod markdown;
pub mod pdf;

use super::explain::{party_trace, Step};
use super::origin::rate_with_origin;
use crate::agreement::Agreement;
use crate::codes::{Currency, Isrc, Source};
use crate::engine::attribution::TrackLine;
use crate::engine::{Origin, PeriodResult};
use crate::exact::Exact;
use crate::money::Money;
use crate::period::Period;
use jiff::civil::Date;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocFormat {
    Markdown,
    Html,
    Pdf,
}

impl DocFormat {
    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Markdown => "md",
            DocFormat::Html => "html",
            DocFormat::Pdf => "pdf",
        }
    }
}

impl FromStr for DocFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "md" | "markdown" => Ok(DocFormat::Markdown),
            "html" => Ok(DocFormat::Html),
            "pdf" => Ok(DocFormat::Pdf),
            _ => Err(format!("unknown format `{s}`; expected md, html or pdf")),
        }
    }
}

/// Who sends the statement (`[label]` in royalty.toml).
#[derive(Clone, Debug, Default)]
pub struct Sender {
    pub name: String,
    pub address: String,
}

/// One source of the party's earnings this period.
#[derive(Clone, Debug)]
pub struct SourceRow {
    pub source: Source,
    /// The agreement's net receipts of the source, agreement currency.
    pub receipts: Exact,
    pub units: i64,
    /// Each rate that applied, with what it came from.
    pub rates: Vec<String>,
    pub earnings: Exact,
    /// The earnings as shown: the party's `earned` apportioned over the
    /// sources and catch-ups (`figures::apportion`), so the rows add up.
    pub shown: Money,
    /// Bar width, whole percent of the largest source (0 for a negative one).
    pub width: u32,
}

/// One track and source of the party's earnings.
#[derive(Clone, Debug)]
pub struct TrackRow {
    pub isrc: Isrc,
    pub title: String,
    pub source: Source,
    pub receipts: Exact,
    pub units: i64,
    pub rates: Vec<String>,
    pub earnings: Exact,
    /// As shown: what the catch-ups leave of `earned`, apportioned over
    /// the tracks, so the track table adds up to `earned` too.
    pub shown: Money,
}

/// A retroactive milestone's catch-up: earned on earlier periods' revenue.
#[derive(Clone, Debug)]
pub struct CatchUpRow {
    pub milestone: String,
    pub source: Source,
    pub base: Exact,
    pub rate: String,
    pub earnings: Exact,
    /// As shown, apportioned with the sources (and shown alike under the
    /// tracks, where a catch-up belongs to no track).
    pub shown: Money,
}

#[derive(Clone, Debug)]
pub struct ConversionRow {
    pub currency: Currency,
    pub amount: Exact,
    pub rate: Exact,
    pub converted: Exact,
}

#[derive(Clone, Debug)]
pub struct StepRow {
    pub label: &'static str,
    /// "−" for a deduction, "" otherwise.
    pub sign: &'static str,
    pub amount: Money,
}

#[derive(Clone, Debug)]
pub struct AdvanceRow {
    pub id: String,
    pub amount: Money,
    pub recouped_before: Money,
    pub recouped: Money,
    pub remaining: Money,
}

#[derive(Clone, Debug)]
pub struct ReserveRow {
    /// The period whose close releases it.
    pub release: Period,
    pub amount: Money,
}

/// Everything a party's statement says; each renderer only lays it out.
#[derive(Clone, Debug)]
pub struct StatementDoc {
    pub sender: Option<Sender>,
    pub statement_date: Date,
    pub period: Period,
    pub agreement: String,
    pub agreement_title: String,
    pub party: String,
    pub name: String,
    pub role: String,
    pub currency: Currency,
    pub reference: String,
    pub sources: Vec<SourceRow>,
    pub tracks: Vec<TrackRow>,
    pub catch_ups: Vec<CatchUpRow>,
    pub earned_exact: Exact,
    pub earned: Money,
    pub conversions: Vec<ConversionRow>,
    pub steps: Vec<StepRow>,
    pub paid_amount: Money,
    pub paid_currency: Currency,
    pub fx_rate: Option<Exact>,
    pub advances: Vec<AdvanceRow>,
    pub reserves: Vec<ReserveRow>,
    /// Days to object and the date the statement binds.
    pub objection: Option<(u32, Date)>,
    /// The party's disputes: each open one and each resolved with this
    /// payment, in words (what it claims, its stage, what it held or paid).
    pub disputes: Vec<String>,
    pub milestones: Vec<String>,
    pub perks: Vec<String>,
    pub notes: Vec<String>,
}

/// What a statement needs besides the engine's result.
pub struct Context<'a> {
    pub agreements: &'a [Agreement],
    /// The engine's per-track attribution of the period (all agreements).
    pub tracks: &'a [TrackLine],
    pub sender: Option<&'a Sender>,
    /// The statement date; default: the period's last day.
    pub date: Option<Date>,
}

fn step_label(s: &str) -> &'static str {
    match s {
        "earned" => "Earned",
        "carried_in" => "Carried in from earlier periods",
        "adjusted" => "Dispute adjustment",
        "reserved" => "Reserved against returns",
        "released" => "Reserve released",
        "unvested" => "Held until vested",
        "gated" => "Held until the recording costs are recouped",
        "forfeited" => "Forfeited",
        "recouped" => "Recouped against advances",
        "held" => "Held for open disputes",
        "bonus" => "Milestone bonus",
        "carried_out" => "Carried to the next period",
        "payable" => "Payable",
        "withheld" => "Tax withheld",
        _ => "Paid",
    }
}

/// A deduction that is negative this period gives back what it held, or
/// (a deficit carried forward) leaves the negative balance to later
/// periods instead of this payment.
fn release_label(s: &str) -> &'static str {
    match s {
        "held" => "Released from the dispute hold",
        "gated" => "Released by the record-one gate",
        "unvested" => "Released as it vested",
        "carried_out" => "Deficit carried to the next period",
        other => step_label(other),
    }
}

/// The steps shown: the non-zero ones, and always earned, payable and paid.
/// A deduction that is negative (a hold released, a deficit carried
/// forward) is shown as an addition of its size, so every amount has one
/// sign and the column adds up ("−-14.50" read as a typo).
fn steps(steps: &[Step]) -> Vec<StepRow> {
    steps
        .iter()
        .filter(|s| !s.amount.is_zero() || matches!(s.step, "earned" | "payable" | "paid"))
        .map(|s| match s.effect {
            "-" if s.amount.is_negative() => StepRow {
                label: release_label(s.step),
                sign: "+",
                amount: -s.amount,
            },
            _ => StepRow {
                label: step_label(s.step),
                sign: if s.effect == "-" && !s.amount.is_zero() {
                    "−"
                } else {
                    ""
                },
                amount: s.amount,
            },
        })
        .collect()
}

/// The period `k` periods after `p`, of the same length.
pub fn following(p: Period, k: usize) -> Period {
    let months = i64::from(p.months) * k as i64;
    let start = p
        .first_day()
        .checked_add(jiff::Span::new().months(months))
        .unwrap_or(p.first_day());
    Period {
        year: start.year(),
        first_month: start.month(),
        months: p.months,
    }
}

/// A track's title on a statement row; a prior-period correction or an
/// apportioned share of a release says so ("Midnight Drive (apportioned
/// from release UPC 0859700000014, 1/12)").
fn track_title(a: &Agreement, l: &crate::engine::EarningLine, isrc: Isrc) -> String {
    let title = a
        .tracks
        .iter()
        .find(|t| t.isrc == isrc)
        .map(|t| t.title.clone())
        .unwrap_or_default();
    match super::origin::provenance(l) {
        Some(p) if title.is_empty() => p,
        Some(p) => format!("{title} ({p})"),
        None => title,
    }
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// Shares the party's rounded `earned` out over the rows shown, so that
/// each table adds up to it (docs/arithmetic.md, "Parts of a total"):
/// sources and catch-ups together; then the tracks share what the
/// catch-ups leave (a catch-up belongs to no track and is shown alike in
/// both tables).
fn show_parts(
    earned: Money,
    sources: &mut [SourceRow],
    catch_ups: &mut [CatchUpRow],
    tracks: &mut [TrackRow],
) {
    let parts: Vec<&Exact> = sources
        .iter()
        .map(|s| &s.earnings)
        .chain(catch_ups.iter().map(|c| &c.earnings))
        .collect();
    let shown = super::figures::apportion(earned, &parts);
    let (of_sources, of_catch_ups) = shown.split_at(sources.len());
    for (s, m) in sources.iter_mut().zip(of_sources) {
        s.shown = *m;
    }
    for (c, m) in catch_ups.iter_mut().zip(of_catch_ups) {
        c.shown = *m;
    }
    // Each source's amount as shown is shared over its own tracks, so a
    // track row and its source row agree to the cent (a source with one
    // track shows the same figure in both tables). Only when the tracks do
    // not account for their sources exactly are they shared as one table.
    let nested = sources.iter().all(|s| {
        let mut sum = Exact::zero();
        for t in tracks.iter().filter(|t| t.source == s.source) {
            sum += &t.earnings;
        }
        sum == s.earnings
    }) && tracks
        .iter()
        .all(|t| sources.iter().any(|s| s.source == t.source));
    if nested {
        for s in sources.iter() {
            let mine: Vec<usize> = (0..tracks.len())
                .filter(|&i| tracks[i].source == s.source)
                .collect();
            let parts: Vec<&Exact> = mine.iter().map(|&i| &tracks[i].earnings).collect();
            let shown = super::figures::apportion(s.shown, &parts);
            for (&i, m) in mine.iter().zip(shown) {
                tracks[i].shown = m;
            }
        }
        return;
    }
    let left = earned - of_catch_ups.iter().copied().sum::<Money>();
    let parts: Vec<&Exact> = tracks.iter().map(|t| &t.earnings).collect();
    let shown = super::figures::apportion(left, &parts);
    for (t, m) in tracks.iter_mut().zip(shown) {
        t.shown = m;
    }
}

/// Builds the statement of party `pi` of agreement `ai`; `None` when the
/// engine has no result for it.
pub fn build(r: &PeriodResult, cx: &Context, ai: usize, pi: usize) -> Option<StatementDoc> {
    let a = &cx.agreements[ai];
    let ar = r.agreement(ai)?;
    let p = ar.parties.iter().find(|x| x.index == pi)?;
    let t = party_trace(r, cx.agreements, ai, pi)?;

    let mut sources: BTreeMap<Source, SourceRow> = BTreeMap::new();
    let mut catch_ups = Vec::new();
    for l in &p.lines {
        if let Origin::CatchUp { milestone } = l.origin {
            catch_ups.push(CatchUpRow {
                milestone: a.milestones[milestone].id.clone(),
                source: l.source,
                base: l.base.clone(),
                rate: super::origin::rate_text(&l.rate),
                earnings: l.exact.clone(),
                shown: Money::ZERO,
            });
            continue;
        }
        let row = sources.entry(l.source).or_insert_with(|| SourceRow {
            source: l.source,
            receipts: ar
                .revenue_by_source
                .get(&l.source)
                .cloned()
                .unwrap_or_default(),
            units: ar.units.get(&l.source).copied().unwrap_or_default(),
            rates: Vec::new(),
            earnings: Exact::zero(),
            shown: Money::ZERO,
            width: 0,
        });
        push_unique(&mut row.rates, rate_with_origin(a, l));
        row.earnings += &l.exact;
    }
    let mut sources: Vec<SourceRow> = sources.into_values().collect();
    let max = sources
        .iter()
        .map(|s| s.earnings.clone())
        .max()
        .unwrap_or_default();
    for s in &mut sources {
        if max.is_positive() && s.earnings.is_positive() {
            let w = (s.earnings.clone() * Exact::int(100) / &max).approx(0);
            s.width = w.to_u32().unwrap_or(0).max(1);
        }
    }

    // Tracks: the engine's attribution; receipts counted once per revenue
    // group (every line of a group shares its base).
    type TrackKey = (
        Isrc,
        Source,
        Option<crate::period::Usage>,
        Option<crate::engine::ReleaseShare>,
    );
    let mut tracks: BTreeMap<TrackKey, TrackRow> = BTreeMap::new();
    let mut seen: BTreeMap<TrackKey, Vec<(usize, Currency)>> = BTreeMap::new();
    for tl in crate::engine::attribution::of_party(cx.tracks, ai, pi) {
        let l = &tl.line;
        let Some(isrc) = l.track else { continue };
        let key = (isrc, l.source, l.prior, l.release);
        let row = tracks.entry(key).or_insert_with(|| TrackRow {
            isrc,
            title: track_title(a, l, isrc),
            source: l.source,
            receipts: Exact::zero(),
            units: 0,
            rates: Vec::new(),
            earnings: Exact::zero(),
            shown: Money::ZERO,
        });
        let groups = seen.entry(key).or_default();
        if !groups.contains(&(l.terms, l.currency)) {
            groups.push((l.terms, l.currency));
            row.receipts += &l.base;
            row.units += l.units;
        }
        push_unique(&mut row.rates, rate_with_origin(a, l));
        row.earnings += &l.exact;
    }

    let mut tracks: Vec<TrackRow> = tracks.into_values().collect();
    show_parts(p.flows.earned, &mut sources, &mut catch_ups, &mut tracks);

    let statement_date = cx.date.unwrap_or_else(|| r.period.last_day());
    let releases = r
        .closing
        .party(&a.id, &p.id)
        .map(|s| s.reserve_releases.clone())
        .unwrap_or_default();
    let mut milestones = Vec::new();
    for (m, st) in a.milestones.iter().zip(&ar.milestones) {
        if !m.concerns(pi) {
            continue;
        }
        let incs: Vec<String> = m
            .escalate
            .iter()
            .filter(|(x, _, _)| *x == pi)
            .map(|(_, s, inc)| format!("+{} on {}", inc, s.name()))
            .collect();
        let incs = if incs.is_empty() {
            String::new()
        } else {
            format!(" ({})", incs.join(", "))
        };
        let status = if !st.in_force() {
            "not reached yet".to_string()
        } else if !st.fraction.is_one() {
            let sources: Vec<&str> = m.sources.iter().map(|s| s.name()).collect();
            format!(
                "crossed this period: applies to the {} of this period's {} past the threshold, then in full",
                st.fraction,
                sources.join(", ")
            )
        } else if st.first_time {
            "reached this period".to_string()
        } else {
            format!(
                "in force since {}",
                st.reached_in.clone().unwrap_or_default()
            )
        };
        let event = st
            .event
            .as_ref()
            .map(|e| format!(" ({})", e.trim()))
            .unwrap_or_default();
        milestones.push(format!("{}{incs}: {status}{event}", m.id));
    }
    Some(StatementDoc {
        sender: cx.sender.cloned(),
        statement_date,
        period: r.period,
        agreement: a.id.clone(),
        agreement_title: a.title.clone(),
        party: t.party.clone(),
        name: t.name.clone(),
        role: t.role.clone(),
        currency: a.currency,
        reference: super::payments::reference(r.period, &a.id, &p.id),
        sources,
        tracks,
        catch_ups,
        earned_exact: p.earned_exact.clone(),
        earned: p.flows.earned,
        conversions: ar
            .conversions
            .iter()
            .filter(|c| c.currency != a.currency)
            .map(|c| ConversionRow {
                currency: c.currency,
                amount: Exact::dec(c.amount),
                rate: c.rate.clone(),
                converted: c.converted.clone(),
            })
            .collect(),
        steps: steps(&t.steps),
        paid_amount: t.paid_amount,
        paid_currency: t.paid_currency,
        fx_rate: t.fx_rate.clone(),
        advances: ar
            .advances
            .iter()
            .filter(|x| x.party == pi)
            .map(|x| AdvanceRow {
                id: x.id.clone(),
                amount: x.amount,
                recouped_before: x.recouped_before,
                recouped: x.recouped,
                remaining: x.remaining,
            })
            .collect(),
        reserves: releases
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.is_zero())
            .map(|(k, m)| ReserveRow {
                release: following(r.period, k + 1),
                amount: *m,
            })
            .collect(),
        objection: a.objection_days.map(|d| {
            let until = statement_date
                .checked_add(jiff::Span::new().days(i64::from(d)))
                .unwrap_or(statement_date);
            (d, until)
        }),
        milestones,
        perks: t.perks.clone(),
        notes: t.notes.clone(),
        disputes: t
            .disputes
            .iter()
            .map(|x| super::disputes::sentence(x, a.currency))
            .collect(),
    })
}

pub use super::figures::{amount, cents, count};

/// Renders the statement in one format.
pub fn render(f: DocFormat, d: &StatementDoc) -> Vec<u8> {
    match f {
        DocFormat::Markdown => markdown::render(d).into_bytes(),
        DocFormat::Html => html::render(d).into_bytes(),
        DocFormat::Pdf => pdf::render(d),
    }
}
