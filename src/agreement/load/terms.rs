//! The terms that price usage: `[rates]`, or `[pool]` x `[split]` (shares
//! or weighted by tier and hours), and each amendment's terms laid over the
//! ones before it from its effective date (docs/agreements.md, "Rates: per
//! party, or a pool and a split"; docs/arithmetic.md, "Amendments and
//! dates"). The rules that keep every source at or under 100% live here,
//! where the shares are resolved.

use super::context::Ctx;
use super::parties::party;
use crate::agreement::raw::{RawAgreement, RawNum, RawRates, RawSplit, RawTable};
use crate::agreement::{Party, RateTerm, ShareForm, Terms};
use crate::codes::{Currency, Source};
use crate::limits;
use crate::money::{parse_percent, Rate};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The original terms and one set per amendment, in date order; parties an
/// amendment adds join the agreement from its date (docs/arithmetic.md,
/// "Amendments and dates").
pub(super) fn terms_and_amendments(
    raw: &RawAgreement,
    parties: &mut Vec<Party>,
    currency: Option<Currency>,
    lock_in: Option<Date>,
    cx: &mut Ctx,
) -> (Option<Vec<Terms>>, Vec<String>) {
    let base_parties = parties.len();
    let mut dated = Vec::new();
    for am in &raw.amendment {
        let Some(date) = cx.date(&am.effective, "amendment.effective") else {
            continue;
        };
        if let Some(l) = lock_in {
            if date < l {
                cx.err_at(&am.effective, format!("the amendment takes effect on {date}, before the lock-in ends ({l}, [payout] lock_in_until)"));
            }
        }
        if dated.iter().any(|(d, _): &(Date, _)| *d == date) {
            cx.err_at(
                &am.effective,
                format!("a second amendment effective {date}"),
            );
        }
        dated.push((date, am));
    }
    dated.sort_by_key(|(d, _)| *d);
    let mut joined: Vec<usize> = Vec::new();
    for (date, am) in &dated {
        for p in &am.party {
            if let Some(mut party) = party(p, currency, cx) {
                if parties.iter().any(|q| q.id == party.id) {
                    cx.err_at(&p.id, format!("duplicate party id `{}`", party.id));
                    continue;
                }
                party.joins = Some(*date);
                parties.push(party);
                joined.push(parties.len() - 1);
            }
        }
    }
    let n = parties.len();
    let mut out = Vec::new();
    let mut reasons = vec![String::new()];
    let mut cur = TermsInput {
        rates: raw.rates.as_ref(),
        pool: raw.pool.as_ref(),
        split: raw.split.as_ref(),
        tiers: raw.tiers.as_ref(),
        anchor: raw.id.span(),
        active: (0..n).map(|i| i < base_parties).collect(),
    };
    let mut ok = true;
    match terms(&cur, parties, cx) {
        Some(t) => out.push(t),
        None => ok = false,
    }
    for (date, am) in &dated {
        if am.rates.is_some() {
            cur.rates = am.rates.as_ref();
            cur.pool = None;
            cur.split = None;
            cur.tiers = None;
        }
        if am.pool.is_some() || am.split.is_some() || am.tiers.is_some() {
            cur.rates = None;
            cur.pool = am.pool.as_ref().or(cur.pool);
            cur.split = am.split.as_ref().or(cur.split);
            cur.tiers = am.tiers.as_ref().or(cur.tiers);
        }
        cur.anchor = am.effective.span();
        for (i, p) in parties.iter().enumerate() {
            if p.joins.is_some_and(|j| j <= *date) {
                cur.active[i] = true;
            }
        }
        match terms(&cur, parties, cx) {
            Some(mut t) => {
                t.effective = Some(*date);
                out.push(t);
                reasons.push(am.reason.clone().unwrap_or_default());
            }
            None => ok = false,
        }
    }
    (ok.then_some(out), reasons)
}

/// The fields that make one set of terms: the agreement's own, or an
/// amendment's laid over the terms before it. `active` says which parties
/// have joined by the time these terms take effect.
struct TermsInput<'a> {
    pub rates: Option<&'a RawRates>,
    pub pool: Option<&'a RawTable>,
    pub split: Option<&'a RawSplit>,
    pub tiers: Option<&'a RawTable>,
    /// Where to point when the problem has no better place.
    pub anchor: std::ops::Range<usize>,
    pub active: Vec<bool>,
}

