//! `describe`: an agreement's terms in plain language, every clause of it
//! (rates, pools and splits, amendments, milestones and perks, advances,
//! gates, reserves, vesting, reversion, disputes), with a worked example on
//! sample numbers (docs/commands.md, `describe`).
//!
//! The example is not a second implementation of the arithmetic: it builds a
//! synthetic revenue in memory (`example_revenue`) and runs the real engine
//! (`engine::compute`) on it, from an empty ledger and with no events, and
//! prints the engine's own earning lines, each with the clause it came from,
//! so it computes only what the text above it describes. Payments are shown
//! in the agreement currency (no exchange rate is guessed).

mod clauses;

use crate::agreement::{Agreement, ReleaseSchedule, ShareForm};
use crate::codes::{Isrc, Source};
use crate::diag::Result;
use crate::engine::{self, PeriodResult};
use crate::fx::FxTable;
use crate::ledger::State;
use crate::money::{percent_string, Money};
use crate::period::{Period, Usage};
use crate::report::credits::share_text;
use crate::report::figures::{amount, cents, count};
use crate::statement::{Key, Sums};
use rust_decimal::Decimal;
use std::fmt::Write;

/// Sample receipts per source: (amount in the agreement currency, units).
pub fn sample(source: Source) -> (Decimal, i64, &'static str) {
    match source {
        Source::Streaming => (Decimal::from(10_000), 2_500_000, "streams"),
        Source::Download => (Decimal::from(1_000), 1_000, "downloads"),
        Source::Physical => (Decimal::from(5_000), 500, "copies"),
        Source::Video => (Decimal::from(1_000), 400_000, "views"),
        Source::Sync => (Decimal::from(5_000), 1, "sync licence"),
        Source::Licensing => (Decimal::from(2_000), 1, "licence"),
        Source::Performance => (Decimal::from(1_000), 1_000, "plays"),
        Source::Live => (Decimal::from(1_000), 1, "show"),
        Source::Other => (Decimal::from(1_000), 1, "use"),
    }
}

/// The month the example is dated in: the agreement's first month in term
/// (its `start`, else its signing date), else `fallback`'s first month.
pub fn example_period(a: &Agreement, fallback: Option<Period>) -> Period {
    let d = a
        .start
        .or(a.signed)
        .or(fallback.map(|p| p.first_day()))
        .unwrap_or_else(|| jiff::civil::date(2026, 1, 1));
    Period::parse(&format!("{}-{:02}", d.year(), d.month())).expect("a month is a period")
}

/// One line per source the original terms pay anything on, on the first
/// track, in the agreement currency, dated in `period`.
pub fn example_revenue(a: &Agreement, period: Period) -> Vec<(Key, Sums)> {
    let Some(track) = a.tracks.first() else {
        return Vec::new();
    };
    let d = period.first_day();
    let usage = Usage {
        year: d.year(),
        month: d.month(),
        day: 0,
    };
    let mut v: Vec<(Key, Sums)> = crate::agreement::sources_paid(&a.terms[0])
        .into_iter()
        .map(|s| {
            let (amount, units, _) = sample(s);
            let mut sums = Sums::default();
            sums.add(units, amount, Decimal::ZERO);
            (
                Key {
                    isrc: track.isrc,
                    source: s,
                    usage,
                    currency: a.currency,
                    territory: crate::codes::Territory::WORLD,
                },
                sums,
            )
        })
        .collect();
    v.sort_by_key(|(k, _)| *k);
    v
}

/// Runs the engine on the example: one agreement, an empty ledger, every
/// party paid in the agreement currency.
pub fn worked_example(a: &Agreement, period: Period) -> Result<PeriodResult> {
    let mut a = a.clone();
    for p in &mut a.parties {
        p.payout_currency = a.currency;
    }
    let revenue = example_revenue(&a, period);
    let agreements = [a];
    engine::compute(&engine::Input {
        period,
        agreements: &agreements,
        revenue: &revenue,
        files: &[],
        fx: &FxTable::default(),
        opening: &State::default(),
        events: &[],
        releases: &[],
        disputes: &[],
    })
}

