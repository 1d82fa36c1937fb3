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
        assert_eq!(thousands(dec("4000000.25")), "4,000,000.25");
        assert_eq!(cents(&Exact::parse("1/3").unwrap()), "0.33");
    }
}
