//! `royalty ledger status`: where the ledger stands, for a person or a
//! batch job deciding what to close next (docs/ledger.md, "Status"):
//! closed periods in time order (file names do not sort that way:
//! `2026-H1` before `2026-Q1`) with their files, hashes and payment files,
//! the last one, the next period to close, and any gap between them.
//! Pure: it reads a `Ledger` already read and verified.

use super::store::{HeadStatus, Ledger};
use crate::period::Period;
use serde::Serialize;
use std::fmt::Write;
use std::path::Path;

/// `royalty.ledger-status/1` (docs/schema/ledger-status.json).
#[derive(Clone, Debug, Serialize)]
pub struct Status {
    /// The ledger folder, as written (docs/commands.md, "Paths").
    pub ledger: String,
    /// `empty`, `legacy` (no head record yet), `current`, `one-behind`.
    pub head: &'static str,
    /// Opening balances, when the ledger started from them.
    pub opening: Option<Opening>,
    /// Closed periods, earliest first.
    pub closed: Vec<Closed>,
    /// The last closed period (null: none).
    pub last: Option<String>,
    /// The period to close next: the one of the same length right after the
    /// last closed; after opening balances only, the project's period when
    /// it starts after them (null when unknown).
    pub next: Option<String>,
    /// Months between closed periods that no period covers.
    pub gaps: Vec<Gap>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Opening {
    pub file: String,
    pub sha256: String,
    pub as_of: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Closed {
    pub period: String,
    pub first_day: String,
    pub last_day: String,
    pub file: String,
    pub sha256: String,
    /// How many statement files it consumed.
    pub statements: usize,
    /// Its payment file: where the close wrote it, or the default place in
    /// the ledger folder for closes that did not record it; null when no
    /// such file exists.
    pub payments: Option<String>,
}

/// Days between two closed periods that no closed period covers.
#[derive(Clone, Debug, Serialize)]
pub struct Gap {
    pub after: String,
    pub before: String,
    pub from: String,
    pub to: String,
}

/// Where the ledger stands. `show` writes a path for people and outputs;
/// `resolve` finds a written path's file; `project_period` is the period
/// the project names (the next to close after opening balances).
pub fn status(
    ledger: &Ledger,
    show: &dyn Fn(&Path) -> String,
    resolve: &dyn Fn(&Path) -> std::path::PathBuf,
    project_period: Option<Period>,
) -> Status {
    let mut closed: Vec<(Period, &super::store::Entry)> = ledger
        .entries
        .iter()
        .filter_map(|e| Some((e.record.period()?, e)))
        .collect();
    closed.sort_by_key(|(p, _)| p.sort_key());
    let opening = ledger.entries.iter().find(|e| e.is_opening());
    let rows: Vec<Closed> = closed
        .iter()
        .map(|(p, e)| Closed {
            period: p.to_string(),
            first_day: p.first_day().to_string(),
            last_day: p.last_day().to_string(),
            file: show(&e.path),
            sha256: e.sha256.clone(),
            statements: e.record.statements.len(),
            payments: payments(ledger, e, show, resolve),
        })
        .collect();
    let gaps = closed
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (w[0].0, w[1].0);
            let from = a.last_day().tomorrow().ok()?;
            let to = b.first_day().yesterday().ok()?;
            (from <= to).then(|| Gap {
                after: a.to_string(),
                before: b.to_string(),
                from: from.to_string(),
                to: to.to_string(),
            })
        })
        .collect();
    let last = closed.last().map(|(p, _)| *p);
    let next = match (last, opening) {
        (Some(p), _) => p.next(),
        (None, Some(o)) => project_period.filter(|p| {
            o.record
                .as_of
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .is_none_or(|d| p.first_day() > d)
        }),
        (None, None) => project_period,
    };
    Status {
        ledger: show(&ledger.dir),
        head: match ledger.head {
            HeadStatus::Empty => "empty",
            HeadStatus::Legacy => "legacy",
            HeadStatus::Current(_) => "current",
            HeadStatus::OneBehind(_) => "one-behind",
            HeadStatus::Broken => "broken",
        },
        opening: opening.map(|e| Opening {
            file: show(&e.path),
            sha256: e.sha256.clone(),
            as_of: e.record.as_of.clone(),
        }),
        closed: rows,
        last: last.map(|p| p.to_string()),
        next: next.map(|p| p.to_string()),
        gaps,
    }
}

/// The payment file of a closed period: as the close recorded it, else
/// `<period>.payments.csv` in the ledger folder; only if it is there.
fn payments(
    ledger: &Ledger,
    e: &super::store::Entry,
    show: &dyn Fn(&Path) -> String,
    resolve: &dyn Fn(&Path) -> std::path::PathBuf,
) -> Option<String> {
    let path = match &e.record.payments {
        Some(p) => resolve(Path::new(p)),
        None => ledger.dir.join(format!("{}.payments.csv", e.record.period)),
    };
    path.is_file().then(|| show(&path))
}

impl Status {
    /// The status for people: one line per closed period, then the last,
    /// the next and the gaps.
    pub fn text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "ledger {}", self.ledger);
        if let Some(op) = &self.opening {
            let _ = writeln!(
                o,
                "  opening balances{} ({}, sha256 {})",
                op.as_of
                    .as_deref()
                    .map(|d| format!(" as of {d}"))
                    .unwrap_or_default(),
                op.file,
                op.sha256
            );
        }
        for c in &self.closed {
            let _ = writeln!(
                o,
                "  {:<8} {} to {}  {}  sha256 {}  payments {}",
                c.period,
                c.first_day,
                c.last_day,
                c.file,
                c.sha256,
                c.payments.as_deref().unwrap_or("(not found)")
            );
        }
        let _ = writeln!(o, "last closed: {}", self.last.as_deref().unwrap_or("none"));
        let _ = writeln!(
            o,
            "next to close: {}",
            self.next.as_deref().unwrap_or("unknown (give --period)")
        );
        if self.gaps.is_empty() {
            let _ = writeln!(o, "gaps: none");
        }
        for g in &self.gaps {
            let _ = writeln!(
                o,
                "gap: {} to {} (between {} and {}): no closed period covers it",
                g.from, g.to, g.after, g.before
            );
        }
        o
    }
}
