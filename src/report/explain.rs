//! `explain`: the full trace of one party's payout, or of one track's
//! revenue (SPEC 4 "every line, rate, milestone, rounding and deduction that
//! led to it").
//!
//! Everything shown is read from the engine's result (`PartyResult.lines`,
//! `AgreementResult.conversions`, the flows of SPEC 4.1), never recomputed
//! with other arithmetic, so the trace cannot disagree with `run`. The one
//! exception is a track's trace: the engine sums revenue per agreement and
//! source, not per track, so a track's lines are matched here the way the
//! engine matches them (SPEC 3 step 1) from the same revenue sums, and priced
//! with the same `RateTerm::apply`. Deductions are listed in SPEC 3 order.

use crate::agreement::Agreement;
use crate::codes::{Currency, Isrc, Source};
use crate::diag::{Error, Result};
use crate::engine::{AgreementResult, PartyResult, PeriodResult};
use crate::money::{floor_cents, Money};
use crate::period::Period;
use crate::statement::{Key, Sums};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// An exact decimal as text, without trailing zeros ("493.82716").
pub fn exact(d: Decimal) -> String {
    let n = d.normalize();
    if n.is_zero() {
        "0".into()
    } else {
        n.to_string()
    }
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

/// "original terms" or "terms from 2027-01-01".
pub fn terms_name(a: &Agreement, t: usize) -> String {
    match a.terms.get(t).and_then(|t| t.effective) {
        Some(d) => format!("from {d}"),
        None => "original".into(),
    }
}

#[derive(Serialize)]
pub struct EarningTrace {
    pub terms: String,
    pub source: Source,
    /// Net receipts in the agreement currency, exact.
    pub base: String,
    pub units: i64,
    pub rate: String,
    pub earnings: String,
}

#[derive(Serialize)]
pub struct ConversionTrace {
    pub currency: Currency,
    pub lines: u64,
    pub amount: String,
    pub rate: String,
    pub converted: String,
}

/// One step of SPEC 3 after the split, with its sign on the way to payable.
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
    pub earned_exact: String,
    pub floored: Money,
    pub rounding: Money,
    pub earned: Money,
    pub steps: Vec<Step>,
    pub withholding: String,
    pub paid_currency: Currency,
    pub fx_rate: Option<String>,
    pub paid_amount: Money,
    pub unrecouped: Money,
    pub milestones: Vec<String>,
    pub perks: Vec<String>,
    pub notes: Vec<String>,
}

pub fn party_trace(
    r: &PeriodResult,
    agreements: &[Agreement],
    ai: usize,
    pi: usize,
) -> Option<PartyTrace> {
    let a = &agreements[ai];
    let ar: &AgreementResult = r.agreements.iter().find(|x| x.index == ai)?;
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
        lines: p
            .lines
            .iter()
            .map(|l| EarningTrace {
                // A milestone's increment names its milestone (and a
                // catch-up says so); a crossing period shows the fraction.
                terms: match (&l.milestone, l.catch_up) {
                    (Some(m), true) => format!("{m} (catch-up on earlier periods)"),
                    (Some(m), false) => format!("milestone {m}"),
                    (None, _) => terms_name(a, l.terms),
                },
                source: l.source,
                base: exact(l.base),
                units: l.units,
                rate: if l.fraction == rust_decimal::Decimal::ONE {
                    l.rate.describe()
                } else {
                    format!(
                        "{} x {} past the threshold",
                        l.rate.describe(),
                        crate::money::percent_string(l.fraction.round_dp(6))
                    )
                },
                earnings: exact(l.exact),
            })
            .collect(),
        conversions: ar
            .conversions
            .iter()
            .map(|c| ConversionTrace {
                currency: c.currency,
                lines: c.lines,
                amount: exact(c.amount),
                rate: exact(c.rate),
                converted: exact(c.converted),
            })
            .collect(),
        earned_exact: exact(p.earned_exact),
        floored: Money(floor_cents(p.earned_exact)),
        rounding: Money(p.rounding),
        earned: f.earned,
        steps: vec![
            step("earned", f.earned, "+"),
            step("carried_in", f.carried_in, "+"),
            step("reserved", f.reserved, "-"),
            step("released", f.released, "+"),
            step("unvested", f.unvested, "-"),
            step("gated", f.gated, "-"),
            step("forfeited", f.forfeited, "-"),
            step("recouped", f.recouped, "-"),
            step("carried_out", f.carried_out, "-"),
            step("payable", f.payable, "="),
            step("withheld", f.withheld, "-"),
            step("paid", f.paid, "="),
        ],
        withholding: crate::money::percent_string(party.withholding),
        paid_currency: f.paid_currency.unwrap_or(party.payout_currency),
        fx_rate: p.fx_rate.map(exact),
        paid_amount: f.paid_amount,
        unrecouped: f.unrecouped,
        milestones: p.milestones.clone(),
        perks: p.perks.clone(),
        notes: p.notes.clone(),
    })
}

