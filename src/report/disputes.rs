//! The dispute register for people and scripts: `dispute list` (table, CSV,
//! JSON), the disputes section of `explain`, of the statements and of
//! `reconcile`. Everything is read from the register's disputes and the
//! engine's `DisputeStep`s; nothing here holds or pays anything.

use crate::engine::{PartyResult, PeriodResult};
use crate::ledger::disputes::{days_between, Dispute};
use crate::ledger::State;
use crate::money::Money;
use jiff::civil::Date;
use serde::Serialize;
use std::fmt::Write;

/// One dispute as `dispute list` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ListRow {
    pub id: String,
    pub agreement: String,
    pub party: String,
    pub period: String,
    pub amount: Money,
    pub currency: String,
    pub stage: &'static str,
    pub opened: String,
    /// Whole days from opening to the as-of date (to the resolution once
    /// resolved).
    pub age_days: i64,
    /// The current stage's deadline, if the agreement states one.
    pub next_deadline: Option<String>,
    pub overdue: bool,
    /// Days past the deadline on the as-of date (0 when not overdue).
    pub overdue_days: i64,
    pub before: Option<String>,
    /// Held so far for it (as of the last closed period).
    pub held: Money,
    pub hold: bool,
    pub adjustment: Option<Money>,
    pub resolved: Option<String>,
    /// The period whose payment carried the resolution.
    pub settled: Option<String>,
    pub reason: String,
    pub note: Option<String>,
}

/// The register's disputes on `as_of`, overdue ones first (most overdue
/// first), then open ones by next deadline (none last), then resolved ones
/// by resolution date; ties by id.
pub fn list(disputes: &[Dispute], state: &State, as_of: Date) -> Vec<ListRow> {
    let mut rows: Vec<(u8, Date, u64, ListRow)> = disputes
        .iter()
        .map(|d| {
            let s = state.disputes.get(&d.id);
            let end = d.resolution.as_ref().map_or(as_of, |r| r.date);
            let overdue = d.overdue(as_of);
            let deadline = d.deadline;
            let rank = match (overdue, d.is_open()) {
                (true, _) => 0,
                (false, true) => 1,
                (false, false) => 2,
            };
            let key = match rank {
                0 | 1 => deadline.unwrap_or(Date::MAX),
                _ => d.resolution.as_ref().map_or(Date::MAX, |r| r.date),
            };
            let row = ListRow {
                id: d.id.clone(),
                agreement: d.agreement.clone(),
                party: d.party.clone(),
                period: d.period.to_string(),
                amount: d.amount,
                currency: d.currency.to_string(),
                stage: d.stage.name(),
                opened: d.opened.to_string(),
                age_days: days_between(d.opened, end).max(0),
                next_deadline: deadline.map(|x| x.to_string()),
                overdue,
                overdue_days: if overdue {
                    deadline.map_or(0, |x| days_between(x, as_of))
                } else {
                    0
                },
                before: d.before.clone(),
                held: s.map(|s| s.held).unwrap_or_default(),
                hold: d.hold,
                adjustment: d.resolution.as_ref().map(|r| r.adjustment),
                resolved: d.resolution.as_ref().map(|r| r.date.to_string()),
                settled: s.and_then(|s| s.settled.clone()),
                reason: d.reason.clone(),
                note: d.resolution.as_ref().map(|r| r.note.clone()),
            };
            (rank, key, crate::ledger::disputes::id_number(&d.id), row)
        })
        .collect();
    rows.sort_by_key(|r| (r.0, r.1, r.2));
    rows.into_iter().map(|(.., r)| r).collect()
}

fn status(r: &ListRow) -> String {
    match (r.stage, &r.next_deadline) {
        ("resolved", _) => match &r.settled {
            Some(p) => format!(
                "resolved {}, paid with {p}",
                r.resolved.clone().unwrap_or_default()
            ),
            None => format!(
                "resolved {}, paid with the next close",
                r.resolved.clone().unwrap_or_default()
            ),
        },
        (_, Some(d)) if r.overdue => format!(
            "OVERDUE by {} day{} (deadline {d})",
            r.overdue_days,
            if r.overdue_days == 1 { "" } else { "s" }
        ),
        (stage, Some(d)) => format!("{stage} until {d}"),
        (stage, None) => format!("{stage}, no deadline stated"),
    }
}

