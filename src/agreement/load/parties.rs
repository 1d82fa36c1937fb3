//! The parties of an agreement (and of its amendments): who they are, the
//! currency they are paid in, the tax withheld from them, and how their
//! earnings vest (docs/agreements.md, "Tracks and parties"). Kept apart
//! from the rates: a party is read once and then shared by every set of
//! terms.

use super::context::Ctx;
use crate::agreement::raw::{RawParty, RawVesting};
use crate::agreement::{Party, Vesting};
use crate::codes::Currency;
use crate::diag::line_col;
use crate::limits;
use rust_decimal::Decimal;

pub(super) fn party(
    p: &RawParty,
    agreement_currency: Option<Currency>,
    cx: &mut Ctx,
) -> Option<Party> {
    let id = p.id.get_ref().clone();
    cx.id(&p.id, "party");
    let payout_currency = match &p.payout_currency {
        Some(c) => {
            let parsed = Currency::parse(c.get_ref());
            if parsed.is_none() {
                cx.err_at(
                    c,
                    format!(
                        "unknown currency code `{}`; expected an ISO 4217 code such as EUR",
                        c.get_ref()
                    ),
                );
            }
            parsed
        }
        None => agreement_currency,
    };
    let withholding = match &p.withholding {
        Some(w) => cx.share(w, "withholding").unwrap_or_default(),
        None => Decimal::ZERO,
    };
    let hours = p
        .hours
        .as_ref()
        .and_then(|h| cx.decimal_in(h, "hours", &limits::HOURS));
    let vesting = p.vesting.as_ref().and_then(|v| vesting(v, cx));
    let departed = p.departed.as_ref().and_then(|d| cx.date(d, "departed"));
    Some(Party {
        id,
        name: p.name.clone().unwrap_or_default(),
        role: p.role.clone().unwrap_or_default(),
        tier: p.tier.as_ref().map(|t| t.get_ref().clone()),
        hours,
        deliverables: p.deliverables.clone(),
        // An unknown agreement currency is reported once, where it is
        // written; the party stays, so no second, false error follows.
        payout_currency: payout_currency
            .unwrap_or(Currency::parse("USD").expect("USD is ISO 4217")),
        withholding,
        vesting,
        departed,
        joins: None,
        payout_currency_at: line_col(
            cx.text,
            p.payout_currency
                .as_ref()
                .map(|c| c.span())
                .unwrap_or(p.id.span())
                .start,
        ),
    })
}

fn vesting(v: &RawVesting, cx: &mut Ctx) -> Option<Vesting> {
    let start = cx.date(&v.start, "vesting.start");
    let months = cx.count(&v.months, "vesting.months", 1, limits::MAX_VESTING_MONTHS);
    let cliff = match &v.cliff_months {
        Some(c) => cx.count(c, "vesting.cliff_months", 0, limits::MAX_VESTING_MONTHS),
        None => Some(0),
    };
    if let (Some(m), Some(c)) = (months, cliff) {
        if c > m {
            let at = v.cliff_months.as_ref().expect("a cliff over 0 was given");
            cx.err_at(
                at,
                format!("the cliff ({c} months) is longer than the vesting ({m} months)"),
            );
            return None;
        }
    }
    Some(Vesting {
        start: start?,
        months: months?,
        cliff_months: cliff?,
    })
}
