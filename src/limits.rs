//! The range of every number the inputs may hold (docs/limits.md), checked
//! where each is read, so that no computation downstream can overflow or
//! run away: a number out of range is an input error at its place (exit 1),
//! never a panic or a self-check failure.
//!
//! The ranges are far beyond any real agreement, rate table or balance, and
//! tight enough that products and sums of them stay inside `Decimal`'s 28
//! digits (docs/limits.md gives the budget). Counts that drive a loop or an
//! allocation (reserve periods, vesting months) are bounded too.

use rust_decimal::Decimal;

/// Where a number must lie: `min <= x <= max` (or `< max`), with at most
/// `decimals` decimal places once trailing zeros are dropped.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    pub min: Decimal,
    pub max: Decimal,
    /// Whether `max` itself is allowed.
    pub max_inclusive: bool,
    pub decimals: u32,
    /// What is expected, for people: "an amount from 0 to ... in cents".
    pub expect: &'static str,
}

/// ±10^n as a `Decimal` (n <= 28).
const fn signed_pow10(n: u32, negative: bool) -> Decimal {
    let m = 10u128.pow(n);
    Decimal::from_parts(
        (m & 0xFFFF_FFFF) as u32,
        ((m >> 32) & 0xFFFF_FFFF) as u32,
        ((m >> 64) & 0xFFFF_FFFF) as u32,
        negative,
        0,
    )
}

const fn pow10(n: u32) -> Decimal {
    signed_pow10(n, false)
}

/// 10^-n as a `Decimal`.
const fn tenth_pow(n: u32) -> Decimal {
    Decimal::from_parts(1, 0, 0, false, n)
}

const ZERO: Decimal = Decimal::ZERO;
const ONE: Decimal = Decimal::ONE;

/// A quadrillion: the bound of a statement line (docs/formats.md), of money
/// terms and of balances.
pub const QUADRILLION: Decimal = pow10(15);
/// The bound of a run's statements added up (all keys, all currencies).
pub const RUN_TOTAL: Decimal = pow10(16);

/// A share of receipts, written as a percentage: 0% to 100%.
pub const SHARE: Range = Range {
    min: ZERO,
    max: ONE,
    max_inclusive: true,
    // 10 decimals in the percentage are 12 in the fraction.
    decimals: 12,
    expect: "a percentage from 0% to 100% with at most 10 decimals",
};

/// A fixed amount per unit, agreement currency.
pub const PER_UNIT: Range = Range {
    min: ZERO,
    max: pow10(4),
    max_inclusive: true,
    decimals: 6,
    expect: "an amount per unit from 0 to 10000 with at most 6 decimals",
};

/// Money terms of an agreement (advances, minimum, thresholds in money).
pub const MONEY: Range = Range {
    min: ZERO,
    max: QUADRILLION,
    max_inclusive: false,
    decimals: 2,
    expect: "an amount in cents (at most 2 decimals) from 0 up to 10^15",
};

/// A balance that may be negative (a deficit carried, lifetime earnings).
pub const SIGNED_MONEY: Range = Range {
    min: signed_pow10(15, true),
    max: QUADRILLION,
    max_inclusive: false,
    decimals: 2,
    expect: "an amount in cents (at most 2 decimals) between -10^15 and 10^15",
};

/// Lifetime net revenue per source (exact, as statements give it).
pub const REVENUE: Range = Range {
    min: signed_pow10(16, true),
    max: RUN_TOTAL,
    max_inclusive: false,
    decimals: 12,
    expect: "an amount between -10^16 and 10^16 with at most 12 decimals",
};

/// Lifetime units per source, and a units milestone's threshold.
pub const UNITS: Range = Range {
    min: ZERO,
    max: QUADRILLION,
    max_inclusive: false,
    decimals: 0,
    expect: "a whole number of units from 0 up to 10^15",
};

/// A milestone's weight per source (500 streams = 1 unit is 0.002).
pub const WEIGHT: Range = Range {
    min: ZERO,
    max: pow10(6),
    max_inclusive: true,
    decimals: 6,
    expect: "a weight from 0 to 1000000 with at most 6 decimals",
};

/// A tier's weight in a weighted split.
pub const TIER: Range = Range {
    min: ZERO,
    max: pow10(2),
    max_inclusive: true,
    decimals: 2,
    expect: "a tier weight from 0 to 100 with at most 2 decimals",
};

/// Hours a party invested (weighted splits by hours).
pub const HOURS: Range = Range {
    min: ZERO,
    max: pow10(4),
    max_inclusive: true,
    decimals: 2,
    expect: "a number of hours from 0 to 10000 with at most 2 decimals",
};

/// An exchange rate: 1 `from` = rate `to`.
pub const FX_RATE: Range = Range {
    min: tenth_pow(6),
    max: pow10(6),
    max_inclusive: true,
    decimals: 12,
    expect: "a rate from 0.000001 to 1000000 with at most 12 decimals",
};

