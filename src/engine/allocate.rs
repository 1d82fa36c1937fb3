//! SPEC 3 step 5, "round once, exactly": the period's total is rounded
//! half-to-even to cents; every part is floored to cents; the cents still
//! missing go one by one to the largest fractional remainders (ties: in the
//! order given, which is party file order with the label last). The parts
//! then sum to the rounded total, always.
//!
//! Shares from a weighted split (1/3 of a pool) have no finite decimal, so
//! parts are given *scaled*: part x `denom`, with `denom` the product of the
//! split's weight totals. Scaled parts are exact; floors and remainders are
//! computed from them without ever trusting a rounded division.

use crate::money::{floor_cents, round_cents};
use rust_decimal::Decimal;

const CENT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// The exact floor to cents of `scaled / denom`.
fn floor_scaled(scaled: Decimal, denom: Decimal) -> Decimal {
    if denom == Decimal::ONE {
        return floor_cents(scaled);
    }
    let mut f = floor_cents(scaled / denom);
    // The division is rounded at 28 digits; correct it with exact products.
    while f * denom > scaled {
        f -= CENT;
    }
    while (f + CENT) * denom <= scaled {
        f += CENT;
    }
    f
}

/// Splits `total` (exact) into cents. `scaled_parts` are the parties' exact
/// parts times `denom`; the label's part is what they leave of the total and
/// comes last in the result.
pub fn allocate(total: Decimal, scaled_parts: &[Decimal], denom: Decimal) -> Vec<Decimal> {
    let label_scaled = total * denom - scaled_parts.iter().sum::<Decimal>();
    let scaled: Vec<Decimal> = scaled_parts.iter().copied().chain([label_scaled]).collect();
    let target = round_cents(total);
    let mut out: Vec<Decimal> = scaled.iter().map(|p| floor_scaled(*p, denom)).collect();
    let remainder: Vec<Decimal> = scaled
        .iter()
        .zip(&out)
        .map(|(p, f)| *p - *f * denom)
        .collect();
    let given: Decimal = out.iter().sum();
    let mut missing = ((target - given) / CENT).round().mantissa() as i64;
    // Largest remainder first; a stable sort keeps the given order on ties.
    let mut order: Vec<usize> = (0..scaled.len()).collect();
    order.sort_by(|&a, &b| remainder[b].cmp(&remainder[a]));
    // `missing` is never negative and never more than the number of parts
    // (each remainder is under a cent); cycling keeps it correct regardless.
    let mut k = 0;
    while missing > 0 {
        out[order[k % order.len()]] += CENT;
        missing -= 1;
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    /// `total` shared by weights (a 100% pool), the label last.
    fn by_weights(total: &str, weights: &[i64]) -> Vec<String> {
        let total = dec(total);
        let denom = Decimal::from(weights.iter().sum::<i64>());
        let scaled: Vec<Decimal> = weights.iter().map(|w| total * Decimal::from(*w)).collect();
        let out = allocate(total, &scaled, denom);
        assert_eq!(out.iter().sum::<Decimal>(), round_cents(total));
        out.iter().map(|d| format!("{:.2}", d)).collect()
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
        let total = dec("0.005") * Decimal::from(3);
        assert_eq!(
            allocate(total, &[total], Decimal::ONE),
            vec![dec("0.02"), dec("0.00")]
        );
    }

    #[test]
    fn ties_go_to_parties_in_file_order_label_last() {
        let out = allocate(dec("0.01"), &[dec("0.004"), dec("0.004")], Decimal::ONE);
        assert_eq!(out, vec![dec("0.01"), dec("0"), dec("0")]);
        // A third of a cent each for two parties and the label: first party wins.
        let out = allocate(dec("0.01"), &[dec("0.01"), dec("0.01")], Decimal::from(3));
        assert_eq!(out, vec![dec("0.01"), dec("0"), dec("0")]);
        // The label wins only what no party ties with.
        let out = allocate(dec("0.01"), &[dec("0.003"), dec("0.001")], Decimal::ONE);
        assert_eq!(out, vec![dec("0"), dec("0"), dec("0.01")]);
    }

    #[test]
    fn negative_totals_floor_towards_minus_infinity() {
        let out = allocate(dec("-1.00"), &[dec("-0.333"), dec("-0.333")], Decimal::ONE);
        assert_eq!(out, vec![dec("-0.33"), dec("-0.33"), dec("-0.34")]);
    }

    #[test]
    fn floors_of_scaled_parts_are_exact() {
        // 2/3 of a cent is 0.00 and 200/3 is 66.66, however the division rounds.
        assert_eq!(floor_scaled(dec("0.02"), Decimal::from(3)), dec("0.00"));
        assert_eq!(floor_scaled(dec("200"), Decimal::from(3)), dec("66.66"));
        assert_eq!(floor_scaled(dec("-200"), Decimal::from(3)), dec("-66.67"));
        assert_eq!(floor_scaled(dec("6"), Decimal::from(3)), dec("2"));
    }
}
