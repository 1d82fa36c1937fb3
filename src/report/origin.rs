//! Words for where a figure came from: the terms, amendment, milestone
//! increment or catch-up of an engine `EarningLine`, and rates for people.
//! Shared by `explain`, the statements and `describe`, so they name the
//! same term the same way. Nothing here computes a figure.

use crate::agreement::{Agreement, RateTerm};
use crate::engine::pricing::share;
use crate::engine::{AgreementResult, EarningLine, Origin};
use crate::exact::Exact;

/// A rate for people: "4%", "0.10/unit", and a share with no finite
/// decimal as its exact fraction with an approximation: "50/3% (about
/// 16.67%)" for a weighted 1/6.
pub fn rate_text(r: &RateTerm) -> String {
    match share(r) {
        Some(s) => percent_text(&s),
        None => match r {
            RateTerm::PerUnit(per) => format!("{}/unit", per.normalize()),
            RateTerm::Share { .. } => unreachable!("a share has a value"),
        },
    }
}

/// A fraction as a percentage: exact when it terminates ("4%"), else its
/// fraction of 100 and an approximation ("50/3% (about 16.67%)").
pub fn percent_text(f: &Exact) -> String {
    let pct = f.clone() * Exact::int(100);
    if pct.to_decimal().is_ok() {
        format!("{pct}%")
    } else {
        format!("{pct}% (about {}%)", pct.approx(2).normalize())
    }
}

/// "original terms" or "terms from 2027-01-01".
pub fn terms_name(a: &Agreement, t: usize) -> String {
    match a.terms.get(t).and_then(|t| t.effective) {
        Some(d) => format!("terms from {d}"),
        None => "original terms".into(),
    }
}

/// A fraction of a period for people: "1/6", "0.25", "all".
pub fn fraction_text(f: &Exact) -> String {
    if f.is_one() {
        "all".into()
    } else {
        f.to_string()
    }
}

/// Where a line's rate came from, in words: "original terms", "milestone
/// four-million-streams, on 1/6 of the period's streaming past it", "top-10
/// catch-up on earlier periods".
pub fn origin_text(a: &Agreement, ar: &AgreementResult, l: &EarningLine) -> String {
    match &l.origin {
        Origin::Base { terms } => terms_name(a, *terms),
        Origin::Increment {
            milestone,
            fraction,
        } => {
            let id = &a.milestones[*milestone].id;
            let st = &ar.milestones[*milestone];
            if fraction.is_one() {
                match &st.reached_in {
                    _ if st.first_time => format!("milestone {id}, reached this period"),
                    Some(p) => format!("milestone {id}, in force since {p}"),
                    None => format!("milestone {id}"),
                }
            } else {
                format!(
                    "milestone {id}, on {} of the period's {} past it",
                    fraction_text(fraction),
                    l.source.name()
                )
            }
        }
        Origin::CatchUp { milestone } => format!(
            "milestone {} catch-up on earlier periods",
            a.milestones[*milestone].id
        ),
    }
}

/// A line's rate with its origin for a statement's earnings table: "4%
/// base", "+1% on 1/6 (four-million-streams, crossed this period)".
pub fn rate_with_origin(a: &Agreement, l: &EarningLine) -> String {
    let rate = rate_text(&l.rate);
    match &l.origin {
        Origin::Base { terms } if a.terms.len() > 1 => {
            format!("{rate} ({})", terms_name(a, *terms))
        }
        Origin::Base { .. } => format!("{rate} base"),
        Origin::Increment {
            milestone,
            fraction,
        } if fraction.is_one() => format!("+{rate} ({})", a.milestones[*milestone].id),
        Origin::Increment {
            milestone,
            fraction,
        } => format!(
            "+{rate} on {} ({} crossed this period)",
            fraction_text(fraction),
            a.milestones[*milestone].id
        ),
        Origin::CatchUp { milestone } => format!(
            "+{rate} on earlier periods ({} catch-up)",
            a.milestones[*milestone].id
        ),
    }
}

/// What sets a line apart besides its terms: "apportioned from release UPC
/// 0859700000014, 1/12" and "prior-period correction, usage 2026-01"
/// (revenue used before the period, priced under the terms then).
pub fn provenance(l: &EarningLine) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(r) = &l.release {
        parts.push(format!(
            "apportioned from release UPC {}, {}/{}",
            r.upc, r.listed, r.tracks
        ));
    }
    if let Some(u) = &l.prior {
        parts.push(format!("prior-period correction, usage {u}"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// `origin_text` with the line's provenance, for tables of lines.
pub fn origin_with_provenance(a: &Agreement, ar: &AgreementResult, l: &EarningLine) -> String {
    match provenance(l) {
        Some(p) => format!("{} ({p})", origin_text(a, ar, l)),
        None => origin_text(a, ar, l),
    }
}