/// Resolves `[rates]`, or `[pool]` x `[split]` (explicit or weighted), into
/// one rate per party and source.
fn terms(raw: &TermsInput, parties: &[Party], cx: &mut Ctx) -> Option<Terms> {
    let n = parties.len();
    let mut t = Terms {
        effective: None,
        form: ShareForm::Rates,
        rates: vec![[None; 9]; n],
        split: vec![None; n],
        pool: [None; 9],
    };
    let before = cx.diags.len();
    match (raw.rates, raw.pool) {
        (Some(_), Some(pool)) => {
            cx.err_at(
                pool,
                "an agreement uses either [rates] or [pool] with [split], not both",
            );
        }
        (None, None) => cx.err(
            raw.anchor.clone(),
            "the agreement sets no rates: add [rates.<party>] or [pool] with [split]",
        ),
        (Some(rates), None) => {
            if let Some(s) = raw.split {
                cx.err_at(s, "[split] goes with [pool]; this agreement uses [rates]");
            }
            for (pid, table) in rates {
                let Some(pi) = parties
                    .iter()
                    .position(|p| &p.id == pid)
                    .filter(|&i| raw.active[i])
                else {
                    cx.err_at(table, format!("rates for `{pid}`, who is not a party of this agreement (no [[party]] with id = \"{pid}\")"));
                    continue;
                };
                for (src, v) in table.get_ref() {
                    let Some(source) = cx.source(src, v.span()) else {
                        continue;
                    };
                    if cx.float(v) {
                        continue;
                    }
                    let rate = match v.get_ref() {
                        RawNum::Text(s) => Rate::parse(s),
                        RawNum::Int(_) | RawNum::Float(_) => None,
                    };
                    let what = format!("rates.{pid}.{src}");
                    match rate.map(|r| cx.rate_in(v, &what, r)) {
                        Some(Some(Rate::Share(x))) => {
                            t.rates[pi][source.index()] = Some(RateTerm::Share {
                                num: x,
                                den: Decimal::ONE,
                            })
                        }
                        Some(Some(Rate::PerUnit(x))) => {
                            t.rates[pi][source.index()] = Some(RateTerm::PerUnit(x))
                        }
                        Some(None) => {}
                        None => {
                            // `"5"` or `5`: a bare number, most likely a percentage.
                            let bare = match v.get_ref() {
                                RawNum::Text(t) => {
                                    crate::money::parse_decimal(t).map(|_| t.trim().to_string())
                                }
                                RawNum::Int(i) => Some(i.to_string()),
                                RawNum::Float(_) => None,
                            };
                            let hint = bare
                                .map(|n| format!(" (`{n}` has no unit: \"{n}%\" or \"{n}/unit\"?)"))
                                .unwrap_or_default();
                            cx.err_at(v, format!("{what}: expected a percentage (\"4%\") or an amount per unit (\"0.10/unit\"){hint}"))
                        }
                    }
                }
            }
            // No source may give parties more than 100% of its receipts.
            for source in Source::ALL {
                let total: Decimal = t
                    .rates
                    .iter()
                    .filter_map(|r| r[source.index()]?.share())
                    .sum();
                if total > Decimal::ONE {
                    // Point at the first party table paying on this source.
                    let span = rates
                        .values()
                        .find(|t| t.get_ref().keys().any(|k| Source::parse(k) == Some(source)))
                        .map(|t| t.span())
                        .unwrap_or_else(|| raw.anchor.clone());
                    cx.err(span, format!(
                        "rates give the parties {} of {source} receipts in total; at most 100% can be paid out",
                        crate::money::percent_string(total)
                    ));
                }
            }
        }
        (None, Some(pool)) => {
            for (src, v) in pool.get_ref() {
                let Some(source) = cx.source(src, v.span()) else {
                    continue;
                };
                if let Some(x) = cx.share(v, &format!("pool.{src}")) {
                    t.pool[source.index()] = Some(x);
                }
            }
            match raw.split {
                None => cx.err_at(pool, "[pool] needs a [split] saying how parties share it"),
                Some(split) => split_shares(split, raw, parties, &mut t, cx),
            }
            for (pi, share) in t.split.iter().enumerate() {
                let Some((num, den)) = share else { continue };
                for source in Source::ALL {
                    if let Some(p) = t.pool[source.index()] {
                        t.rates[pi][source.index()] = Some(RateTerm::Share {
                            num: p * num,
                            den: *den,
                        });
                    }
                }
            }
        }
    }
    (cx.diags.len() == before).then_some(t)
}

