//! Property tests of `Exact` against a pure `BigRational` oracle: random
//! sequences of operations on values held in each of the three forms (and
//! in the decimal form with a needless trailing zero), many of them near
//! the limits of `i128`, give the oracle's values, the oracle's roundings
//! and the general form's text, compare as the oracle does, and never
//! panic: a step that overflows 128 bits moves to the general form.

use super::*;
use num_integer::Integer;
use proptest::prelude::*;

/// The oracle's numbers.
type Q = BigRational;

/// Integers around the edges of `i128` and of the scales the decimal form
/// keeps, where a checked step overflows.
const EDGES: [i128; 10] = [
    i128::MAX,
    i128::MIN,
    i128::MAX / 2,
    i128::MIN / 3,
    1 << 64,
    1 << 100,
    10i128.pow(18),
    10i128.pow(36),
    10i128.pow(38),
    -(10i128.pow(36)),
];

/// A signed integer of up to `max_bits` bits, every length as likely as
/// any other (uniform values would almost all be 127 bits long).
fn sized(max_bits: u32) -> impl Strategy<Value = BigInt> {
    (1..=max_bits, any::<u128>(), any::<bool>()).prop_map(|(bits, r, neg)| {
        let x = BigInt::from(r >> (128 - bits));
        if neg {
            -x
        } else {
            x
        }
    })
}

/// Near the edges of `i128`: 64 to 127 bits, the edges themselves, and
/// just past them.
fn large() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        (64u32..=127, any::<u128>(), any::<bool>()).prop_map(|(bits, r, neg)| {
            let x = BigInt::from((r >> (128 - bits)) | (1 << (bits - 1)));
            if neg {
                -x
            } else {
                x
            }
        }),
        (prop::sample::select(&EDGES[..]), -3i64..=3).prop_map(|(e, k)| BigInt::from(e) + k),
        (any::<i128>(), 2u64..1000).prop_map(|(a, b)| BigInt::from(a) * BigInt::from(b)),
    ]
}

fn int() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        2 => (-1000i64..1000).prop_map(BigInt::from),
        3 => sized(128),
        2 => large(),
    ]
}

fn positive(x: BigInt) -> Option<BigInt> {
    (!x.is_zero()).then(|| x.abs())
}

fn denominator() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        2 => (1i64..1000).prop_map(BigInt::from),
        // Finite decimals: only 2s and 5s.
        2 => (0u32..70, 0u32..50).prop_map(|(a, b)| {
            num_traits::pow(BigInt::from(2), a as usize) * num_traits::pow(BigInt::from(5), b as usize)
        }),
        2 => sized(128).prop_filter_map("a non-zero denominator", positive),
        2 => large().prop_filter_map("a non-zero denominator", positive),
    ]
}

/// A fraction one of whose terms is near the edges of `i128`: sums,
/// products and comparisons of two of them overflow one step or another.
fn edge_value() -> impl Strategy<Value = Q> {
    let small = || (-1000i64..1000).prop_map(BigInt::from);
    let small_den = || (1i64..1000).prop_map(BigInt::from);
    prop_oneof![
        (
            small(),
            large().prop_filter_map("a non-zero denominator", positive)
        )
            .prop_map(|(n, d)| Q::new(n, d)),
        (large(), small_den()).prop_map(|(n, d)| Q::new(n, d)),
        (
            large(),
            large().prop_filter_map("a non-zero denominator", positive)
        )
            .prop_map(|(n, d)| Q::new(n, d)),
    ]
}

fn value() -> impl Strategy<Value = Q> {
    prop_oneof![
        2 => (int(), denominator()).prop_map(|(n, d)| Q::new(n, d)),
        // A decimal as a statement or a rate writes it.
        1 => (int(), 0u32..=38).prop_map(|(m, s)| Q::new(m, ten_pow(s))),
        2 => edge_value(),
    ]
}

