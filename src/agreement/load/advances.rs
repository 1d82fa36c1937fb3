//! What the label holds back from a party's earnings: advances (and costs)
//! to recoup, a record-one gate that holds earnings until an advance is
//! recouped, and a reserve against returns with its release schedule
//! (docs/agreements.md, "Advances, gates, reserves, payout rules").

use super::context::Ctx;
use crate::agreement::raw::{RawAgreement, RawGate, RawReserve};
use crate::agreement::{Advance, Gate, Party, ReleaseSchedule, Reserve};
use crate::codes::Source;
use crate::limits;
use rust_decimal::Decimal;

pub(super) fn advances(
    raw: &RawAgreement,
    parties: &[Party],
    cx: &mut Ctx,
) -> Option<Vec<Advance>> {
    let mut out = Vec::new();
    let mut ok = true;
    for a in &raw.advance {
        let id = a.id.get_ref().clone();
        ok &= cx.id(&a.id, "advance");
        if out.iter().any(|x: &Advance| x.id == id) {
            cx.err_at(&a.id, format!("duplicate advance id `{id}`"));
            ok = false;
        }
        let party = parties.iter().position(|p| &p.id == a.party.get_ref());
        if party.is_none() {
            cx.err_at(
                &a.party,
                format!(
                    "advance `{id}` is for `{}`, who is not a party of this agreement",
                    a.party.get_ref()
                ),
            );
            ok = false;
        }
        let amount = cx.decimal_in(&a.amount, "advance.amount", &limits::MONEY);
        let date = a.date.as_ref().and_then(|d| cx.date(d, "advance.date"));
        let (Some(party), Some(amount)) = (party, amount) else {
            ok = false;
            continue;
        };
        out.push(Advance {
            id,
            party,
            amount: crate::money::Money(amount),
            date,
            cross_collateralize: a
                .cross_collateralize
                .iter()
                .map(|c| c.get_ref().clone())
                .collect(),
        });
    }
    ok.then_some(out)
}

pub(super) fn gate(
    g: &RawGate,
    raw: &RawAgreement,
    parties: &[Party],
    advances: &Option<Vec<Advance>>,
    cx: &mut Ctx,
) -> Option<Gate> {
    let combined = match g.at.as_ref().map(|a| a.get_ref().as_str()) {
        None | Some("net") => false,
        Some("combined") => true,
        Some(other) => {
            let at = g.at.as_ref().expect("matched Some");
            cx.err_at(
                at,
                format!("gate.at `{other}`: expected \"net\" or \"combined\""),
            );
            return None;
        }
    };
    let advance = raw
        .advance
        .iter()
        .position(|a| a.id.get_ref() == g.until_recouped.get_ref());
    let Some(advance) = advance else {
        cx.err_at(
            &g.until_recouped,
            format!(
                "gate.until_recouped names `{}`, which is not an [[advance]] of this agreement",
                g.until_recouped.get_ref()
            ),
        );
        return None;
    };
    let mut idx = Vec::new();
    for p in &g.parties {
        match parties.iter().position(|q| &q.id == p.get_ref()) {
            Some(i) => {
                if advances
                    .as_ref()
                    .is_some_and(|a| a.get(advance).is_some_and(|a| a.party == i))
                {
                    cx.err_at(
                        p,
                        format!(
                            "`{}` owes the gate's advance and cannot also be gated by it",
                            p.get_ref()
                        ),
                    );
                }
                idx.push(i)
            }
            None => cx.err_at(
                p,
                format!(
                    "gate names `{}`, who is not a party of this agreement",
                    p.get_ref()
                ),
            ),
        }
    }
    Some(Gate {
        parties: idx,
        advance,
        combined,
    })
}

pub(super) fn reserve(r: &RawReserve, cx: &mut Ctx) -> Option<Reserve> {
    let rate = cx.share(&r.rate, "reserve.rate");
    let sources: Vec<Source> = r
        .sources
        .iter()
        .filter_map(|s| cx.source(s.get_ref(), s.span()))
        .collect();
    let schedule = match (&r.release_after, &r.release) {
        (Some(n), None) => ReleaseSchedule::Equal(cx.count(
            n,
            "reserve.release_after",
            1,
            limits::MAX_RELEASE_PERIODS,
        )?),
        (None, Some(parts)) => {
            if parts.len() > limits::MAX_RELEASE_PERIODS as usize {
                cx.err_at(
                    &parts[limits::MAX_RELEASE_PERIODS as usize],
                    format!(
                        "`reserve.release` has {} parts; at most {} periods",
                        parts.len(),
                        limits::MAX_RELEASE_PERIODS
                    ),
                );
                return None;
            }
            let mut fr = Vec::new();
            for p in parts {
                fr.push(cx.share(p, "reserve.release")?);
            }
            let total: Decimal = fr.iter().sum();
            if total != Decimal::ONE || fr.iter().any(|x| *x < Decimal::ZERO) {
                cx.err_at(
                    &r.rate,
                    format!(
                        "the release schedule sums to {}, not exactly 100%",
                        crate::money::percent_string(total)
                    ),
                );
                return None;
            }
            ReleaseSchedule::Explicit(fr)
        }
        (Some(n), Some(_)) => {
            cx.err_at(
                n,
                "give either `release_after` or a `release` schedule, not both",
            );
            return None;
        }
        (None, None) => {
            cx.err_at(
                &r.rate,
                "a reserve needs `release_after = N` or a `release` schedule",
            );
            return None;
        }
    };
    Some(Reserve {
        rate: rate?,
        sources,
        schedule,
    })
}
