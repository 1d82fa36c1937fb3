//! The ledger on disk: one JSON file per closed period in the ledger folder
//! (`2026-Q1.json`, and `opening.json` for opening balances), readable by an
//! auditor, and `head.json`, the head record: the last closed period and the
//! SHA-256 of its file. Each period file carries the SHA-256 of its own
//! bytes (`checksum`), of the previous file, and of every statement it
//! consumed; the head covers the newest file. So an edit by hand (even of
//! whitespace), a file removed, renamed or replaced (the newest included),
//! or a statement changed after closing is detected and refused (exit 3,
//! docs/ledger.md).
//!
//! Closing takes an exclusive lock on `ledger/.lock`, re-reads the ledger
//! under it, writes the new period file atomically (`fsutil::write_atomic`)
//! and then the head: a close killed at any point leaves the ledger as it
//! was, or closed with its head one behind, which the next close brings
//! forward (`head` explains why that is safe).

mod head;
mod verify;

pub use head::{Head, HeadStatus, HEAD_FILE};

use super::{PeriodRecord, State, FORMAT};
use crate::diag::{Error, Result};
use crate::import::hex;
use crate::period::Period;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::{Path, PathBuf};

/// What is read back: the record, the checksum, and whether the file was
/// written by a version that keeps a head record.
#[derive(Deserialize)]
struct Stored {
    #[serde(flatten)]
    record: PeriodRecord,
    checksum: String,
    #[serde(default)]
    head: Option<String>,
}

pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// How a period file ends: its checksum, the last member.
const CHECKSUM_KEY: &[u8] = b",\n  \"checksum\": \"";
const END: &[u8] = b"\"\n}\n";

/// The bytes of a period file for `record`: the record as pretty JSON, with
/// `"head": "head.json"` (this ledger keeps a head record), then the
/// checksum: the SHA-256 of every byte before it, closed as `\n}`.
pub fn render(record: &PeriodRecord) -> Vec<u8> {
    let mut map = match serde_json::to_value(record).expect("plain data serialises") {
        serde_json::Value::Object(m) => m,
        _ => unreachable!("a record serialises as an object"),
    };
    map.insert("head".into(), HEAD_FILE.into());
    let body = serde_json::to_string_pretty(&map).expect("plain data serialises");
    let checksum = sha256(body.as_bytes());
    let open = body
        .strip_suffix("\n}")
        .expect("pretty JSON ends its object");
    let mut out = Vec::with_capacity(body.len() + 90);
    out.extend_from_slice(open.as_bytes());
    out.extend_from_slice(CHECKSUM_KEY);
    out.extend_from_slice(checksum.as_bytes());
    out.extend_from_slice(END);
    out
}

/// The checksum a file's bytes must carry, and the one it carries: the
/// SHA-256 of the bytes before the checksum member, closed as `\n}`. Files
/// written before the head record have the same layout (their checksum was
/// of the record's pretty JSON, which is those bytes), so they verify too.
fn checksums(bytes: &[u8]) -> Option<(String, &str)> {
    let tail = bytes.strip_suffix(END)?;
    let at = tail
        .windows(CHECKSUM_KEY.len())
        .rposition(|w| w == CHECKSUM_KEY)?;
    let carried = std::str::from_utf8(&tail[at + CHECKSUM_KEY.len()..]).ok()?;
    if carried.len() != 64 || !carried.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut h = Sha256::new();
    h.update(&bytes[..at]);
    h.update(b"\n}");
    Some((hex(&h.finalize()), carried))
}

/// One file of the ledger, verified.
#[derive(Clone, Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub record: PeriodRecord,
    /// SHA-256 of the file's bytes (what the next file and the head link to).
    pub sha256: String,
    /// Written by a version that keeps `head.json`.
    pub headed: bool,
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
    pub fn file_name(&self) -> String {
        file_name(&self.path)
    }
}

/// The ledger folder, read and verified.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    pub dir: PathBuf,
    /// Opening first, then periods in order.
    pub entries: Vec<Entry>,
    pub head: HeadStatus,
    /// Temporary files an interrupted write left (`.royalty-*.tmp`).
    pub leftovers: Vec<PathBuf>,
}

fn refused(msg: String) -> Error {
    Error::Ledger(msg)
}

/// Everything `ledger verify` reports: the files that read back, the head,
/// and every break found (none: the ledger is whole).
#[derive(Clone, Debug, Default)]
pub struct Inspection {
    pub ledger: Ledger,
    pub problems: Vec<String>,
    /// What other records of the folder say (the dispute register), one
    /// line each, printed after the head.
    pub records: Vec<String>,
}

