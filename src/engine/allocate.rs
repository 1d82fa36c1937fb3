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
    let target = total.round_cents();
    let floors: Vec<Exact> = all.iter().map(|p| p.floor_cents()).collect();
    let remainder: Vec<Exact> = all.iter().zip(&floors).map(|(p, f)| *p - f).collect();
    let given: Exact = floors.iter().sum();
    let mut out = floors
        .iter()
        .map(Exact::to_money)
        .collect::<Result<Vec<Money>, TooLarge>>()?;
    // Each remainder is under a cent and they sum to target - given, a
    // whole number of cents: so `missing` is between 0 and the parts' count.
    let missing = ((target - given) * Exact::int(100)).to_decimal()?;
    let missing = usize::try_from(missing.mantissa()).unwrap_or(0);
    // Largest remainder first; a stable sort keeps the given order on ties.
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| remainder[b].cmp(&remainder[a]));
    let cent = Money(rust_decimal::Decimal::new(1, 2));
    for k in 0..missing {
        out[order[k % order.len()]] += cent;
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
}
