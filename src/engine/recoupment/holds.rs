//! Step 1 of a period's settlement, per party: the balance carried in, tax
//! withheld at source passed through, the reserve held against returns and
//! its releases (docs/arithmetic.md, step 7), what vesting holds or
//! forfeits (step 6), and the dispute resolutions paid with the period
//! (step 8b). What it leaves is each row's starting point for recoupment.

use super::sheet::{Inputs, Row, Rows};
use crate::agreement::{Agreement, ReleaseSchedule};
use crate::diag::Diagnostic;
use crate::engine::result::{AgreementResult, Flows};
use crate::exact::{Exact, TooLarge};
use crate::ledger::{PartyState, State};
use crate::money::Money;
use crate::period::Period;

/// The reserve releases still due, per agreement and party, the next
/// period's first.
pub(super) type Queues = Vec<Vec<Vec<Money>>>;

/// Splits a reserve into the amounts released over the next periods, in
/// closed form: equal parts are one rounded division, not a loop over
/// fractions, and the number of periods is bounded where it is read
/// (`limits::MAX_RELEASE_PERIODS`). Each part is rounded half-to-even and the
/// last takes the remainder; a part that would take more than what is left
/// (rounding up many small parts) is cut to what is left, so no release is
/// ever negative (docs/arithmetic.md).
pub fn release_parts(reserved: Money, schedule: &ReleaseSchedule) -> Result<Vec<Money>, TooLarge> {
    Ok(match schedule {
        ReleaseSchedule::Equal(n) => {
            // Exact: 1/6 of 0.03 is exactly half a cent, and rounds to even.
            let n = (*n).max(1);
            let share = Exact::money(reserved) / Exact::int(i64::from(n));
            let others = Money(rust_decimal::Decimal::from(n - 1));
            let times = |m: Money| Money(m.0 * others.0);
            let mut part = exact_cents(share.round_cents())?;
            if times(part) > reserved {
                part = exact_cents(share.floor_cents())?;
            }
            let mut parts = vec![part; n as usize - 1];
            parts.push(reserved - times(part));
            parts
        }
        ReleaseSchedule::Explicit(fractions) => {
            let mut left = reserved;
            let mut parts: Vec<Money> = Vec::with_capacity(fractions.len());
            for f in fractions.iter().take(fractions.len().saturating_sub(1)) {
                let part = exact_cents(Exact::money(reserved) * Exact::dec(*f))?
                    .min(left)
                    .max(Money::ZERO);
                left -= part;
                parts.push(part);
            }
            parts.push(left);
            parts
        }
    })
}

/// Rounds an exact figure half-to-even to cents, checked: a figure too
/// large for an amount is refused (an input error naming it, docs/limits.md),
/// never taken as zero.
pub(super) fn exact_cents(x: Exact) -> Result<Money, TooLarge> {
    x.round_cents().to_money()
}

/// docs/arithmetic.md step 6, vesting: the held balance is (1 - v) x lifetime earnings,
/// v = 0 before the cliff, else min(1, m / months), m = whole months from the
/// vesting start to the day after the period. A party that departed has v
/// frozen at its departure, and what is not vested goes to the label.
fn vest(
    party: &crate::agreement::Party,
    ps: &PartyState,
    f: &mut Flows,
    period: Period,
) -> Result<(), TooLarge> {
    let Some(v) = party.vesting else {
        return Ok(());
    };
    let departed = party.departed.filter(|d| *d <= period.last_day());
    // (9999-12-31 has no tomorrow; a day less changes no whole month there.)
    let until = departed.unwrap_or_else(|| {
        let last = period.last_day();
        last.tomorrow().unwrap_or(last)
    });
    let m = crate::period::whole_months(v.start, until).max(0) as u32;
    let vested = if m < v.cliff_months {
        Exact::zero()
    } else {
        (Exact::int(i64::from(m)) / Exact::int(i64::from(v.months))).min(Exact::one())
    };
    let lifetime = ps.earned + f.earned;
    let not_vested = exact_cents((Exact::one() - vested) * Exact::money(lifetime))?;
    if departed.is_some() {
        // The hold is released, and what never vests is forfeited.
        f.unvested = -ps.unvested;
        f.forfeited = not_vested - ps.forfeited;
    } else {
        f.unvested = not_vested - ps.unvested;
    }
    Ok(())
}

/// A figure too large for an amount, named with its agreement and party.
fn too_large(a: &Agreement, party: &str, what: &str, e: TooLarge) -> Diagnostic {
    Diagnostic::error(
        &a.file,
        0,
        0,
        format!(
            "agreement `{}`, `{party}`: {what}: {e} (docs/limits.md)",
            a.id
        ),
    )
}

