//! Step 5 of docs/arithmetic.md, "round once, exactly": the period's total
//! is rounded half-to-even to cents; every part is floored to cents; the
//! cents still missing go one by one to the largest fractional remainders
//! (ties: in the order given, which is party file order with the label
//! last). The parts then sum to the rounded total, always.
//!
//! Parts are exact rationals (a 1/3 share of a converted amount has no
//! finite decimal), so floors and remainders are exact: nothing is rounded
//! before it is compared.

use crate::exact::{Exact, TooLarge};
use crate::money::Money;

/// Splits `total` (exact) into cents. `parts` are the parties' exact
/// earnings; the label's part is what they leave of the total and comes
/// last in the result.
pub fn allocate(total: &Exact, parts: &[Exact]) -> Result<Vec<Money>, TooLarge> {
    let label = total - &parts.iter().sum::<Exact>();
    let all: Vec<&Exact> = parts.iter().chain([&label]).collect();
    largest_remainder(&total.round_cents(), &all)
}

/// Apportions `target` (whole cents) over exact `parts` by the largest
/// remainder: every part floored to cents, then the cents still missing one
/// by one to the largest fractional remainders, ties in the order given.
/// The result always sums to `target`. When `target` is within a cent of
/// the parts' exact sum (its rounding, or step 5's figure), at most one
/// cent is added per part, so each differs from its own rounding by at
/// most a cent. Step 5 uses it, and so does every document that shows the
/// parts of a rounded total (docs/arithmetic.md, "Parts of a total").
pub fn largest_remainder(target: &Exact, parts: &[&Exact]) -> Result<Vec<Money>, TooLarge> {
    let floors: Vec<Exact> = parts.iter().map(|p| p.floor_cents()).collect();
    let remainder: Vec<Exact> = parts.iter().zip(&floors).map(|(p, f)| *p - f).collect();
    let given: Exact = floors.iter().sum();
    let mut out = floors
        .iter()
        .map(Exact::to_money)
        .collect::<Result<Vec<Money>, TooLarge>>()?;
    if out.is_empty() {
        return Ok(out);
    }
    // Each remainder is under a cent and they sum to target - given: so,
    // for a target within a cent of the sum, `missing` is between 0 and
    // the parts' count. Any other target still adds up: every part takes
    // the whole cents of an equal share (negative: gives them back), and
    // the rest goes by remainder.
    let too_large = || TooLarge(target.to_string());
    let missing = ((target - &given) * Exact::int(100))
        .round_dp(0)
        .to_decimal()?;
    let missing = i64::try_from(missing.mantissa()).map_err(|_| too_large())?;
    let n = i64::try_from(out.len()).map_err(|_| too_large())?;
    let (each, rest) = (missing.div_euclid(n), missing.rem_euclid(n));
    if each != 0 {
        let share = Money(rust_decimal::Decimal::new(each, 2));
        for m in &mut out {
            *m += share;
        }
    }
    // Largest remainder first; a stable sort keeps the given order on ties.
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&a, &b| remainder[b].cmp(&remainder[a]));
    let cent = Money(rust_decimal::Decimal::new(1, 2));
    for &k in order.iter().take(usize::try_from(rest).unwrap_or(0)) {
        out[k] += cent;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    fn x(s: &str) -> Exact {
        Exact::parse(s).unwrap()
    }

    /// `total` shared by weights (a 100% pool), the label last.
    fn by_weights(total: &str, weights: &[i64]) -> Vec<String> {
        let total = x(total);
        let sum: i64 = weights.iter().sum();
        let parts: Vec<Exact> = weights
            .iter()
            .map(|w| total.clone() * Exact::int(*w) / Exact::int(sum))
            .collect();
        let out = allocate(&total, &parts).unwrap();
        assert_eq!(Exact::money(out.iter().sum()), total.round_cents());
        out.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn worked_examples_of_the_issue() {
        for (total, weights, want) in [
            ("8.00", vec![1, 1, 1], vec!["2.67", "2.67", "2.66", "0.00"]),
            ("1.00", vec![1, 1, 1], vec!["0.34", "0.33", "0.33", "0.00"]),
            ("1.00", vec![1, 2, 3], vec!["0.17", "0.33", "0.50", "0.00"]),
            (
                "1.00",
                vec![1, 10, 100],
                vec!["0.01", "0.09", "0.90", "0.00"],
            ),
        ] {
            assert_eq!(by_weights(total, &weights), want, "{total} by {weights:?}");
        }
    }

    #[test]
    fn the_total_is_rounded_once_not_per_line() {
        // Three lines of 0.005 at 100%: 0.015 rounds half-to-even to 0.02.
        let total = x("0.015");
        assert_eq!(
            allocate(&total, std::slice::from_ref(&total)).unwrap(),
            vec![Money(dec("0.02")), Money::ZERO]
        );
    }

    #[test]
    fn ties_go_to_parties_in_file_order_label_last() {
        let m = |s: &str| Money(dec(s));
        let out = allocate(&x("0.01"), &[x("0.004"), x("0.004")]).unwrap();
        assert_eq!(out, vec![m("0.01"), m("0"), m("0")]);
        // A third of a cent each for two parties and the label: first party wins.
        let out = allocate(&x("0.01"), &[x("1/300"), x("1/300")]).unwrap();
        assert_eq!(out, vec![m("0.01"), m("0"), m("0")]);
        // The label wins only what no party ties with.
        let out = allocate(&x("0.01"), &[x("0.003"), x("0.001")]).unwrap();
        assert_eq!(out, vec![m("0"), m("0"), m("0.01")]);
    }

    #[test]
    fn negative_totals_floor_towards_minus_infinity() {
        let m = |s: &str| Money(dec(s));
        let out = allocate(&x("-1.00"), &[x("-0.333"), x("-0.333")]).unwrap();
        assert_eq!(out, vec![m("-0.33"), m("-0.33"), m("-0.34")]);
    }

    #[test]
    fn any_target_is_apportioned_and_adds_up() {
        let m = |s: &str| Money(dec(s));
        let (a, b, c) = (x("1.004"), x("2.006"), x("3.001"));
        // Within a cent of the sum: at most a cent added, largest first.
        let out = largest_remainder(&x("6.02"), &[&a, &b, &c]).unwrap();
        assert_eq!(out, vec![m("1.01"), m("2.01"), m("3.00")]);
        // A cent under the floors: taken from the smallest remainder.
        let out = largest_remainder(&x("5.99"), &[&a, &b, &c]).unwrap();
        assert_eq!(out, vec![m("1.00"), m("2.00"), m("2.99")]);
        assert!(largest_remainder(&x("0"), &[]).unwrap().is_empty());
    }
}
