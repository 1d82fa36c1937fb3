//! Exact sums of statement lines (issue "Speed and scale"): amounts as
//! integers scaled by 10^SCALE, so that adding never rounds and the order
//! lines were added in never changes a figure. Also the small hasher the
//! sums are kept under.

use crate::statement::{Key, RevenueLine, Sums};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A line's numbers as scaled integers (`number::short_scaled`): `-12.50`
/// is `(-1250, 2)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Numbers {
    pub units: i64,
    pub amount: (i64, u32),
    pub tax: (i64, u32),
}

/// Decimal places of the scaled integer sums: amounts with more places are
/// summed as `Decimal` beside them (rare), so nothing is ever rounded.
const SCALE: u32 = 12;

/// A small, fast, deterministic hasher for the sums' keys (FxHash's mix).
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64)
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(n as u64)
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64)
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64)
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Exact sums of one key: amounts as integers scaled by 10^SCALE.
#[derive(Clone, Default, Debug)]
pub struct Acc {
    amount: i128,
    tax: i128,
    units: i64,
    lines: u64,
    /// Amounts and taxes with more than SCALE decimals, summed as decimals
    /// beside the integers (rare, so kept out of line).
    extra: Option<Box<[Decimal; 2]>>,
    /// A sum went past what can be kept exactly: `sums` refuses it.
    overflow: bool,
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

/// Sums of amounts must stay below 10^16 (16 digits and SCALE decimals fill
/// the 28 digits of a `Decimal`): beyond, a sum could not be exact.
const LIMIT: i128 = 10i128.pow(16 + SCALE);

fn scaled(d: Decimal) -> Option<i128> {
    let s = d.scale();
    d.mantissa().checked_mul(*POWERS.get(s as usize)?)
}

/// a + b, or `None` when the sum would not be exact: `Decimal` rounds a sum
/// that needs more than 28 digits, lowering its scale to do so.
fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    // (Adding zero gives the other operand back, scale and all.)
    if a.is_zero() || b.is_zero() {
        return a.checked_add(b);
    }
    let s = a.checked_add(b)?;
    (s.is_zero() || s.scale() >= a.scale().max(b.scale())).then_some(s)
}

impl Acc {
    fn add_int(&mut self, tax: bool, v: i128) {
        let sum = if tax { &mut self.tax } else { &mut self.amount };
        match sum.checked_add(v) {
            Some(s) => *sum = s,
            None => self.overflow = true,
        }
    }
    fn add_extra(&mut self, tax: bool, d: Decimal) {
        let e = self.extra.get_or_insert_with(Default::default);
        let slot = &mut e[tax as usize];
        match exact_add(*slot, d) {
            Some(s) => *slot = s,
            None => self.overflow = true,
        }
    }
    fn add_decimal(&mut self, tax: bool, d: Decimal) {
        match scaled(d) {
            Some(v) => self.add_int(tax, v),
            None => self.add_extra(tax, d),
        }
    }
    fn add_units(&mut self, units: i64) {
        match self.units.checked_add(units) {
            Some(u) => self.units = u,
            None => self.overflow = true,
        }
    }

    pub fn add(&mut self, l: &RevenueLine) {
        self.add_units(l.units);
        self.add_decimal(false, l.amount);
        self.add_decimal(true, l.tax_withheld);
        self.lines += 1;
    }

    /// Adds one line read as scaled integers (`number::short_scaled`): the
    /// hot path, which builds no `Decimal`.
    pub fn add_scaled(&mut self, n: Numbers) {
        self.add_units(n.units);
        for (tax, (m, s)) in [(false, n.amount), (true, n.tax)] {
            match POWERS.get(s as usize) {
                // |m| < 10^18 and p <= 10^12: no overflow.
                Some(p) => self.add_int(tax, m as i128 * p),
                None => self.add_extra(tax, Decimal::from_i128_with_scale(m as i128, s)),
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
        self.add_int(false, o.amount);
        self.add_int(true, o.tax);
        if let Some(e) = &o.extra {
            self.add_extra(false, e[0]);
            self.add_extra(true, e[1]);
        }
        self.lines += o.lines;
        self.overflow |= o.overflow;
    }

    /// The sums as decimals; `None` when they went past what can be summed
    /// exactly (amounts of 10^16 or more for one key in one file).
    pub fn sums(&self) -> Option<Sums> {
        if self.overflow {
            return None;
        }
        let d = |v: i128, extra: Option<Decimal>| -> Option<Decimal> {
            if v.abs() >= LIMIT {
                return None;
            }
            let d = Decimal::try_from_i128_with_scale(v, SCALE).ok()?;
            Some(exact_add(d, extra.unwrap_or_default())?.normalize())
        };
        let extra = |i: usize| self.extra.as_ref().map(|e| e[i]);
        Some(Sums {
            units: self.units,
            amount: d(self.amount, extra(0))?,
            tax_withheld: d(self.tax, extra(1))?,
            lines: self.lines,
        })
    }
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

    #[test]
    fn exact_additions_are_told_from_rounded_ones() {
        let d = crate::money::dec;
        assert_eq!(exact_add(d("0.000000000000"), d("5")), Some(d("5")));
        assert_eq!(exact_add(d("1.5"), d("-1.5")), Some(d("0.0")));
        assert_eq!(
            exact_add(d("0.1234567890123"), d("2")),
            Some(d("2.1234567890123"))
        );
        let big = d("999999999999999.9999999999999");
        assert_eq!(
            exact_add(big, big),
            Some(d("1999999999999999.9999999999998"))
        );
        // 8 x 10^28 at scale 13 is past a Decimal's 96 bits: it would round.
        assert_eq!(
            exact_add(d("7999999999999999.999999999999"), d("0.0000000000001")),
            None
        );
    }
}
