//! Album revenue to tracks (docs/arithmetic.md, step 1b): revenue a
//! distributor reports per release only (a UPC, no ISRC: a full-album
//! download, a physical copy) is apportioned to the tracks the agreements
//! list on that release (`[[release]]`), pro rata by track count. Each
//! listed track gets exactly 1/tracks of every such row; an agreement
//! listing k of them gets k/tracks, priced like its tracks' own lines under
//! the terms in force on the row's usage date. The share of tracks no
//! agreement in term lists stays unattributed: reported with the file's
//! skipped rows, as before. All of it is exact: amount/12 has no finite
//! decimal, so it is kept as a fraction until step 5 rounds once.

use crate::agreement::Agreement;
use crate::codes::{Currency, Isrc, Upc};
use crate::exact::Exact;
use crate::statement::{ReleaseKey, Sums};
use std::collections::{BTreeMap, HashMap};

/// A share of a release's revenue: `listed` of its `tracks` tracks (1 for
/// one track, an agreement's k listed tracks for the agreement).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReleaseShare {
    pub upc: crate::codes::Upc,
    pub listed: u32,
    pub tracks: u32,
}

impl ReleaseShare {
    /// listed / tracks, exact.
    pub fn fraction(&self) -> Exact {
        Exact::int(i64::from(self.listed)) / Exact::int(i64::from(self.tracks))
    }
}

/// An agreement's share of one release row key.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// The agreement's index in the agreements given to the engine.
    pub agreement: usize,
    /// The terms in force on the usage date.
    pub terms: usize,
    pub share: ReleaseShare,
    /// Its tracks on the release, in file order.
    pub tracks: Vec<Isrc>,
}

/// What became of one release's rows of one source, usage date and currency.
#[derive(Clone, Debug)]
pub struct ReleaseOutcome {
    pub key: ReleaseKey,
    pub sums: Sums,
    /// The agreements in term that list tracks on the release.
    pub claims: Vec<Claim>,
    /// amount x (tracks listed / tracks), exact, in `key.currency`.
    pub apportioned: Exact,
    /// The rest: the share of the tracks no agreement in term lists.
    pub unapportioned: Exact,
}

impl ReleaseOutcome {
    /// The share of the release apportioned, exact (0 to 1).
    pub fn fraction(&self) -> Exact {
        self.claims.iter().map(|c| c.share.fraction()).sum()
    }
}

/// Which agreements list tracks on each release.
fn index(agreements: &[Agreement]) -> HashMap<Upc, Vec<(usize, usize)>> {
    let mut m: HashMap<Upc, Vec<(usize, usize)>> = HashMap::new();
    for (i, a) in agreements.iter().enumerate() {
        for (k, r) in a.releases.iter().enumerate() {
            m.entry(r.upc).or_default().push((i, k));
        }
    }
    m
}

/// Apportions every release row key (in key order) to the agreements in
/// term that list tracks on its release. `Err` names a release whose
/// claims add up to more than its tracks (the loaders refuse that; a bug
/// if it gets here).
pub fn apportion(
    agreements: &[Agreement],
    releases: &[(ReleaseKey, Sums)],
) -> Result<Vec<ReleaseOutcome>, String> {
    let by_upc = index(agreements);
    let mut out = Vec::with_capacity(releases.len());
    for (key, sums) in releases {
        let (first, last) = (key.usage.first_day(), key.usage.last_day());
        let mut claims = Vec::new();
        for &(ai, ri) in by_upc.get(&key.upc).into_iter().flatten() {
            let a = &agreements[ai];
            if !a.covers(first, last) {
                continue;
            }
            let r = &a.releases[ri];
            claims.push(Claim {
                agreement: ai,
                terms: a.terms_on(key.usage.pricing_date()),
                share: ReleaseShare {
                    upc: r.upc,
                    listed: r.listed.len() as u32,
                    tracks: r.tracks,
                },
                tracks: r.listed.iter().map(|&t| a.tracks[t].isrc).collect(),
            });
        }
        let fraction: Exact = claims.iter().map(|c| c.share.fraction()).sum();
        if fraction > Exact::one() {
            return Err(format!(
                "release {}: the agreements list more of its tracks than it has",
                key.upc
            ));
        }
        let amount = Exact::dec(sums.amount);
        let apportioned = &amount * &fraction;
        out.push(ReleaseOutcome {
            key: *key,
            sums: *sums,
            claims,
            unapportioned: &amount - &apportioned,
            apportioned,
        });
    }
    Ok(out)
}

