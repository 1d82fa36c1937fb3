//! What the ledger says about a run before it computes, and after: its
//! folder and lock, the dispute register, the statements closed periods
//! consumed (never counted twice), a closed period reproduced to the cent,
//! and the temporary files an interrupted write left (docs/ledger.md, "What
//! is refused").

use super::options::global;
use super::path_names::names;
use royalty::agreement::Agreement;
use royalty::diag::{Diagnostic, Error, Result};
use royalty::import::FileOutcome;
use royalty::period::Period;
use royalty::project::Settings;
use std::path::{Path, PathBuf};

/// Takes the ledger's lock, waiting `--wait` seconds for it (exit 75 when
/// it stays held).
pub fn lock_ledger(dir: &Path) -> Result<royalty::ledger::store::Lock> {
    royalty::ledger::store::lock_within(dir, global().wait)
}

/// The ledger folder: the flag's or the project's, else `ledger` beside
/// the project file (or in the current folder without one).
pub fn ledger_dir(s: &Settings) -> PathBuf {
    s.ledger.clone().unwrap_or_else(|| {
        let base = s.project.as_deref().and_then(Path::parent);
        base.unwrap_or(Path::new("")).join("ledger")
    })
}

/// The dispute register of the ledger, verified against the periods that
/// applied it, and the disputes a computation of `period` sees.
pub fn read_register(
    ledger: &royalty::ledger::store::Ledger,
    period: Period,
) -> Result<(
    royalty::ledger::disputes::Register,
    Vec<royalty::ledger::disputes::Dispute>,
)> {
    use royalty::ledger::disputes::file;
    let register = file::read(&ledger.dir)?;
    file::check_anchors(ledger, &register)?;
    let disputes = file::view(ledger, &register, period)?;
    Ok((register, disputes))
}

/// Two spellings of one file (`./samples/x.csv`, `samples/x.csv`, an
/// absolute path, a path through a link) are the same file: compared by
/// canonical path, each written path read relative to the project's folder
/// (as outputs and the ledger write it), never by spelling.
fn same_file(a: &Path, b: &Path) -> bool {
    let names = names();
    let (a, b) = (names.resolve(a), names.resolve(b));
    match (std::fs::canonicalize(&a), std::fs::canonicalize(&b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The ledger's word on the statements given for `period` (docs/ledger.md,
/// "What is refused"), by content, never by how a path is spelled:
/// - for a closed period, the statements must be the very ones it consumed
///   (the same SHA-256s), so a re-run reproduces it or is refused;
/// - a statement a closed period consumed must not be counted again, and
///   that file edited since must not slip into another period unnoticed.
pub fn check_consumed(
    ledger: &royalty::ledger::store::Ledger,
    period: Period,
    outcomes: &[FileOutcome],
    allow_duplicate: bool,
) -> Result<()> {
    if let Some(e) = ledger.closed(period) {
        let mut want: Vec<&str> = e
            .record
            .statements
            .iter()
            .map(|c| c.sha256.as_str())
            .collect();
        let mut got: Vec<&str> = outcomes.iter().map(|o| o.summary.sha256.as_str()).collect();
        want.sort_unstable();
        got.sort_unstable();
        if want != got {
            let missing: Vec<&str> = e
                .record
                .statements
                .iter()
                .filter(|c| !got.contains(&c.sha256.as_str()))
                .map(|c| c.file.as_str())
                .collect();
            let extra: Vec<String> = outcomes
                .iter()
                .filter(|o| !want.contains(&o.summary.sha256.as_str()))
                .map(|o| o.summary.path.display().to_string())
                .collect();
            return Err(Error::Ledger(format!(
                "{period} is already closed ({}) and its figures are history: the statements given are not the ones it consumed \
                 (changed since {period} was closed, or not given: {}; not consumed by it: {}). Give the statements it was closed with, \
                 or put corrections in a statement of an open period",
                e.path.display(),
                if missing.is_empty() { "none".to_string() } else { missing.join(", ") },
                if extra.is_empty() { "none".to_string() } else { extra.join(", ") },
            )));
        }
        return Ok(());
    }
    if allow_duplicate {
        return Ok(());
    }
    for o in outcomes {
        let path = o.summary.path.display().to_string();
        for (closed, c) in ledger.consumed_elsewhere(period) {
            if c.sha256 == o.summary.sha256 && o.summary.lines > 0 {
                return Err(Error::Ledger(format!(
                    "{path} was already consumed by the closed period {closed} (as {}, SHA-256 {}); \
                     pass --allow-duplicate if it really belongs to this period too",
                    c.file, c.sha256
                )));
            }
            if c.sha256 != o.summary.sha256
                && o.summary.lines > 0
                && c.lines == o.summary.lines
                && !c.totals.is_empty()
                && c.totals == royalty::ledger::Consumed::totals_of(&o.summary.totals)
            {
                return Err(Error::Ledger(format!(
                    "{path} has exactly the lines, units and amounts of {} that the closed period {closed} consumed, \
                     with other bytes (the same statement saved again?): its money was paid then and would be paid twice; \
                     pass --allow-duplicate if it really is another statement",
                    c.file
                )));
            }
            if c.sha256 != o.summary.sha256 && same_file(Path::new(&c.file), &o.summary.path) {
                return Err(Error::Ledger(format!(
                    "{path} was consumed by the closed period {closed} and has changed since (SHA-256 was {}, is now {}): \
                     its earlier lines were paid then and would be counted again. Put corrections in a new statement file, \
                     or pass --allow-duplicate if this file now holds only new statements",
                    c.sha256, o.summary.sha256
                )));
            }
        }
    }
    Ok(())
}

/// A closed period re-run must give the figures it was closed with, to the
/// cent; otherwise something it was computed from (agreements, exchange
/// rates, events) has changed since, and the closed figures stand.
pub fn check_reproduced(
    ledger: &royalty::ledger::store::Ledger,
    result: &royalty::engine::PeriodResult,
    agreements: &[Agreement],
) -> Result<()> {
    let Some(e) = ledger.closed(result.period) else {
        return Ok(());
    };
    let now: Vec<royalty::ledger::PayoutRecord> =
        royalty::report::rows::payout_rows(result, agreements)
            .into_iter()
            .map(|r| r.record)
            .collect();
    if now == e.record.payouts {
        return Ok(());
    }
    let first = now
        .iter()
        .zip(&e.record.payouts)
        .find(|(a, b)| a != b)
        .map(|(_, b)| format!("{}/{}", b.agreement, b.party))
        .unwrap_or_else(|| "the list of payout rows".into());
    Err(Error::Ledger(format!(
        "{} is closed ({}) but re-running it gives other figures (first at {first}): \
         the agreements, exchange rates or events changed since it was closed. \
         Its closed figures stand; changes take effect in an open period",
        result.period,
        e.path.display()
    )))
}

/// Temporary files an interrupted write left in the ledger folder, as
/// warnings: named, so nothing is silently lying around; `close` and
/// `ledger open` remove them under the lock.
pub fn leftovers(files: &[PathBuf]) -> Vec<Diagnostic> {
    files
        .iter()
        .map(|f| {
            Diagnostic::warning(
                f,
                0,
                0,
                "a temporary file left by an interrupted write (the next close removes it)",
            )
            .with_code("ledger.leftover")
        })
        .collect()
}
