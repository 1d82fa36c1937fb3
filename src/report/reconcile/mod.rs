//! `reconcile`: the accountant's proof that nothing was lost or invented
//! (docs/commands.md, `reconcile`; docs/arithmetic.md, "Invariants").
//!
//! - control totals per statement file, exact, per currency: every line of
//!   the file is matched, unmatched, out of term or skipped (each reason
//!   with its amount), and these add up to the file's own total;
//! - conservation: per agreement, revenue = parties' earned + label retained;
//!   per currency, statement totals = matched + unmatched + out-of-term;
//! - the ledger roll-forward per party: opening balance + earned +
//!   adjusted + bonus - recouped - forfeited - paid - withheld = closing
//!   balance, where a balance is what the ledger holds for the party
//!   (carried + reserves + gated + unvested + held for disputes); every
//!   term is the engine's own flow, never recomputed here;
//! - differences against the totals a distributor reported (`--expect`);
//! - open disputes: statements bind `objection_days` after the period end
//!   (`[dispute]`). No wall clock is read (outputs are
//!   deterministic): the status is relative to `--as-of`, else "open".
//!
//! Pure: the command reads the files, this module only compares figures.

use crate::agreement::Agreement;
use crate::codes::Currency;
use crate::engine::PeriodResult;
mod expect;
mod text;

use crate::exact::Exact;
use crate::ledger::{PartyState, State};
use crate::money::Money;
use crate::period::Period;
use crate::report::explain::exact;
use crate::statement::{Key, ReleaseKey, Sums};
pub use expect::{parse_expected, Difference, Expected};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
pub use text::text;

#[derive(Serialize)]
pub struct FileTotals {
    pub file: String,
    pub format: String,
    pub lines: u64,
    pub currencies: Vec<CurrencyTotals>,
    /// Rows the reader skipped, per reason (never lost: they are in the
    /// file's total). Rows restating the file's totals are listed with
    /// `totals_row` and are not added (they are not revenue).
    pub skipped: Vec<SkippedTotals>,
    /// matched + unmatched + out of term + skipped = the file's total, per
    /// currency (`ok`), or `not split` for a pre-summed aggregate.
    pub ties_out: &'static str,
}

#[derive(Serialize)]
pub struct CurrencyTotals {
    pub currency: String,
    pub lines: u64,
    pub units: i64,
    /// Exact sum of the lines read as revenue.
    pub amount: Exact,
    /// What became of them (exact), when the file's own sums are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<Exact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmatched: Option<Exact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_term: Option<Exact>,
    /// Of the release rows among the skipped rows, what was apportioned to
    /// tracks (docs/arithmetic.md, step 1b): counted in `matched`, and no
    /// longer in `skipped`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apportioned: Option<Exact>,
    /// Skipped rows' amount in this currency (not totals rows), less what
    /// was apportioned: the unattributed remainder stays here.
    pub skipped: Exact,
    /// The file's own total: every row but those restating totals.
    pub total: Exact,
    pub ok: bool,
}

/// One reason a reader skipped rows of a file, with what they carried.
#[derive(Clone, Debug, Serialize)]
pub struct SkippedTotals {
    pub reason: String,
    /// `unattributable`, `not-revenue` or `totals` (docs/formats.md).
    pub kind: crate::statement::SkipKind,
    /// Rows restating the file's own totals (not revenue, not added).
    pub totals_row: bool,
    pub lines: u64,
    /// Per currency as written in the rows (`?` when unreadable): exact.
    pub amount: BTreeMap<String, Exact>,
}