/// Per statement currency: release rows, apportioned and not (exact).
pub fn totals(outcomes: &[ReleaseOutcome]) -> BTreeMap<Currency, [Exact; 3]> {
    let mut t: BTreeMap<Currency, [Exact; 3]> = BTreeMap::new();
    for o in outcomes {
        let e = t.entry(o.key.currency).or_default();
        e[0] += Exact::dec(o.sums.amount);
        e[1] += &o.apportioned;
        e[2] += &o.unapportioned;
    }
    t
}

/// The fraction of each release row key apportioned (for reconciling a
/// file's own release rows with the engine's apportionment).
pub fn fractions(outcomes: &[ReleaseOutcome]) -> HashMap<ReleaseKey, Exact> {
    outcomes.iter().map(|o| (o.key, o.fraction())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::load_agreement_str;
    use crate::money::dec;
    use crate::period::Usage;
    use std::path::Path;

    fn agreement(id: &str, isrc: &str, extra: &str) -> Agreement {
        let text = format!(
            "id = \"{id}\"\ncurrency = \"USD\"\n{extra}[[track]]\nisrc = \"{isrc}\"\n[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"10%\"\n\
             [[release]]\nupc = \"859700000014\"\ntracks = 12\n"
        );
        load_agreement_str(&text, Path::new("a.toml")).unwrap()
    }

    fn key(month: &str) -> ReleaseKey {
        ReleaseKey {
            upc: Upc::parse_bytes(b"859700000014").unwrap(),
            source: crate::codes::Source::Streaming,
            usage: Usage::parse_bytes(month.as_bytes()).unwrap(),
            currency: Currency::parse("USD").unwrap(),
        }
    }

    fn sums(amount: &str) -> Sums {
        Sums {
            units: 3,
            amount: dec(amount),
            tax_withheld: dec("0"),
            lines: 2,
        }
    }

    #[test]
    fn each_listed_track_gets_one_twelfth_exactly() {
        let a = agreement("a", "QZNWX2600001", "");
        let b = agreement("b", "QZNWX2600002", "");
        let out = apportion(&[a, b], &[(key("2026-01"), sums("100.00"))]).unwrap();
        let o = &out[0];
        assert_eq!(o.claims.len(), 2);
        assert_eq!(
            o.apportioned,
            Exact::dec(dec("100")) * Exact::int(2) / Exact::int(12)
        );
        assert_eq!(o.apportioned.to_string(), "50/3");
        assert_eq!(o.unapportioned.to_string(), "250/3");
        assert_eq!(&o.apportioned + &o.unapportioned, Exact::dec(dec("100.00")));
    }

    #[test]
    fn a_release_no_agreement_in_term_lists_stays_unattributed() {
        let a = agreement("a", "QZNWX2600001", "start = 2026-02-01\n");
        let out = apportion(
            &[a],
            &[
                (key("2026-01"), sums("12.00")),
                (key("2026-02"), sums("12.00")),
            ],
        )
        .unwrap();
        assert!(out[0].claims.is_empty());
        assert_eq!(out[0].unapportioned, Exact::dec(dec("12.00")));
        assert_eq!(out[1].apportioned, Exact::one());
        let t = totals(&out);
        let usd = &t[&Currency::parse("USD").unwrap()];
        assert_eq!(usd[0], Exact::dec(dec("24")));
        assert_eq!(&usd[1] + &usd[2], usd[0]);
    }
}
