//! Exact sums of statement lines: amounts as integers scaled by
//! 10^SCALE, so that adding never rounds and neither the order lines are
//! added in nor the thread that adds them changes a figure. One sum is 40
//! bytes (`Acc`): a catalogue's keys are many, and every byte of a sum is
//! paid once per key (docs/scaling.md).

use crate::statement::{Key, RevenueLine, Sums};
use rust_decimal::Decimal;

/// A line's numbers as scaled integers (`number::short_scaled`): `-12.50`
/// is `(-1250, 2)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Numbers {
    pub units: i64,
    pub amount: (i64, u32),
    pub tax: (i64, u32),
}

/// Decimal places of the scaled integer sums: amounts with more places are
/// summed beside them (rare), so nothing is ever rounded.
const SCALE: u32 = 12;

/// The hasher of every table on the reading path: `foldhash`, fixed seed
/// (so runs are alike). SipHash, the standard library's, resists keys an
/// adversary picks to flood a bucket, which a statement's own keys are not
/// worth paying for; `rustc-hash`'s FxHasher, tried first, mixes our
/// structured keys (ISRCs differing in their last digits) so poorly that
/// lookups collide: the figures are in docs/scaling.md, "Hashing".
pub type Hashing = foldhash::fast::FixedState;

/// A map under `Hashing`.
pub type FastMap<K, V> = std::collections::HashMap<K, V, Hashing>;

/// The hash of `t` under `Hashing` (for `hashbrown::HashTable`s).
pub fn hash_of<T: std::hash::Hash + ?Sized>(t: &T) -> u64 {
    std::hash::BuildHasher::hash_one(&Hashing::default(), t)
}

/// Exact sums of one key. The amount down to 10^-12 is an integer scaled
/// by 10^12 (every common amount, on the hot path); tax withheld, what an
/// amount or tax has below 10^-12 (scaled by 10^28: a `Decimal` has at most
/// 28 decimals) and an overflow are rare, so they live out of line. None of
/// it can round, so the order lines are added in never changes a sum; only
/// the final `Decimal` may have to be rounded (`sums`).
#[derive(Clone, Default, Debug)]
pub struct Acc {
    /// The amount, an `i128` kept as two words so that a sum and its key
    /// fill one 64-byte cache line (`statement::table`).
    amount: [u64; 2],
    units: i64,
    lines: u64,
    rare: Option<Box<Rare>>,
}

/// What few sums have: tax withheld, parts below 10^-12, an overflow.
#[derive(Clone, Default, Debug)]
struct Rare {
    tax: i128,
    /// The parts below 10^-12 of amounts and taxes, scaled by 10^28.
    fine: [i128; 2],
    /// A sum went past what can be kept exactly: `sums` refuses it.
    overflow: bool,
}

/// The sums of one key as decimals, and whether the amount (or tax) had
/// more digits than a `Decimal` keeps: then it was rounded half-to-even at
/// the decimal place given (at least the 12th for any sum below 10^16).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summed {
    pub sums: Sums,
    pub rounded_at: Option<u32>,
}

/// 10^(SCALE - s), for s = 0..=SCALE.
const POWERS: [i128; SCALE as usize + 1] = {
    let mut p = [1i128; SCALE as usize + 1];
    let mut i = SCALE as usize;
    while i > 0 {
        p[i - 1] = p[i] * 10;
        i -= 1;
    }
    p
};

/// Finest decimal place kept: a `Decimal` has at most 28.
const FINE: u32 = 28;

/// Sums of amounts must stay below 10^16 (16 digits and SCALE decimals fill
/// the 28 digits of a `Decimal`): beyond, a sum could not be exact.
const LIMIT: i128 = 10i128.pow(16 + SCALE);

fn pow10(n: u32) -> i128 {
    10i128.pow(n)
}

