//! The head record, `ledger/head.json`: the last closed period, its file and
//! the SHA-256 of that file's bytes. The chain (each file naming the one
//! before it) proves nothing about the newest file: removing, renaming or
//! replacing it leaves a chain that still holds, and the period could be
//! closed and paid a second time. The head names it, so the ledger knows
//! its own length.
//!
//! `close` writes the period file, then the head. A close killed between
//! the two leaves the head one behind, with a newer, complete file that the
//! chain links to the head's file: that is the period the close recorded
//! (its file is whole, renamed into place atomically). The next close
//! first brings the head forward to it, then writes its own period file and
//! the head past that, so the head is never more than one behind. Anything
//! else that disagrees with the head is a break (exit 3).
//!
//! Ledgers written before the head record have none: they read as before.
//! The next close first writes a head for the ledger as it is (the
//! migration), then its period file, then the head past it; an empty
//! ledger gets a head naming no file the same way. Period files written
//! with a head carry `"head": "head.json"`, so from then on a head removed
//! by hand is noticed too (docs/ledger.md, "The head record").

use super::Entry;
use crate::diag::Result;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const HEAD_FILE: &str = "head.json";
const HEAD_FORMAT: &str = "royalty-ledger-head/1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    pub format: String,
    /// The last closed period (or `opening`).
    pub period: String,
    /// Its file, in the ledger folder.
    pub file: String,
    /// SHA-256 of that file's bytes.
    pub sha256: String,
    /// How many period files the ledger holds, opening included.
    pub files: usize,
}

/// What the head says about the ledger.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HeadStatus {
    /// No period file and no head: a new ledger.
    #[default]
    Empty,
    /// Written before the head record: no head yet (the next close writes it).
    Legacy,
    /// The head names the newest file, by its bytes.
    Current(Head),
    /// A close was interrupted after its period file and before the head:
    /// the head names the file before the newest, which follows it.
    OneBehind(Head),
    /// The head disagrees with the files (see the problem reported).
    Broken,
}

/// Writes a head for the ledger as it is (its newest file, or none), for a
/// ledger that has none yet: before the first close that keeps a head.
pub fn write_current(dir: &Path, entries: &[Entry]) -> Result<()> {
    match entries.last() {
        Some(e) => write(
            dir,
            &e.record.period,
            &e.file_name(),
            &e.sha256,
            entries.len(),
        ),
        None => write(dir, "", "", "", 0),
    }
}

/// Writes the head, whole or not at all.
pub fn write(dir: &Path, period: &str, file: &str, sha256: &str, files: usize) -> Result<()> {
    let head = Head {
        format: HEAD_FORMAT.into(),
        period: period.into(),
        file: file.into(),
        sha256: sha256.into(),
        files,
    };
    let mut text = serde_json::to_string_pretty(&head).expect("plain data serialises");
    text.push('\n');
    crate::fsutil::write_atomic(&dir.join(HEAD_FILE), text.as_bytes())
}

/// Does the head name the first `k` entries: the k-th file by its bytes
/// (none when k = 0)?
fn names(entries: &[Entry], k: usize, h: &Head) -> bool {
    h.files == k
        && match k.checked_sub(1).map(|i| &entries[i]) {
            None => h.file.is_empty(),
            Some(e) => {
                e.file_name() == h.file && e.sha256 == h.sha256 && e.record.period == h.period
            }
        }
}

/// Checks the head against the verified entries (chain order).
pub fn check(dir: &Path, bytes: Option<&[u8]>, entries: &[Entry]) -> (HeadStatus, Option<String>) {
    let path = dir.join(HEAD_FILE);
    let shown = path.display();
    let Some(bytes) = bytes else {
        // A head is written before the first headed file: none now, with a
        // headed file, means it was removed.
        if let Some(e) = entries.iter().find(|e| e.headed) {
            return (
                HeadStatus::Broken,
                Some(format!(
                    "{shown} is missing, but {} was written with a head record: the head was removed by hand",
                    e.path.display()
                )),
            );
        }
        let status = if entries.is_empty() {
            HeadStatus::Empty
        } else {
            HeadStatus::Legacy
        };
        return (status, None);
    };
    let head = match serde_json::from_slice::<Head>(bytes) {
        Ok(h) if h.format == HEAD_FORMAT => h,
        Ok(h) => {
            return (
                HeadStatus::Broken,
                Some(format!("{shown}: unknown head format `{}`", h.format)),
            )
        }
        Err(e) => {
            return (
                HeadStatus::Broken,
                Some(format!(
                    "{shown} is not a head record ({e}): it was altered by hand"
                )),
            )
        }
    };
    let n = entries.len();
    if names(entries, n, &head) {
        return (HeadStatus::Current(head), None);
    }
    if n > 0 && names(entries, n - 1, &head) {
        return (HeadStatus::OneBehind(head), None);
    }
    let problem = match entries.iter().find(|e| e.file_name() == head.file) {
        None if head.file.is_empty() => format!(
            "{shown} records an empty ledger, but it holds {n} files: files were added by hand"
        ),
        None => format!(
            "{} is missing: {shown} records {} as the last closed period; the newest ledger file was removed or renamed",
            dir.join(&head.file).display(),
            head.period
        ),
        Some(e) if e.sha256 != head.sha256 => format!(
            "{} was replaced since it was closed: {shown} records SHA-256 {}, the file has {}",
            e.path.display(),
            head.sha256,
            e.sha256
        ),
        Some(_) => format!(
            "{shown} records {} as the last closed period ({} files), but the ledger holds {n} files up to {}: files were added or removed by hand",
            head.period,
            head.files,
            entries
                .last()
                .map(|l| l.path.display().to_string())
                .unwrap_or_default(),
        ),
    };
    (HeadStatus::Broken, Some(problem))
}
