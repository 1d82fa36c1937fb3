//! Stage two of reading an agreement: from the raw TOML structs to the
//! validated model, collecting every problem with its file:line:column
//! (docs/agreements.md, "What `royalty check` refuses").

use super::raw::{RawAgreement, RawNum, RawParty, RawRates, RawSplit, RawTable, S};
use super::*;
use crate::diag::{line_col, Diagnostic};
use crate::limits::{self, Range};
use crate::money::{parse_decimal, parse_percent, Rate};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

mod bonus;

/// Collects problems for one file, turning byte spans into line:column.
struct Ctx<'a> {
    text: &'a str,
    file: &'a Path,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(&mut self, span: std::ops::Range<usize>, msg: impl Into<String>) {
        let (line, col) = line_col(self.text, span.start);
        self.diags
            .push(Diagnostic::error(self.file, line, col, msg));
    }
    fn err_at<T>(&mut self, v: &S<T>, msg: impl Into<String>) {
        self.err(v.span(), msg)
    }

    fn date(&mut self, v: &S<toml::Value>, what: &str) -> Option<Date> {
        let parsed = match v.get_ref() {
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt
                .date
                .and_then(|d| Date::new(d.year as i16, d.month as i8, d.day as i8).ok()),
            toml::Value::String(s) => s.trim().parse::<Date>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.err_at(v, format!("`{what}`: expected a date such as 2026-01-15"));
        }
        parsed
    }

    /// A plain decimal ("5000.00" or an integer).
    fn decimal(&mut self, v: &S<RawNum>, what: &str) -> Option<Decimal> {
        let d = match v.get_ref() {
            RawNum::Int(i) => Some(Decimal::from(*i)),
            RawNum::Text(t) => parse_decimal(t),
        };
        if d.is_none() {
            self.err_at(
                v,
                format!("`{what}`: expected a decimal such as \"5000.00\""),
            );
        }
        d
    }

    /// `d`, read from `v`, if it lies in `r`; else an error that names the
    /// term, shows the value as written and says what is expected.
    fn ranged(&mut self, v: &S<RawNum>, what: &str, d: Decimal, r: &Range) -> Option<Decimal> {
        let written = match v.get_ref() {
            RawNum::Text(t) => t.trim().to_string(),
            RawNum::Int(i) => i.to_string(),
        };
        self.ranged_at(v.span(), &written, what, d, r)
    }

    fn ranged_at(
        &mut self,
        span: std::ops::Range<usize>,
        written: &str,
        what: &str,
        d: Decimal,
        r: &Range,
    ) -> Option<Decimal> {
        let expect = match r.check(d) {
            Ok(d) => return Some(d),
            Err(expect) => expect,
        };
        let why = if d < Decimal::ZERO && r.min >= Decimal::ZERO {
            "must not be negative"
        } else if limits::decimals(d) > r.decimals {
            "has too many decimals"
        } else {
            "is out of range"
        };
        let (line, col) = line_col(self.text, span.start);
        self.diags.push(
            Diagnostic::error(
                self.file,
                line,
                col,
                format!("`{what}` {why} ({written}): {expect}"),
            )
            .with_code("agreement.out-of-range"),
        );
        None
    }

    /// Is the id a safe name (`limits::safe_id`)? Ids become parts of file
    /// names and payment references.
    fn id(&mut self, v: &S<String>, what: &str) -> bool {
        let ok = limits::safe_id(v.get_ref());
        if !ok {
            self.err_at(
                v,
                format!(
                    "{what} id `{}`: expected {}",
                    v.get_ref().escape_debug(),
                    limits::ID_RULE
                ),
            );
        }
        ok
    }

    /// A plain decimal within `r`.
    fn decimal_in(&mut self, v: &S<RawNum>, what: &str, r: &Range) -> Option<Decimal> {
        let d = self.decimal(v, what)?;
        self.ranged(v, what, d, r)
    }

    /// A whole count from `min` to `max` (periods, months, days).
    fn count(&mut self, v: &S<RawNum>, what: &str, min: u32, max: u32) -> Option<u32> {
        let d = self.decimal(v, what)?;
        let n = limits::count(d, max).filter(|n| *n >= min);
        if n.is_none() {
            self.err_at(
                v,
                format!("`{what}` must be a whole number from {min} to {max}"),
            );
        }
        n
    }

    /// A share ("4%") within 0% to 100%.
    fn share(&mut self, v: &S<RawNum>, what: &str) -> Option<Decimal> {
        let d = self.percent(v, what)?;
        self.ranged(v, what, d, &limits::SHARE)
    }

    /// A rate or an increment: a share or an amount per unit, each in its range.
    fn rate_in(&mut self, v: &S<RawNum>, what: &str, rate: Rate) -> Option<Rate> {
        match rate {
            Rate::Share(x) => self.ranged(v, what, x, &limits::SHARE).map(Rate::Share),
            Rate::PerUnit(x) => self
                .ranged(v, what, x, &limits::PER_UNIT)
                .map(Rate::PerUnit),
        }
    }

    /// A percentage string ("4%").
    fn percent(&mut self, v: &S<RawNum>, what: &str) -> Option<Decimal> {
        let d = match v.get_ref() {
            RawNum::Text(t) => parse_percent(t),
            RawNum::Int(_) => None,
        };
        if d.is_none() {
            self.err_at(
                v,
                format!("`{what}`: expected a percentage string such as \"4%\""),
            );
        }
        d
    }

    fn source(&mut self, name: &str, span: std::ops::Range<usize>) -> Option<Source> {
        let s = Source::parse(name);
        if s.is_none() {
            self.err(
                span,
                format!(
                    "unknown source `{name}`; expected one of: {}",
                    Source::vocabulary()
                ),
            );
        }
        s
    }
}

