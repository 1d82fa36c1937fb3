//! The ledger on disk: one JSON file per closed period in the ledger folder
//! (`2026-Q1.json`, and `opening.json` for opening balances), readable by an
//! auditor. Each file carries the SHA-256 of its own content (`checksum`) and
//! of the previous file, and of every statement it consumed, so an edit by
//! hand, a lost file or a statement changed after closing is detected and
//! refused (exit 3, SPEC 4.2).
//!
//! Closing takes an exclusive lock on `ledger/.lock`, re-reads the ledger
//! under it, and writes the new file atomically (`fsutil::write_atomic`): a
//! close killed at any point leaves the ledger as it was.

use super::{PeriodRecord, State, FORMAT};
use crate::diag::{Error, Result};
use crate::import::hex;
use crate::period::Period;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::{Path, PathBuf};

/// What is written: the record, then the checksum of the record's JSON.
#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(flatten)]
    record: PeriodRecord,
    checksum: String,
}

pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn body(record: &PeriodRecord) -> String {
    serde_json::to_string_pretty(record).expect("plain data serialises")
}

/// The bytes of a period file for `record`.
pub fn render(record: &PeriodRecord) -> Vec<u8> {
    let stored = Stored {
        record: record.clone(),
        checksum: sha256(body(record).as_bytes()),
    };
    let mut s = serde_json::to_string_pretty(&stored).expect("plain data serialises");
    s.push('\n');
    s.into_bytes()
}

/// One file of the ledger, verified.
#[derive(Clone, Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub record: PeriodRecord,
    /// SHA-256 of the file's bytes (what the next file links to).
    pub sha256: String,
}

impl Entry {
    pub fn is_opening(&self) -> bool {
        self.record.period == "opening"
    }
    /// Last day covered: the period's, or the opening's as-of date.
    fn end(&self) -> Option<jiff::civil::Date> {
        match self.record.period() {
            Some(p) => Some(p.last_day()),
            None => self.record.as_of.as_deref().and_then(|d| d.parse().ok()),
        }
    }
}

/// The ledger folder, read and verified.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub dir: PathBuf,
    /// Opening first, then periods in order.
    pub entries: Vec<Entry>,
}

fn refused(msg: String) -> Error {
    Error::Ledger(msg)
}

/// Reads every file of the ledger and verifies each and the chain.
/// A folder that does not exist is an empty ledger.
pub fn read(dir: &Path) -> Result<Ledger> {
    let mut entries = Vec::new();
    if !dir.exists() {
        return Ok(Ledger {
            dir: dir.to_path_buf(),
            entries,
        });
    }
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for e in rd {
        let path = e.map_err(|e| Error::io(dir, e))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        if stem != "opening" && Period::parse(stem).is_none() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let stored: Stored = serde_json::from_slice(&bytes).map_err(|e| {
            refused(format!(
                "{} is not a ledger file any more ({e}); it was altered since it was written",
                path.display()
            ))
        })?;
        if stored.record.format != FORMAT {
            return Err(refused(format!(
                "{}: unknown ledger format `{}`",
                path.display(),
                stored.record.format
            )));
        }
        if sha256(body(&stored.record).as_bytes()) != stored.checksum {
            return Err(refused(format!(
                "{} was altered since it was written (its checksum does not match its content)",
                path.display()
            )));
        }
        if stored.record.period != stem {
            return Err(refused(format!(
                "{} records period {}, not {stem}: the file was renamed",
                path.display(),
                stored.record.period
            )));
        }
        entries.push(Entry {
            path,
            record: stored.record,
            sha256: sha256(&bytes),
        });
    }
    entries.sort_by_key(|e| (!e.is_opening(), e.end()));
    // The chain: each file names the one before it, by its bytes.
    for i in 0..entries.len() {
        let want = i.checked_sub(1).map(|j| &entries[j]);
        let got = &entries[i].record.previous;
        let ok = match (want, got) {
            (None, None) => true,
            (Some(w), Some(g)) => g.sha256 == w.sha256 && g.file == file_name(&w.path),
            _ => false,
        };
        if !ok {
            return Err(refused(format!(
                "{} does not follow {}: a ledger file was altered, removed or added by hand",
                entries[i].path.display(),
                want.map(|w| w.path.display().to_string())
                    .unwrap_or_else(|| "nothing".into())
            )));
        }
    }
    Ok(Ledger {
        dir: dir.to_path_buf(),
        entries,
    })
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string()
}

impl Ledger {
    pub fn last(&self) -> Option<&Entry> {
        self.entries.last()
    }

    /// The state a computation of `period` starts from: after the last file
    /// that ends before the period begins (so a closed period can be re-run
    /// and gives the figures it was closed with).
    pub fn state_before(&self, period: Period) -> (State, Option<&Entry>) {
        let first = period.first_day();
        let e = self
            .entries
            .iter()
            .rev()
            .find(|e| e.end().is_none_or(|d| d < first) || e.is_opening());
        match e {
            Some(e) => (e.record.state.clone(), Some(e)),
            None => (State::default(), None),
        }
    }

    /// Statement files consumed by closed periods other than `period`.
    pub fn consumed_elsewhere(&self, period: Period) -> Vec<(&str, &super::Consumed)> {
        let name = period.to_string();
        self.entries
            .iter()
            .filter(|e| e.record.period != name)
            .flat_map(|e| {
                e.record
                    .statements
                    .iter()
                    .map(move |s| (e.record.period.as_str(), s))
            })
            .collect()
    }

    pub fn closed(&self, period: Period) -> Option<&Entry> {
        let name = period.to_string();
        self.entries.iter().find(|e| e.record.period == name)
    }
}

/// An exclusive hold on the ledger folder, released when dropped.
pub struct Lock {
    _file: File,
}

pub fn lock(dir: &Path) -> Result<Lock> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(".lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(Lock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(refused(format!(
            "{} is held by another run; try again when it has finished",
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

/// Appends `record` as the next file of the ledger. The caller holds the
/// lock and has read the ledger under it.
pub fn append(ledger: &Ledger, mut record: PeriodRecord) -> Result<PathBuf> {
    let name = format!("{}.json", record.period);
    let path = ledger.dir.join(&name);
    if let Some(last) = ledger.last() {
        if let (Some(new), Some(old_end)) = (record.period(), last.end()) {
            if last.record.period == record.period {
                return Err(refused(format!(
                    "{} is already closed ({})",
                    record.period,
                    last.path.display()
                )));
            }
            if new.first_day() <= old_end {
                return Err(refused(format!(
                    "{} is not after the last closed period {} ({}): periods close in order, once",
                    record.period,
                    last.record.period,
                    last.path.display()
                )));
            }
        }
        if record.period == "opening" {
            return Err(refused(
                "the ledger already has entries; opening balances start an empty ledger".into(),
            ));
        }
    }
    if path.exists() {
        return Err(refused(format!("{} already exists", path.display())));
    }
    record.previous = ledger.last().map(|e| super::Link {
        file: file_name(&e.path),
        sha256: e.sha256.clone(),
    });
    crate::fsutil::write_atomic(&path, &render(&record))?;
    Ok(path)
}
