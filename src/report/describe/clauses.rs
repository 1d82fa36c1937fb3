//! The clauses `describe` states beyond rates: milestones (threshold,
//! metric, sources, weights, mode, escalations, perks), vesting, joining
//! and departing parties, and reversion, each in plain words. Text only:
//! nothing here decides whether a clause applies (the engine does).

use crate::agreement::{Agreement, Metric, Mode};
use crate::report::figures::thousands;
use std::fmt::Write;

/// "ana +1% on streaming, bo +0.5% on streaming".
fn escalations(a: &Agreement, m: &crate::agreement::Milestone) -> String {
    m.escalate
        .iter()
        .map(|(p, s, inc)| format!("{} +{} on {}", a.parties[*p].id, inc, s.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One paragraph per milestone.
pub fn milestones(a: &Agreement, o: &mut String) {
    if a.milestones.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nMilestones (rates rise as the record succeeds)");
    for m in &a.milestones {
        let sources: Vec<&str> = m.sources.iter().map(|s| s.name()).collect();
        let weights: Vec<String> = m
            .weights
            .iter()
            .map(|(s, w)| format!("each {} counts {}", s.name(), w.normalize()))
            .collect();
        let weights = if weights.is_empty() {
            String::new()
        } else {
            format!(" ({})", weights.join(", "))
        };
        let when = match &m.metric {
            Metric::Units => format!(
                "when lifetime units of {}{weights} reach {}",
                sources.join(", "),
                thousands(m.threshold)
            ),
            Metric::Revenue => format!(
                "when lifetime net revenue of {}{weights} reaches {} {}",
                sources.join(", "),
                thousands(m.threshold),
                a.currency
            ),
            Metric::Event {
                kind,
                at_most,
                at_least,
            } => {
                let mut cond = Vec::new();
                if let Some(x) = at_most {
                    cond.push(format!("at most {}", x.normalize()));
                }
                if let Some(x) = at_least {
                    cond.push(format!("at least {}", x.normalize()));
                }
                let cond = if cond.is_empty() {
                    String::new()
                } else {
                    format!(" with a value {}", cond.join(" and "))
                };
                format!(
                    "when the events file has a {} event{cond} on one of its tracks",
                    kind.name()
                )
            }
        };
        let how = match (&m.metric, m.mode) {
            (Metric::Event { .. }, _) => {
                "it applies to the whole period of the event's date and every later one".to_string()
            }
            (_, Mode::Prospective) => "prospectively: in the period it is crossed, only on the share of that period's revenue past the threshold, then in full".to_string(),
            (_, Mode::Retroactive) => "retroactively: in full from the period it is reached, plus a one-off catch-up on all earlier revenue of the escalated sources".to_string(),
        };
        let _ = writeln!(o, "  {}: {when}; {how}.", m.id);
        if !m.escalate.is_empty() {
            let _ = writeln!(o, "    raises: {}", escalations(a, m));
        }
        for (p, perk) in &m.perks {
            let _ = writeln!(o, "    unlocks for {}: {perk}", a.parties[*p].id);
        }
        for b in &m.bonuses {
            let _ = writeln!(
                o,
                "    pays {} a one-off bonus of {} {} on reaching it, once, on top of the revenue split; {}",
                a.parties[b.party].id,
                crate::report::figures::amount(b.amount),
                a.currency,
                bonus_recoup(a, &b.recoup)
            );
        }
    }
}

/// How a bonus is recouped, in words.
pub fn bonus_recoup(a: &Agreement, r: &crate::agreement::BonusRecoup) -> String {
    use crate::agreement::BonusRecoup;
    match r {
        BonusRecoup::No => "not recoupable".into(),
        BonusRecoup::Own => "recoupable: recouped from the party's later earnings under this agreement, like an advance".into(),
        BonusRecoup::With(k) => format!(
            "recoupable with advance `{}`: recouped from the same earnings as it, after the advances",
            a.advances[*k].id
        ),
    }
}

/// Vesting, joining and departure of each party that has any.
pub fn parties(a: &Agreement, o: &mut String) {
    let mut lines = Vec::new();
    for p in &a.parties {
        if let Some(v) = p.vesting {
            lines.push(format!(
                "  {}: earnings vest over {} months from {}, none before a {}-month cliff; what is not vested is held",
                p.id, v.months, v.start, v.cliff_months
            ));
        }
        if let Some(d) = p.joins {
            lines.push(format!("  {}: joins on {d} and earns from then on", p.id));
        }
        if let Some(d) = p.departed {
            lines.push(format!(
                "  {}: departed on {d}; what had not vested by then goes to the label",
                p.id
            ));
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(o, "\nVesting and membership");
        for l in lines {
            let _ = writeln!(o, "{l}");
        }
    }
}

/// The reversion clause.
pub fn reversion(a: &Agreement, o: &mut String) {
    if let Some(r) = &a.reversion {
        let _ = writeln!(
            o,
            "\nReversion: if lifetime net revenue is under {} {} on {}, the {} rights revert to {}.",
            crate::report::figures::amount(r.if_revenue_below),
            a.currency,
            r.by,
            r.rights.join(", "),
            r.to
        );
    }
}

/// The dispute procedure (`[dispute]`): window, mediation, arbitration, hold.
pub fn dispute(a: &Agreement, o: &mut String) {
    if let Some(n) = a.objection_days {
        let _ = writeln!(
            o,
            "Statements bind {n} days after the end of their period unless challenged."
        );
    }
    let Some(d) = &a.dispute else { return };
    let mut words = Vec::new();
    match d.mediation_days {
        Some(n) => words.push(format!(
            "a dispute goes to mediation first, for up to {n} days"
        )),
        None => words.push("a dispute goes to mediation first".to_string()),
    }
    let by = d
        .arbitration
        .as_deref()
        .map(|x| format!(" before {x}"))
        .unwrap_or_default();
    let within = d
        .arbitration_days
        .map(|n| format!(", who decides within {n} days"))
        .unwrap_or_default();
    words.push(format!("then to arbitration{by}{within}"));
    let _ = writeln!(o, "Disputes: {}.", words.join(", "));
    if d.hold_disputed {
        let _ = writeln!(
            o,
            "While a dispute is open, the disputed amount is held from the party's payments (up to what is payable) and released when it is resolved."
        );
    }
}

/// The releases the tracks are on (`[[release]]`).
pub fn releases(a: &Agreement, o: &mut String) {
    for r in &a.releases {
        let tracks: Vec<String> = r
            .listed
            .iter()
            .map(|&t| a.tracks[t].isrc.to_string())
            .collect();
        let title = if r.title.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.title)
        };
        let _ = writeln!(
            o,
            "Release {}{title}: {} tracks; revenue reported for the release without a track is shared 1/{} per track, so {} of its tracks here ({}) share {}/{} of it.",
            r.upc,
            r.tracks,
            r.tracks,
            r.listed.len(),
            tracks.join(", "),
            r.listed.len(),
            r.tracks
        );
    }
}
