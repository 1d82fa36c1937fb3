//! `royalty statements`: one statement per party for the period
//! (docs/commands.md), Markdown, print-ready HTML or PDF. Wiring only: the
//! document model and its renderers are in `royalty::report::statement`.
//!
//! With `--output DIR`, one file per party that has a payout row (a party
//! of an agreement with revenue, or holding a balance), named
//! `<agreement>--<party>.md|html|pdf`, all written together (`fsutil::Batch`).
//! With `--party` and no `--output`, the one statement goes to stdout.

use super::common::{prepare, print_warnings, Common};
use royalty::diag::{Error, Result};
use royalty::engine::attribution::Scope;
use royalty::report::explain::resolve_party;
use royalty::report::rows::payout_rows;
use royalty::report::statement::{build, render, Context, DocFormat, Sender};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// md (default), html or pdf.
    #[arg(long, value_name = "FORMAT", default_value = "md")]
    pub format: DocFormat,
    /// Folder to write one statement per party into (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Only this party: AGREEMENT/PARTY, or PARTY when unambiguous.
    #[arg(long, value_name = "AGREEMENT/PARTY")]
    pub party: Option<String>,
    /// The statement date (default: the period's last day; no clock is read).
    /// Not before the period's last day: a statement covers a period
    /// that has ended.
    #[arg(long, value_name = "DATE")]
    pub date: Option<jiff::civil::Date>,
}

/// `--date` is the day the statement is dated and sent (docs/commands.md,
/// "statements"): a day before the period ends would date it before the
/// revenue it reports, and move the objection deadline it prints into the
/// period itself. Refused before anything is read (exit 2).
fn check_date(a: &Args) -> Result<()> {
    let (Some(date), Some(period)) = (a.date, a.common.settings()?.period) else {
        return Ok(());
    };
    let end = period.last_day();
    if date < end {
        return Err(Error::Usage(format!(
            "--date {date} is before the end of {period} ({end}): a statement is dated on or after \
             its period's last day; give --date {end} or later, or leave it out"
        )));
    }
    Ok(())
}

pub fn exec(a: Args) -> Result<u8> {
    if a.output.is_none() && a.party.is_none() {
        return Err(Error::Usage(
            "give --output DIR for every party's statement, or --party to print one".into(),
        ));
    }
    if let Some(dir) = &a.output {
        if dir.as_os_str() == "-" {
            return Err(Error::Usage(
                "statements --output takes a folder; to print one statement, give --party without --output".into(),
            ));
        }
        royalty::fsutil::check_output_dir(dir)?;
    }
    check_date(&a)?;
    let prepared = prepare(&a.common, false)?;
    print_warnings(&prepared.loaded.diagnostics);
    let result = prepared.compute()?;
    let agreements = &prepared.loaded.agreements;
    let by_id: std::collections::HashMap<&str, usize> = agreements
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();
    let chosen: Vec<(usize, usize)> = match &a.party {
        Some(spec) => vec![resolve_party(agreements, spec)?],
        None => payout_rows(&result, agreements)
            .iter()
            .filter_map(|row| {
                let ai = *by_id.get(row.agreement.as_str())?;
                Some((ai, agreements[ai].party_index(&row.party)?))
            })
            .collect(),
    };
    let revenue = prepared.loaded.revenue.sorted();
    // One party's statement needs its agreement's tracks only.
    let scope = match (&a.party, chosen.as_slice()) {
        (Some(_), [(ai, _)]) => Scope::Agreement(*ai),
        _ => Scope::All,
    };
    let tracks = royalty::engine::attribution::tracks(agreements, &revenue, &result, scope)?;
    let sender = prepared.loaded.settings.label.as_ref().map(|l| Sender {
        name: l.name.clone(),
        address: l.address.clone(),
    });
    let cx = Context {
        agreements,
        tracks: &tracks,
        sender: sender.as_ref(),
        date: a.date,
    };
    let doc = |ai: usize, pi: usize| {
        build(&result, &cx, ai, pi).ok_or_else(|| {
            Error::Invariant(format!(
                "no result for {}/{}",
                agreements[ai].id, agreements[ai].parties[pi].id
            ))
        })
    };
    let Some(dir) = &a.output else {
        let (ai, pi) = chosen[0];
        royalty::fsutil::write_stdout(render(a.format, &doc(ai, pi)?))?;
        return Ok(0);
    };
    // File names come from ids (safe names, docs/limits.md) and are joined
    // as one plain name: a statement can never land outside DIR.
    let named: Vec<(usize, usize, String)> = chosen
        .iter()
        .map(|&(ai, pi)| {
            let ag = &agreements[ai];
            let name = format!("{}--{}.{}", ag.id, ag.parties[pi].id, a.format.extension());
            (ai, pi, name)
        })
        .collect();
    let mut names = std::collections::HashSet::new();
    if let Some((_, _, name)) = named.iter().find(|(_, _, n)| !names.insert(n)) {
        return Err(Error::Usage(format!(
            "two statements would both be written to {name}: an agreement id and a party id \
             joined with `--` are ambiguous; rename one"
        )));
    }
    let created = !dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let written = write_all(dir, &named, |ai, pi| Ok(render(a.format, &doc(ai, pi)?)));
    if written.is_err() && created {
        // Nothing was written into it: the folder goes too.
        let _ = std::fs::remove_dir(dir);
    }
    written?;
    note!(
        "wrote {} statement{} into {}",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" },
        dir.display()
    );
    Ok(0)
}

/// Writes one statement per chosen party into `dir` under its name, all
/// or none.
fn write_all(
    dir: &std::path::Path,
    named: &[(usize, usize, String)],
    text: impl Fn(usize, usize) -> Result<Vec<u8>>,
) -> Result<()> {
    let mut files = royalty::fsutil::Batch::new();
    for (ai, pi, name) in named {
        files.add(&royalty::fsutil::join_name(dir, name)?, text(*ai, *pi)?)?;
    }
    files.commit()
}
