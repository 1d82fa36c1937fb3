//! `royalty ledger open FILE`: start a ledger from opening balances, as a
//! label moving over from spreadsheets states them (docs/ledger.md);
//! `royalty ledger verify`: check the chain and the head (docs/ledger.md);
//! `royalty ledger status`: the closed periods in time order, the last,
//! the next to close and any gap (`royalty::ledger::status`).

use super::common::{ledger_dir, load, Common};
use royalty::diag::{Error, Result};
use royalty::ledger::{opening, store, PeriodRecord, FORMAT};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Start an empty ledger from a TOML file of opening balances.
    Open {
        /// The opening balances (see docs/ledger.md).
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Verify the ledger: each file's checksum, the chain and the head record.
    #[command(
        long_about = "Verify the ledger folder: every period file's checksum (of its exact bytes), \
        that each file follows the one before it (by file name and SHA-256), and the head record \
        (head.json: the last closed period and the SHA-256 of its file), so that a file altered, \
        removed, renamed or replaced (the newest included) is found. Prints the chain, one line per \
        file, and every break; exit 0 when the ledger is whole, 3 on any break. Temporary files \
        left by an interrupted write are reported. The dispute register (disputes.json) is \
        verified too: each event's SHA-256 and its link to the one before, and that every closed \
        period's anchor into it is still there. Changes nothing."
    )]
    Verify {
        #[command(flatten)]
        common: Common,
    },
    /// Where the ledger stands: closed periods in time order, the last one,
    /// the next to close, any gap.
    #[command(
        long_about = "Where the ledger stands: the closed periods in time order (earliest \
        first, whatever their file names), each with its dates, its file, the SHA-256 of that \
        file and its payment file; the last closed period; the next period to close (the one of \
        the same length right after the last, or the project's period after opening balances); \
        and any gap between closed periods. A table (text) on a terminal, JSON otherwise \
        (royalty.ledger-status/1). The ledger is verified first: a broken ledger exits 3. \
        Changes nothing."
    )]
    Status {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        out: super::common::OutputArgs,
    },
}

pub fn exec(a: Args) -> Result<u8> {
    match a.action {
        Action::Status { common, out } => {
            let format = out.format();
            if format == royalty::report::Format::Csv {
                return Err(Error::Usage("ledger status writes table or json".into()));
            }
            out.check(&common, &[])?;
            let settings = common.settings()?;
            let ledger = store::read(&ledger_dir(&settings))?;
            let names = super::common::names();
            let status = royalty::ledger::status::status(
                &ledger,
                &|p| names.show(p).display().to_string(),
                &|p| names.resolve(p),
                settings.period,
            );
            let problems = super::common::leftovers(&ledger.leftovers);
            super::common::print_warnings(&problems);
            let text = match format {
                royalty::report::Format::Json => royalty::report::document::render(
                    "ledger-status",
                    &status,
                    &super::common::problems(&problems),
                ),
                _ => status.text(),
            };
            out.emit(&text)?;
            Ok(0)
        }
        Action::Verify { common } => {
            let dir = ledger_dir(&common.settings()?);
            let mut inspection = store::inspect(&dir)?;
            // The dispute register is part of the ledger: its chain and the
            // closed periods' anchors into it.
            let (line, problems) = royalty::ledger::disputes::file::inspect(&inspection.ledger);
            inspection.records.push(line);
            inspection.problems.extend(problems);
            royalty::fsutil::write_stdout(super::common::for_humans(&inspection.text()))?;
            if inspection.is_whole() {
                Ok(0)
            } else {
                Err(Error::Ledger(format!(
                    "{} is broken: {}",
                    dir.display(),
                    inspection.problems.join("; ")
                )))
            }
        }
        Action::Open { file, common } => {
            let loaded = load(&common, false, false)?;
            if loaded.has_errors() {
                return Err(Error::Input(loaded.diagnostics));
            }
            let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
            let (as_of, state) =
                opening::parse(&text, &file, &loaded.agreements).map_err(|mut d| {
                    royalty::diag::Input::Opening.classify(&mut d);
                    Error::Input(d)
                })?;
            let dir = ledger_dir(&loaded.settings);
            let _lock = super::common::lock_ledger(&dir)?;
            for f in store::clean_leftovers(&dir)? {
                note!(
                    "{}: removed a temporary file left by an interrupted write",
                    f.display()
                );
            }
            let ledger = store::read(&dir)?;
            if !ledger.entries.is_empty() {
                return Err(Error::Ledger(format!(
                    "{} already holds {}; opening balances start an empty ledger",
                    dir.display(),
                    held(&ledger.entries)
                )));
            }
            let record = PeriodRecord {
                format: FORMAT.to_string(),
                period: "opening".into(),
                as_of: Some(as_of),
                previous: None,
                statements: Vec::new(),
                payments: None,
                payouts: Vec::new(),
                state,
                disputes: None,
            };
            let path = store::append(&ledger, record)?;
            note!("opened the ledger in {}", path.display());
            Ok(0)
        }
    }
}

/// What a ledger that refuses a second `ledger open` holds, in words:
/// "opening balances (as of 2025-12-31)", "closed periods (2026-Q1 to
/// 2026-Q2)", or both.
fn held(entries: &[store::Entry]) -> String {
    let mut parts = Vec::new();
    if let Some(o) = entries.iter().find(|e| e.is_opening()) {
        parts.push(match &o.record.as_of {
            Some(d) => format!("opening balances (as of {d})"),
            None => "opening balances".to_string(),
        });
    }
    let periods: Vec<&str> = entries
        .iter()
        .filter(|e| !e.is_opening())
        .map(|e| e.record.period.as_str())
        .collect();
    match periods.as_slice() {
        [] => {}
        [one] => parts.push(format!("the closed period {one}")),
        [first, .., last] => parts.push(format!("closed periods ({first} to {last})")),
    }
    parts.join(" and ")
}
