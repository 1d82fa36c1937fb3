//! Each track's net receipts in the period, in its agreement's currency:
//! the same matching as `compute` (`match_key`) and the same period-end
//! conversion (`AgreementResult::conversions`), for documents that rank
//! tracks (the dashboard). Exact; rounded only by whoever shows it.

use super::result::PeriodResult;
use crate::agreement::Agreement;
use crate::codes::Isrc;
use crate::exact::Exact;
use crate::statement::{Key, Sums};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct TrackRevenue {
    /// Index of the agreement in the agreements given to the engine.
    pub agreement: usize,
    pub isrc: Isrc,
    pub revenue: Exact,
    pub units: i64,
}

pub fn revenue(
    agreements: &[Agreement],
    revenue: &[(Key, Sums)],
    result: &PeriodResult,
) -> Vec<TrackRevenue> {
    let by_isrc = super::isrc_index(agreements);
    let mut out: BTreeMap<(usize, Isrc), TrackRevenue> = BTreeMap::new();
    for (key, sums) in revenue {
        let Ok((ai, _)) = super::match_key(agreements, &by_isrc, key) else {
            continue;
        };
        let Some(rate) = result
            .agreement(ai)
            .and_then(|a| a.conversions.iter().find(|c| c.currency == key.currency))
            .map(|c| c.rate.clone())
        else {
            continue;
        };
        let t = out.entry((ai, key.isrc)).or_insert_with(|| TrackRevenue {
            agreement: ai,
            isrc: key.isrc,
            revenue: Exact::zero(),
            units: 0,
        });
        t.revenue += Exact::dec(sums.amount) * &rate;
        t.units += sums.units;
    }
    out.into_values().collect()
}