fn step_label(s: &str) -> &'static str {
    match s {
        "earned" => "earned",
        "carried_in" => "carried in from earlier periods",
        "reserved" => "reserved against returns",
        "released" => "reserve released",
        "unvested" => "held until vested (net change)",
        "gated" => "held by the record-one gate (net change)",
        "forfeited" => "forfeited to the label",
        "recouped" => "recouped against advances",
        "carried_out" => "carried forward",
        "payable" => "payable",
        "withheld" => "tax withheld",
        "paid" => "paid",
        _ => "",
    }
}

/// Right-aligned columns for a small text table.
fn columns(rows: &[Vec<String>], right_from: usize) -> String {
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
    let _ = writeln!(out, "\nEarnings (SPEC 3 step 3: base x rate, exact)");
    if t.lines.is_empty() {
        let _ = writeln!(out, "  no matched revenue this period");
    } else {
        let mut rows = vec![vec![
            "terms".into(),
            "source".into(),
            format!("base ({c})"),
            "units".into(),
            "rate".into(),
            "earnings".into(),
        ]];
        for l in &t.lines {
            rows.push(vec![
                l.terms.clone(),
                l.source.name().into(),
                l.base.clone(),
                l.units.to_string(),
                l.rate.clone(),
                l.earnings.clone(),
            ]);
        }
        out.push_str(&columns(&rows, 2));
    }
    if !t.conversions.is_empty() {
        let _ = writeln!(
            out,
            "\nConversions into {c} (SPEC 3 step 2, rate of the period end)"
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
                v.amount.clone(),
                v.rate.clone(),
                v.converted.clone(),
            ]);
        }
        out.push_str(&columns(&rows, 1));
    }
    let _ = writeln!(out, "\nRounding (SPEC 3 step 5, once, largest remainder)");
    let rows = vec![
        vec!["exact earnings".into(), t.earned_exact.clone()],
        vec!["floored to cents".into(), t.floored.to_string()],
        vec![
            "cent from the largest-remainder rule".into(),
            t.rounding.to_string(),
        ],
        vec!["earned".into(), format!("{} {c}", t.earned)],
    ];
    out.push_str(&columns(&rows, 1));
    let _ = writeln!(out, "\nFrom earned to paid (SPEC 3 steps 6-11)");
    let mut rows = Vec::new();
    for s in &t.steps {
        let label = match s.step {
            "withheld" => format!("{} ({})", step_label(s.step), t.withholding),
            other => step_label(other).to_string(),
        };
        rows.push(vec![
            label,
            s.effect.to_string(),
            format!("{} {c}", s.amount),
        ]);
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
    if !t.notes.is_empty() {
        let _ = writeln!(out, "\nNotes");
        for n in &t.notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    out
}

/// How one group of a track's lines was treated.
#[derive(Serialize)]
pub struct TrackGroup {
    pub source: Source,
    pub currency: Currency,
    pub lines: u64,
    pub units: i64,
    pub amount: String,
    /// matched, out_of_term or unmatched.
    pub status: &'static str,
    pub agreement: Option<String>,
    pub terms: Option<String>,
    /// Converted into the agreement currency at the period-end rate.
    pub converted: Option<String>,
    pub parties: Vec<TrackShare>,
}

#[derive(Serialize)]
pub struct TrackShare {
    pub party: String,
    pub rate: String,
    pub earnings: String,
}

#[derive(Serialize)]
pub struct TrackTrace {
    pub period: Period,
    pub isrc: Isrc,
    pub title: Option<String>,
    pub agreements: Vec<String>,
    pub groups: Vec<TrackGroup>,
}

pub fn track_trace(
    r: &PeriodResult,
    agreements: &[Agreement],
    revenue: &[(Key, Sums)],
    isrc: Isrc,
) -> TrackTrace {
    let listing: Vec<usize> = agreements
        .iter()
        .enumerate()
        .filter(|(_, a)| a.tracks.iter().any(|t| t.isrc == isrc))
        .map(|(i, _)| i)
        .collect();
    // (source, currency, agreement, terms) -> sums; agreement None when
    // unmatched or out of term.
    type G = (Source, Currency, Option<usize>, usize);
    let mut groups: BTreeMap<G, Sums> = BTreeMap::new();
    for (k, s) in revenue.iter().filter(|(k, _)| k.isrc == isrc) {
        let (first, last) = (k.usage.first_day(), k.usage.last_day());
        let hit = listing
            .iter()
            .copied()
            .find(|&i| agreements[i].covers(first, last));
        let t = hit.map_or(0, |i| agreements[i].terms_on(k.usage.pricing_date()));
        groups
            .entry((k.source, k.currency, hit, t))
            .or_default()
            .merge(s);
    }
    let out = groups
        .into_iter()
        .map(|((source, currency, hit, t), s)| {
            let mut g = TrackGroup {
                source,
                currency,
                lines: s.lines,
                units: s.units,
                amount: exact(s.amount),
                status: match (hit, listing.is_empty()) {
                    (Some(_), _) => "matched",
                    (None, true) => "unmatched",
                    (None, false) => "out_of_term",
                },
                agreement: None,
                terms: None,
                converted: None,
                parties: Vec::new(),
            };
            if let Some(ai) = hit {
                let a = &agreements[ai];
                let rate = r
                    .agreements
                    .iter()
                    .find(|x| x.index == ai)
                    .and_then(|ar| ar.conversions.iter().find(|c| c.currency == currency))
                    .map(|c| c.rate)
                    .unwrap_or(Decimal::ONE);
                let converted = s.amount * rate;
                g.agreement = Some(a.id.clone());
                g.terms = Some(terms_name(a, t));
                g.converted = Some(format!("{} {}", exact(converted), a.currency));
                for (pi, p) in a.parties.iter().enumerate() {
                    if let Some(rt) = a.terms[t].rate(pi, source) {
                        g.parties.push(TrackShare {
                            party: p.id.clone(),
                            rate: rt.describe(),
                            earnings: format!(
                                "{} {}",
                                exact(rt.apply(converted, s.units)),
                                a.currency
                            ),
                        });
                    }
                }
            }
            g
        })
        .collect();
    TrackTrace {
        period: r.period,
        isrc,
        title: listing.first().and_then(|&i| {
            agreements[i]
                .tracks
                .iter()
                .find(|t| t.isrc == isrc)
                .map(|t| t.title.clone())
        }),
        agreements: listing.iter().map(|&i| agreements[i].id.clone()).collect(),
        groups: out,
    }
}

pub fn track_text(t: &TrackTrace) -> String {
    let mut out = String::new();
    let title = t.title.as_deref().unwrap_or("no agreement lists this ISRC");
    let _ = writeln!(out, "{} ({title}), {}", t.isrc, t.period);
    if !t.agreements.is_empty() {
        let _ = writeln!(out, "Listed by: {}", t.agreements.join(", "));
    }
    if t.groups.is_empty() {
        let _ = writeln!(out, "\nNo statement line of this period names this ISRC.");
        return out;
    }
    for g in &t.groups {
        let _ = writeln!(
            out,
            "\n{} in {}: {} lines, {} units, {} {}",
            g.source.name(),
            g.currency,
            g.lines,
            g.units,
            g.amount,
            g.currency
        );
        match (g.status, &g.agreement) {
            ("matched", Some(a)) => {
                let _ = writeln!(
                    out,
                    "  priced by {a} ({} terms) as {}",
                    g.terms.as_deref().unwrap_or(""),
                    g.converted.as_deref().unwrap_or("")
                );
                for s in &g.parties {
                    let _ = writeln!(out, "    {:<12} {:>10}  {}", s.party, s.rate, s.earnings);
                }
                if g.parties.is_empty() {
                    let _ = writeln!(
                        out,
                        "    no party has a rate for this source: the label keeps it"
                    );
                }
            }
            ("out_of_term", _) => {
                let _ = writeln!(
                    out,
                    "  out of term: its usage date is outside every listing agreement's term; not paid"
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "  unmatched: no agreement lists this ISRC; not paid, reported by run and reconcile"
                );
            }
        }
    }
    out
}

pub fn json<T: Serialize>(t: &T) -> String {
    let mut s = serde_json::to_string_pretty(t).expect("plain data serialises");
    s.push('\n');
    s
}