/// Reads one period file and verifies it on its own.
fn read_entry(path: PathBuf, stem: &str) -> Result<std::result::Result<Entry, String>> {
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let shown = path.display();
    let Some((want, carried)) = checksums(&bytes) else {
        return Ok(Err(format!(
            "{shown} is not a ledger file any more (it does not end with its checksum); it was altered since it was written"
        )));
    };
    if want != carried {
        return Ok(Err(format!(
            "{shown} was altered since it was written (its checksum does not match its bytes)"
        )));
    }
    let stored: Stored = match serde_json::from_slice(&bytes) {
        Ok(s) => s,
        Err(e) => {
            return Ok(Err(format!(
                "{shown} is not a ledger file any more ({e}); it was altered since it was written"
            )))
        }
    };
    if stored.checksum != carried {
        return Ok(Err(format!(
            "{shown} was altered since it was written (two checksums)"
        )));
    }
    if stored.record.format != FORMAT {
        return Ok(Err(format!(
            "{shown}: unknown ledger format `{}`",
            stored.record.format
        )));
    }
    if stored.record.period != stem {
        return Ok(Err(format!(
            "{shown} records period {}, not {stem}: the file was renamed",
            stored.record.period
        )));
    }
    Ok(Ok(Entry {
        path,
        record: stored.record,
        sha256: sha256(&bytes),
        headed: stored.head.is_some(),
    }))
}

/// Reads every file of the ledger folder and verifies each, the chain and
/// the head, collecting every break. A folder that does not exist is an
/// empty ledger.
pub fn inspect(dir: &Path) -> Result<Inspection> {
    let mut ledger = Ledger {
        dir: dir.to_path_buf(),
        ..Ledger::default()
    };
    let mut problems = Vec::new();
    if !dir.exists() {
        return Ok(Inspection {
            ledger,
            problems,
            records: Vec::new(),
        });
    }
    let mut head_bytes = None;
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut paths = Vec::new();
    for e in rd {
        paths.push(e.map_err(|e| Error::io(dir, e))?.path());
    }
    // Sorted, so the problems are listed in the same order every time.
    paths.sort();
    for path in paths {
        let name = file_name(&path);
        if crate::fsutil::is_leftover(&name) {
            ledger.leftovers.push(path);
            continue;
        }
        if name == HEAD_FILE {
            head_bytes = Some(std::fs::read(&path).map_err(|e| Error::io(&path, e))?);
            continue;
        }
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        if stem != "opening" && Period::parse(stem).is_none() {
            continue;
        }
        match read_entry(path, stem)? {
            Ok(e) => ledger.entries.push(e),
            Err(p) => problems.push(p),
        }
    }
    let entries = &mut ledger.entries;
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
            problems.push(format!(
                "{} does not follow {}: a ledger file was altered, removed or added by hand",
                entries[i].path.display(),
                want.map(|w| w.path.display().to_string())
                    .unwrap_or_else(|| "nothing".into())
            ));
        }
    }
    let (status, problem) = head::check(dir, head_bytes.as_deref(), &ledger.entries);
    ledger.head = status;
    problems.extend(problem);
    Ok(Inspection {
        ledger,
        problems,
        records: Vec::new(),
    })
}

/// Reads the ledger and verifies it; the first break is refused (exit 3).
pub fn read(dir: &Path) -> Result<Ledger> {
    let i = inspect(dir)?;
    match i.problems.into_iter().next() {
        Some(p) => Err(refused(p)),
        None => Ok(i.ledger),
    }
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

/// Takes the ledger's lock at once, or says it is busy (exit 75).
pub fn lock(dir: &Path) -> Result<Lock> {
    lock_within(dir, std::time::Duration::ZERO)
}

/// How often a waiting run tries the lock again.
const LOCK_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// Takes the ledger's lock, waiting up to `wait` for another run to
/// release it (`--wait SECONDS`); still held then, the ledger is busy:
/// `Error::Busy`, exit 75, a temporary state a batch job retries, unlike a
/// refusal (exit 3).
pub fn lock_within(dir: &Path, wait: std::time::Duration) -> Result<Lock> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(".lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    let deadline = std::time::Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                let now = std::time::Instant::now();
                if now >= deadline {
                    return Err(Error::Busy(format!(
                        "{} is held by another run{}; try again when it has finished (exit 75), \
                         or wait for it with --wait SECONDS",
                        path.display(),
                        if wait.is_zero() {
                            String::new()
                        } else {
                            format!(" (waited {} s)", wait.as_secs_f64())
                        }
                    )));
                }
                std::thread::sleep(LOCK_POLL.min(deadline - now));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
    }
}