fn split_shares(
    split: &RawSplit,
    raw: &TermsInput,
    parties: &[Party],
    t: &mut Terms,
    cx: &mut Ctx,
) {
    let table = split.get_ref();
    if let Some(method) = table.get("method") {
        if method.get_ref().as_str() != Some("weighted") {
            cx.err_at(method, "split.method: expected \"weighted\"");
            return;
        }
        let mut by_hours = false;
        for (k, v) in table {
            match (k.as_str(), v.get_ref()) {
                ("method", _) => {}
                ("by_hours", toml::Value::Boolean(b)) => by_hours = *b,
                ("by_hours", _) => cx.err_at(v, "split.by_hours: expected true or false"),
                _ => cx.err_at(
                    v,
                    format!(
                        "unknown key `{k}` in a weighted split; expected `method` and `by_hours`"
                    ),
                ),
            }
        }
        t.form = ShareForm::PoolWeighted { by_hours };
        let mut tiers: BTreeMap<String, Decimal> = BTreeMap::new();
        match raw.tiers {
            None => cx.err_at(
                split,
                "a weighted split needs [tiers] giving each tier's weight",
            ),
            Some(ts) => {
                for (name, v) in ts.get_ref() {
                    if let Some(w) = cx.decimal_in(v, &format!("tiers.{name}"), &limits::TIER) {
                        tiers.insert(name.clone(), w);
                    }
                }
            }
        }
        let mut weights = vec![Decimal::ZERO; parties.len()];
        for (pi, p) in parties.iter().enumerate().filter(|(i, _)| raw.active[*i]) {
            let Some(tier) = &p.tier else {
                cx.err_at(
                    split,
                    format!(
                        "party `{}` has no `tier`, which the weighted split needs",
                        p.id
                    ),
                );
                continue;
            };
            let Some(w) = tiers.get(tier) else {
                if raw.tiers.is_some() {
                    cx.err_at(
                        split,
                        format!(
                            "party `{}` is in tier `{tier}`, which [tiers] does not define",
                            p.id
                        ),
                    );
                }
                continue;
            };
            let h = if by_hours {
                match p.hours {
                    Some(h) => h,
                    None => {
                        cx.err_at(
                            split,
                            format!(
                                "party `{}` has no `hours`, which the split by hours needs",
                                p.id
                            ),
                        );
                        continue;
                    }
                }
            } else {
                Decimal::ONE
            };
            weights[pi] = *w * h;
        }
        let total: Decimal = weights.iter().sum();
        if total <= Decimal::ZERO {
            cx.err_at(
                split,
                "the weighted split gives every party a weight of zero",
            );
            return;
        }
        for (pi, w) in weights.into_iter().enumerate() {
            t.split[pi] = Some((w, total));
        }
    } else {
        t.form = ShareForm::PoolSplit;
        if let Some(tiers) = raw.tiers {
            cx.err_at(
                tiers,
                "[tiers] only apply to a weighted split (split = { method = \"weighted\" })",
            );
        }
        let mut total = Decimal::ZERO;
        for (pid, v) in table {
            let Some(pi) = parties.iter().position(|p| &p.id == pid) else {
                cx.err_at(
                    v,
                    format!("split names `{pid}`, who is not a party of this agreement"),
                );
                continue;
            };
            let share = match v.get_ref() {
                toml::Value::String(s) => parse_percent(s).map(|x| (x, s.as_str())),
                _ => None,
            };
            match share {
                Some((x, written)) => {
                    let what = format!("split.{pid}");
                    if let Some(x) = cx.ranged_at(v.span(), written, &what, x, &limits::SHARE) {
                        total += x;
                        t.split[pi] = Some((x, Decimal::ONE));
                    }
                }
                None => cx.err_at(
                    v,
                    format!("split.{pid}: expected a percentage string such as \"50%\""),
                ),
            }
        }
        if total != Decimal::ONE {
            cx.err_at(
                split,
                format!(
                    "the split sums to {}, not exactly 100%",
                    crate::money::percent_string(total)
                ),
            );
        }
    }
}