/// Reads and validates one agreement from its text. Pure: no I/O.
pub fn load_agreement_str(text: &str, file: &Path) -> Result<Agreement, Vec<Diagnostic>> {
    let raw: RawAgreement = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            let msg = e.message().trim().replace('\n', " ");
            return Err(vec![
                Diagnostic::error(file, line, col, msg).with_code("agreement.syntax")
            ]);
        }
    };
    let mut cx = Ctx {
        text,
        file,
        diags: Vec::new(),
    };
    let a = validate(raw, &mut cx);
    if cx.diags.iter().any(Diagnostic::is_error) {
        Err(cx.diags)
    } else {
        a.ok_or(cx.diags)
    }
}

fn validate(raw: RawAgreement, cx: &mut Ctx) -> Option<Agreement> {
    let id = raw.id.get_ref().clone();
    if !limits::safe_id(&id)
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        cx.err_at(
            &raw.id,
            format!(
                "agreement id `{id}`: expected lower-case letters, digits and hyphens ([a-z0-9-]), starting with a letter or digit, at most {} characters",
                limits::MAX_ID_LEN
            ),
        );
    }
    let currency = Currency::parse(raw.currency.get_ref());
    if currency.is_none() {
        cx.err_at(
            &raw.currency,
            format!(
                "unknown currency code `{}`; expected an ISO 4217 code such as USD",
                raw.currency.get_ref()
            ),
        );
    }
    let signed = raw.signed.as_ref().and_then(|v| cx.date(v, "signed"));
    let start = raw.start.as_ref().and_then(|v| cx.date(v, "start"));
    let end = raw.end.as_ref().and_then(|v| cx.date(v, "end"));
    if let (Some(s), Some(e), Some(v)) = (start, end, raw.end.as_ref()) {
        if e < s {
            cx.err_at(v, format!("`end` {e} is before `start` {s}"));
        }
    }

    // Tracks.
    let mut tracks = Vec::new();
    let mut seen_isrc: HashMap<Isrc, ()> = HashMap::new();
    for t in &raw.track {
        match Isrc::parse(t.isrc.get_ref()) {
            Some(isrc) => {
                if seen_isrc.insert(isrc, ()).is_some() {
                    cx.err_at(&t.isrc, format!("duplicate track {isrc} in this agreement"));
                }
                tracks.push(Track {
                    isrc,
                    title: t.title.clone().unwrap_or_default(),
                });
            }
            None => cx.err_at(
                &t.isrc,
                format!(
                    "malformed ISRC `{}`: expected 2 letters, 3 letters or digits, 2 digits, 5 digits (e.g. QZNWX2600001)",
                    t.isrc.get_ref()
                ),
            ),
        }
    }
    if raw.track.is_empty() {
        cx.err(
            raw.id.span(),
            "the agreement covers no track: add at least one [[track]] with an isrc",
        );
    }

    // Parties.
    let mut parties = Vec::new();
    for p in &raw.party {
        if let Some(party) = party(p, currency, cx) {
            if parties.iter().any(|q: &Party| q.id == party.id) {
                cx.err_at(&p.id, format!("duplicate party id `{}`", party.id));
            }
            parties.push(party);
        }
    }
    if raw.party.is_empty() {
        cx.err(
            raw.id.span(),
            "the agreement names no party: add at least one [[party]]",
        );
    }

    let mut payout = PayoutRules::default();
    if let Some(p) = &raw.payout {
        if let Some(m) = &p.get_ref().minimum {
            if let Some(d) = cx.decimal_in(m, "payout.minimum", &limits::MONEY) {
                payout.minimum = crate::money::Money(d);
            }
        }
        if let Some(v) = &p.get_ref().lock_in_until {
            payout.lock_in_until = cx.date(v, "payout.lock_in_until");
        }
    }

    let lock_in = payout.lock_in_until;
    let (terms, reasons) = terms_and_amendments(&raw, &mut parties, currency, lock_in, cx);
    let milestones = milestones(&raw, &parties, cx);
    let reversion = raw
        .reversion
        .as_ref()
        .and_then(|r| reversion(r, &parties, cx));
    if let (Some(ts), Some(ms)) = (&terms, &milestones) {
        over_a_hundred_with_escalations(ts, ms, &raw, cx);
    }
    let advances = advances(&raw, &parties, cx);
    let mut milestones = milestones;
    if let (Some(ms), Some(advs)) = (&mut milestones, &advances) {
        bonus::resolve_recoup(&raw, ms, advs, cx);
    }
    let gate = raw
        .gate
        .as_ref()
        .and_then(|g| gate(g, &raw, &parties, &advances, cx));
    let reserve = raw.reserve.as_ref().and_then(|r| reserve(r, cx));
    // The dispute procedure and the releases (`procedure`): its problems
    // come back with their places.
    let mut problems = Vec::new();
    let (objection_days, dispute) = match &raw.dispute {
        Some(d) => super::procedure::dispute(d, &mut problems),
        None => (None, None),
    };
    let releases = super::procedure::releases(&raw.release, &tracks, cx.text, &mut problems);
    for (span, msg) in problems {
        cx.err(span, msg);
    }

    Some(Agreement {
        id,
        title: raw.title.clone().unwrap_or_default(),
        currency: currency?,
        signed,
        start,
        end,
        tracks,
        parties,
        terms: terms?,
        payout,
        advances: advances?,
        gate,
        reserve,
        objection_days,
        dispute,
        releases,
        milestones: milestones?,
        reversion,
        amendment_reasons: reasons,
        file: cx.file.to_path_buf(),
    })
}

