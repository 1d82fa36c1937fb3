//! `royalty ledger open FILE`: start a ledger from opening balances, as a
//! label moving over from spreadsheets states them (SPEC 3).

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
}

pub fn exec(a: Args) -> Result<u8> {
    match a.action {
        Action::Open { file, common } => {
            let loaded = load(&common, false, false)?;
            if loaded.has_errors() {
                return Err(Error::Input(loaded.diagnostics));
            }
            let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
            let (as_of, state) =
                opening::parse(&text, &file, &loaded.agreements).map_err(Error::Input)?;
            let dir = ledger_dir(&loaded.settings);
            let _lock = store::lock(&dir)?;
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
            };
            let path = store::append(&ledger, record)?;
            eprintln!("opened the ledger in {}", path.display());
            Ok(0)
        }
    }
}