pub fn list_table(rows: &[ListRow], as_of: Option<Date>, why: &str) -> String {
    let mut out = String::new();
    match as_of {
        Some(d) => {
            let _ = writeln!(out, "Disputes as of {d} ({why})");
        }
        None => {
            let _ = writeln!(out, "Disputes ({why})");
        }
    }
    if rows.is_empty() {
        let _ = writeln!(out, "  none recorded");
        return out;
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_header(vec![
            "id",
            "party",
            "period",
            "claimed",
            "stage",
            "age",
            "next deadline",
            "status",
            "held",
            "adjustment",
        ]);
    for r in rows {
        t.add_row(vec![
            r.id.clone(),
            format!("{}/{}", r.agreement, r.party),
            r.period.clone(),
            format!("{} {}", r.amount, r.currency),
            r.stage.to_string(),
            format!(
                "{} day{}",
                r.age_days,
                if r.age_days == 1 { "" } else { "s" }
            ),
            r.next_deadline.clone().unwrap_or_else(|| "-".into()),
            status(r),
            r.held.to_string(),
            r.adjustment.map(|a| a.to_string()).unwrap_or_default(),
        ]);
    }
    let _ = writeln!(out, "{t}");
    for r in rows {
        let before = r
            .before
            .as_ref()
            .map(|b| format!("; before {b}"))
            .unwrap_or_default();
        let note = r
            .note
            .as_ref()
            .map(|n| format!("; outcome: {n}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {}: {}{before}{note}", r.id, r.reason);
    }
    out
}

pub const LIST_COLUMNS: [&str; 19] = [
    "id",
    "agreement",
    "party",
    "period",
    "amount",
    "currency",
    "stage",
    "opened",
    "age_days",
    "next_deadline",
    "overdue",
    "overdue_days",
    "before",
    "held",
    "hold",
    "adjustment",
    "resolved",
    "settled",
    "reason",
];

pub fn list_csv(rows: &[ListRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<&str> = LIST_COLUMNS.to_vec();
    head.push("note");
    w.write_record(&head).expect("in-memory write");
    for r in rows {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        // Reasons and notes are people's words: a leading `=` must not
        // become a spreadsheet formula (report::safe).
        super::safe::csv_record(
            &mut w,
            [
                r.id.clone(),
                r.agreement.clone(),
                r.party.clone(),
                r.period.clone(),
                r.amount.to_string(),
                r.currency.clone(),
                r.stage.to_string(),
                r.opened.clone(),
                r.age_days.to_string(),
                o(&r.next_deadline),
                r.overdue.to_string(),
                r.overdue_days.to_string(),
                o(&r.before),
                r.held.to_string(),
                r.hold.to_string(),
                r.adjustment.map(|a| a.to_string()).unwrap_or_default(),
                o(&r.resolved),
                o(&r.settled),
                r.reason.clone(),
                o(&r.note),
            ],
        );
    }
    String::from_utf8(w.into_inner().expect("in-memory write")).expect("UTF-8")
}

#[derive(Serialize)]
struct ListJson<'a> {
    /// The day ages and deadlines were judged on (null: an empty register
    /// and no --as-of).
    as_of: Option<String>,
    disputes: &'a [ListRow],
}

/// `royalty.dispute-list/1` (docs/schema/dispute-list.json).
pub fn list_json(rows: &[ListRow], as_of: Option<Date>) -> String {
    super::document::render(
        "dispute-list",
        &ListJson {
            as_of: as_of.map(|d| d.to_string()),
            disputes: rows,
        },
        &[],
    )
}

/// One dispute in a party's trace or statement: what it claims, where it
/// stands, and what it did to the money this period.
#[derive(Clone, Debug, Serialize)]
pub struct DisputeTrace {
    pub id: String,
    pub period: String,
    pub claimed: Money,
    pub reason: String,
    pub opened: String,
    pub stage: &'static str,
    pub deadline: Option<String>,
    pub before: Option<String>,
    /// Held this period (negative: released by the resolution).
    pub held: Money,
    /// Held for it after the period.
    pub held_after: Money,
    /// The adjustment credited this period (negative: recovered).
    pub adjusted: Money,
    pub resolved: Option<String>,
    pub outcome: Option<String>,
}

/// The party's disputes that held, released or paid money this period.
pub fn traces(r: &PeriodResult, p: &PartyResult) -> Vec<DisputeTrace> {
    p.disputes
        .iter()
        .filter_map(|s| {
            let d = r.disputes.iter().find(|d| d.id == s.id)?;
            Some(DisputeTrace {
                id: d.id.clone(),
                period: d.period.to_string(),
                claimed: d.amount,
                reason: d.reason.clone(),
                opened: d.opened.to_string(),
                stage: d.stage.name(),
                deadline: d.deadline.map(|x| x.to_string()),
                before: d.before.clone(),
                held: s.held,
                held_after: s.held_after,
                adjusted: s.adjusted,
                resolved: d.resolution.as_ref().map(|x| x.date.to_string()),
                outcome: d.resolution.as_ref().map(|x| x.note.clone()),
            })
        })
        .collect()
}

/// One line per dispute, in words: for `explain` and the statements.
pub fn sentence(t: &DisputeTrace, c: impl std::fmt::Display) -> String {
    let mut s = format!(
        "{} on {} (opened {}, {} {c} claimed: {})",
        t.id, t.period, t.opened, t.claimed, t.reason
    );
    match (&t.resolved, &t.outcome) {
        (Some(date), Some(note)) => {
            let _ = write!(s, ": resolved on {date}: {note}");
            if !t.held.is_zero() {
                let _ = write!(s, "; {} {c} held is released", -t.held);
            }
            match t.adjusted {
                a if a.is_positive() => {
                    let _ = write!(s, "; adjustment of {a} {c} credited with this payment");
                }
                a if a.is_negative() => {
                    let _ = write!(s, "; {} {c} recovered with this payment", -a);
                }
                _ => s.push_str("; no adjustment"),
            }
        }
        _ => {
            let stage = match (&t.deadline, &t.before) {
                (Some(d), Some(b)) => format!("{} before {b} until {d}", t.stage),
                (Some(d), None) => format!("{} until {d}", t.stage),
                (None, Some(b)) => format!("{} before {b}", t.stage),
                (None, None) => t.stage.to_string(),
            };
            let _ = write!(s, ": open, in {stage}");
            if !t.held.is_zero() {
                let _ = write!(s, "; {} {c} held from this payment", t.held);
            }
            if !t.held_after.is_zero() {
                let _ = write!(
                    s,
                    " ({} {c} held in all until it is resolved)",
                    t.held_after
                );
            }
        }
    }
    s
}

/// The disputes section of `explain`'s text.
pub fn trace_text(traces: &[DisputeTrace], c: crate::codes::Currency) -> String {
    let mut out = String::new();
    if traces.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nDisputes (docs/arithmetic.md, steps 8b and 9b: held from payment, released and adjusted once resolved)"
    );
    for t in traces {
        let _ = writeln!(out, "  - {}", sentence(t, c));
    }
    out
}

/// `reconcile`'s view of the register: each dispute this period saw, its
/// stage and next deadline judged on `as_of` (none: not judged).
#[derive(Clone, Debug, Serialize)]
pub struct RegisterLine {
    pub id: String,
    pub agreement: String,
    pub party: String,
    pub period: String,
    pub amount: Money,
    pub stage: &'static str,
    pub next_deadline: Option<String>,
    pub status: String,
    pub held: Money,
}

pub fn register_lines(r: &PeriodResult, as_of: Option<Date>) -> Vec<RegisterLine> {
    let on = as_of.unwrap_or(Date::MIN);
    let rows = list(&r.disputes, &r.closing, on);
    rows.into_iter()
        .map(|x| RegisterLine {
            status: match (as_of, x.stage) {
                (_, "resolved") => status(&x),
                (None, stage) => match &x.next_deadline {
                    Some(d) => format!("{stage} until {d}"),
                    None => format!("{stage}, no deadline stated"),
                },
                (Some(_), _) => status(&x),
            },
            id: x.id,
            agreement: x.agreement,
            party: x.party,
            period: x.period,
            amount: x.amount,
            stage: x.stage,
            next_deadline: x.next_deadline,
            held: x.held,
        })
        .collect()
}
