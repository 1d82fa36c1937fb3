//! `explain`: the full trace of one party's payout, or of one track's
//! revenue (docs/commands.md, `explain`): every line, rate, milestone,
//! rounding and deduction that led to it.
//!
//! Everything shown is read from the engine's result (`PartyResult.lines`,
//! `AgreementResult.conversions`, the payout flows) or, for a track, from
//! the engine's per-track attribution (`engine::attribution::tracks`):
//! nothing is matched or priced here, so the trace cannot disagree with
//! `run`. Deductions are listed in the order of docs/arithmetic.md.

mod track;

use super::origin::{origin_with_provenance, rate_text};
use crate::agreement::Agreement;
use crate::codes::{Currency, Source};
use crate::diag::{Error, Result};
use crate::engine::{AgreementResult, PartyResult, PeriodResult};
use crate::exact::Exact;
use crate::money::Money;
use crate::period::Period;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;
pub use track::{track_text, track_trace, PartyTotal, SetAsideTrace, TrackShare, TrackTrace};

/// An exact decimal as text, without trailing zeros ("493.82716").
pub fn exact(d: Decimal) -> String {
    Exact::dec(d).to_string()
}

/// Which agreement and party `--party` names: `AGREEMENT/PARTY`, or `PARTY`
/// when only one agreement has a party of that id. Unknown or ambiguous
/// names are usage errors (exit 2): the command line is what is wrong.
pub fn resolve_party(agreements: &[Agreement], spec: &str) -> Result<(usize, usize)> {
    let found: Vec<(usize, usize)> = match spec.split_once('/') {
        Some((a, p)) => {
            let Some(ai) = agreements.iter().position(|x| x.id == a) else {
                let ids: Vec<&str> = agreements.iter().map(|x| x.id.as_str()).collect();
                return Err(Error::Usage(format!(
                    "no agreement `{a}`; the agreements are: {}",
                    ids.join(", ")
                )));
            };
            agreements[ai]
                .party_index(p)
                .map(|pi| vec![(ai, pi)])
                .unwrap_or_default()
        }
        None => agreements
            .iter()
            .enumerate()
            .filter_map(|(ai, a)| a.party_index(spec).map(|pi| (ai, pi)))
            .collect(),
    };
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::Usage(format!(
            "no party `{spec}`; give AGREEMENT/PARTY, one of: {}",
            all_parties(agreements).join(", ")
        ))),
        many => Err(Error::Usage(format!(
            "party `{spec}` is in several agreements; give one of: {}",
            many.iter()
                .map(|&(ai, pi)| format!("{}/{}", agreements[ai].id, agreements[ai].parties[pi].id))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

pub fn all_parties(agreements: &[Agreement]) -> Vec<String> {
    agreements
        .iter()
        .flat_map(|a| a.parties.iter().map(move |p| format!("{}/{}", a.id, p.id)))
        .collect()
}

#[derive(Serialize)]
pub struct EarningTrace {
    /// What the rate came from: terms, amendment, milestone, catch-up.
    pub terms: String,
    pub source: Source,
    /// The statement currency of the revenue.
    pub currency: Currency,
    /// Net receipts in the agreement currency, exact.
    pub base: Exact,
    pub units: i64,
    pub rate: String,
    /// The share of the period's revenue the rate applies to (a milestone
    /// crossed this period); 1 otherwise.
    pub fraction: Exact,
    pub earnings: Exact,
    /// The usage month, when before the period (a prior-period correction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// Revenue reported per release, apportioned: the release's UPC and the
    /// share ("1/12").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_share: Option<String>,
}

impl EarningTrace {
    pub fn of(a: &Agreement, ar: &AgreementResult, l: &crate::engine::EarningLine) -> Self {
        EarningTrace {
            usage: l.prior.map(|u| u.to_string()),
            release: l.release.map(|r| r.upc.to_string()),
            release_share: l.release.map(|r| format!("{}/{}", r.listed, r.tracks)),
            terms: origin_with_provenance(a, ar, l),
            source: l.source,
            currency: l.currency,
            base: l.base.clone(),
            units: l.units,
            rate: rate_text(&l.rate),
            fraction: match &l.origin {
                crate::engine::Origin::Increment { fraction, .. } => fraction.clone(),
                _ => Exact::one(),
            },
            earnings: l.exact.clone(),
        }
    }
}

#[derive(Serialize)]
pub struct ConversionTrace {
    pub currency: Currency,
    pub lines: u64,
    pub amount: Exact,
    pub rate: Exact,
    pub converted: Exact,
}

/// One step after the split (docs/arithmetic.md, steps 6-11), with its sign on the way to payable.
#[derive(Serialize)]
pub struct Step {
    pub step: &'static str,
    pub amount: Money,
    /// "+" adds to what is payable, "-" takes from it, "=" is a result.
    pub effect: &'static str,
}

#[derive(Serialize)]
pub struct PartyTrace {
    pub period: Period,
    pub agreement: String,
    pub party: String,
    pub name: String,
    pub role: String,
    pub currency: Currency,
    pub lines: Vec<EarningTrace>,
    pub conversions: Vec<ConversionTrace>,
    pub earned_exact: Exact,
    pub floored: Money,
    pub rounding: Money,
    pub earned: Money,
    pub steps: Vec<Step>,
    pub withholding: String,
    pub paid_currency: Currency,
    pub fx_rate: Option<Exact>,
    pub paid_amount: Money,
    pub unrecouped: Money,
    pub milestones: Vec<String>,
    pub perks: Vec<String>,
    pub notes: Vec<String>,
    /// The party's disputes this period: what each held, released or paid.
    pub disputes: Vec<super::disputes::DisputeTrace>,
}

pub fn party_trace(
    r: &PeriodResult,
    agreements: &[Agreement],
    ai: usize,
    pi: usize,
) -> Option<PartyTrace> {
    let a = &agreements[ai];
    let ar: &AgreementResult = r.agreement(ai)?;
    let p: &PartyResult = ar.parties.iter().find(|x| x.index == pi)?;
    let party = &a.parties[pi];
    let f = &p.flows;
    let step = |step, amount, effect| Step {
        step,
        amount,
        effect,
    };
    Some(PartyTrace {
        period: r.period,
        agreement: a.id.clone(),
        party: party.id.clone(),
        name: party.name.clone(),
        role: party.role.clone(),
        currency: a.currency,
        lines: p.lines.iter().map(|l| EarningTrace::of(a, ar, l)).collect(),
        conversions: ar
            .conversions
            .iter()
            .map(|c| ConversionTrace {
                currency: c.currency,
                lines: c.lines,
                amount: Exact::dec(c.amount),
                rate: c.rate.clone(),
                converted: c.converted.clone(),
            })
            .collect(),
        earned_exact: p.earned_exact.clone(),
        floored: p.earned_exact.floor_cents().to_money().unwrap_or_default(),
        rounding: p.rounding,
        earned: f.earned,
        steps: vec![
            step("earned", f.earned, "+"),
            step("carried_in", f.carried_in, "+"),
            step("adjusted", f.adjusted, "+"),
            step("reserved", f.reserved, "-"),
            step("released", f.released, "+"),
            step("unvested", f.unvested, "-"),
            step("gated", f.gated, "-"),
            step("forfeited", f.forfeited, "-"),
            step("recouped", f.recouped, "-"),
            step("bonus", f.bonus, "+"),
            step("held", f.held, "-"),
            step("carried_out", f.carried_out, "-"),
            step("payable", f.payable, "="),
            step("withheld", f.withheld, "-"),
            step("paid", f.paid, "="),
        ],
        withholding: crate::money::percent_string(party.withholding),
        paid_currency: f.paid_currency.unwrap_or(party.payout_currency),
        fx_rate: p.fx_rate.clone(),
        paid_amount: f.paid_amount,
        unrecouped: f.unrecouped,
        milestones: p.milestones.clone(),
        perks: p.perks.clone(),
        notes: p.notes.clone(),
        disputes: super::disputes::traces(r, p),
    })
}

/// A sentence on the lines of usage before the period, when there are any.
fn corrections_text(t: &PartyTrace) -> String {
    let prior: Vec<&EarningTrace> = t.lines.iter().filter(|l| l.usage.is_some()).collect();
    if prior.is_empty() {
        return String::new();
    }
    let total: Exact = prior.iter().map(|l| &l.earnings).sum();
    let mut months: Vec<&str> = prior.iter().filter_map(|l| l.usage.as_deref()).collect();
    months.dedup();
    format!(
        "  Prior-period corrections: {} line{} of usage before {} ({}: late reports, restatements, returns), \
         each priced under the terms in force in its usage month, earn {total} in all.\n",
        prior.len(),
        if prior.len() == 1 { "" } else { "s" },
        t.period.first_day(),
        months.join(", ")
    )
}

fn step_label(s: &str) -> &'static str {
    match s {
        "earned" => "earned",
        "carried_in" => "carried in from earlier periods",
        "adjusted" => "dispute adjustment (the label's, beyond the split)",
        "reserved" => "reserved against returns",
        "released" => "reserve released",
        "unvested" => "held until vested (net change)",
        "gated" => "held by the record-one gate (net change)",
        "forfeited" => "forfeited to the label",
        "recouped" => "recouped against advances",
        "held" => "held for open disputes (net change)",
        "bonus" => "milestone bonus (paid by the label)",
        "carried_out" => "carried forward",
        "payable" => "payable",
        "withheld" => "tax withheld",
        "paid" => "paid",
        _ => "",
    }
}

/// Right-aligned columns for a small text table.
pub(crate) fn columns(rows: &[Vec<String>], right_from: usize) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i >= right_from {
                    format!("{c:>w$}", w = widths[i])
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
    out
}

pub fn party_text(t: &PartyTrace) -> String {
    let c = t.currency;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}/{}: {} ({}), {}, amounts in {c}",
        t.agreement, t.party, t.name, t.role, t.period
    );
    let _ = writeln!(
        out,
        "\nEarnings (docs/arithmetic.md, steps 3-4: base x rate x fraction, exact)"
    );
    if t.lines.is_empty() {
        let _ = writeln!(out, "  no matched revenue this period");
    } else {
        let mut rows = vec![vec![
            "terms".into(),
            "source".into(),
            "from".into(),
            format!("base ({c})"),
            "units".into(),
            "rate".into(),
            "fraction".into(),
            "earnings".into(),
        ]];
        for l in &t.lines {
            rows.push(vec![
                l.terms.clone(),
                l.source.name().into(),
                l.currency.to_string(),
                l.base.to_string(),
                l.units.to_string(),
                l.rate.clone(),
                super::origin::fraction_text(&l.fraction),
                l.earnings.to_string(),
            ]);
        }
        out.push_str(&columns(&rows, 3));
        out.push_str(&corrections_text(t));
    }
    if !t.conversions.is_empty() {
        let _ = writeln!(
            out,
            "\nConversions into {c} (docs/arithmetic.md, step 2: rate of the period end)"
        );
        let mut rows = vec![vec![
            "currency".into(),
            "lines".into(),
            "amount".into(),
            "rate".into(),
            format!("converted ({c})"),
        ]];
        for v in &t.conversions {
            rows.push(vec![
                v.currency.to_string(),
                v.lines.to_string(),
                v.amount.to_string(),
                v.rate.to_string(),
                v.converted.to_string(),
            ]);
        }
        out.push_str(&columns(&rows, 1));
    }
    let _ = writeln!(
        out,
        "\nRounding (docs/arithmetic.md, step 5: once, largest remainder)"
    );
    let rows = vec![
        vec!["exact earnings".into(), t.earned_exact.to_string()],
        vec!["floored to cents".into(), t.floored.to_string()],
        vec![
            "cent from the largest-remainder rule".into(),
            t.rounding.to_string(),
        ],
        vec!["earned".into(), format!("{} {c}", t.earned)],
    ];
    out.push_str(&columns(&rows, 1));
    let _ = writeln!(
        out,
        "\nFrom earned to paid (docs/arithmetic.md, steps 6-11)"
    );
    let mut rows = Vec::new();
    for s in &t.steps {
        let label = match s.step {
            "withheld" => format!("{} ({})", step_label(s.step), t.withholding),
            other => step_label(other).to_string(),
        };
        // A negative term is written as the opposite operation on its size
        // ("+ 14.50", not "- -14.50"), as the statements write it; the
        // JSON keeps the signed amount.
        let (effect, amount) = match (s.effect, s.amount.is_negative()) {
            ("+", true) => ("-", -s.amount),
            ("-", true) => ("+", -s.amount),
            (e, _) => (e, s.amount),
        };
        rows.push(vec![label, effect.to_string(), format!("{amount} {c}")]);
    }
    let rate = t
        .fx_rate
        .as_ref()
        .map(|r| format!(" at {r}"))
        .unwrap_or_default();
    rows.push(vec![
        format!("paid in {}{rate}", t.paid_currency),
        "=".into(),
        format!("{} {}", t.paid_amount, t.paid_currency),
    ]);
    rows.push(vec![
        "advances still unrecouped".into(),
        String::new(),
        format!("{} {c}", t.unrecouped),
    ]);
    out.push_str(&columns(&rows, 2));
    if !t.milestones.is_empty() || !t.perks.is_empty() {
        let _ = writeln!(out, "\nMilestones in force: {}", t.milestones.join(", "));
        if !t.perks.is_empty() {
            let _ = writeln!(out, "Perks unlocked: {}", t.perks.join("; "));
        }
    }
    out.push_str(&super::disputes::trace_text(&t.disputes, c));
    if !t.notes.is_empty() {
        let _ = writeln!(out, "\nNotes");
        for n in &t.notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    out
}

/// `royalty.explain-party/1` (docs/schema/explain-party.json).
pub fn party_json(t: &PartyTrace, problems: &[crate::diag::Problem]) -> String {
    crate::report::document::render("explain-party", t, problems)
}

/// `royalty.explain-track/1` (docs/schema/explain-track.json).
pub fn track_json(t: &TrackTrace, problems: &[crate::diag::Problem]) -> String {
    crate::report::document::render("explain-track", t, problems)
}
