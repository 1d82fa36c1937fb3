//! `royalty describe AGREEMENT_ID`: an agreement in plain language with a
//! worked example (docs/commands.md). Wiring only: `royalty::report::describe` writes
//! the text and runs the engine on sample numbers. An unknown id is a usage
//! error (exit 2), listing the ids there are.

use super::common::{load_agreements, Common, OutputArgs};
use royalty::diag::{Error, Result};
use royalty::report::describe;

/// Only the project, the agreements and the period are read: the other
/// shared flags are accepted (command lines that worked keep working) but
/// left out of the help.
#[derive(clap::Args, Debug)]
#[command(mut_arg("statements", |a| a.hide(true)), mut_arg("ledger", |a| a.hide(true)), mut_arg("fx", |a| a.hide(true)), mut_arg("events", |a| a.hide(true)), mut_arg("profile", |a| a.hide(true)), mut_arg("sheet", |a| a.hide(true)), mut_arg("allow_duplicate", |a| a.hide(true)), mut_arg("aggregates", |a| a.hide(true)), mut_arg("threads", |a| a.hide(true)))]
pub struct Args {
    /// The agreement's id.
    #[arg(value_name = "AGREEMENT_ID")]
    pub id: String,
    #[command(flatten)]
    pub common: Common,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

pub fn exec(a: Args) -> Result<u8> {
    super::common::check_outputs_of(
        &a.common,
        &[super::common::file_or_stdout(a.output.as_deref())],
        &[],
    )?;
    let (settings, agreements) = load_agreements(&a.common)?;
    let Some(ag) = agreements.iter().find(|x| x.id == a.id) else {
        let ids: Vec<&str> = agreements.iter().map(|x| x.id.as_str()).collect();
        return Err(Error::Usage(format!(
            "no agreement `{}`; the agreements are: {}",
            a.id,
            ids.join(", ")
        )));
    };
    let text = describe::text(ag, settings.period)?;
    let out = OutputArgs {
        format: None,
        output: a.output,
    };
    out.emit(&text)?;
    Ok(0)
}