impl Acc {
    fn amount(&self) -> i128 {
        (self.amount[0] as u128 | (self.amount[1] as u128) << 64) as i128
    }
    fn set_amount(&mut self, v: i128) {
        self.amount = [v as u64, (v as u128 >> 64) as u64];
    }
    fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Default::default)
    }
    fn overflowed(&mut self) {
        self.rare().overflow = true;
    }
    fn add_int(&mut self, tax: bool, v: i128) {
        if v == 0 {
            return;
        }
        let sum = if tax { self.rare().tax } else { self.amount() };
        match sum.checked_add(v) {
            Some(s) if tax => self.rare().tax = s,
            Some(s) => self.set_amount(s),
            None => self.overflowed(),
        }
    }
    fn add_fine(&mut self, tax: bool, v: i128) {
        if v == 0 {
            return;
        }
        let f = self.rare();
        match f.fine[tax as usize].checked_add(v) {
            Some(s) => f.fine[tax as usize] = s,
            None => f.overflow = true,
        }
    }
    /// Adds `m` x 10^-s: down to 10^-12 into the integer sum, the rest
    /// (exactly: s <= 28) into the fine one.
    fn add_mantissa(&mut self, tax: bool, m: i128, s: u32) {
        match POWERS.get(s as usize) {
            Some(p) => match m.checked_mul(*p) {
                Some(v) => self.add_int(tax, v),
                None => self.overflowed(),
            },
            None => {
                let p = pow10(s - SCALE);
                self.add_int(tax, m / p);
                // |m % p| < 10^(s - 12): scaled to 10^-28, below 10^16.
                self.add_fine(tax, (m % p) * pow10(FINE - s));
            }
        }
    }
    fn add_units(&mut self, units: i64) {
        match self.units.checked_add(units) {
            Some(u) => self.units = u,
            None => self.overflowed(),
        }
    }

    pub fn add(&mut self, l: &RevenueLine) {
        self.add_parts(l.units, l.amount, l.tax_withheld);
    }

    /// Adds one line's units, amount and tax.
    pub fn add_parts(&mut self, units: i64, amount: Decimal, tax: Decimal) {
        self.add_units(units);
        self.add_mantissa(false, amount.mantissa(), amount.scale());
        self.add_mantissa(true, tax.mantissa(), tax.scale());
        self.lines += 1;
    }

    /// The sums of `s` (already summed lines, e.g. from an aggregate file).
    pub fn of_sums(s: &Sums) -> Acc {
        let mut a = Acc::default();
        a.add_parts(s.units, s.amount, s.tax_withheld);
        a.lines = s.lines;
        a
    }

    /// Adds one line read as scaled integers (`decimal::short_scaled`): the
    /// hot path, which builds no `Decimal`.
    #[inline]
    pub fn add_scaled(&mut self, n: Numbers) {
        self.add_units(n.units);
        for (tax, (m, s)) in [(false, n.amount), (true, n.tax)] {
            match POWERS.get(s as usize) {
                // |m| < 10^18 and p <= 10^12: no overflow.
                Some(p) => self.add_int(tax, m as i128 * p),
                None => self.add_mantissa(tax, m as i128, s),
            }
        }
        self.lines += 1;
    }

    /// No line was added yet.
    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    pub fn merge(&mut self, o: &Acc) {
        self.add_units(o.units);
        self.add_int(false, o.amount());
        if let Some(r) = &o.rare {
            let r = r.as_ref().clone();
            self.add_int(true, r.tax);
            self.add_fine(false, r.fine[0]);
            self.add_fine(true, r.fine[1]);
            if r.overflow {
                self.overflowed();
            }
        }
        self.lines += o.lines;
    }

    /// The sums as decimals; `None` when they went past what can be summed
    /// exactly (amounts of 10^16 or more for one key of one file).
    pub fn sums(&self) -> Option<Summed> {
        self.sums_below(Some(LIMIT))
    }

    /// The sums of a key over the whole run as decimals: `None` only when
    /// one cannot hold them. What many files add up to is bounded at the
    /// engine's edge (`engine::edge::check_run`), which says so in its
    /// words.
    pub fn run_sums(&self) -> Option<Summed> {
        self.sums_below(None)
    }

    fn sums_below(&self, limit: Option<i128>) -> Option<Summed> {
        let r = self.rare.as_deref().cloned().unwrap_or_default();
        if r.overflow {
            return None;
        }
        let (amount, a) = to_decimal(self.amount(), r.fine[0], limit)?;
        let (tax_withheld, t) = to_decimal(r.tax, r.fine[1], limit)?;
        Some(Summed {
            sums: Sums {
                units: self.units,
                amount,
                tax_withheld,
                lines: self.lines,
            },
            rounded_at: a.max(t),
        })
    }
}

