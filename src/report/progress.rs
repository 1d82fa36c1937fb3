//! Milestones and reversion in plain words (issue: "the run output tells a
//! reader in plain words which milestones unlocked, what they changed, and
//! what comes next"), and the same facts as data for the JSON.

use crate::agreement::{Agreement, Metric, Mode};
use crate::codes::Source;
use crate::engine::AgreementResult;
use crate::money::{percent_string, Money, Rate};
use crate::report::figures::thousands;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct MilestoneRow {
    pub id: String,
    /// `reached` (first this period), `in_force` (since an earlier one) or `pending`.
    pub status: &'static str,
    pub reached_in: Option<String>,
    /// Share of this period's revenue the increments apply to.
    /// Rounded to six decimals (as in earlier versions); exact beside it.
    pub fraction: String,
    pub fraction_exact: crate::exact::Exact,
    /// Units or revenue metrics: the lifetime total after this period.
    pub progress: Option<String>,
    pub threshold: Option<String>,
    pub to_go: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReversionRow {
    pub triggered: bool,
    pub rights: Vec<String>,
    pub to: String,
    pub from: String,
    pub if_revenue_below: Money,
    pub lifetime_revenue: Money,
}

fn status(first: bool, in_force: bool) -> &'static str {
    match (in_force, first) {
        (true, true) => "reached",
        (true, false) => "in_force",
        _ => "pending",
    }
}

pub fn milestone_rows(a: &Agreement, r: &AgreementResult) -> Vec<MilestoneRow> {
    a.milestones
        .iter()
        .zip(&r.milestones)
        .map(|(m, s)| {
            let counted = !matches!(m.metric, Metric::Event { .. });
            MilestoneRow {
                id: m.id.clone(),
                status: status(s.first_time, s.in_force()),
                reached_in: s.reached_in.clone().filter(|_| s.in_force()),
                fraction: s.fraction.approx(6).normalize().to_string(),
                fraction_exact: s.fraction.clone(),
                progress: counted.then(|| s.after.to_string()),
                threshold: counted.then(|| s.threshold.to_string()),
                to_go: if counted {
                    s.to_go().map(|d| d.to_string())
                } else {
                    None
                },
            }
        })
        .collect()
}

pub fn reversion_row(r: &AgreementResult) -> Option<ReversionRow> {
    r.reversion.as_ref().map(|v| ReversionRow {
        triggered: v.triggered,
        rights: v.rights.clone(),
        to: v.to.clone(),
        from: v.by.to_string(),
        if_revenue_below: v.if_revenue_below,
        lifetime_revenue: Money(r.lifetime_revenue.approx(2)),
    })
}

pub fn unit_word(sources: &[Source]) -> &'static str {
    match sources {
        [Source::Streaming] => "streams",
        [Source::Video] => "views",
        [Source::Download] => "downloads",
        _ => "units",
    }
}

/// A count of what `sources` count, in words: "1 stream", "4,000,000
/// streams".
fn counted(n: rust_decimal::Decimal, sources: &[Source]) -> String {
    let word = unit_word(sources);
    if n.abs() == rust_decimal::Decimal::ONE {
        format!("{} {}", thousands(n), word.trim_end_matches('s'))
    } else {
        format!("{} {word}", thousands(n))
    }
}

fn increment(r: &Rate) -> String {
    match r {
        Rate::Share(x) => format!("+{}", percent_string(*x)),
        Rate::PerUnit(x) => format!("+{}/unit", x.normalize()),
    }
}

/// What a milestone counts, in words: "4,000,000 streams", "a chart event".
pub fn what(a: &Agreement, m: &crate::agreement::Milestone) -> String {
    match &m.metric {
        Metric::Units => counted(m.threshold, &m.sources),
        Metric::Revenue => format!("{} {} of revenue", thousands(m.threshold), a.currency),
        Metric::Event { kind, .. } => format!("a {} event", kind.name()),
    }
}

/// Where a milestone stands, in words: "1,665,929 streams to go",
/// "reached this period", "in force since 2026-Q1".
pub fn standing(
    a: &Agreement,
    m: &crate::agreement::Milestone,
    s: &crate::engine::milestone::Standing,
) -> String {
    if s.in_force() {
        return if s.first_time {
            "reached this period".into()
        } else {
            format!(
                "in force since {}",
                s.reached_in.clone().unwrap_or_default()
            )
        };
    }
    match (&m.metric, s.to_go()) {
        (Metric::Units, Some(d)) => {
            format!("{} to go", counted(d.approx(6), &m.sources))
        }
        (Metric::Revenue, Some(d)) => format!("{} {} to go", thousands(d.approx(2)), a.currency),
        (Metric::Event { .. }, _) => "waiting for the event".into(),
        _ => "at the threshold; it applies from the next period".into(),
    }
}

/// The milestone and reversion lines of one agreement, for people.
pub fn sentences(a: &Agreement, r: &AgreementResult) -> Vec<String> {
    let mut out = Vec::new();
    for (m, s) in a.milestones.iter().zip(&r.milestones) {
        let changes: Vec<String> = m
            .escalate
            .iter()
            .map(|(pi, src, inc)| format!("{} {} on {src}", a.parties[*pi].id, increment(inc)))
            .collect();
        let changes = if changes.is_empty() {
            String::new()
        } else {
            format!(": {}", changes.join(", "))
        };
        let what = what(a, m);
        if s.in_force() {
            let how = if !s.fraction.is_one() {
                format!(
                    ", on the {} ({}) of this period's revenue past the threshold",
                    percent_string(s.fraction.approx(4)),
                    s.fraction
                )
            } else {
                String::new()
            };
            let when = if s.first_time {
                "reached this period".to_string()
            } else {
                format!(
                    "in force since {}",
                    s.reached_in.clone().unwrap_or_default()
                )
            };
            let event = s
                .event
                .as_ref()
                .map(|e| format!(" ({})", e.trim()))
                .unwrap_or_default();
            out.push(format!("{} ({what}) {when}{event}{how}{changes}", m.id));
            if s.catch_up {
                out.push(format!(
                    "  {} is retroactive: a catch-up on all earlier revenue is paid this period",
                    m.id
                ));
            }
            if s.first_time {
                for (pi, perk) in &m.perks {
                    out.push(format!("  perk unlocked for {}: {perk}", a.parties[*pi].id));
                }
            }
        } else {
            let next = standing(a, m, s);
            let mode = if m.mode == Mode::Retroactive {
                ", retroactive"
            } else {
                ""
            };
            out.push(format!("next: {} ({what}{mode}): {next}{changes}", m.id));
        }
    }
    if let Some(v) = reversion_row(r) {
        if v.triggered {
            out.push(format!(
                "reversion: lifetime revenue {} {} stayed under {} by {}: the {} rights revert to {} from {}",
                v.lifetime_revenue,
                a.currency,
                v.if_revenue_below,
                v.from,
                v.rights.join(", "),
                v.to,
                v.from
            ));
        } else {
            out.push(format!(
                "reversion: the {} rights revert to {} if lifetime revenue is under {} {} on {} (now {})",
                v.rights.join(", "),
                v.to,
                v.if_revenue_below,
                a.currency,
                v.from,
                v.lifetime_revenue
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(dec("1240551")), "1,240,551");
        assert_eq!(thousands(dec("999")), "999");
        assert_eq!(thousands(dec("-1000.5")), "-1,000.5");
    }
}
