//! `royalty formats [NAME]`: the statement import profiles it knows (the
//! built-ins, the canonical CSV among them, and the project's `profiles/`),
//! or one profile in full, as TOML a user can copy and adapt (docs/formats.md,
//! "Profile TOML schema").
//! `royalty formats draft FILE` proposes a profile for a layout none fits.

use super::common::Common;
use royalty::diag::{Error, Result};
use std::fmt::Write;
use std::path::PathBuf;

/// Only the project file is read (for its profiles): the other shared
/// flags are accepted but left out of the help.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
#[command(mut_arg("agreements", |a| a.hide(true)), mut_arg("statements", |a| a.hide(true)), mut_arg("ledger", |a| a.hide(true)), mut_arg("fx", |a| a.hide(true)), mut_arg("events", |a| a.hide(true)), mut_arg("period", |a| a.hide(true)), mut_arg("profile", |a| a.hide(true)), mut_arg("sheet", |a| a.hide(true)), mut_arg("allow_duplicate", |a| a.hide(true)), mut_arg("aggregates", |a| a.hide(true)), mut_arg("threads", |a| a.hide(true)))]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Show this profile in full.
    pub name: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Propose a profile for a statement no profile fits, to check and save
    /// in profiles/ (it is never used until saved there).
    Draft {
        /// The statement.
        file: PathBuf,
        /// Write the draft here (whole or not at all) instead of printing it.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

pub fn exec(a: Args) -> Result<u8> {
    if let Some(Action::Draft { file, output }) = &a.action {
        let output = &super::common::file_or_stdout(output.as_deref()).map(PathBuf::from);
        super::common::check_outputs_of(&a.common, &[output.as_deref()], &[file])?;
        let text = royalty::import::draft::draft(file).map_err(|m| {
            Error::Input(vec![
                royalty::diag::Diagnostic::error(file, 0, 0, m).with_code("statement.invalid")
            ])
        })?;
        match output {
            Some(p) => royalty::fsutil::write_atomic(p, text.as_bytes())?,
            None => royalty::fsutil::write_stdout(&text)?,
        }
        return Ok(0);
    }
    let settings = a.common.settings()?;
    let opts = a.common.import_options(&settings);
    let mut out = String::new();
    match &a.name {
        Some(name) => {
            let p = royalty::import::find_profile(&opts, name)?;
            out.push_str(&royalty::import::describe(&p));
        }
        None => {
            let profiles = royalty::import::profiles(&opts)?;
            let width = profiles.iter().map(|p| p.name.len()).max().unwrap_or(0);
            for p in &profiles {
                let _ = writeln!(out, "{:width$}  {} ({})", p.name, p.description, p.origin);
            }
            let _ = writeln!(
                out,
                "\n`royalty formats NAME` shows one in full; copy it into profiles/ to adapt it.\n\
                 `royalty formats draft FILE` proposes one for a statement none fits."
            );
        }
    }
    royalty::fsutil::write_stdout(&out)?;
    Ok(0)
}
