//! Opening balances (docs/ledger.md, "Opening balances"): how a label that
//! moves over from spreadsheets starts its ledger. A TOML file states, as of a
//! date, per agreement the lifetime units and revenue per source and the
//! unrecouped advances, and per party the carried balance, reserves and held
//! amounts:
//!
//! ```toml
//! as_of = 2025-12-31
//! [agreement.midnight-drive]
//! units = { streaming = 8_750_000 }
//! revenue = { streaming = "30625.00" }
//! advances = { ava-advance = "3200.00" }     # unrecouped balance
//! [agreement.midnight-drive.party.ava]
//! carried = "12.40"                          # under the minimum, or a deficit if negative
//! reserves = ["10.00", "5.00"]               # releases due in the next periods
//! gated = "0.00"                             # held by a record-one gate
//! earned = "4100.00"                         # lifetime earnings (vesting, combined gates)
//! ```
//! Every name is checked against the agreements, so a typo cannot open a
//! balance nobody will ever pay.

use super::{AgreementState, PartyState, State};
use crate::agreement::Agreement;
use crate::codes::Source;
use crate::diag::{line_col, Diagnostic};
use crate::limits::{self, Range};
use crate::money::{parse_decimal, Money};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOpening {
    as_of: Spanned<toml::Value>,
    #[serde(default)]
    agreement: BTreeMap<String, RawAgreementOpening>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgreementOpening {
    #[serde(default)]
    units: BTreeMap<String, Spanned<i64>>,
    #[serde(default)]
    revenue: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    advances: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    gate_open: bool,
    #[serde(default)]
    party: BTreeMap<String, RawPartyOpening>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartyOpening {
    #[serde(default)]
    carried: Option<Spanned<String>>,
    #[serde(default)]
    reserves: Vec<Spanned<String>>,
    #[serde(default)]
    gated: Option<Spanned<String>>,
    #[serde(default)]
    unvested: Option<Spanned<String>>,
    #[serde(default)]
    earned: Option<Spanned<String>>,
}

/// Where a table name first appears (toml gives no place for a table made
/// only of dotted headers), as a byte span.
fn place(text: &str, needle: &str) -> std::ops::Range<usize> {
    let at = text.find(needle).unwrap_or(0);
    at..at
}

/// Parses opening balances; `as_of` is returned as `YYYY-MM-DD`.
pub fn parse(
    text: &str,
    file: &Path,
    agreements: &[Agreement],
) -> Result<(String, State), Vec<Diagnostic>> {
    let at = |span: std::ops::Range<usize>| line_col(text, span.start);
    let raw: RawOpening = toml::from_str(text).map_err(|e| {
        let (l, c) = e.span().map(&at).unwrap_or((0, 0));
        vec![Diagnostic::error(
            file,
            l,
            c,
            e.message().trim().replace('\n', " "),
        )]
    })?;
    let mut diags = Vec::new();
    let mut err = |span: std::ops::Range<usize>, msg: String| {
        let (l, c) = at(span);
        diags.push(Diagnostic::error(file, l, c, msg));
    };
    let as_of = match raw.as_of.get_ref() {
        toml::Value::Datetime(d) if d.time.is_none() => d.to_string(),
        _ => {
            err(
                raw.as_of.span(),
                "`as_of`: expected a date such as 2025-12-31".into(),
            );
            String::new()
        }
    };
    // Every number within its range (docs/limits.md), or an error at its place.
    let money = |v: &Spanned<String>,
                 what: &str,
                 range: &Range,
                 err: &mut dyn FnMut(std::ops::Range<usize>, String)| {
        match parse_decimal(v.get_ref()).map(|d| (d, range.check(d))) {
            Some((d, Ok(_))) => Money(d),
            Some((_, Err(expect))) => {
                err(
                    v.span(),
                    format!("`{what}` ({}): {expect}", v.get_ref().trim()),
                );
                Money::ZERO
            }
            None => {
                err(
                    v.span(),
                    format!("`{what}`: expected an amount such as \"12.34\""),
                );
                Money::ZERO
            }
        }
    };
    let mut state = State::default();
    for (id, ra) in &raw.agreement {
        let Some(a) = agreements.iter().find(|a| &a.id == id) else {
            err(
                place(text, &format!("agreement.{id}")),
                format!("opening balances for agreement `{id}`, which no agreement file defines"),
            );
            continue;
        };
        let mut st = AgreementState {
            gate_open: ra.gate_open,
            ..AgreementState::default()
        };
        for (s, u) in &ra.units {
            let n = *u.get_ref();
            if let Err(expect) = limits::UNITS.check(n.into()) {
                err(u.span(), format!("`units.{s}` ({n}): {expect}"));
                continue;
            }
            match Source::parse(s) {
                Some(src) => {
                    st.units.insert(src, n);
                }
                None => err(
                    u.span(),
                    format!(
                        "unknown source `{s}`; expected one of: {}",
                        Source::vocabulary()
                    ),
                ),
            }
        }
        for (s, v) in &ra.revenue {
            let m = money(v, &format!("revenue.{s}"), &limits::REVENUE, &mut err);
            match Source::parse(s) {
                Some(src) => {
                    st.revenue.insert(src, crate::exact::Exact::dec(m.0));
                }
                None => err(
                    v.span(),
                    format!(
                        "unknown source `{s}`; expected one of: {}",
                        Source::vocabulary()
                    ),
                ),
            }
        }
        for (adv, v) in &ra.advances {
            let m = money(v, &format!("advances.{adv}"), &limits::MONEY, &mut err);
            match a.advances.iter().find(|x| &x.id == adv) {
                Some(x) if m > x.amount || m.is_negative() => err(
                    v.span(),
                    format!(
                        "unrecouped balance {m} of `{adv}` is not between 0 and its amount {}",
                        x.amount
                    ),
                ),
                Some(x) => {
                    st.recouped.insert(adv.clone(), x.amount - m);
                    st.advances.insert(adv.clone(), m);
                }
                None => err(v.span(), format!("agreement `{id}` has no advance `{adv}`")),
            }
        }
        for (pid, rp) in &ra.party {
            if a.party_index(pid).is_none() {
                err(
                    place(text, &format!("party.{pid}")),
                    format!("agreement `{id}` has no party `{pid}`"),
                );
                continue;
            }
            if let Some(v) = rp.reserves.get(limits::MAX_RELEASE_PERIODS as usize) {
                err(
                    v.span(),
                    format!(
                        "`reserves` lists {} releases; at most {} periods",
                        rp.reserves.len(),
                        limits::MAX_RELEASE_PERIODS
                    ),
                );
                continue;
            }
            let mut one = |v: &Option<Spanned<String>>, what: &str, range: &Range| {
                v.as_ref()
                    .map(|v| money(v, what, range, &mut err))
                    .unwrap_or_default()
            };
            let ps = PartyState {
                carried: one(&rp.carried, "carried", &limits::SIGNED_MONEY),
                gated: one(&rp.gated, "gated", &limits::MONEY),
                unvested: one(&rp.unvested, "unvested", &limits::MONEY),
                earned: one(&rp.earned, "earned", &limits::SIGNED_MONEY),
                reserve_releases: rp
                    .reserves
                    .iter()
                    .map(|v| money(v, "reserves", &limits::MONEY, &mut err))
                    .collect(),
                ..PartyState::default()
            };
            st.parties.insert(pid.clone(), ps);
        }
        state.agreements.insert(id.clone(), st);
    }
    if diags.is_empty() {
        Ok((as_of, state))
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agreements() -> Vec<Agreement> {
        let text = "id = \"o\"\ncurrency = \"USD\"\n[[track]]\nisrc = \"QZAAA2600001\"\n\
                    [[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"50%\"\n\
                    [[advance]]\nid = \"adv\"\nparty = \"p\"\namount = \"1000.00\"\n";
        vec![crate::agreement::load_agreement_str(text, Path::new("o.toml")).unwrap()]
    }

    fn errors(body: &str) -> Vec<String> {
        let text = format!("as_of = 2025-12-31\n{body}");
        match parse(&text, Path::new("open.toml"), &agreements()) {
            Ok(_) => Vec::new(),
            Err(d) => d.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn balances_in_range_open_the_ledger() {
        assert_eq!(
            errors(
                "[agreement.o]\nunits = { streaming = 1000 }\nrevenue = { streaming = \"500.123\" }\n\
                 advances = { adv = \"100.00\" }\n[agreement.o.party.p]\ncarried = \"-12.40\"\n\
                 reserves = [\"10.00\", \"5.00\"]\n"
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn numbers_out_of_range_are_input_errors_with_their_place() {
        for (body, want) in [
            (
                "[agreement.o]\nunits = { streaming = -5 }\n",
                "open.toml:3:23: error: `units.streaming` (-5): expected a whole number of units",
            ),
            (
                "[agreement.o.party.p]\ncarried = \"79228162514264337593543950335\"\n",
                "open.toml:3:11: error: `carried` (79228162514264337593543950335): expected an amount in cents",
            ),
            (
                "[agreement.o]\nadvances = { adv = \"100.125\" }\n",
                "open.toml:3:20: error: `advances.adv` (100.125): expected an amount in cents",
            ),
            (
                "[agreement.o]\nrevenue = { streaming = \"10000000000000000\" }\n",
                "open.toml:3:25: error: `revenue.streaming`",
            ),
            (
                "[agreement.o.party.p]\ngated = \"-1.00\"\n",
                "open.toml:3:9: error: `gated` (-1.00)",
            ),
        ] {
            let got = errors(body);
            assert_eq!(got.len(), 1, "{body}: {got:?}");
            assert!(got[0].starts_with(want), "{body}: {}", got[0]);
        }
        let many = vec!["\"1.00\""; 121].join(", ");
        let got = errors(&format!("[agreement.o.party.p]\nreserves = [{many}]\n"));
        assert!(
            got[0].contains("lists 121 releases; at most 120"),
            "{got:?}"
        );
    }
}
