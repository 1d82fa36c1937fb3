//! Stage one of reading an agreement: serde structs that mirror the TOML file
//! exactly, with the place of every value kept (`Spanned`) so that stage two
//! (`load`) can point at the line and column of a value it rejects.
//! `deny_unknown_fields` makes a misspelt key an error, never silently ignored.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

pub type S<T> = Spanned<T>;
/// `[rates.<party>]` tables: party -> source -> rate. The outer table is
/// never `Spanned`: a table made only of `[rates.x]` headers has no place of
/// its own, and toml refuses to span it (toml-rs issue 798).
/// A table of source (or tier) -> number.
pub type RawTable = S<BTreeMap<String, S<RawNum>>>;
/// `[split]`: party -> share, or `{ method = "weighted", by_hours = ... }`.
pub type RawSplit = S<BTreeMap<String, S<toml::Value>>>;
pub type RawRates = BTreeMap<String, S<BTreeMap<String, S<RawNum>>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgreement {
    pub id: S<String>,
    #[serde(default)]
    pub title: Option<String>,
    pub currency: S<String>,
    #[serde(default)]
    pub signed: Option<S<toml::Value>>,
    #[serde(default)]
    pub start: Option<S<toml::Value>>,
    #[serde(default)]
    pub end: Option<S<toml::Value>>,
    #[serde(default)]
    pub track: Vec<RawTrack>,
    #[serde(default)]
    pub party: Vec<RawParty>,
    #[serde(default)]
    pub rates: Option<RawRates>,
    #[serde(default)]
    pub pool: Option<RawTable>,
    #[serde(default)]
    pub split: Option<RawSplit>,
    #[serde(default)]
    pub tiers: Option<RawTable>,
    #[serde(default)]
    pub payout: Option<S<RawPayout>>,
    // The optional sections (docs/agreements.md, from "Milestones" on).
    #[serde(default)]
    pub milestone: Vec<RawMilestone>,
    #[serde(default)]
    pub advance: Vec<RawAdvance>,
    #[serde(default)]
    pub gate: Option<RawGate>,
    #[serde(default)]
    pub reserve: Option<RawReserve>,
    #[serde(default)]
    pub amendment: Vec<RawAmendment>,
    #[serde(default)]
    pub reversion: Option<RawReversion>,
    #[serde(default)]
    pub dispute: Option<RawDispute>,
    #[serde(default)]
    pub release: Vec<RawRelease>,
}

/// `[dispute]`: the procedure for challenging a statement (`procedure`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDispute {
    #[serde(default)]
    pub objection_days: Option<S<RawNum>>,
    #[serde(default)]
    pub mediation_days: Option<S<RawNum>>,
    #[serde(default)]
    pub arbitration: Option<S<String>>,
    #[serde(default)]
    pub arbitration_days: Option<S<RawNum>>,
    #[serde(default)]
    pub hold_disputed: Option<S<bool>>,
}