/// Opens every row: carried, reserves, what is held.
pub(super) fn open(
    inputs: &Inputs,
    results: &mut [AgreementResult],
    closing: &mut State,
    missing: &mut Vec<Diagnostic>,
) -> (Rows, Queues) {
    let (period, agreements, opening, disputes) = (
        inputs.period,
        inputs.agreements,
        inputs.opening,
        inputs.disputes,
    );
    let mut rows: Vec<Row> = Vec::new();
    let mut queues: Queues = Vec::new();
    for r in results.iter_mut() {
        let a = &agreements[r.index];
        let mut q = Vec::new();
        let (revenue, tax) = (r.revenue_exact.clone(), r.tax_withheld_at_source.clone());
        for p in r.parties.iter_mut() {
            // Tax withheld at source is passed through pro rata to exact
            // earnings, for the party's statement; never deducted again.
            if !revenue.is_zero() && !tax.is_zero() {
                p.flows.tax_at_source = exact_cents(&tax * &p.earned_exact / &revenue)
                    .unwrap_or_else(|e| {
                        missing.push(too_large(
                            a,
                            &p.id,
                            "tax withheld at source passed through",
                            e,
                        ));
                        Money::ZERO
                    });
                if !p.flows.tax_at_source.is_zero() {
                    p.notes.push(format!(
                        "{} of tax withheld at source is passed through (already deducted by the payer)",
                        p.flows.tax_at_source
                    ));
                }
            }
            let ps = opening.party(&a.id, &p.id).cloned().unwrap_or_default();
            let f = &mut p.flows;
            f.carried_in = ps.carried;
            f.released = ps.reserve_releases.first().copied().unwrap_or_default();
            let mut queue: Vec<Money> = ps.reserve_releases.iter().skip(1).copied().collect();
            if let Some(res) = &a.reserve {
                let base: Exact = p
                    .lines
                    .iter()
                    .filter(|l| res.sources.contains(&l.source))
                    .map(|l| &l.exact)
                    .sum();
                if base.is_positive() {
                    let parts = exact_cents(base * Exact::dec(res.rate)).and_then(|r| {
                        f.reserved = r;
                        release_parts(r, &res.schedule)
                    });
                    let parts = parts.unwrap_or_else(|e| {
                        missing.push(too_large(a, &p.id, "the reserve", e));
                        Vec::new()
                    });
                    for (i, part) in parts.into_iter().enumerate() {
                        if queue.len() <= i {
                            queue.push(Money::ZERO);
                        }
                        queue[i] += part;
                    }
                }
            }
            q.push(queue);
            if let Err(e) = vest(&a.parties[p.index], &ps, f, period) {
                missing.push(too_large(a, &p.id, "the unvested balance", e));
            }
            // Step 8b: a resolution paid with this period releases its hold
            // and credits its adjustment, before recoupment.
            crate::engine::disputes::settle_resolved(&a.id, p, disputes, opening, closing, period);
            let gated_party = a
                .gate
                .as_ref()
                .is_some_and(|g| g.parties.contains(&p.index));
            rows.push(Row {
                agreement: r.index,
                party: p.index,
                gated_party,
                available: None,
            });
        }
        queues.push(q);
    }
    (Rows::new(rows), queues)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    #[test]
    fn release_parts_sum_to_the_reserve() {
        let m = |s: &str| Money(dec(s));
        assert_eq!(
            release_parts(
                m("5.00"),
                &ReleaseSchedule::Explicit(vec![dec("0.5"), dec("0.5")])
            )
            .unwrap(),
            vec![m("2.50"), m("2.50")]
        );
        assert_eq!(
            release_parts(m("5.00"), &ReleaseSchedule::Equal(3)).unwrap(),
            vec![m("1.67"), m("1.67"), m("1.66")]
        );
        assert_eq!(
            release_parts(m("100.00"), &ReleaseSchedule::Equal(1)).unwrap(),
            vec![m("100.00")]
        );
    }

    #[test]
    fn no_release_is_negative() {
        let m = |s: &str| Money(dec(s));
        // Seven parts of 0.05 round to 0.01 each: six would take 0.06.
        assert_eq!(
            release_parts(m("0.05"), &ReleaseSchedule::Equal(7)).unwrap(),
            vec![m("0"), m("0"), m("0"), m("0"), m("0"), m("0"), m("0.05")]
        );
        // 50% + 50% + 0%: the halves of 0.03 round up to 0.02 each.
        let parts = release_parts(
            m("0.03"),
            &ReleaseSchedule::Explicit(vec![dec("0.5"), dec("0.5"), dec("0")]),
        )
        .unwrap();
        assert_eq!(parts, vec![m("0.02"), m("0.01"), m("0.00")]);
        for n in 1..=crate::limits::MAX_RELEASE_PERIODS {
            for cents in [1, 5, 99, 100, 12345] {
                let r = Money(rust_decimal::Decimal::new(cents, 2));
                let parts = release_parts(r, &ReleaseSchedule::Equal(n)).unwrap();
                assert_eq!(parts.len(), n as usize);
                assert_eq!(parts.iter().copied().sum::<Money>(), r);
                assert!(parts.iter().all(|p| !p.is_negative()), "{r} / {n}");
            }
        }
    }
}
