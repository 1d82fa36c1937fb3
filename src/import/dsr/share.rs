//! Sharing a summary record's net revenue among its usage lines, for DSRs
//! whose usage records carry none (SU02 of the BasicAudioProfile: the money
//! is only in SY01/SY02 `NetRevenue`).
//!
//! The rule (docs/formats.md, "DDEX DSR"): the lines of one summary record
//! share its net revenue in proportion to their usages. The lines of one
//! key (track, source, usage date, currency; a skipped line on its own) are
//! one share: exactly NetRevenue x usages / total usages, floored to the
//! unit of 10^-12 (or of the net revenue's own last decimal, if finer), and
//! the units still missing go one each to the largest remainders (ties: in
//! key order), so the shares add up to the summary exactly. A summary whose
//! usage count disagrees with its lines is refused, naming the record.

use super::usage::UsageRec;
use super::{Rec, Summary};
use crate::import::profile::Profile;
use crate::import::sink::Sink;
use crate::import::table::reader::SkipRow;
use crate::import::table::Reader;
use crate::statement::acc::Summed;
use crate::statement::{Key, RevenueLine, SkipKind, Sums};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// What shares one summary's revenue.
#[derive(Default)]
struct Group {
    first_line: u64,
    usages: i64,
    lines: u64,
    /// Usages and lines per key.
    keys: BTreeMap<Key, (i64, u64)>,
    /// Lines skipped (no track), each its own share.
    skipped: Vec<UsageRec>,
    /// Lines no agreement covers, listed one by one.
    unmatched: Vec<RevenueLine>,
}

/// The usage lines waiting for their summary's revenue.
#[derive(Default)]
pub struct Shares {
    groups: BTreeMap<String, Group>,
}

/// A share's target.
enum Target<'a> {
    Key(Key),
    Skip(&'a UsageRec),
}

impl Shares {
    pub fn add(&mut self, u: UsageRec, sink: &Sink) {
        let g = self.groups.entry(u.summary.clone()).or_default();
        if g.lines == 0 {
            g.first_line = u.line;
        }
        g.usages += u.units;
        g.lines += 1;
        let (Ok(isrc), Some(currency)) = (&u.isrc, u.currency) else {
            g.skipped.push(u);
            return;
        };
        let l = RevenueLine {
            line: u.line,
            usage: u.usage,
            isrc: *isrc,
            source: u.source,
            territory: u.territory,
            units: u.units,
            amount: Decimal::ZERO,
            currency,
            tax_withheld: Decimal::ZERO,
        };
        let e = g
            .keys
            .entry(Key::of(&l, sink.revenue.by_territory))
            .or_default();
        e.0 += u.units;
        e.1 += 1;
        if sink.lists_unmatched(isrc) {
            g.unmatched.push(l);
        }
    }

    /// Shares every summary's revenue out; every contradiction an error.
    pub fn settle(
        self,
        p: &Profile,
        summaries: &HashMap<String, Summary>,
        rd: &mut Reader,
        sink: &mut Sink,
    ) {
        for (id, g) in self.groups {
            let Some(s) = summaries.get(&id) else {
                // Each line was reported already (no currency, no revenue).
                continue;
            };
            let rec = Rec {
                cols: &s.cols,
                cells: &s.cells,
            };
            let net = match rec
                .get("NetRevenue")
                .map(|v| p.numbers.decimal(v.as_bytes()))
            {
                Some(Ok(e)) => e.value,
                _ => {
                    rd.error(
                        s.line,
                        0,
                        format!(
                            "summary record {id}: its usage lines (from line {}) carry no revenue, and it has no NetRevenue to share among them",
                            g.first_line
                        ),
                    );
                    continue;
                }
            };
            let stated = ["TotalUsages", "Usages"]
                .iter()
                .find_map(|c| rec.get(c).filter(|v| !v.is_empty()).map(|v| (*c, v)));
            if let Some((name, v)) = stated {
                if v.parse::<i64>().ok() != Some(g.usages) {
                    rd.error(
                        s.line,
                        0,
                        format!(
                            "summary record {id}: {name} says {v}, its {} usage lines add up to {}: the file contradicts itself",
                            g.lines, g.usages
                        ),
                    );
                    continue;
                }
            }
            if g.usages <= 0 {
                rd.error(
                    s.line,
                    0,
                    format!(
                        "summary record {id}: {} usages, nothing to share {net} over",
                        g.usages
                    ),
                );
                continue;
            }
            share(&id, net, &g, s.line, rd, sink);
        }
    }
}

/// One summary's net revenue over its targets (module header).
fn share(id: &str, net: Decimal, g: &Group, line: u64, rd: &mut Reader, sink: &mut Sink) {
    let scale = net.scale().max(12);
    let mut targets: Vec<(Target, i64, u64)> = g
        .keys
        .iter()
        .map(|(k, (u, n))| (Target::Key(*k), *u, *n))
        .collect();
    targets.extend(g.skipped.iter().map(|u| (Target::Skip(u), u.units, 1)));
    let total = g.usages as i128;
    let Some(units) = net.mantissa().checked_mul(10i128.pow(scale - net.scale())) else {
        rd.error(
            line,
            0,
            format!("summary record {id}: too large to share out exactly"),
        );
        return;
    };
    let mut shares = Vec::with_capacity(targets.len());
    for (_, u, _) in &targets {
        let Some(x) = units.checked_mul(*u as i128) else {
            rd.error(
                line,
                0,
                format!("summary record {id}: too large to share out exactly"),
            );
            return;
        };
        shares.push((x.div_euclid(total), x.rem_euclid(total)));
    }
    let missing = units - shares.iter().map(|s| s.0).sum::<i128>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|a, b| shares[*b].1.cmp(&shares[*a].1).then(a.cmp(b)));
    for i in order.into_iter().take(missing.max(0) as usize) {
        shares[i].0 += 1;
    }
    for ((t, u, n), (v, _)) in targets.iter().zip(&shares) {
        let amount = Decimal::from_i128_with_scale(*v, scale).normalize();
        match t {
            Target::Key(k) => sink.add_sums(
                *k,
                Summed {
                    sums: Sums {
                        units: *u,
                        amount,
                        tax_withheld: Decimal::ZERO,
                        lines: *n,
                    },
                    rounded_at: None,
                },
            ),
            Target::Skip(r) => rd.skip(SkipRow {
                reason: r.isrc.as_ref().err().map_or(
                    "usage line without a currency (its summary record has none)",
                    String::as_str,
                ),
                kind: SkipKind::Unattributable,
                line: r.line,
                units: r.units,
                amount: r.currency.map(|c| (c.to_string(), amount)),
                id: String::new(),
                usage: Some(r.usage),
                source: Some(r.source),
                territory: Some(r.territory),
            }),
        }
    }
    // Lines no agreement covers, one by one: each its own share, rounded
    // half-to-even to the unit (the sums above are what is counted).
    for l in &g.unmatched {
        let mut l = l.clone();
        let x = units.saturating_mul(l.units as i128);
        let (q, r) = (x.div_euclid(total), x.rem_euclid(total));
        let up = 2 * r > total || (2 * r == total && q % 2 != 0);
        l.amount = Decimal::try_from_i128_with_scale(q + up as i128, scale)
            .map(|d| d.normalize())
            .unwrap_or_default();
        sink.unmatched.push(l);
    }
}