/// `[[release]]`: an album (by UPC) some of the agreement's tracks are on.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelease {
    pub upc: S<String>,
    pub tracks: S<RawNum>,
    #[serde(default)]
    pub isrcs: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrack {
    pub isrc: S<String>,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParty {
    pub id: S<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub tier: Option<S<String>>,
    #[serde(default)]
    pub hours: Option<S<RawNum>>,
    #[serde(default)]
    pub deliverables: Vec<String>,
    #[serde(default)]
    pub payout_currency: Option<S<String>>,
    #[serde(default)]
    pub withholding: Option<S<RawNum>>,
    #[serde(default)]
    pub vesting: Option<RawVesting>,
    #[serde(default)]
    pub departed: Option<S<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVesting {
    pub start: S<toml::Value>,
    pub months: S<RawNum>,
    #[serde(default)]
    pub cliff_months: Option<S<RawNum>>,
}

/// Escalations and perks are keyed by party; the party tables are often
/// written as dotted keys (`escalate.cy = {...}`), which toml cannot span,
/// so only the leaves carry places.
pub type RawEscalate = BTreeMap<String, BTreeMap<String, S<RawNum>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMilestone {
    pub id: S<String>,
    pub metric: S<String>,
    #[serde(default)]
    pub sources: Vec<S<String>>,
    #[serde(default)]
    pub threshold: Option<S<RawNum>>,
    #[serde(default)]
    pub mode: Option<S<String>>,
    #[serde(default)]
    pub event: Option<RawEventCondition>,
    #[serde(default)]
    pub weights: BTreeMap<String, S<RawNum>>,
    #[serde(default)]
    pub escalate: RawEscalate,
    #[serde(default)]
    pub perks: BTreeMap<String, Vec<S<String>>>,
    /// `bonus.PARTY = "2500.00"` or `bonus.PARTY = { amount = "2500.00",
    /// recoup = "ADVANCE" }` (or `recoupable = true`): read by
    /// `load::bonus`, which points at the value it rejects.
    #[serde(default)]
    pub bonus: BTreeMap<String, S<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEventCondition {
    pub kind: S<String>,
    #[serde(default)]
    pub at_most: Option<S<RawNum>>,
    #[serde(default)]
    pub at_least: Option<S<RawNum>>,
}

/// The terms fields repeat those of `RawAgreement` on purpose: serde's
/// `flatten` cannot be combined with `deny_unknown_fields`, and a misspelt
/// key must stay an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAmendment {
    pub effective: S<toml::Value>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub rates: Option<RawRates>,
    #[serde(default)]
    pub pool: Option<RawTable>,
    #[serde(default)]
    pub split: Option<RawSplit>,
    #[serde(default)]
    pub tiers: Option<RawTable>,
    #[serde(default)]
    pub party: Vec<RawParty>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReversion {
    pub if_revenue_below: S<RawNum>,
    pub by: S<toml::Value>,
    #[serde(default)]
    pub rights: Vec<String>,
    pub to: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdvance {
    pub id: S<String>,
    pub party: S<String>,
    pub amount: S<RawNum>,
    #[serde(default)]
    pub date: Option<S<toml::Value>>,
    #[serde(default)]
    pub cross_collateralize: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGate {
    pub parties: Vec<S<String>>,
    pub until_recouped: S<String>,
    #[serde(default)]
    pub at: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReserve {
    pub rate: S<RawNum>,
    pub sources: Vec<S<String>>,
    #[serde(default)]
    pub release_after: Option<S<RawNum>>,
    #[serde(default)]
    pub release: Option<Vec<S<RawNum>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayout {
    #[serde(default)]
    pub minimum: Option<S<RawNum>>,
    #[serde(default)]
    pub lock_in_until: Option<S<toml::Value>>,
}

/// A number as the contract allows it: a string ("4%", "5000.00", "0.10/unit")
/// or an integer. A float is refused at its place: it cannot hold 0.1
/// exactly. It is kept (as its text, never as a number) so that reading
/// goes on and every other problem of the file is reported in the same run;
/// stage two refuses it where the value is read (`RawNum::float_error`).
#[derive(Debug, Clone, PartialEq)]
pub enum RawNum {
    Text(String),
    Int(i64),
    Float(String),
}

thread_local! {
    /// Floats read on this thread since the last `take_floats`: the loader
    /// checks that each one was refused where it is read, so a float in a
    /// value no part of stage two looks at still fails the file.
    static FLOATS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many floats were read on this thread since the last call.
pub fn take_floats() -> usize {
    FLOATS.with(|f| f.replace(0))
}

impl RawNum {
    /// Why a float is refused, with the percentage it most likely meant
    /// (0.04 -> "4%"); none for a string or an integer.
    pub fn float_error(&self) -> Option<String> {
        let RawNum::Float(text) = self else {
            return None;
        };
        let pct = rust_decimal::Decimal::from_str_exact(text)
            .map(|d| {
                (d * rust_decimal::Decimal::ONE_HUNDRED)
                    .normalize()
                    .to_string()
            })
            .unwrap_or_else(|_| text.clone());
        Some(format!(
            "found the float {text}, expected a decimal string such as \"{text}\" or \"{pct}%\": \
             money and rates are never floats (docs/agreements.md)"
        ))
    }
}

impl<'de> Deserialize<'de> for RawNum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawNum;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal written as a string (\"4%\", \"5000.00\") or a whole number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNum, E> {
                Ok(RawNum::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNum, E> {
                Ok(RawNum::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNum, E> {
                i64::try_from(v)
                    .map(RawNum::Int)
                    .map_err(|_| E::custom("whole number too large"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNum, E> {
                // Kept as text for its message only, never used as a number.
                FLOATS.with(|f| f.set(f.get() + 1));
                Ok(RawNum::Float(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}