/// Refuses `period` unless it is the next one to close: after the last
/// closed period (or the opening), not closed already. Checked before a
/// close writes anything, and again by `append` under the lock.
pub fn check_next(ledger: &Ledger, period: &str) -> Result<()> {
    let Some(last) = ledger.last() else {
        return Ok(());
    };
    if period == "opening" {
        return Err(refused(
            "the ledger already has entries; opening balances start an empty ledger".into(),
        ));
    }
    if let Some(e) = ledger.entries.iter().find(|e| e.record.period == period) {
        return Err(refused(format!(
            "{period} is already closed ({})",
            e.path.display()
        )));
    }
    if let (Some(new), Some(old_end)) = (Period::parse(period), last.end()) {
        if new.first_day() <= old_end {
            return Err(refused(format!(
                "{period} is not after the last closed period {} ({}): periods close in order, once",
                last.record.period,
                last.path.display()
            )));
        }
    }
    Ok(())
}

/// Removes the temporary files an interrupted write left in the ledger
/// folder; the caller holds the lock, so none is being written. Returns
/// what was removed, for the message.
pub fn clean_leftovers(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(removed),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for e in rd {
        let p = e.map_err(|e| Error::io(dir, e))?.path();
        if !crate::fsutil::is_leftover(&file_name(&p)) {
            continue;
        }
        match std::fs::remove_file(&p) {
            Ok(()) => removed.push(p),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&p, e)),
        }
    }
    removed.sort();
    Ok(removed)
}

/// Appends `record` as the next file of the ledger, then moves the head to
/// it. The caller holds the lock and has read the ledger under it.
pub fn append(ledger: &Ledger, mut record: PeriodRecord) -> Result<PathBuf> {
    check_next(ledger, &record.period)?;
    let name = format!("{}.json", record.period);
    let path = ledger.dir.join(&name);
    if path.exists() {
        return Err(refused(format!("{} already exists", path.display())));
    }
    record.previous = ledger.last().map(|e| super::Link {
        file: file_name(&e.path),
        sha256: e.sha256.clone(),
    });
    // The head first names the ledger as it is (a first head for an older
    // ledger, or one brought forward past an interrupted close), so that a
    // kill after the period file below leaves it exactly one behind.
    if !matches!(ledger.head, HeadStatus::Current(_)) {
        head::write_current(&ledger.dir, &ledger.entries)?;
    }
    let bytes = render(&record);
    crate::fsutil::write_atomic(&path, &bytes)?;
    crate::fsutil::crash_point("before-head");
    let files = ledger.entries.len() + 1;
    head::write(&ledger.dir, &record.period, &name, &sha256(&bytes), files)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> PeriodRecord {
        PeriodRecord {
            format: FORMAT.into(),
            period: "2026-Q1".into(),
            as_of: None,
            previous: None,
            statements: Vec::new(),
            payments: None,
            payouts: Vec::new(),
            state: State::default(),
            disputes: None,
        }
    }

    #[test]
    fn the_checksum_covers_the_exact_bytes() {
        let bytes = render(&record());
        let (want, carried) = checksums(&bytes).unwrap();
        assert_eq!(want, carried);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("\"head\": \"head.json\""), "{text}");
        // One space more anywhere is another file.
        let spaced = text.replacen("\": ", "\":  ", 1);
        let (want, carried) = checksums(spaced.as_bytes()).unwrap();
        assert_ne!(want, carried);
        // A file that does not end with its checksum is not a ledger file.
        assert!(checksums(&bytes[..bytes.len() - 1]).is_none());
    }

    #[test]
    fn files_written_before_the_head_record_verify_unchanged() {
        // As the earlier version wrote them: the record's pretty JSON, then
        // its checksum as the last member.
        let body = serde_json::to_string_pretty(&record()).unwrap();
        let sum = sha256(body.as_bytes());
        let legacy = format!(
            "{},\n  \"checksum\": \"{sum}\"\n}}\n",
            body.strip_suffix("\n}").unwrap()
        );
        let (want, carried) = checksums(legacy.as_bytes()).unwrap();
        assert_eq!(want, carried);
        let stored: Stored = serde_json::from_str(&legacy).unwrap();
        assert!(stored.head.is_none());
    }
}