pub fn text(a: &Agreement, fallback: Option<Period>) -> Result<String> {
    let c = a.currency;
    let mut o = String::new();
    let _ = writeln!(o, "{}: {}", a.id, a.title);
    let mut line = format!("Accounts in {c}.");
    if let Some(d) = a.signed {
        line += &format!(" Signed {d}.");
    }
    match (a.start, a.end) {
        (Some(s), Some(e)) => line += &format!(" Counts usage from {s} to {e}."),
        (Some(s), None) => {
            line += &format!(" Counts usage from {s}; earlier usage is out of term, not paid.")
        }
        (None, Some(e)) => line += &format!(" Counts usage up to {e}."),
        (None, None) => line += " Counts usage of any date.",
    }
    let _ = writeln!(o, "{line}");

    let _ = writeln!(o, "\nTracks");
    for t in &a.tracks {
        let _ = writeln!(o, "  {} {}", t.isrc, t.title);
    }

    let _ = writeln!(o, "\nParties");
    for p in &a.parties {
        let mut extra = Vec::new();
        if let Some(t) = &p.tier {
            extra.push(format!("tier {t}"));
        }
        if let Some(h) = p.hours {
            extra.push(format!("{} hours", h.normalize()));
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(" ({})", extra.join(", "))
        };
        let _ = writeln!(o, "  {}: {}, {}{extra}", p.id, p.name, p.role);
        if !p.deliverables.is_empty() {
            let _ = writeln!(o, "    delivered: {}", p.deliverables.join("; "));
        }
        let _ = writeln!(
            o,
            "    paid in {}, {} withheld for tax",
            p.payout_currency,
            percent_string(p.withholding)
        );
    }

    clauses::parties(a, &mut o);

    for (ti, t) in a.terms.iter().enumerate() {
        match t.effective {
            None => {
                let _ = writeln!(o, "\nHow revenue is shared");
            }
            Some(d) => {
                let _ = writeln!(o, "\nFrom {d} (amendment {ti})");
            }
        }
        match &t.form {
            ShareForm::Rates => {
                let _ = writeln!(
                    o,
                    "  Each party earns its own share of net receipts per source:"
                );
            }
            ShareForm::PoolSplit | ShareForm::PoolWeighted { .. } => {
                let pools: Vec<String> = Source::ALL
                    .iter()
                    .filter_map(|s| {
                        t.pool[s.index()].map(|p| format!("{} {}", s.name(), percent_string(p)))
                    })
                    .collect();
                let _ = writeln!(
                    o,
                    "  A pool of net receipts is set aside per source: {}.",
                    pools.join(", ")
                );
                let how = match t.form {
                    ShareForm::PoolWeighted { by_hours: true } => {
                        "weighted by tier x hours invested"
                    }
                    ShareForm::PoolWeighted { by_hours: false } => "weighted by tier",
                    _ => "in fixed shares",
                };
                let _ = writeln!(o, "  Each pool is split {how}:");
                for (pi, p) in a.parties.iter().enumerate() {
                    if let Some(Some((num, den))) = t.split.get(pi) {
                        let frac = if *den == Decimal::ONE {
                            percent_string(*num)
                        } else {
                            format!(
                                "{}/{} (about {}%)",
                                num.normalize(),
                                den.normalize(),
                                (num * Decimal::ONE_HUNDRED / den).round_dp(2).normalize()
                            )
                        };
                        let _ = writeln!(o, "    {}: {frac}", p.id);
                    }
                }
                let _ = writeln!(o, "  so each party's rate per source is:");
            }
        }
        for (pi, p) in a.parties.iter().enumerate() {
            let s = share_text(a, ti, pi);
            let _ = writeln!(
                o,
                "    {}: {}",
                p.id,
                if s.is_empty() { "nothing" } else { &s }
            );
        }
    }
    let _ = writeln!(
        o,
        "  The label keeps the rest, and every source no one has a rate for."
    );
    clauses::milestones(a, &mut o);

    if !a.advances.is_empty() {
        let _ = writeln!(
            o,
            "\nAdvances (recouped from the party's earnings before anything is paid)"
        );
        for adv in &a.advances {
            let who = &a.parties[adv.party].id;
            let date = adv.date.map(|d| format!(", dated {d}")).unwrap_or_default();
            let _ = writeln!(o, "  {}: {} {c} to {who}{date}", adv.id, amount(adv.amount));
            if !adv.cross_collateralize.is_empty() {
                let _ = writeln!(
                    o,
                    "    also recouped from {who}'s earnings under {}",
                    adv.cross_collateralize.join(", ")
                );
            }
        }
    }
    if let Some(g) = &a.gate {
        let who: Vec<&str> = g
            .parties
            .iter()
            .map(|&p| a.parties[p].id.as_str())
            .collect();
        let _ = writeln!(
            o,
            "\nRecord one: nothing is paid to {} until `{}` is recouped ({}); then everything they earned is released.",
            who.join(", "),
            a.advances[g.advance].id,
            if g.combined {
                "counting their earnings too"
            } else {
                "from its party's own earnings"
            }
        );
    }
    if let Some(r) = &a.reserve {
        let srcs: Vec<&str> = r.sources.iter().map(|s| s.name()).collect();
        let release = match &r.schedule {
            ReleaseSchedule::Equal(n) => format!("in equal parts over the {n} following periods"),
            ReleaseSchedule::Explicit(f) => format!(
                "over the following periods as {}",
                f.iter()
                    .map(|x| percent_string(*x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let _ = writeln!(
            o,
            "\nReserve: {} of earnings on {} is held against returns, released {release}.",
            percent_string(r.rate),
            srcs.join(", ")
        );
    }
    let _ = writeln!(
        o,
        "\nPayout: a party is paid when what is due reaches {} {c}; less is carried to the next period.",
        amount(a.payout.minimum)
    );
    if let Some(d) = a.payout.lock_in_until {
        let _ = writeln!(o, "No amendment may take effect before {d}.");
    }
    clauses::reversion(a, &mut o);
    clauses::dispute(a, &mut o);
    clauses::releases(a, &mut o);

    let period = example_period(a, fallback);
    let r = worked_example(a, period)?;
    let _ = writeln!(
        o,
        "\nWorked example (the real engine, a fresh ledger, no events, {period})"
    );
    let Some(ar) = r.agreements.first().filter(|ar| ar.lines > 0) else {
        let _ = writeln!(o, "  the agreement pays no source: nothing to show");
        return Ok(o);
    };
    let parts: Vec<String> = example_revenue(a, period)
        .iter()
        .map(|(k, s)| {
            let (_, _, what) = sample(k.source);
            format!(
                "{} {c} of {} ({} {what})",
                amount(Money(s.amount)),
                k.source.name(),
                count(s.units)
            )
        })
        .collect();
    let isrc: Isrc = a.tracks[0].isrc;
    let _ = writeln!(o, "If {isrc} earns {} in one period:", parts.join(", "));
    for p in &ar.parties {
        let f = &p.flows;
        let id = &a.parties[p.index].id;

        let mut s = format!("  {id} earns {} {c}", amount(f.earned));
        let mut take = |label: &str, m: Money| {
            if !m.is_zero() {
                s += &format!(", {label} {}", amount(m));
            }
        };
        take("recoups", f.recouped);
        take("reserves", f.reserved);
        take("holds (gate)", f.gated);
        take("holds (vesting)", f.unvested);
        take("carries", f.carried_out);
        take("withholds", f.withheld);
        s += &format!("; is paid {} {c}", amount(f.paid));
        let party = &a.parties[p.index];
        if party.payout_currency != c {
            s += &format!(
                " (converted into {} at the period end)",
                party.payout_currency
            );
        }
        let _ = writeln!(o, "{s}");
        for l in &p.lines {
            let fraction = match &l.origin {
                crate::engine::Origin::Increment { fraction, .. } if !fraction.is_one() => {
                    format!(" x {fraction}")
                }
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                "    {} {} x {}{fraction} = {} ({})",
                l.source.name(),
                cents(&l.base),
                crate::report::origin::rate_text(&l.rate),
                cents(&l.exact),
                crate::report::origin::origin_text(a, ar, l)
            );
        }
    }
    let _ = writeln!(
        o,
        "  the label keeps {} {c} of {} {c}",
        amount(ar.label_retained),
        amount(ar.revenue)
    );
    Ok(o)
}
