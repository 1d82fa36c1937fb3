//! The engine's edge: what the engine is given is checked against the
//! bounds of docs/limits.md before any arithmetic, so that no sum or product
//! can overflow inside it. The loaders bound each number; this bounds what
//! many of them add up to.

use crate::diag::Diagnostic;
use crate::statement::{FileSummary, Sums};
use rust_decimal::Decimal;

/// A run's statements, added up in absolute value over every key and
/// currency, stay below `limits::RUN_TOTAL` (amounts, tax withheld and
/// units alike). Each line is below 10^15 and each file's key below 10^16
/// already (docs/formats.md); this bounds what many files add up to, so
/// that conversion, rates and sums stay inside `Decimal` (docs/limits.md).
/// The error names the statement file with the largest total. `revenue`
/// is every sum the run is given: its tracks' and its release rows'.
pub fn check_run<'a>(
    revenue: impl Iterator<Item = &'a Sums>,
    files: &[FileSummary],
) -> Result<(), Diagnostic> {
    let bound = crate::limits::RUN_TOTAL;
    let mut amount = Decimal::ZERO;
    let mut tax = Decimal::ZERO;
    let mut units: i128 = 0;
    let mut over = false;
    for s in revenue {
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
