//! What the agreement's progress over its life sets off: milestones (rate
//! increments, perks, bonuses; docs/agreements.md, "Milestones") and
//! reversion when it falters (docs/agreements.md, "Amendments, reversion,
//! disputes"). The check that every milestone reached together still pays
//! out at most 100% of a source is here, beside the increments it adds up.

use super::bonus;
use super::context::Ctx;
use crate::agreement::raw::{RawAgreement, RawNum, RawReversion};
use crate::agreement::{Metric, Milestone, Mode, Party, Reversion, Terms};
use crate::codes::Source;
use crate::limits;
use crate::money::Rate;
use rust_decimal::Decimal;

pub(super) fn milestones(
    raw: &RawAgreement,
    parties: &[Party],
    cx: &mut Ctx,
) -> Option<Vec<Milestone>> {
    let mut out: Vec<Milestone> = Vec::new();
    let before = cx.diags.len();
    for m in &raw.milestone {
        let id = m.id.get_ref().clone();
        cx.id(&m.id, "milestone");
        if out.iter().any(|x| x.id == id) {
            cx.err_at(&m.id, format!("duplicate milestone id `{id}`"));
        }
        let sources: Vec<Source> = m
            .sources
            .iter()
            .filter_map(|s| cx.source(s.get_ref(), s.span()))
            .collect();
        let metric = match m.metric.get_ref().as_str() {
            "units" => Metric::Units,
            "revenue" => Metric::Revenue,
            "event" => match &m.event {
                None => {
                    cx.err_at(
                        &m.metric,
                        "an event milestone needs `event = { kind = \"chart\", at_most = 10 }`",
                    );
                    continue;
                }
                Some(e) => {
                    let Some(kind) = crate::events::EventKind::parse(e.kind.get_ref()) else {
                        cx.err_at(
                            &e.kind,
                            format!(
                                "unknown event kind `{}`; expected one of {}",
                                e.kind.get_ref(),
                                crate::events::EventKind::vocabulary()
                            ),
                        );
                        continue;
                    };
                    let at_most = e
                        .at_most
                        .as_ref()
                        .and_then(|v| cx.decimal_in(v, "event.at_most", &limits::EVENT_VALUE));
                    let at_least = e
                        .at_least
                        .as_ref()
                        .and_then(|v| cx.decimal_in(v, "event.at_least", &limits::EVENT_VALUE));
                    Metric::Event {
                        kind,
                        at_most,
                        at_least,
                    }
                }
            },
            other => {
                cx.err_at(
                    &m.metric,
                    format!("unknown metric `{other}`; expected units, revenue or event"),
                );
                continue;
            }
        };
        let threshold = match (&metric, &m.threshold) {
            (Metric::Event { .. }, _) => Decimal::ZERO,
            (_, None) => {
                cx.err_at(&m.id, format!("milestone `{id}` needs a `threshold`"));
                continue;
            }
            (_, Some(t)) => {
                let range = match metric {
                    Metric::Units => &limits::UNITS,
                    _ => &limits::MONEY,
                };
                let Some(d) = cx.decimal_in(t, "threshold", range) else {
                    continue;
                };
                d
            }
        };
        if !matches!(metric, Metric::Event { .. }) && sources.is_empty() && m.sources.is_empty() {
            cx.err_at(
                &m.metric,
                format!("milestone `{id}` needs `sources`: which lines count towards it"),
            );
        }
        let mode = match m.mode.as_ref().map(|x| x.get_ref().as_str()) {
            None | Some("prospective") => Mode::Prospective,
            Some("retroactive") => Mode::Retroactive,
            Some(other) => {
                cx.err_at(
                    m.mode.as_ref().expect("matched"),
                    format!("unknown mode `{other}`; expected prospective or retroactive"),
                );
                Mode::Prospective
            }
        };
        let mut weights = Vec::new();
        for (src, v) in &m.weights {
            let Some(s) = cx.source(src, v.span()) else {
                continue;
            };
            if let Some(w) = cx.decimal_in(v, &format!("weights.{src}"), &limits::WEIGHT) {
                weights.push((s, w));
            }
        }
        let mut escalate = Vec::new();
        for (pid, table) in &m.escalate {
            let place = table
                .values()
                .next()
                .map(|v| v.span())
                .unwrap_or(m.id.span());
            let Some(pi) = parties.iter().position(|p| &p.id == pid) else {
                cx.err(
                    place,
                    format!(
                        "milestone `{id}` escalates `{pid}`, who is not a party of this agreement"
                    ),
                );
                continue;
            };
            for (src, v) in table {
                let Some(s) = cx.source(src, v.span()) else {
                    continue;
                };
                if cx.float(v) {
                    continue;
                }
                let inc = match v.get_ref() {
                    RawNum::Text(t) => Rate::parse(t),
                    RawNum::Int(_) | RawNum::Float(_) => None,
                };
                match inc {
                    Some(r) => {
                        if let Some(r) = cx.rate_in(v, &format!("escalate.{pid}.{src}"), r) {
                            escalate.push((pi, s, r));
                        }
                    }
                    None => cx.err_at(v, format!("escalate.{pid}.{src}: expected an increment such as \"+1%\" or \"+0.02/unit\"")),
                }
            }
        }
        let mut perks = Vec::new();
        for (pid, list) in &m.perks {
            let place = list.first().map(|v| v.span()).unwrap_or(m.id.span());
            match parties.iter().position(|p| &p.id == pid) {
                Some(pi) => perks.extend(list.iter().map(|p| (pi, p.get_ref().clone()))),
                None => cx.err(place, format!("milestone `{id}` gives perks to `{pid}`, who is not a party of this agreement")),
            }
        }
        let bonuses = bonus::parse(&id, &m.bonus, parties, cx);
        out.push(Milestone {
            id,
            metric,
            sources,
            weights,
            threshold,
            mode,
            escalate,
            perks,
            bonuses,
        });
    }
    (cx.diags.len() == before).then_some(out)
}

