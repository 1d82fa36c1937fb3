//! The middle form of `Exact`: a fraction whose numerator and denominator
//! fit in an `i128` (a 1/6 milestone crossing, a 30/43 share, 1 / 1.0871).
//!
//! `BigRational` allocates and runs a general gcd on every operation; the
//! fractions of a royalty run almost never need more than 128 bits. Every
//! operation here is checked integer arithmetic that answers `None` when a
//! step would overflow, and the caller then does that one operation again
//! with `BigRational`: the same value, never a wrapped one. Results are in
//! lowest terms with a positive denominator, as `BigRational` keeps them.

use std::cmp::Ordering;

/// `n / d` in lowest terms, `d >= 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Frac {
    pub n: i128,
    pub d: i128,
}

const ZERO: Frac = Frac { n: 0, d: 1 };

/// The binary method (shifts and subtractions: a 128-bit division is a
/// slow library call) for non-zero operands of one width, without a
/// branch the processor could mispredict in the loop.
macro_rules! binary_gcd {
    ($name:ident, $t:ty) => {
        fn $name(a: $t, b: $t) -> $t {
            let shift = (a | b).trailing_zeros();
            let (mut a, mut b) = (a >> a.trailing_zeros(), b);
            loop {
                b >>= b.trailing_zeros();
                let (lo, hi) = (a.min(b), a.max(b));
                a = lo;
                b = hi - lo;
                if b == 0 {
                    return a << shift;
                }
            }
        }
    };
}
binary_gcd!(gcd128, u128);
binary_gcd!(gcd64, u64);

/// Greatest common divisor; `gcd(0, b) == b`.
pub(super) fn gcd(a: u128, b: u128) -> u128 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if lo == 0 {
        return hi;
    }
    if lo >> 64 != 0 {
        return gcd128(hi, lo);
    }
    // One Euclid step first: a numerator against a small denominator is
    // then two small numbers, and the remainder of a division by a 64-bit
    // number is a hardware instruction (with a 64-bit quotient when `hi`
    // is wider).
    let r = if hi >> 64 == 0 {
        (hi as u64) % (lo as u64)
    } else {
        (hi % lo) as u64
    };
    match r {
        0 => lo,
        r => u128::from(gcd64(lo as u64, r)),
    }
}

/// The gcd of a numerator and a positive `i128` as an `i128` (it divides
/// the second, so it fits; `None` only for `(0 | MIN, MIN)`).
fn gcd_i(a: i128, b: i128) -> Option<i128> {
    i128::try_from(gcd(a.unsigned_abs(), b.unsigned_abs())).ok()
}

/// `n / g` for a `g > 0` that divides `n`: a 64-bit division when both
/// fit (a 128-bit one is a library call).
fn div_exact(n: i128, g: i128) -> i128 {
    match (i64::try_from(n), i64::try_from(g)) {
        _ if g == 1 => n,
        (Ok(n), Ok(g)) => i128::from(n / g),
        _ => n / g,
    }
}