/// `hi` x 10^-12 + `lo` x 10^-28 as a `Decimal`: exact when it fits in the
/// 96 bits of one, else rounded half-to-even at the finest decimal place
/// that fits (returned). `None` past 10^16.
fn to_decimal(hi: i128, lo: i128, limit: Option<i128>) -> Option<(Decimal, Option<u32>)> {
    let step = pow10(FINE - SCALE);
    let hi = hi.checked_add(lo / step)?;
    let lo = lo % step;
    if limit.is_some_and(|l| hi.abs() >= l) {
        return None;
    }
    if lo == 0 {
        // Trailing zeros dropped first: a large whole sum fits with fewer
        // decimals.
        let (mut m, mut scale) = (hi, SCALE);
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        let d = Decimal::try_from_i128_with_scale(m, scale).ok()?;
        return Some((d.normalize(), None));
    }
    // The exact value in units of 10^-28 is hi x 10^16 + lo; try the finest
    // scale first, dropping trailing zeros of lo as they cost nothing.
    let zeros = (0..16).take_while(|k| lo % pow10(k + 1) == 0).count() as u32;
    for t in (SCALE..=FINE - zeros).rev() {
        let drop = pow10(FINE - t);
        let Some(whole) = hi.checked_mul(pow10(t - SCALE)) else {
            continue;
        };
        let (q, r) = (lo / drop, lo % drop);
        // Half to even on what is dropped (|r| < drop).
        let twice = (r.abs() * 2).cmp(&drop);
        let mut m = whole + q;
        let odd = m % 2 != 0;
        if twice == std::cmp::Ordering::Greater || (twice == std::cmp::Ordering::Equal && odd) {
            m += r.signum();
        }
        // Sign mixes (hi > 0, lo < 0) are exact: m is the true rounded sum.
        if let Ok(d) = Decimal::try_from_i128_with_scale(m, t) {
            let rounded = (r != 0).then_some(t);
            return Some((d.normalize(), rounded));
        }
    }
    None
}

/// The error for sums `Acc::sums` refuses.
pub fn too_large(k: &Key) -> String {
    format!(
        "the lines of {} ({}, {}, {}) add up to 10^16 or more: beyond what can be summed exactly; check the amounts, or split the statement",
        k.isrc, k.source, k.usage, k.currency
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    fn sum(amounts: &[&str]) -> Option<Summed> {
        let mut acc = Acc::default();
        for a in amounts {
            let d = dec(a);
            acc.add_mantissa(false, d.mantissa(), d.scale());
        }
        acc.sums()
    }

    #[test]
    fn sums_are_exact_down_to_the_28th_decimal() {
        let s = sum(&["0.0000000000001", "0.5"]).unwrap();
        assert_eq!(
            (s.sums.amount, s.rounded_at),
            (dec("0.5000000000001"), None)
        );
        let s = sum(&[
            "0.1234567890123456789012345678",
            "-0.1234567890123456789012345677",
        ]);
        let s = s.unwrap();
        assert_eq!((s.sums.amount, s.rounded_at), (dec("1E-28"), None));
        // A sign mix across the two parts: 1 - 10^-28.
        let s = sum(&["1", "-0.0000000000000000000000000001"]).unwrap();
        assert_eq!(s.sums.amount, dec("0.9999999999999999999999999999"));
        assert_eq!(s.rounded_at, None);
    }

    #[test]
    fn a_sum_with_more_digits_than_a_decimal_keeps_is_rounded_and_says_where() {
        // 33 and 28 decimals: 30 digits, one too many for 96 bits.
        let s = sum(&["33", "0.0964897858356444621782127251"]).unwrap();
        assert_eq!(s.sums.amount, dec("33.096489785835644462178212725"));
        assert_eq!(s.rounded_at, Some(27));
        // Half to even: ...5 at the 28th decimal after 33 rounds to even.
        let s = sum(&["33", "0.0000000000000000000000000015"]).unwrap();
        assert_eq!(s.sums.amount, dec("33.000000000000000000000000002"));
        let s = sum(&["33", "-0.0000000000000000000000000015"]).unwrap();
        assert_eq!(s.sums.amount, dec("32.999999999999999999999999998"));
        // Large sums keep at least 12 decimals.
        let s = sum(&[
            "999999999999999",
            "999999999999999",
            "0.1234567890123456789",
        ])
        .unwrap();
        assert_eq!(s.sums.amount, dec("1999999999999998.1234567890123"));
        assert_eq!(s.rounded_at, Some(13));
    }

    #[test]
    fn sums_past_ten_to_the_sixteen_are_refused_not_rounded() {
        let many = vec!["999999999999999"; 11];
        assert!(sum(&many).is_none());
        let ten = vec!["999999999999999"; 10];
        assert_eq!(sum(&ten).unwrap().sums.amount, dec("9999999999999990"));
    }
}
