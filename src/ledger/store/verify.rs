//! `royalty ledger verify`: the chain of the ledger, file by file, for an
//! auditor or a batch job: each file's checksum (of its exact bytes), the
//! link to the file before it, the head record; every break is listed, and
//! any break makes the command exit 3.

use super::{HeadStatus, Inspection};
use std::fmt::Write;

impl Inspection {
    /// Is the ledger whole: every file verified, the chain and head agree?
    pub fn is_whole(&self) -> bool {
        self.problems.is_empty()
    }

    /// The report, one line per file, then the head and the verdict.
    pub fn text(&self) -> String {
        let l = &self.ledger;
        let mut o = String::new();
        let _ = writeln!(o, "ledger {}", l.dir.display());
        for (i, e) in l.entries.iter().enumerate() {
            let what = match &e.record.as_of {
                Some(d) if e.is_opening() => format!("opening balances as of {d}"),
                _ => format!("period {}", e.record.period),
            };
            let link = match i.checked_sub(1) {
                Some(j) => format!("follows {}", l.entries[j].file_name()),
                None => "first".into(),
            };
            let _ = writeln!(
                o,
                "  {:<16} {what}, {link}, sha256 {}",
                e.file_name(),
                &e.sha256
            );
        }
        let head = match &l.head {
            HeadStatus::Empty => "no period closed yet".to_string(),
            HeadStatus::Legacy => {
                "none yet (a ledger written before the head record; the next close writes it)"
                    .to_string()
            }
            HeadStatus::Current(h) if h.files == 0 => "no period closed yet".to_string(),
            HeadStatus::Current(h) => format!("{} ({}, {} files)", h.period, h.file, h.files),
            HeadStatus::OneBehind(h) if h.files == 0 => "none yet: the first close was interrupted after writing its period file; the next close writes it".to_string(),
            HeadStatus::OneBehind(h) => format!(
                "{} ({}): one behind, a close was interrupted after writing its period file; the next close brings it forward",
                h.period, h.file
            ),
            HeadStatus::Broken => "does not match the files (below)".to_string(),
        };
        let _ = writeln!(o, "  head: {head}");
        for r in &self.records {
            let _ = writeln!(o, "  {r}");
        }
        for f in &l.leftovers {
            let _ = writeln!(
                o,
                "  warning: {} is a temporary file left by an interrupted write (the next close removes it)",
                f.display()
            );
        }
        for p in &self.problems {
            let _ = writeln!(o, "  BREAK: {p}");
        }
        let n = l.entries.len();
        if self.is_whole() {
            let _ = writeln!(
                o,
                "ok: {n} file{}, each checksum, the chain and the head agree",
                if n == 1 { "" } else { "s" }
            );
        } else {
            let k = self.problems.len();
            let _ = writeln!(o, "broken: {k} problem{}", if k == 1 { "" } else { "s" });
        }
        o
    }
}