/// With every escalation reached, no source may pay out more than 100%.
pub(super) fn over_a_hundred_with_escalations(
    terms: &[Terms],
    ms: &[Milestone],
    raw: &RawAgreement,
    cx: &mut Ctx,
) {
    for source in Source::ALL {
        let inc: Decimal = ms
            .iter()
            .flat_map(|m| m.escalate.iter())
            .filter(|(_, s, _)| *s == source)
            .filter_map(|(_, _, r)| match r {
                Rate::Share(x) => Some(*x),
                Rate::PerUnit(_) => None,
            })
            .sum();
        if inc.is_zero() {
            continue;
        }
        for t in terms {
            let base: Decimal = t
                .rates
                .iter()
                .filter_map(|r| r[source.index()]?.share())
                .sum();
            if base + inc > Decimal::ONE {
                let place = raw
                    .milestone
                    .first()
                    .map(|m| m.id.span())
                    .unwrap_or(raw.id.span());
                cx.err(
                    place,
                    format!(
                        "with every milestone reached the parties would get {} of {source} receipts; at most 100% can be paid out",
                        crate::money::percent_string(base + inc)
                    ),
                );
                return;
            }
        }
    }
}

pub(super) fn reversion(r: &RawReversion, parties: &[Party], cx: &mut Ctx) -> Option<Reversion> {
    let amount = cx.decimal_in(
        &r.if_revenue_below,
        "reversion.if_revenue_below",
        &limits::MONEY,
    );
    let by = cx.date(&r.by, "reversion.by");
    if !parties.iter().any(|p| &p.id == r.to.get_ref()) {
        cx.err_at(
            &r.to,
            format!(
                "reversion.to names `{}`, who is not a party of this agreement",
                r.to.get_ref()
            ),
        );
        return None;
    }
    Some(Reversion {
        if_revenue_below: crate::money::Money(amount?),
        by: by?,
        rights: r.rights.clone(),
        to: r.to.get_ref().clone(),
    })
}