/// With every escalation reached, no source may pay out more than 100%.
fn over_a_hundred_with_escalations(
    terms: &[Terms],
    ms: &[Milestone],
    raw: &RawAgreement,
    cx: &mut Ctx,
) {
    for source in Source::ALL {
        let inc: Decimal = ms
            .iter()
            .flat_map(|m| m.escalate.iter())
            .filter(|(_, s, _)| *s == source)
            .filter_map(|(_, _, r)| match r {
                Rate::Share(x) => Some(*x),
                Rate::PerUnit(_) => None,
            })
            .sum();
        if inc.is_zero() {
            continue;
        }
        for t in terms {
            let base: Decimal = t
                .rates
                .iter()
                .filter_map(|r| r[source.index()]?.share())
                .sum();
            if base + inc > Decimal::ONE {
                let place = raw
                    .milestone
                    .first()
                    .map(|m| m.id.span())
                    .unwrap_or(raw.id.span());
                cx.err(
                    place,
                    format!(
                        "with every milestone reached the parties would get {} of {source} receipts; at most 100% can be paid out",
                        crate::money::percent_string(base + inc)
                    ),
                );
                return;
            }
        }
    }
}

fn vesting(v: &super::raw::RawVesting, cx: &mut Ctx) -> Option<Vesting> {
    let start = cx.date(&v.start, "vesting.start");
    let months = cx.count(&v.months, "vesting.months", 1, limits::MAX_VESTING_MONTHS);
    let cliff = match &v.cliff_months {
        Some(c) => cx.count(c, "vesting.cliff_months", 0, limits::MAX_VESTING_MONTHS),
        None => Some(0),
    };
    if let (Some(m), Some(c)) = (months, cliff) {
        if c > m {
            let at = v.cliff_months.as_ref().expect("a cliff over 0 was given");
            cx.err_at(
                at,
                format!("the cliff ({c} months) is longer than the vesting ({m} months)"),
            );
            return None;
        }
    }
    Some(Vesting {
        start: start?,
        months: months?,
        cliff_months: cliff?,
    })
}