/// The rows a reader skipped in a file, per reason, exact.
fn skipped_of(f: &crate::statement::FileSummary) -> Vec<SkippedTotals> {
    f.skipped
        .iter()
        .map(|s| SkippedTotals {
            reason: s.reason.clone(),
            kind: s.kind,
            totals_row: s.kind == crate::statement::SkipKind::Totals,
            lines: s.rows,
            amount: s
                .sums
                .iter()
                .filter(|(c, a)| c.as_str() != "?" || !a.amount.is_zero())
                .map(|(c, a)| (c.clone(), Exact::dec(a.amount)))
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
pub struct AgreementCheck {
    pub agreement: String,
    pub currency: Currency,
    pub revenue: Money,
    pub parties_earned: Money,
    pub label_retained: Money,
    pub ok: bool,
}

#[derive(Serialize)]
pub struct CurrencyCheck {
    pub currency: Currency,
    pub statements: String,
    pub matched: String,
    pub unmatched: String,
    pub out_of_term: String,
    pub ok: bool,
}

#[derive(Serialize)]
pub struct RollForward {
    pub agreement: String,
    pub party: String,
    pub currency: Currency,
    pub opening: Money,
    pub earned: Money,
    /// Dispute adjustments credited (negative: recovered): the label's
    /// money, beyond the split (docs/arithmetic.md, step 8b).
    pub adjusted: Money,
    /// Milestone bonuses paid this period: the label's money, beyond the
    /// split, paid with the period (docs/arithmetic.md, step 8).
    pub bonus: Money,
    pub recouped: Money,
    pub forfeited: Money,
    pub paid: Money,
    pub withheld: Money,
    /// Of the change in the balance, what open disputes hold (negative:
    /// released); part of the balance, not a term of the formula.
    pub held: Money,
    pub closing: Money,
    pub ok: bool,
}

impl RollForward {
    /// The roll-forward's terms, written once for the text and the checks:
    /// opening + earned + adjusted + bonus - recouped - forfeited - paid -
    /// withheld.
    pub fn terms(&self) -> String {
        format!(
            "{} + {} + {} + {} - {} - {} - {} - {}",
            self.opening,
            self.earned,
            self.adjusted,
            self.bonus,
            self.recouped,
            self.forfeited,
            self.paid,
            self.withheld
        )
    }
}

#[derive(Serialize)]
pub struct Dispute {
    pub agreement: String,
    pub objection_days: u32,
    pub statement_date: String,
    pub deadline: String,
    pub status: String,
}

#[derive(Serialize)]
pub struct Reconciliation {
    pub period: Period,
    pub files: Vec<FileTotals>,
    pub agreements: Vec<AgreementCheck>,
    pub currencies: Vec<CurrencyCheck>,
    pub conservation: &'static str,
    pub roll_forward: Vec<RollForward>,
    pub ledger: &'static str,
    pub expected: Vec<Difference>,
    pub differences: usize,
    pub disputes: Vec<Dispute>,
    /// The dispute register as this period saw it: stage, next deadline
    /// judged on `--as-of`, what is held.
    pub register: Vec<crate::report::disputes::RegisterLine>,
    /// Release rows without ISRC per currency: apportioned + unattributed.
    pub releases: Vec<crate::report::releases::ReleaseTotals>,
    #[serde(skip)]
    releases_text: String,
}

fn balance(s: Option<&PartyState>) -> Money {
    s.map(PartyState::balance).unwrap_or_default()
}

fn ok(b: bool) -> &'static str {
    if b {
        "ok"
    } else {
        "FAILED"
    }
}

/// A file's control totals: what it read, what became of it, what was
/// skipped, and whether they tie out to its own total.
fn file_totals(
    f: &crate::statement::FileSummary,
    agreements: &[Agreement],
    own: Option<&OwnSums>,
    skipped: &[SkippedTotals],
    fractions: &std::collections::HashMap<ReleaseKey, Exact>,
) -> FileTotals {
    let split = own.map(|(s, _)| crate::engine::outcomes(agreements, s));
    // The file's release rows apportioned to tracks, per currency.
    let mut apportioned: BTreeMap<String, Exact> = BTreeMap::new();
    for (k, s) in own.map(|(_, r)| *r).unwrap_or_default() {
        if let Some(x) = fractions.get(k).filter(|x| !x.is_zero()) {
            *apportioned.entry(k.currency.to_string()).or_default() += Exact::dec(s.amount) * x;
        }
    }
    let mut names: Vec<String> = f.totals.keys().map(|c| c.to_string()).collect();
    for s in skipped.iter().filter(|s| !s.totals_row) {
        names.extend(s.amount.keys().cloned());
    }
    names.sort();
    names.dedup();
    let currencies: Vec<CurrencyTotals> = names
        .into_iter()
        .map(|name| {
            let c = Currency::parse(&name);
            let read = c
                .and_then(|c| f.totals.get(&c))
                .copied()
                .unwrap_or_default();
            let part = |m: Option<&BTreeMap<Currency, Sums>>| {
                m.map(|m| {
                    Exact::dec(
                        c.and_then(|c| m.get(&c))
                            .map(|s| s.amount)
                            .unwrap_or_default(),
                    )
                })
            };
            let skipped_all: Exact = skipped
                .iter()
                .filter(|s| !s.totals_row)
                .filter_map(|s| s.amount.get(&name))
                .sum();
            let amount = Exact::dec(read.amount);
            let total = &amount + &skipped_all;
            let shared = apportioned.get(&name).cloned();
            let skipped_amount = &skipped_all - &shared.clone().unwrap_or_default();
            let (matched, unmatched, out_of_term) = (
                part(split.as_ref().map(|o| &o.matched))
                    .map(|m| m + shared.clone().unwrap_or_default()),
                part(split.as_ref().map(|o| &o.unmatched)),
                part(split.as_ref().map(|o| &o.out_of_term)),
            );
            let ok = match (&matched, &unmatched, &out_of_term) {
                (Some(m), Some(u), Some(o)) => m + u + o + &skipped_amount == total,
                _ => true,
            };
            CurrencyTotals {
                currency: name,
                lines: read.lines,
                units: read.units,
                amount,
                matched,
                unmatched,
                out_of_term,
                apportioned: shared,
                skipped: skipped_amount,
                total,
                ok,
            }
        })
        .collect();
    FileTotals {
        file: f.path.display().to_string(),
        format: f.format.clone(),
        lines: f.lines,
        ties_out: match (own.is_some(), currencies.iter().all(|c| c.ok)) {
            (false, _) => "not split",
            (true, true) => "ok",
            (true, false) => "FAILED",
        },
        currencies,
        skipped: skipped.to_vec(),
    }
}

/// What `reconcile` compares, besides the period's result.
pub struct Inputs<'a> {
    pub opening: &'a State,
    pub expected: &'a [Expected],
    pub as_of: Option<Date>,
    /// Each file's own sums and release rows (`load::statements_by_file`).
    pub per_file: &'a crate::load::FileSums,
}

/// A file's own revenue sums and release rows.
type OwnSums<'a> = (&'a [(Key, Sums)], &'a [(ReleaseKey, Sums)]);

pub fn reconcile(r: &PeriodResult, agreements: &[Agreement], i: &Inputs) -> Reconciliation {
    let (opening, expected, as_of) = (i.opening, i.expected, i.as_of);
    let fractions = crate::engine::releases::fractions(&r.releases);
    let files: Vec<FileTotals> = r
        .files
        .iter()
        .map(|f| {
            let own = i
                .per_file
                .iter()
                .find(|(p, _, _)| *p == f.path)
                .map(|(_, s, r)| (s.as_slice(), r.as_slice()));
            file_totals(f, agreements, own.as_ref(), &skipped_of(f), &fractions)
        })
        .collect();

    let agreement_checks: Vec<AgreementCheck> = r
        .agreements
        .iter()
        .map(|a| {
            let earned: Money = a.parties.iter().map(|p| p.flows.earned).sum();
            AgreementCheck {
                agreement: a.id.clone(),
                currency: a.currency,
                revenue: a.revenue,
                parties_earned: earned,
                label_retained: a.label_retained,
                ok: a.revenue == earned + a.label_retained,
            }
        })
        .collect();

    // Per currency, in the statements' own currencies (before conversion).
    let mut sums: BTreeMap<Currency, [Decimal; 4]> = BTreeMap::new();
    for f in &r.files {
        for (c, s) in &f.totals {
            sums.entry(*c).or_default()[0] += s.amount;
        }
    }
    for a in &r.agreements {
        for c in &a.conversions {
            sums.entry(c.currency).or_default()[1] += c.amount;
        }
    }
    for (i, b) in [(2, &r.unmatched), (3, &r.out_of_term)] {
        for (c, s) in &b.by_currency {
            sums.entry(*c).or_default()[i] += s.amount;
        }
    }
    let currencies: Vec<CurrencyCheck> = sums
        .into_iter()
        .map(|(c, [st, m, u, o])| CurrencyCheck {
            currency: c,
            statements: exact(st),
            matched: exact(m),
            unmatched: exact(u),
            out_of_term: exact(o),
            ok: st == m + u + o,
        })
        .collect();
    let conserved = agreement_checks.iter().all(|a| a.ok)
        && currencies.iter().all(|c| c.ok)
        && crate::report::releases::totals(r).iter().all(|t| t.ok)
        && files.iter().all(|f| f.ties_out != "FAILED");

    let mut roll_forward = Vec::new();
    for ar in &r.agreements {
        let a = &agreements[ar.index];
        for p in &ar.parties {
            let id = &a.parties[p.index].id;
            let open = balance(opening.party(&a.id, id));
            let close = balance(r.closing.party(&a.id, id));
            let f = &p.flows;
            let all = [
                open,
                close,
                f.earned,
                f.adjusted,
                f.bonus,
                f.recouped,
                f.forfeited,
                f.paid,
                f.withheld,
            ];
            if all.iter().all(|m| m.is_zero()) {
                continue;
            }
            roll_forward.push(RollForward {
                agreement: a.id.clone(),
                party: id.clone(),
                currency: a.currency,
                opening: open,
                earned: f.earned,
                adjusted: f.adjusted,
                bonus: f.bonus,
                recouped: f.recouped,
                forfeited: f.forfeited,
                paid: f.paid,
                withheld: f.withheld,
                held: f.held,
                closing: close,
                ok: open + f.earned + f.adjusted + f.bonus
                    - f.recouped
                    - f.forfeited
                    - f.paid
                    - f.withheld
                    == close,
            });
        }
    }
    let rolled = roll_forward.iter().all(|x| x.ok);

    let expected: Vec<Difference> = expected
        .iter()
        .map(|e| expect::compare(&files, e))
        .collect();
    let differences = expected.iter().filter(|d| !d.ok).count();

    let end = r.period.last_day();
    let disputes = agreements
        .iter()
        .filter_map(|a| {
            let days = a.objection_days?;
            let deadline = end
                .checked_add(jiff::Span::new().days(i64::from(days)))
                .unwrap_or(end);
            let status = match as_of {
                Some(d) if d > deadline => format!("binding since {deadline}"),
                _ => format!("open until {deadline}"),
            };
            Some(Dispute {
                agreement: a.id.clone(),
                objection_days: days,
                statement_date: end.to_string(),
                deadline: deadline.to_string(),
                status,
            })
        })
        .collect();

    Reconciliation {
        period: r.period,
        files,
        agreements: agreement_checks,
        currencies,
        conservation: ok(conserved),
        roll_forward,
        ledger: ok(rolled),
        expected,
        differences,
        disputes,
        register: crate::report::disputes::register_lines(r, as_of),
        releases: crate::report::releases::totals(r),
        releases_text: crate::report::releases::text(r),
    }
}

/// The checks that failed, one line each, for the error of a failed
/// reconciliation (a bug: no document is printed, so the error says it).
pub fn failures(r: &Reconciliation) -> Vec<String> {
    let mut out = Vec::new();
    for f in r.files.iter().filter(|f| f.ties_out == "FAILED") {
        out.push(format!("{}: control totals do not tie out", f.file));
    }
    for a in r.agreements.iter().filter(|a| !a.ok) {
        out.push(format!(
            "{} {}: revenue {} != earned {} + label retained {}",
            a.agreement, a.currency, a.revenue, a.parties_earned, a.label_retained
        ));
    }
    for c in r.currencies.iter().filter(|c| !c.ok) {
        out.push(format!(
            "{}: statements {} != matched {} + unmatched {} + out of term {}",
            c.currency, c.statements, c.matched, c.unmatched, c.out_of_term
        ));
    }
    for t in r.releases.iter().filter(|t| !t.ok) {
        out.push(format!("release rows in {}: do not tie out", t.currency));
    }
    for x in r.roll_forward.iter().filter(|x| !x.ok) {
        out.push(format!(
            "{}/{} {}: roll-forward {} != {}",
            x.agreement,
            x.party,
            x.currency,
            x.terms(),
            x.closing
        ));
    }
    if out.is_empty() && (r.conservation != "ok" || r.ledger != "ok") {
        out.push("conservation or roll-forward".into());
    }
    out
}

pub fn json(r: &Reconciliation, problems: &[crate::diag::Problem]) -> String {
    crate::report::document::render("reconcile", r, problems)
}
