//! The engine's edge: what the engine is given is checked against the
//! bounds of docs/limits.md before any arithmetic, so that no sum or product
//! can overflow inside it. The loaders bound each number; this bounds what
//! many of them add up to.

use crate::diag::Diagnostic;
use crate::statement::{FileSummary, Key, Sums};
use rust_decimal::Decimal;

/// A run's statements, added up in absolute value over every key and
/// currency, stay below `limits::RUN_TOTAL` (amounts, tax withheld and
/// units alike). Each line is below 10^15 and each file's key below 10^16
/// already (docs/formats.md); this bounds what many files add up to, so
/// that conversion, rates and sums stay inside `Decimal` (docs/limits.md).
/// The error names the statement file with the largest total.
pub fn check_run(revenue: &[(Key, Sums)], files: &[FileSummary]) -> Result<(), Diagnostic> {
    let bound = crate::limits::RUN_TOTAL;
    let mut amount = Decimal::ZERO;
    let mut tax = Decimal::ZERO;
    let mut units: i128 = 0;
    let mut over = false;
    for (_, s) in revenue {
        match (
            amount.checked_add(s.amount.abs()),
            tax.checked_add(s.tax_withheld.abs()),
        ) {
            (Some(a), Some(t)) => (amount, tax) = (a, t),
            _ => over = true,
        }
        units += (s.units as i128).abs();
    }
    let units_over = units >= 10i128.pow(16);
    if !(over || amount >= bound || tax >= bound || units_over) {
        return Ok(());
    }
    let size = |f: &FileSummary| -> Decimal {
        f.totals
            .values()
            .map(|s| s.amount.abs())
            .fold(Decimal::ZERO, |a, b| a.saturating_add(b))
    };
    let file = files
        .iter()
        .max_by(|a, b| size(a).cmp(&size(b)))
        .map(|f| f.path.clone())
        .unwrap_or_else(|| std::path::PathBuf::from("statements"));
    let what = if units_over { "units" } else { "amounts" };
    Err(Diagnostic::error(
        &file,
        0,
        0,
        format!(
            "the statements of this run add up to 10^16 or more {what} (all tracks and currencies together, in absolute value): \
             beyond what royalty computes exactly (docs/limits.md); this file has the largest total"
        ),
    ))
}

/// The matched revenue of one agreement before conversion, as the engine
/// groups it: (terms, source, currency) -> sums.
pub type Grouped =
    std::collections::BTreeMap<(usize, crate::codes::Source, crate::codes::Currency), Sums>;

/// Room `price` needs: the parts of a weighted split are scaled by the
/// product of the distinct weight totals of the terms in use (`denom`), and
/// the rounding compares them scaled. Over many sets of terms that product,
/// times the period's receipts, can pass `Decimal`'s 28 digits: checked
/// here, before pricing, so that it is an input error naming the agreement,
/// never an overflow. (This guards the decimal pricing; exact rationals
/// need no common denominator.)
pub fn check_scaled_pricing(
    a: &crate::agreement::Agreement,
    g: &Grouped,
    input: &super::Input,
) -> Result<(), Diagnostic> {
    use crate::agreement::RateTerm;
    let on = input.period.last_day();
    let mut dens: Vec<Decimal> = Vec::new();
    let (mut denom, mut num, mut per) = (Some(Decimal::ONE), Decimal::ONE, Decimal::ZERO);
    let (mut amount, mut units) = (Some(Decimal::ZERO), 0i128);
    for ((t, _, c), s) in g {
        for r in a.terms[*t].rates.iter().flatten().flatten() {
            match *r {
                RateTerm::Share { num: n, den } => {
                    num = num.max(n.abs());
                    if !dens.contains(&den) {
                        dens.push(den);
                        denom = denom.and_then(|d| d.checked_mul(den));
                    }
                }
                RateTerm::PerUnit(p) => per = per.max(p),
            }
        }
        let rate = input.fx.rate(*c, a.currency, on).unwrap_or(Decimal::ONE);
        amount = amount.and_then(|x| x.checked_add(s.amount.abs().checked_mul(rate)?));
        units += (s.units as i128).abs();
    }
    for m in &a.milestones {
        for (_, _, r) in &m.escalate {
            match *r {
                crate::money::Rate::Share(x) => num = num.max(x),
                crate::money::Rate::PerUnit(x) => per = per.max(x),
            }
        }
    }
    // Catch-ups price the lifetime revenue and units too.
    if let Some(o) = input.opening.agreement(&a.id) {
        for v in o.revenue.values() {
            amount = amount.and_then(|x| x.checked_add(v.abs()));
        }
        units += o.units.values().map(|u| (*u as i128).abs()).sum::<i128>();
    }
    let units = Decimal::from_i128_with_scale(units.min(10i128.pow(20)), 0);
    // Sixteen times the largest scaled figure, for the sums of parts.
    let room = (|| {
        let scaled = amount?
            .checked_mul(num)?
            .checked_add(units.checked_mul(per)?)?
            .checked_mul(denom?)?;
        scaled.checked_mul(Decimal::from(16))
    })();
    match room {
        Some(_) => Ok(()),
        None => Err(Diagnostic::error(
            &a.file,
            0,
            0,
            format!(
                "agreement `{}`: its weighted splits over {} sets of terms, with this period's receipts, \
                 need more than the 28 digits of exact decimal arithmetic; split the period, or give \
                 the tiers and hours weights with a common divisor (docs/limits.md)",
                a.id,
                dens.len()
            ),
        )),
    }
}