/// The value in the form `form` picks, when that form holds it (the
/// general form otherwise). Forms other than the canonical one are legal
/// inputs: `Exact::parse` and older code paths made them.
fn in_form(q: &Q, form: u8) -> Exact {
    let general = || Exact(Repr::Big(Box::new(q.clone())));
    match form % 5 {
        0 | 1 => match terminating(q) {
            Some((m, s)) if s < MAX_SCALE => match m.to_i128() {
                // A needless trailing zero, as "12.50" is read.
                Some(m) if form % 5 == 1 => match m.checked_mul(10) {
                    Some(m) => Exact(Repr::Dec { m, s: s + 1 }),
                    None => general(),
                },
                Some(m) => Exact(Repr::Dec { m, s }),
                None => general(),
            },
            _ => general(),
        },
        2 => match (q.numer().to_i128(), q.denom().to_i128()) {
            (Some(n), Some(d)) => Exact(Repr::Frac(Frac { n, d })),
            _ => general(),
        },
        3 => general(),
        _ => Exact::from_big(q.clone()),
    }
}

/// The result of an operation is in the first form that holds it.
fn canonical(x: &Exact) -> bool {
    match &x.0 {
        Repr::Dec { s, .. } => *s <= MAX_SCALE,
        Repr::Frac(f) => {
            f.d > 0
                && fraction::gcd(f.n.unsigned_abs(), f.d.unsigned_abs()) == 1
                && !matches!(f.to_dec(), Some((_, s)) if s <= MAX_SCALE)
        }
        Repr::Big(r) => r.numer().to_i128().is_none() || r.denom().to_i128().is_none(),
    }
}

fn unit(dp: u32) -> Q {
    Q::from_integer(ten_pow(dp))
}

fn oracle_floor(q: &Q, dp: u32) -> Q {
    (q * unit(dp)).floor() / unit(dp)
}

fn oracle_round(q: &Q, dp: u32) -> Q {
    let x = q * unit(dp);
    let floor = x.floor();
    let half = Q::new(BigInt::from(1), BigInt::from(2));
    let up = match (&x - &floor).cmp(&half) {
        Ordering::Less => false,
        Ordering::Greater => true,
        Ordering::Equal => floor.to_integer().is_odd(),
    };
    let n = if up { floor + Q::one() } else { floor };
    n / unit(dp)
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Min,
    Floor,
    Round(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Add),
        Just(Op::Sub),
        Just(Op::Mul),
        Just(Op::Div),
        Just(Op::Neg),
        Just(Op::Min),
        Just(Op::Floor),
        (0u32..=40).prop_map(Op::Round),
    ]
}

/// Operands this large are left alone: a chain of squarings would only
/// test num-bigint's speed.
fn too_large(q: &Q) -> bool {
    q.numer().bits() + q.denom().bits() > 4096
}

/// Applies `op` to the registers `i` and `j`: the result and the oracle's,
/// or `None` when the oracle refuses it (a zero divisor).
fn apply(op: Op, a: &(Exact, Q), b: &(Exact, Q)) -> Option<(Exact, Q)> {
    let ((x, p), (y, q)) = (a, b);
    Some(match op {
        Op::Add => (x + y, p + q),
        Op::Sub => (x - y, p - q),
        Op::Mul => (x * y, p * q),
        Op::Div if q.is_zero() => return None,
        Op::Div => (x / y, p / q),
        Op::Neg => (-x.clone(), -p.clone()),
        Op::Min => (x.clone().min(y.clone()), p.clone().min(q.clone())),
        Op::Floor => (x.floor_cents(), oracle_floor(p, 2)),
        Op::Round(dp) => (x.round_dp(dp), oracle_round(p, dp)),
    })
}