/// The original terms and one set per amendment, in date order; parties an
/// amendment adds join the agreement from its date (docs/arithmetic.md,
/// "Amendments and dates").
fn terms_and_amendments(
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

fn milestones(raw: &RawAgreement, parties: &[Party], cx: &mut Ctx) -> Option<Vec<Milestone>> {
    let mut out: Vec<Milestone> = Vec::new();
    let before = cx.diags.len();
    for m in &raw.milestone {
        let id = m.id.get_ref().clone();
        cx.id(&m.id, "milestone");
        if out.iter().any(|x| x.id == id) {
            cx.err_at(&m.id, format!("duplicate milestone id `{id}`"));
        }
        let sources: Vec<Source> = m
            .sources
            .iter()
            .filter_map(|s| cx.source(s.get_ref(), s.span()))
            .collect();
        let metric = match m.metric.get_ref().as_str() {
            "units" => Metric::Units,
            "revenue" => Metric::Revenue,
            "event" => match &m.event {
                None => {
                    cx.err_at(
                        &m.metric,
                        "an event milestone needs `event = { kind = \"chart\", at_most = 10 }`",
                    );
                    continue;
                }
                Some(e) => {
                    let Some(kind) = crate::events::EventKind::parse(e.kind.get_ref()) else {
                        cx.err_at(
                            &e.kind,
                            format!(
                                "unknown event kind `{}`; expected one of {}",
                                e.kind.get_ref(),
                                crate::events::EventKind::vocabulary()
                            ),
                        );
                        continue;
                    };
                    let at_most = e
                        .at_most
                        .as_ref()
                        .and_then(|v| cx.decimal_in(v, "event.at_most", &limits::EVENT_VALUE));
                    let at_least = e
                        .at_least
                        .as_ref()
                        .and_then(|v| cx.decimal_in(v, "event.at_least", &limits::EVENT_VALUE));
                    Metric::Event {
                        kind,
                        at_most,
                        at_least,
                    }
                }
            },
            other => {
                cx.err_at(
                    &m.metric,
                    format!("unknown metric `{other}`; expected units, revenue or event"),
                );
                continue;
            }
        };
        let threshold = match (&metric, &m.threshold) {
            (Metric::Event { .. }, _) => Decimal::ZERO,
            (_, None) => {
                cx.err_at(&m.id, format!("milestone `{id}` needs a `threshold`"));
                continue;
            }
            (_, Some(t)) => {
                let range = match metric {
                    Metric::Units => &limits::UNITS,
                    _ => &limits::MONEY,
                };
                let Some(d) = cx.decimal_in(t, "threshold", range) else {
                    continue;
                };
                d
            }
        };
        if !matches!(metric, Metric::Event { .. }) && sources.is_empty() && m.sources.is_empty() {
            cx.err_at(
                &m.metric,
                format!("milestone `{id}` needs `sources`: which lines count towards it"),
            );
        }
        let mode = match m.mode.as_ref().map(|x| x.get_ref().as_str()) {
            None | Some("prospective") => Mode::Prospective,
            Some("retroactive") => Mode::Retroactive,
            Some(other) => {
                cx.err_at(
                    m.mode.as_ref().expect("matched"),
                    format!("unknown mode `{other}`; expected prospective or retroactive"),
                );
                Mode::Prospective
            }
        };
        let mut weights = Vec::new();
        for (src, v) in &m.weights {
            let Some(s) = cx.source(src, v.span()) else {
                continue;
            };
            if let Some(w) = cx.decimal_in(v, &format!("weights.{src}"), &limits::WEIGHT) {
                weights.push((s, w));
            }
        }
        let mut escalate = Vec::new();
        for (pid, table) in &m.escalate {
            let place = table
                .values()
                .next()
                .map(|v| v.span())
                .unwrap_or(m.id.span());
            let Some(pi) = parties.iter().position(|p| &p.id == pid) else {
                cx.err(
                    place,
                    format!(
                        "milestone `{id}` escalates `{pid}`, who is not a party of this agreement"
                    ),
                );
                continue;
            };
            for (src, v) in table {
                let Some(s) = cx.source(src, v.span()) else {
                    continue;
                };
                let inc = match v.get_ref() {
                    RawNum::Text(t) => Rate::parse(t),
                    RawNum::Int(_) => None,
                };
                match inc {
                    Some(r) => {
                        if let Some(r) = cx.rate_in(v, &format!("escalate.{pid}.{src}"), r) {
                            escalate.push((pi, s, r));
                        }
                    }
                    None => cx.err_at(v, format!("escalate.{pid}.{src}: expected an increment such as \"+1%\" or \"+0.02/unit\"")),
                }
            }
        }
        let mut perks = Vec::new();
        for (pid, list) in &m.perks {
            let place = list.first().map(|v| v.span()).unwrap_or(m.id.span());
            match parties.iter().position(|p| &p.id == pid) {
                Some(pi) => perks.extend(list.iter().map(|p| (pi, p.get_ref().clone()))),
                None => cx.err(place, format!("milestone `{id}` gives perks to `{pid}`, who is not a party of this agreement")),
            }
        }
        let bonuses = bonus::parse(&id, &m.bonus, parties, cx);
        out.push(Milestone {
            id,
            metric,
            sources,
            weights,
            threshold,
            mode,
            escalate,
            perks,
            bonuses,
        });
    }
    (cx.diags.len() == before).then_some(out)
}

fn reversion(r: &super::raw::RawReversion, parties: &[Party], cx: &mut Ctx) -> Option<Reversion> {
    let amount = cx.decimal_in(
        &r.if_revenue_below,
        "reversion.if_revenue_below",
        &limits::MONEY,
    );
    let by = cx.date(&r.by, "reversion.by");
    if !parties.iter().any(|p| &p.id == r.to.get_ref()) {
        cx.err_at(
            &r.to,
            format!(
                "reversion.to names `{}`, who is not a party of this agreement",
                r.to.get_ref()
            ),
        );
        return None;
    }
    Some(Reversion {
        if_revenue_below: crate::money::Money(amount?),
        by: by?,
        rights: r.rights.clone(),
        to: r.to.get_ref().clone(),
    })
}

fn advances(raw: &RawAgreement, parties: &[Party], cx: &mut Ctx) -> Option<Vec<Advance>> {
    let mut out = Vec::new();
    let mut ok = true;
    for a in &raw.advance {
        let id = a.id.get_ref().clone();
        ok &= cx.id(&a.id, "advance");
        if out.iter().any(|x: &Advance| x.id == id) {
            cx.err_at(&a.id, format!("duplicate advance id `{id}`"));
            ok = false;
        }
        let party = parties.iter().position(|p| &p.id == a.party.get_ref());
        if party.is_none() {
            cx.err_at(
                &a.party,
                format!(
                    "advance `{id}` is for `{}`, who is not a party of this agreement",
                    a.party.get_ref()
                ),
            );
            ok = false;
        }
        let amount = cx.decimal_in(&a.amount, "advance.amount", &limits::MONEY);
        let date = a.date.as_ref().and_then(|d| cx.date(d, "advance.date"));
        let (Some(party), Some(amount)) = (party, amount) else {
            ok = false;
            continue;
        };
        out.push(Advance {
            id,
            party,
            amount: crate::money::Money(amount),
            date,
            cross_collateralize: a
                .cross_collateralize
                .iter()
                .map(|c| c.get_ref().clone())
                .collect(),
        });
    }
    ok.then_some(out)
}

fn gate(
    g: &super::raw::RawGate,
    raw: &RawAgreement,
    parties: &[Party],
    advances: &Option<Vec<Advance>>,
    cx: &mut Ctx,
) -> Option<Gate> {
    let combined = match g.at.as_ref().map(|a| a.get_ref().as_str()) {
        None | Some("net") => false,
        Some("combined") => true,
        Some(other) => {
            let at = g.at.as_ref().expect("matched Some");
            cx.err_at(
                at,
                format!("gate.at `{other}`: expected \"net\" or \"combined\""),
            );
            return None;
        }
    };
    let advance = raw
        .advance
        .iter()
        .position(|a| a.id.get_ref() == g.until_recouped.get_ref());
    let Some(advance) = advance else {
        cx.err_at(
            &g.until_recouped,
            format!(
                "gate.until_recouped names `{}`, which is not an [[advance]] of this agreement",
                g.until_recouped.get_ref()
            ),
        );
        return None;
    };
    let mut idx = Vec::new();
    for p in &g.parties {
        match parties.iter().position(|q| &q.id == p.get_ref()) {
            Some(i) => {
                if advances
                    .as_ref()
                    .is_some_and(|a| a.get(advance).is_some_and(|a| a.party == i))
                {
                    cx.err_at(
                        p,
                        format!(
                            "`{}` owes the gate's advance and cannot also be gated by it",
                            p.get_ref()
                        ),
                    );
                }
                idx.push(i)
            }
            None => cx.err_at(
                p,
                format!(
                    "gate names `{}`, who is not a party of this agreement",
                    p.get_ref()
                ),
            ),
        }
    }
    Some(Gate {
        parties: idx,
        advance,
        combined,
    })
}

fn reserve(r: &super::raw::RawReserve, cx: &mut Ctx) -> Option<Reserve> {
    let rate = cx.share(&r.rate, "reserve.rate");
    let sources: Vec<Source> = r
        .sources
        .iter()
        .filter_map(|s| cx.source(s.get_ref(), s.span()))
        .collect();
    let schedule = match (&r.release_after, &r.release) {
        (Some(n), None) => ReleaseSchedule::Equal(cx.count(
            n,
            "reserve.release_after",
            1,
            limits::MAX_RELEASE_PERIODS,
        )?),
        (None, Some(parts)) => {
            if parts.len() > limits::MAX_RELEASE_PERIODS as usize {
                cx.err_at(
                    &parts[limits::MAX_RELEASE_PERIODS as usize],
                    format!(
                        "`reserve.release` has {} parts; at most {} periods",
                        parts.len(),
                        limits::MAX_RELEASE_PERIODS
                    ),
                );
                return None;
            }
            let mut fr = Vec::new();
            for p in parts {
                fr.push(cx.share(p, "reserve.release")?);
            }
            let total: Decimal = fr.iter().sum();
            if total != Decimal::ONE || fr.iter().any(|x| *x < Decimal::ZERO) {
                cx.err_at(
                    &r.rate,
                    format!(
                        "the release schedule sums to {}, not exactly 100%",
                        crate::money::percent_string(total)
                    ),
                );
                return None;
            }
            ReleaseSchedule::Explicit(fr)
        }
        (Some(n), Some(_)) => {
            cx.err_at(
                n,
                "give either `release_after` or a `release` schedule, not both",
            );
            return None;
        }
        (None, None) => {
            cx.err_at(
                &r.rate,
                "a reserve needs `release_after = N` or a `release` schedule",
            );
            return None;
        }
    };
    Some(Reserve {
        rate: rate?,
        sources,
        schedule,
    })
}

fn party(p: &RawParty, agreement_currency: Option<Currency>, cx: &mut Ctx) -> Option<Party> {
    let id = p.id.get_ref().clone();
    cx.id(&p.id, "party");
    let payout_currency = match &p.payout_currency {
        Some(c) => {
            let parsed = Currency::parse(c.get_ref());
            if parsed.is_none() {
                cx.err_at(
                    c,
                    format!(
                        "unknown currency code `{}`; expected an ISO 4217 code such as EUR",
                        c.get_ref()
                    ),
                );
            }
            parsed
        }
        None => agreement_currency,
    };
    let withholding = match &p.withholding {
        Some(w) => cx.share(w, "withholding").unwrap_or_default(),
        None => Decimal::ZERO,
    };
    let hours = p
        .hours
        .as_ref()
        .and_then(|h| cx.decimal_in(h, "hours", &limits::HOURS));
    let vesting = p.vesting.as_ref().and_then(|v| vesting(v, cx));
    let departed = p.departed.as_ref().and_then(|d| cx.date(d, "departed"));
    Some(Party {
        id,
        name: p.name.clone().unwrap_or_default(),
        role: p.role.clone().unwrap_or_default(),
        tier: p.tier.as_ref().map(|t| t.get_ref().clone()),
        hours,
        deliverables: p.deliverables.clone(),
        // An unknown agreement currency is reported once, where it is
        // written; the party stays, so no second, false error follows.
        payout_currency: payout_currency
            .unwrap_or(Currency::parse("USD").expect("USD is ISO 4217")),
        withholding,
        vesting,
        departed,
        joins: None,
        payout_currency_at: line_col(
            cx.text,
            p.payout_currency
                .as_ref()
                .map(|c| c.span())
                .unwrap_or(p.id.span())
                .start,
        ),
    })
}

/// The fields that make one set of terms: the agreement's own, or an
/// amendment's laid over the terms before it. `active` says which parties
/// have joined by the time these terms take effect.
pub(super) struct TermsInput<'a> {
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
                    let rate = match v.get_ref() {
                        RawNum::Text(s) => Rate::parse(s),
                        RawNum::Int(_) => None,
                    };
                    let what = format!("rates.{pid}.{src}");
                    match rate.map(|r| cx.rate_in(v, &what, r)) {
                        Some(Some(Rate::Share(x))) => {
                            t.rates[pi][source.index()] = Some(RateTerm::Share { num: x, den: Decimal::ONE })
                        }
                        Some(Some(Rate::PerUnit(x))) => t.rates[pi][source.index()] = Some(RateTerm::PerUnit(x)),
                        Some(None) => {}
                        None => cx.err_at(v, format!("{what}: expected a percentage (\"4%\") or an amount per unit (\"0.10/unit\")")),
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

/// Reads every agreement file, validates each, then the checks across
/// agreements: duplicate ids and a track covered twice over the same dates.
/// Returns the agreements sorted by id (the order of the payouts:
/// docs/commands.md, "`run --format json`").
pub fn load_agreements(
    files: &[(std::path::PathBuf, String)],
) -> (Vec<Agreement>, Vec<Diagnostic>) {
    let each = files
        .iter()
        .map(|(path, text)| load_agreement_str(text, path));
    across_agreements(files, each.collect())
}

/// The checks across agreements, given each file's own reading (in the
/// order of `files`; the loader reads them on every core).
pub fn across_agreements(
    files: &[(std::path::PathBuf, String)],
    each: Vec<Result<Agreement, Vec<Diagnostic>>>,
) -> (Vec<Agreement>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut out: Vec<Agreement> = Vec::new();
    for r in each {
        match r {
            Ok(a) => out.push(a),
            Err(d) => diags.extend(d),
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.file.cmp(&b.file)));
    for w in out.windows(2) {
        if w[0].id == w[1].id {
            let (line, col) = id_place(files, &w[1].file);
            diags.push(
                Diagnostic::error(
                    &w[1].file,
                    line,
                    col,
                    format!(
                        "duplicate agreement id `{}` (also in {})",
                        w[1].id,
                        w[0].file.display()
                    ),
                )
                .with_code("agreement.duplicate-id"),
            );
        }
    }
    let mut by_isrc: BTreeMap<Isrc, Vec<usize>> = BTreeMap::new();
    for (i, a) in out.iter().enumerate() {
        for t in &a.tracks {
            by_isrc.entry(t.isrc).or_default().push(i);
        }
    }
    for (isrc, idx) in by_isrc {
        for (k, &i) in idx.iter().enumerate() {
            for &j in &idx[..k] {
                let (a, b) = (&out[j], &out[i]);
                if a.id != b.id && covers_same_dates(a, b) {
                    let (line, col) = isrc_place(files, &b.file, isrc);
                    diags.push(Diagnostic::error(
                        &b.file,
                        line,
                        col,
                        format!(
                            "track {isrc} is also covered by agreement `{}` ({}) over the same dates; give the agreements `start`/`end` dates that do not overlap",
                            a.id,
                            a.file.display()
                        ),
                    ));
                }
            }
        }
    }
    diags.extend(super::procedure::releases_across(&out));
    (out, diags)
}

fn text_of<'a>(files: &'a [(std::path::PathBuf, String)], file: &Path) -> &'a str {
    files
        .iter()
        .find(|(p, _)| p == file)
        .map(|(_, t)| t.as_str())
        .unwrap_or("")
}

fn id_place(files: &[(std::path::PathBuf, String)], file: &Path) -> (usize, usize) {
    let text = text_of(files, file);
    text.lines()
        .position(|l| l.trim_start().starts_with("id") && l.contains('='))
        .map(|i| (i + 1, 1))
        .unwrap_or((1, 1))
}

fn isrc_place(files: &[(std::path::PathBuf, String)], file: &Path, isrc: Isrc) -> (usize, usize) {
    let text = text_of(files, file);
    for (i, l) in text.lines().enumerate() {
        if l.contains("isrc") {
            if let Some(v) = l.split('"').nth(1) {
                if Isrc::parse(v) == Some(isrc) {
                    return (i + 1, l.find('"').map(|c| c + 1).unwrap_or(1));
                }
            }
        }
    }
    (0, 0)
}
