//! Figures for people: thousands separators on amounts, counts and exact
//! values. One place, so every document writes a number the same way.

use crate::exact::Exact;
use crate::money::Money;
use rust_decimal::Decimal;

/// Groups the whole part of a decimal's text by thousands: "-1234567.5"
/// -> "-1,234,567.5".
fn group(s: &str) -> String {
    let (sign, s) = s.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", s));
    let (int, frac) = s
        .split_once('.')
        .map(|(i, f)| (i, Some(f)))
        .unwrap_or((s, None));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!(
        "{sign}{out}{}",
        frac.map(|f| format!(".{f}")).unwrap_or_default()
    )
}

/// 1240551 -> "1,240,551" (the decimals as written).
pub fn thousands(d: Decimal) -> String {
    group(&d.normalize().to_string())
}

/// "12,345.60": an amount to the cent.
pub fn amount(m: Money) -> String {
    group(&m.cents_string())
}

/// An exact figure to the cent (its exact value is shown elsewhere).
pub fn cents(x: &Exact) -> String {
    amount(Money(x.approx(2)))
}

/// The parts of a rounded total as shown: `total` apportioned over the
/// exact parts by the largest remainder (docs/arithmetic.md, "Parts of a
/// total"), so the parts shown add up to the total shown. Every document
/// that shows a total with its parts (statements, dashboard) goes through
/// here. A figure too large for an amount cannot reach a document (the
/// engine refuses it first); should one, each part is rounded alone.
pub fn apportion(total: Money, parts: &[&Exact]) -> Vec<Money> {
    crate::engine::allocate::largest_remainder(&Exact::money(total), parts)
        .unwrap_or_else(|_| parts.iter().map(|p| Money(p.approx(2))).collect())
}

/// "1 unit", "1,200 units".
pub fn units(n: i64) -> String {
    if n.unsigned_abs() == 1 {
        format!("{} unit", count(n))
    } else {
        format!("{} units", count(n))
    }
}

/// "1,200,000".
pub fn count(n: i64) -> String {
    group(&n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    #[test]
    fn groups_by_thousands() {
        assert_eq!(amount(Money(dec("1234567.5"))), "1,234,567.50");
        assert_eq!(amount(Money(dec("-1234.5"))), "-1,234.50");
        assert_eq!(amount(Money(dec("999"))), "999.00");
        assert_eq!(count(1_200_000), "1,200,000");
        assert_eq!(count(-1000), "-1,000");
        assert_eq!(units(1), "1 unit");
        assert_eq!(units(-1), "-1 unit");
        assert_eq!(units(3000), "3,000 units");
        assert_eq!(thousands(dec("4000000.25")), "4,000,000.25");
        assert_eq!(cents(&Exact::parse("1/3").unwrap()), "0.33");
    }

    /// Exact parts from integer numerators over a denominator (a 1/7
    /// has no finite decimal, a 3/400 sits on half a cent).
    fn parts_of(nums: &[i64], den: i64) -> Vec<Exact> {
        nums.iter()
            .map(|n| Exact::int(*n) / Exact::int(den))
            .collect()
    }

    #[test]
    fn parts_add_up_to_the_total_shown() {
        // Three thirds of 1.00: 0.33 each would show 0.99.
        let parts = parts_of(&[100, 100, 100], 300);
        let refs: Vec<&Exact> = parts.iter().collect();
        let shown = apportion(Money(dec("1.00")), &refs);
        assert_eq!(shown.iter().copied().sum::<Money>(), Money(dec("1.00")));
        assert_eq!(shown[0], Money(dec("0.34")), "ties go to the first");
    }

    proptest::proptest! {
        /// For any exact parts, and a total that is their sum rounded
        /// half-to-even or step 5's figure (floored, maybe one cent more),
        /// the parts shown sum to the total shown and each is within a
        /// cent of its own rounding.
        #[test]
        fn shown_parts_sum_to_the_total(
            nums in proptest::collection::vec(-2_000_000i64..2_000_000, 1..12),
            den in proptest::sample::select(vec![1i64, 3, 7, 400, 1000, 86_400]),
            which in 0u8..3,
        ) {
            let parts = parts_of(&nums, den);
            let sum: Exact = parts.iter().sum();
            let total = match which {
                0 => sum.round_cents(),
                1 => sum.floor_cents(),
                _ => sum.floor_cents() + Exact::parse("0.01").unwrap(),
            };
            let total = total.to_money().unwrap();
            let refs: Vec<&Exact> = parts.iter().collect();
            let shown = apportion(total, &refs);
            proptest::prop_assert_eq!(shown.len(), parts.len());
            proptest::prop_assert_eq!(shown.iter().copied().sum::<Money>(), total);
            for (m, p) in shown.iter().zip(&parts) {
                let own = p.round_cents().to_money().unwrap();
                let off = (m.0 - own.0).abs();
                proptest::prop_assert!(off <= dec("0.01"), "{m} vs {own} ({p})");
            }
        }
    }
}
