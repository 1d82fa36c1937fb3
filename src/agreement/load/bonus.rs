//! Milestone bonuses in an agreement file (docs/agreements.md, bonuses):
//! `bonus.PARTY = "2500.00"`, or the table form `bonus.PARTY = { amount =
//! "2500.00", recoup = "ADVANCE" }` / `{ amount = "2500.00", recoupable =
//! true }`. A child of `load` so that it reports through the same context,
//! at the value it rejects.

use super::super::raw::{RawAgreement, S};
use super::context::Ctx;
use crate::agreement::{Advance, Bonus, BonusRecoup, Milestone, Party};
use crate::money::{parse_decimal, Money};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// An amount of money: a decimal string or a whole number, positive, in
/// whole cents (a bonus is paid as it is written, never rounded).
fn amount(cx: &mut Ctx, v: &S<toml::Value>, inner: &toml::Value, what: &str) -> Option<Money> {
    let d = match inner {
        toml::Value::String(t) => parse_decimal(t),
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        _ => None,
    };
    match d {
        Some(d) if d > Decimal::ZERO && d.normalize().scale() <= 2 => Some(Money(d)),
        Some(_) => {
            cx.err_at(
                v,
                format!(
                    "`{what}`: a bonus is a positive amount in whole cents, such as \"2500.00\""
                ),
            );
            None
        }
        None => {
            cx.err_at(
                v,
                format!("`{what}`: expected an amount such as \"2500.00\""),
            );
            None
        }
    }
}

/// The bonuses of one milestone; `recoup = "ADVANCE"` is checked against
/// the advances later (`resolve_recoup`), since they are read after.
pub(super) fn parse(
    milestone: &str,
    raw: &BTreeMap<String, S<toml::Value>>,
    parties: &[Party],
    cx: &mut Ctx,
) -> Vec<Bonus> {
    let mut out = Vec::new();
    for (pid, v) in raw {
        let what = format!("bonus.{pid}");
        let Some(party) = parties.iter().position(|p| &p.id == pid) else {
            cx.err_at(
                v,
                format!("milestone `{milestone}` gives a bonus to `{pid}`, who is not a party of this agreement"),
            );
            continue;
        };
        let (money, recoup) = match v.get_ref() {
            toml::Value::Table(t) => {
                if let Some(k) = t
                    .keys()
                    .find(|k| !matches!(k.as_str(), "amount" | "recoup" | "recoupable"))
                {
                    cx.err_at(v, format!("`{what}`: unknown key `{k}`; expected amount, and recoup = \"ADVANCE\" or recoupable = true"));
                    continue;
                }
                let Some(a) = t.get("amount") else {
                    cx.err_at(
                        v,
                        format!("`{what}` needs an `amount`, such as \"2500.00\""),
                    );
                    continue;
                };
                let recoup = match (t.get("recoup"), t.get("recoupable")) {
                    (Some(_), Some(_)) => {
                        cx.err_at(v, format!("`{what}`: give `recoup = \"ADVANCE\"` or `recoupable = true`, not both"));
                        continue;
                    }
                    // The advance is named; resolved once advances are read.
                    (Some(toml::Value::String(_)), None) => BonusRecoup::With(usize::MAX),
                    (None, Some(toml::Value::Boolean(true))) => BonusRecoup::Own,
                    (None, Some(toml::Value::Boolean(false))) | (None, None) => BonusRecoup::No,
                    _ => {
                        cx.err_at(v, format!("`{what}`: `recoup` names an advance (a string); `recoupable` is true or false"));
                        continue;
                    }
                };
                (amount(cx, v, a, &what), recoup)
            }
            other => (amount(cx, v, other, &what), BonusRecoup::No),
        };
        if let Some(amount) = money {
            out.push(Bonus {
                party,
                amount,
                recoup,
            });
        }
    }
    out
}

/// `recoup = "ADVANCE"` names an advance of the same party in this
/// agreement: the bonus is recouped with it.
pub(super) fn resolve_recoup(
    raw: &RawAgreement,
    milestones: &mut [Milestone],
    advances: &[Advance],
    cx: &mut Ctx,
) {
    // Every bonus read, or the milestones would not be here: the i-th
    // bonus is the i-th entry of its raw table.
    for (m, rm) in milestones.iter_mut().zip(&raw.milestone) {
        for (b, (pid, v)) in m.bonuses.iter_mut().zip(&rm.bonus) {
            if b.recoup != BonusRecoup::With(usize::MAX) {
                continue;
            }
            let name = v
                .get_ref()
                .get("recoup")
                .and_then(toml::Value::as_str)
                .unwrap_or_default();
            match advances.iter().position(|a| a.id == name) {
                Some(k) if advances[k].party == b.party => b.recoup = BonusRecoup::With(k),
                Some(_) => cx.err_at(v, format!("`bonus.{pid}` is recouped with advance `{name}`, which is not {pid}'s")),
                None => cx.err_at(v, format!("`bonus.{pid}` is recouped with advance `{name}`, which this agreement does not have")),
            }
        }
    }
}