/// Everything a caller can observe of `x` agrees with the oracle `q` and
/// with the general form's answers.
fn check(x: &Exact, q: &Q) -> Result<(), TestCaseError> {
    let general = Exact(Repr::Big(Box::new(q.clone())));
    prop_assert_eq!(&x.big(), q);
    prop_assert_eq!(x.to_string(), general.to_string());
    prop_assert_eq!(x.to_decimal(), general.to_decimal());
    prop_assert_eq!(x.is_zero(), q.is_zero());
    prop_assert_eq!(x.is_positive(), q.is_positive());
    prop_assert_eq!(x.is_negative(), q.is_negative());
    prop_assert_eq!(x.is_one(), q.is_one());
    prop_assert_eq!(x.floor_cents().big(), oracle_floor(q, 2));
    prop_assert_eq!(x.round_cents().big(), oracle_round(q, 2));
    prop_assert_eq!(x.approx(6), general.approx(6));
    prop_assert_eq!(Exact::parse(&x.to_string()), Some(x.clone()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_form_agrees_with_the_oracle(
        start in prop::collection::vec((value(), any::<u8>()), 2..5),
        ops in prop::collection::vec((op(), any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..14),
    ) {
        let mut regs: Vec<(Exact, Q)> =
            start.iter().map(|(q, form)| (in_form(q, *form), q.clone())).collect();
        for (x, q) in &regs {
            check(x, q)?;
        }
        for (op, i, j) in ops {
            let (a, b) = (&regs[i.index(regs.len())], &regs[j.index(regs.len())]);
            if too_large(&a.1) || too_large(&b.1) {
                continue;
            }
            let Some((x, q)) = apply(op, a, b) else { continue };
            check(&x, &q)?;
            if matches!(op, Op::Add | Op::Sub | Op::Mul | Op::Div) {
                prop_assert!(canonical(&x), "{:?} from {:?}", x, op);
            }
            for (y, p) in &regs {
                prop_assert_eq!(x.cmp(y), q.cmp(p));
                prop_assert_eq!(x == *y, q == *p);
            }
            regs.push((x, q));
        }
    }

    /// Every operation on two values near the edges, each in any form.
    #[test]
    fn pairs_near_the_edges_agree_with_the_oracle(
        p in edge_value(),
        q in edge_value(),
        forms in (any::<u8>(), any::<u8>()),
    ) {
        let a = (in_form(&p, forms.0), p.clone());
        let b = (in_form(&q, forms.1), q.clone());
        prop_assert_eq!(a.0.cmp(&b.0), p.cmp(&q));
        for op in [Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Neg, Op::Floor, Op::Round(6)] {
            if let Some((x, r)) = apply(op, &a, &b) {
                check(&x, &r)?;
            }
        }
    }

    /// The same value in every form compares equal to itself in every
    /// other form and computes the same results with a small operand.
    #[test]
    fn one_value_in_every_form_is_one_value(q in value(), small in value()) {
        let forms: Vec<Exact> = (0..5).map(|f| in_form(&q, f)).collect();
        let other = Exact::from_big(small.clone());
        for a in &forms {
            for b in &forms {
                prop_assert_eq!(a.cmp(b), Ordering::Equal);
            }
            prop_assert_eq!((a * &other).big(), &q * &small);
            prop_assert_eq!((a + &other).big(), &q + &small);
            prop_assert_eq!(a.to_string(), forms[3].to_string());
        }
    }
}

#[test]
fn overflow_past_i128_promotes_and_comes_back() {
    let max = Exact::from_frac(Frac { n: 1, d: i128::MAX });
    let almost = Exact::from_frac(Frac {
        n: 1,
        d: i128::MAX - 1,
    });
    let sum = &max + &almost;
    assert!(
        matches!(sum.0, Repr::Big(_)),
        "the denominator needs 254 bits"
    );
    assert_eq!(sum.big(), max.big() + almost.big());
    // Back within i128, the value leaves the general form again.
    let back = &sum - &almost;
    assert!(matches!(back.0, Repr::Frac(_)));
    assert_eq!(back, max);
    // i128::MIN has no negation in i128.
    let min = Exact::from_frac(Frac { n: i128::MIN, d: 3 });
    assert_eq!((-min.clone()).big(), -min.big());
    assert_eq!(-(-min.clone()), min);
}