/// A chart position.
pub const CHART_POSITION: Range = Range {
    min: ONE,
    max: pow10(6),
    max_inclusive: true,
    decimals: 0,
    expect: "a chart position: a whole number from 1 to 1000000",
};

/// The value of any other event (an amount, a score, a count), and the
/// bounds of an event milestone.
pub const EVENT_VALUE: Range = Range {
    min: ZERO,
    max: QUADRILLION,
    max_inclusive: false,
    decimals: 6,
    expect: "a number from 0 up to 10^15 with at most 6 decimals",
};

/// Most periods a reserve may be released over (`release_after`, or the
/// parts of a `release` schedule): ten years of monthly periods.
pub const MAX_RELEASE_PERIODS: u32 = 120;
/// Longest vesting (`vesting.months`), and so its cliff: a century.
pub const MAX_VESTING_MONTHS: u32 = 1_200;
/// Longest objection window (`dispute.objection_days`): ten years.
pub const MAX_OBJECTION_DAYS: u32 = 3_650;
/// Longest id (agreement, party, advance, milestone): with `--` and an
/// extension, two ids make a file name well under the usual 255 bytes.
pub const MAX_ID_LEN: usize = 64;

impl Range {
    /// `Ok(d)` when `d` is in range; else the reason, for the message.
    pub fn check(&self, d: Decimal) -> Result<Decimal, String> {
        let above = if self.max_inclusive {
            d > self.max
        } else {
            d >= self.max
        };
        if d < self.min || above || decimals(d) > self.decimals {
            return Err(format!("expected {}", self.expect));
        }
        Ok(d)
    }

    pub fn contains(&self, d: Decimal) -> bool {
        self.check(d).is_ok()
    }
}

/// Decimal places once trailing zeros are dropped ("100.10" has 1).
pub fn decimals(d: Decimal) -> u32 {
    d.normalize().scale()
}

/// A whole count (periods, months, days) from 0 to `max`.
pub fn count(d: Decimal, max: u32) -> Option<u32> {
    if decimals(d) != 0 || d < Decimal::ZERO || d > Decimal::from(max) {
        return None;
    }
    u32::try_from(d.normalize().mantissa()).ok()
}

/// Is `id` a safe name for agreements, parties, advances and milestones?
/// ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit
/// (so never `.`/`..`, a hidden file, or an option-like `-x`), at most
/// `MAX_ID_LEN` long. An id may become part of a file name
/// (`statements --output DIR`), so nothing else gets in.
pub fn safe_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_ID_LEN
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// What `safe_id` expects, for messages.
pub const ID_RULE: &str =
    "letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 64 characters";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    #[test]
    fn powers_are_exact() {
        assert_eq!(pow10(0), dec("1"));
        assert_eq!(pow10(15), dec("1000000000000000"));
        assert_eq!(pow10(28), dec("10000000000000000000000000000"));
        assert_eq!(tenth_pow(6), dec("0.000001"));
    }

    #[test]
    fn money_is_cents_below_a_quadrillion() {
        assert!(MONEY.contains(dec("100.12")));
        assert!(MONEY.contains(dec("100.120")));
        assert!(!MONEY.contains(dec("100.125")));
        assert!(!MONEY.contains(dec("-1")));
        assert!(MONEY.contains(dec("999999999999999.99")));
        assert!(!MONEY.contains(dec("1000000000000000")));
        assert!(SIGNED_MONEY.contains(dec("-12.40")));
    }

    #[test]
    fn rates_and_fx_have_bounds() {
        assert!(SHARE.contains(dec("1")));
        assert!(!SHARE.contains(dec("1.0000000001")));
        assert!(PER_UNIT.contains(dec("0.000123")));
        assert!(!PER_UNIT.contains(dec("1000000000000000000000000")));
        assert!(FX_RATE.contains(dec("0.0000238")));
        assert!(!FX_RATE.contains(dec("10000000000000000000000000")));
        assert!(!FX_RATE.contains(dec("0.0000001")));
        assert!(!CHART_POSITION.contains(dec("-3")));
        assert!(!CHART_POSITION.contains(dec("0")));
    }

    #[test]
    fn counts_are_whole_and_bounded() {
        assert_eq!(count(dec("2"), MAX_RELEASE_PERIODS), Some(2));
        assert_eq!(count(dec("2.0"), MAX_RELEASE_PERIODS), Some(2));
        assert_eq!(count(dec("4294967295"), MAX_RELEASE_PERIODS), None);
        assert_eq!(count(dec("2.5"), MAX_RELEASE_PERIODS), None);
        assert_eq!(count(dec("-1"), MAX_RELEASE_PERIODS), None);
    }

    #[test]
    fn ids_are_safe_names() {
        for ok in ["ava", "midnight-drive", "Ava_2", "v1.2", "9lives"] {
            assert!(safe_id(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            ".hidden",
            "-rf",
            "x/../../escape",
            "a b",
            "a\\b",
            "é",
            "a:b",
            &"x".repeat(65),
        ] {
            assert!(!safe_id(bad), "{bad}");
        }
    }
}
