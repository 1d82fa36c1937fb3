//! `royalty ledger open FILE`: start a ledger from opening balances, as a
//! label moving over from spreadsheets states them (docs/ledger.md);
//! `royalty ledger verify`: check the chain and the head (docs/ledger.md).

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
}

pub fn exec(a: Args) -> Result<u8> {
    match a.action {
        Action::Verify { common } => {
            let dir = ledger_dir(&common.settings()?);
            let mut inspection = store::inspect(&dir)?;
            // The dispute register is part of the ledger: its chain and the
            // closed periods' anchors into it.
            let (line, problems) = royalty::ledger::disputes::file::inspect(&inspection.ledger);
            inspection.records.push(line);
            inspection.problems.extend(problems);
            royalty::fsutil::write_stdout(inspection.text())?;
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
                opening::parse(&text, &file, &loaded.agreements).map_err(Error::Input)?;
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
                    "{} already holds closed periods; opening balances start an empty ledger",
                    dir.display()
                )));
            }
            let record = PeriodRecord {
                format: FORMAT.to_string(),
                period: "opening".into(),
                as_of: Some(as_of),
                previous: None,
                statements: Vec::new(),
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
