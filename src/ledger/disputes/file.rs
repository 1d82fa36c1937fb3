//! The register on disk: `disputes.json` in the ledger folder, plain JSON
//! for an auditor, rewritten whole or not at all (`fsutil::write_atomic`)
//! under the ledger's lock. Reading verifies the chain of events and that
//! every closed period's anchor is still there (a period closed with a
//! dispute's hold or adjustment cannot lose the event it was paid on):
//! anything else is the ledger refusing (exit 3).

use super::{Anchor, Dispute, Register, FORMAT};
use crate::diag::{Error, Result};
use crate::ledger::store::Ledger;
use crate::period::Period;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FILE: &str = "disputes.json";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    format: String,
    events: Vec<super::Event>,
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The register of the ledger folder `dir`, verified; empty when there is
/// none yet.
pub fn read(dir: &Path) -> Result<Register> {
    let p = path(dir);
    let bytes = match std::fs::read(&p) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Register::default()),
        Err(e) => return Err(Error::io(&p, e)),
    };
    let stored: Stored = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Ledger(format!(
            "{} is not a dispute register any more ({e}); it was altered since it was written",
            p.display()
        ))
    })?;
    if stored.format != FORMAT {
        return Err(Error::Ledger(format!(
            "{}: unknown register format `{}`",
            p.display(),
            stored.format
        )));
    }
    let r = Register {
        events: stored.events,
    };
    r.verify()
        .map_err(|e| Error::Ledger(format!("{}: {e}", p.display())))?;
    Ok(r)
}

/// The bytes of the register file.
pub fn render(r: &Register) -> Vec<u8> {
    let stored = Stored {
        format: FORMAT.to_string(),
        events: r.events.clone(),
    };
    let mut s = serde_json::to_string_pretty(&stored).expect("plain data serialises");
    s.push('\n');
    s.into_bytes()
}

/// Writes the register whole or not at all. The caller holds the ledger's
/// lock and read the register under it.
pub fn write(dir: &Path, r: &Register) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    crate::fsutil::write_atomic(&path(dir), &render(r))
}

/// Every closed period's anchor must still be in the register: the events
/// it applied (a hold, a release, an adjustment paid) are history.
pub fn check_anchors(ledger: &Ledger, r: &Register) -> Result<()> {
    for e in &ledger.entries {
        let Some(a) = &e.record.disputes else {
            continue;
        };
        if !r.holds(a) {
            return Err(Error::Ledger(format!(
                "{} applied the first {} events of the dispute register, but {} no longer holds them \
                 (events were removed or replaced by hand, or the register was deleted)",
                e.path.display(),
                a.events,
                path(&ledger.dir).display()
            )));
        }
    }
    Ok(())
}

/// How many events a computation of `period` sees: a closed period the
/// events it applied (none when closed before the register existed), an
/// open period all of them.
pub fn visible(ledger: &Ledger, r: &Register, period: Period) -> usize {
    match ledger.closed(period) {
        Some(e) => e.record.disputes.as_ref().map_or(0, |a| a.events as usize),
        None => r.events.len(),
    }
}

/// The disputes a computation of `period` sees, from a verified register.
pub fn view(ledger: &Ledger, r: &Register, period: Period) -> Result<Vec<Dispute>> {
    r.disputes(visible(ledger, r, period))
        .map_err(|e| Error::Ledger(format!("{}: {e}", path(&ledger.dir).display())))
}

/// The anchor a close records: the whole register as it is under the lock.
pub fn anchor(r: &Register) -> Option<Anchor> {
    (!r.events.is_empty()).then(|| r.anchor())
}

/// `ledger verify`'s word on the register: one line saying what it holds,
/// and its breaks (the chain of events, the closed periods' anchors).
pub fn inspect(ledger: &Ledger) -> (String, Vec<String>) {
    let p = path(&ledger.dir);
    let register = match read(&ledger.dir) {
        Ok(r) => r,
        Err(e) => return (format!("{FILE}: broken (below)"), vec![e.to_string()]),
    };
    let mut problems = Vec::new();
    if let Err(e) = check_anchors(ledger, &register) {
        problems.push(e.to_string());
    }
    if register.events.is_empty() {
        let line = if p.exists() {
            format!("{FILE}: no event")
        } else {
            format!("{FILE}: none (no dispute recorded)")
        };
        return (line, problems);
    }
    let all = register.disputes(register.events.len()).unwrap_or_default();
    let open = all.iter().filter(|d| d.is_open()).count();
    let applied = ledger
        .entries
        .iter()
        .filter_map(|e| e.record.disputes.as_ref())
        .map(|a| a.events)
        .max()
        .unwrap_or(0);
    let a = register.anchor();
    (
        format!(
            "{FILE}: {} events, {} disputes ({open} open), each event chained to the one before; \
             closed periods applied the first {applied}; last event sha256 {}",
            a.events,
            all.len(),
            a.sha256
        ),
        problems,
    )
}