/// `10^n` when it fits.
pub(super) fn ten(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// `n / d` (`d > 0`) rounded towards minus infinity.
pub(super) fn floor_div(n: i128, d: i128) -> Option<i128> {
    Some(n.div_euclid(d))
}

/// `n / d` (`d > 0`) rounded half-to-even to an integer.
pub(super) fn round_half_even(n: i128, d: i128) -> Option<i128> {
    let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
    // 2r against d without computing 2r (it could overflow).
    match r.cmp(&(d - r)) {
        Ordering::Less => Some(q),
        Ordering::Equal if q % 2 == 0 => Some(q),
        _ => q.checked_add(1),
    }
}

impl Frac {
    /// `n / d` in lowest terms; `None` for a zero denominator or when the
    /// sign cannot move to the numerator.
    pub fn new(n: i128, d: i128) -> Option<Frac> {
        if d == 1 {
            return Some(Frac { n, d });
        }
        if d == 0 {
            return None;
        }
        let g = gcd_i(n, d)?;
        let (n, d) = (div_exact(n, g), div_exact(d, g));
        if d < 0 {
            return Some(Frac {
                n: n.checked_neg()?,
                d: d.checked_neg()?,
            });
        }
        Some(Frac { n, d })
    }

    /// `m / 10^s`.
    pub fn from_dec(m: i128, s: u32) -> Option<Frac> {
        Frac::new(m, ten(s)?)
    }

    /// The sum (Knuth, TAOCP 4.5.1: the gcds stay small and the result
    /// needs no further reduction).
    pub fn checked_add(self, o: Frac) -> Option<Frac> {
        let (a, b, c, d) = (self.n, self.d, o.n, o.d);
        if b == d {
            return Frac::new(a.checked_add(c)?, b);
        }
        let g = gcd_i(b, d)?;
        if g == 1 {
            let n = a.checked_mul(d)?.checked_add(c.checked_mul(b)?)?;
            return Some(Frac {
                n,
                d: b.checked_mul(d)?,
            });
        }
        let (bg, dg) = (div_exact(b, g), div_exact(d, g));
        let t = a.checked_mul(dg)?.checked_add(c.checked_mul(bg)?)?;
        let g2 = gcd_i(t, g)?;
        Some(Frac {
            n: div_exact(t, g2),
            d: bg.checked_mul(div_exact(d, g2))?,
        })
    }

    /// The product, reducing across before multiplying.
    pub fn checked_mul(self, o: Frac) -> Option<Frac> {
        if self.n == 0 || o.n == 0 {
            return Some(ZERO);
        }
        let g1 = gcd_i(self.n, o.d)?;
        let g2 = gcd_i(o.n, self.d)?;
        Some(Frac {
            n: div_exact(self.n, g1).checked_mul(div_exact(o.n, g2))?,
            d: div_exact(self.d, g2).checked_mul(div_exact(o.d, g1))?,
        })
    }

    /// The quotient; `None` for a zero divisor (the caller's general form
    /// then refuses it as before).
    pub fn checked_div(self, o: Frac) -> Option<Frac> {
        let inverse = match o.n.signum() {
            0 => return None,
            1 => Frac { n: o.d, d: o.n },
            _ => Frac {
                n: o.d.checked_neg()?,
                d: o.n.checked_neg()?,
            },
        };
        self.checked_mul(inverse)
    }

    pub fn checked_neg(self) -> Option<Frac> {
        Some(Frac {
            n: self.n.checked_neg()?,
            d: self.d,
        })
    }

    /// The order by value; `None` when a cross product overflows.
    pub fn checked_cmp(self, o: Frac) -> Option<Ordering> {
        if self.d == o.d {
            return Some(self.n.cmp(&o.n));
        }
        let (x, y) = (self.n.signum(), o.n.signum());
        if x != y {
            return Some(x.cmp(&y));
        }
        Some(self.n.checked_mul(o.d)?.cmp(&o.n.checked_mul(self.d)?))
    }

    /// Whether the value has a finite decimal: the denominator has no
    /// prime factor but 2 and 5.
    pub fn terminates(self) -> bool {
        self.twos_fives().is_some()
    }

    /// The powers of 2 and 5 that make up the denominator, if nothing else
    /// does.
    fn twos_fives(self) -> Option<(u32, u32)> {
        let twos = self.d.trailing_zeros();
        let mut rest = (self.d >> twos) as u128;
        let mut fives = 0;
        // 128-bit steps only while the rest is wider than 64 bits.
        while rest >> 64 != 0 {
            if !rest.is_multiple_of(5) {
                return None;
            }
            rest /= 5;
            fives += 1;
        }
        let mut rest = rest as u64;
        while rest.is_multiple_of(5) {
            rest /= 5;
            fives += 1;
        }
        (rest == 1).then_some((twos, fives))
    }

    /// `(mantissa, scale)` with `n/d = mantissa / 10^scale`, when the value
    /// terminates and the mantissa fits.
    pub fn to_dec(self) -> Option<(i128, u32)> {
        if self.d == 1 {
            return Some((self.n, 0));
        }
        let (twos, fives) = self.twos_fives()?;
        let s = twos.max(fives);
        // 10^s / d without a division: the 2s and 5s d lacks.
        let factor = (1i128 << (s - twos)).checked_mul(5i128.checked_pow(s - fives)?)?;
        Some((self.n.checked_mul(factor)?, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(n: i128, d: i128) -> Frac {
        Frac::new(n, d).unwrap()
    }

    #[test]
    fn reduces_and_keeps_the_sign_on_the_numerator() {
        assert_eq!(f(2, 4), Frac { n: 1, d: 2 });
        assert_eq!(f(3, -6), Frac { n: -1, d: 2 });
        assert_eq!(f(0, -7), ZERO);
        assert_eq!(Frac::new(1, 0), None);
        // The sign of i128::MIN cannot move to the numerator.
        assert_eq!(Frac::new(1, i128::MIN), None);
        assert_eq!(
            f(i128::MIN, 2),
            Frac {
                n: i128::MIN / 2,
                d: 1
            }
        );
    }

    #[test]
    fn gcd_matches_euclid_on_both_widths() {
        fn euclid(a: u128, b: u128) -> u128 {
            if b == 0 {
                a
            } else {
                euclid(b, a % b)
            }
        }
        let xs = [
            0,
            1,
            6,
            12,
            1 << 40,
            10u128.pow(36),
            u128::MAX,
            3 * (1 << 90),
        ];
        for a in xs {
            for b in xs {
                assert_eq!(gcd(a, b), euclid(a, b), "gcd({a}, {b})");
            }
        }
    }

    #[test]
    fn adds_multiplies_and_divides_in_lowest_terms() {
        assert_eq!(f(1, 6).checked_add(f(1, 3)), Some(f(1, 2)));
        assert_eq!(f(1, 6).checked_add(f(-1, 6)), Some(ZERO));
        assert_eq!(f(1, 4).checked_add(f(1, 6)), Some(f(5, 12)));
        assert_eq!(f(5, 12).checked_add(f(-1, 4)), Some(f(1, 6)));
        assert_eq!(f(2, 3).checked_mul(f(9, 4)), Some(f(3, 2)));
        assert_eq!(f(2, 3).checked_div(f(-4, 9)), Some(f(-3, 2)));
        assert_eq!(f(2, 3).checked_div(ZERO), None);
    }

    #[test]
    fn overflow_is_none_never_a_wrapped_value() {
        let big = f(i128::MAX, 1);
        assert_eq!(big.checked_add(f(1, 1)), None);
        assert_eq!(big.checked_mul(f(2, 1)), None);
        assert_eq!(f(1, i128::MAX).checked_mul(f(1, 2)), None);
        assert_eq!(f(i128::MIN, 1).checked_neg(), None);
        assert_eq!(f(1, 1).checked_div(f(i128::MIN, 3)), None);
        assert_eq!(f(i128::MAX, 3).checked_cmp(f(i128::MAX, 5)), None);
        assert_eq!(
            f(1, i128::MAX).checked_cmp(f(-1, 3)),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn rounds_and_floors_like_the_contract() {
        assert_eq!(round_half_even(200, 3), Some(67));
        assert_eq!(floor_div(-200, 3), Some(-67));
        assert_eq!(round_half_even(100, 8), Some(12));
        assert_eq!(round_half_even(300, 8), Some(38));
        assert_eq!(round_half_even(-100, 8), Some(-12));
        assert_eq!(round_half_even(-300, 8), Some(-38));
        assert_eq!(round_half_even(i128::MAX, i128::MAX - 1), Some(1));
        assert_eq!(round_half_even(i128::MAX, 1), Some(i128::MAX));
    }

    #[test]
    fn knows_a_finite_decimal() {
        assert_eq!(f(3, 8).to_dec(), Some((375, 3)));
        assert_eq!(f(-7, 20).to_dec(), Some((-35, 2)));
        assert_eq!(f(1, 6).to_dec(), None);
        assert!(!f(1, 6).terminates());
        assert!(f(i128::MAX, 4).terminates());
        assert_eq!(f(i128::MAX, 4).to_dec(), None, "a mantissa past i128");
    }
}
