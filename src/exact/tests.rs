//! Unit tests of `Exact`: display, rounding, the decimal form against
//! the fraction form.

use super::*;
use crate::money::dec;

fn e(s: &str) -> Exact {
    Exact::parse(s).unwrap()
}

#[test]
fn displays_terminating_values_exactly_and_others_as_fractions() {
    assert_eq!(e("8").to_string(), "8");
    assert_eq!(e("8.000").to_string(), "8");
    assert_eq!(e("0.0125").to_string(), "0.0125");
    assert_eq!(e("-0.5").to_string(), "-0.5");
    assert_eq!(e("1/6").to_string(), "1/6");
    assert_eq!(e("2/4").to_string(), "0.5");
    assert_eq!(e("-7/3").to_string(), "-7/3");
    // What Decimal would print as 8.000000000000000000000000002.
    let third = e("1/3");
    assert_eq!((third.clone() * Exact::int(24)).to_string(), "8");
}

#[test]
fn rounds_half_to_even_and_floors_towards_minus_infinity() {
    for (x, round, floor) in [
        ("0.015", "0.02", "0.01"),
        ("0.025", "0.02", "0.02"),
        ("-0.025", "-0.02", "-0.03"),
        ("2/3", "0.67", "0.66"),
        ("-2/3", "-0.67", "-0.67"),
        ("1/200", "0", "0"),
        ("3/200", "0.02", "0.01"),
    ] {
        assert_eq!(e(x).round_cents(), e(round), "round {x}");
        assert_eq!(e(x).floor_cents(), e(floor), "floor {x}");
    }
}

#[test]
fn comes_back_to_decimal_only_when_exact_and_fitting() {
    assert_eq!(e("12.34").to_decimal(), Ok(dec("12.34")));
    assert!(e("1/3").to_decimal().is_err());
    assert!(Exact::int(10).clone() * Exact::dec(Decimal::MAX) > Exact::zero());
    assert!((Exact::int(10) * Exact::dec(Decimal::MAX))
        .to_money()
        .is_err());
}

#[test]
fn products_past_28_digits_stay_exact() {
    // Decimal rounds this product; Exact does not.
    let a = Exact::dec(dec("1234567890.123456789"));
    let b = Exact::dec(dec("0.9876543210987654321"));
    let p = a.clone() * b.clone();
    assert_eq!(p.clone() / b, a);
    assert_eq!(e(&p.to_string()), p);
    assert!(p.to_decimal().is_err(), "too many digits for a Decimal");
}

fn q(m: i64, s: u32) -> BigRational {
    BigRational::new(BigInt::from(m), ten_pow(s))
}

proptest::proptest! {
    /// The decimal fast path and the fraction form agree on every
    /// operation, including where the fast path overflows to fractions.
    #[test]
    fn the_decimal_form_agrees_with_fractions(
        a in (proptest::num::i64::ANY, 0u32..=18),
        b in (proptest::num::i64::ANY, 0u32..=18),
        big in proptest::bool::ANY,
    ) {
        let (x, y) = (Exact::dec(Decimal::from_i128_with_scale(a.0.into(), a.1)),
                      Exact::dec(Decimal::from_i128_with_scale(b.0.into(), b.1)));
        // The same values, forced into the fraction form.
        let (bx, by) = (Exact(Repr::Big(Box::new(q(a.0, a.1)))), Exact(Repr::Big(Box::new(q(b.0, b.1)))));
        let (u, v) = if big { (&bx, &by) } else { (&x, &y) };
        let (qa, qb) = (q(a.0, a.1), q(b.0, b.1));
        proptest::prop_assert_eq!((u + v).big(), &qa + &qb);
        proptest::prop_assert_eq!((u - v).big(), &qa - &qb);
        proptest::prop_assert_eq!((u * v).big(), &qa * &qb);
        proptest::prop_assert_eq!((u * &(v * u)).big(), &qa * (&qb * &qa));
        if b.0 != 0 {
            proptest::prop_assert_eq!((u / v).big(), &qa / &qb);
        }
        proptest::prop_assert_eq!(u.cmp(v), qa.cmp(&qb));
        proptest::prop_assert_eq!(x.round_dp(3).big(), bx.round_dp(3).big());
        proptest::prop_assert_eq!(x.floor_cents().big(), bx.floor_cents().big());
        proptest::prop_assert_eq!(x.to_string(), bx.to_string());
        proptest::prop_assert_eq!(x.to_decimal(), bx.to_decimal());
    }
}

#[test]
fn division_stays_decimal_when_the_quotient_terminates() {
    for (a, b, want) in [
        ("6", "0.2", "30"),
        ("1", "8", "0.125"),
        ("0.3", "100", "0.003"),
        ("5", "0.5", "10"),
        ("-7", "2", "-3.5"),
        ("0.2", "0.6", "1/3"),
        ("1", "43", "1/43"),
        ("200000", "1200000", "1/6"),
        ("0", "7", "0"),
    ] {
        let q = e(a) / e(b);
        assert_eq!(q.to_string(), want, "{a} / {b}");
        assert_eq!(q.big(), e(a).big() / e(b).big(), "{a} / {b}");
        assert_eq!(matches!(q.0, Repr::Dec { .. }), !want.contains('/'));
    }
}

#[test]
fn parses_what_it_prints_and_nothing_else() {
    for s in [
        "0",
        "-3",
        "12.5",
        "-0.125",
        "1/6",
        "-7/3",
        "123456789012345678901234567890.123",
    ] {
        assert_eq!(e(s).to_string(), s);
    }
    for bad in ["", "1.", ".5", "1e3", "1/0", "a", "--1", "1.2.3"] {
        assert!(Exact::parse(bad).is_none(), "{bad}");
    }
}

#[test]
fn an_exact_number_stays_small_to_move() {
    // The engine moves many figures; the general form is boxed for this.
    assert!(std::mem::size_of::<Exact>() <= 48);
}
