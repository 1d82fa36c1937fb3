//! `royalty check`: validate every input and list every problem with its
//! place; exit 1 if there is any (docs/commands.md). With a period, it also
//! computes it as `run` does, from the same ledger and with the same
//! refusals (exit 3), so it never passes what `run` refuses.
//! `--format json` gives the problems as data (`royalty.check/1`,
//! docs/problems.md).

use super::common::{
    check_consumed, check_reproduced, ledger_dir, leftovers, load, read_register, Common,
};
use royalty::diag::{Diagnostic, Result};
use royalty::engine::{compute, Input};
use royalty::report::Format;
use serde::Serialize;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// table (default: the problems as text on standard error, a summary
    /// on standard output) or json (`royalty.check/1` on standard output).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write the JSON here (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `royalty.check/1`: what was checked and every problem found.
#[derive(Serialize)]
struct CheckJson {
    /// No error (warnings allowed, unless `--strict`).
    ok: bool,
    /// The period given (`--period` or royalty.toml), null without one.
    period: Option<royalty::period::Period>,
    /// Was the period computed too (a period given, the inputs clean)?
    computed: bool,
    agreements: usize,
    statements: Vec<StatementJson>,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct StatementJson {
    file: String,
    format: String,
    sha256: String,
    lines: u64,
}

pub fn exec(a: Args) -> Result<u8> {
    let format = a.format.unwrap_or(Format::Table);
    if format == Format::Csv {
        return Err(royalty::diag::Error::Usage(
            "check writes text (--format table) or json".into(),
        ));
    }
    let output = super::common::file_or_stdout(a.output.as_deref());
    super::common::check_outputs_of(&a.common, &[output], &[])?;
    let loaded = load(&a.common, false, false)?;
    let mut diags = loaded.diagnostics.clone();
    // With a period and clean inputs, compute it too: that finds missing
    // exchange rates, which only the period's dates can tell.
    let computed = match (loaded.settings.period, loaded.has_errors()) {
        (Some(period), false) => {
            let ledger = royalty::ledger::store::read(&ledger_dir(&loaded.settings))?;
            let mut left = leftovers(&ledger.leftovers);
            if super::common::global().strict {
                royalty::diag::promote_warnings(&mut left);
            }
            diags.extend(left);
            check_consumed(&ledger, period, &loaded.outcomes, a.common.allow_duplicate)?;
            let (opening, _) = ledger.state_before(period);
            let (_, disputes) = read_register(&ledger, period)?;
            let revenue = loaded.revenue.sorted();
            let releases = loaded.revenue.sorted_releases();
            let r = compute(&Input {
                period,
                agreements: &loaded.agreements,
                revenue: &revenue,
                releases: &releases,
                files: &loaded.revenue.files,
                fx: &loaded.fx,
                opening: &opening,
                events: &loaded.events,
                disputes: &disputes,
            });
            match r.map_err(|e| royalty::diag::Input::Run.classify_error(e)) {
                Err(royalty::diag::Error::Input(d)) => diags.extend(d),
                Err(e) => return Err(e),
                Ok(r) => check_reproduced(&ledger, &r, &loaded.agreements)?,
            }
            Some(period)
        }
        _ => None,
    };
    for d in &diags {
        if d.is_error() {
            say!("{d}");
        } else {
            note!("{d}");
        }
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        say!(
            "{errors} problem{} found",
            if errors == 1 { "" } else { "s" }
        );
    }
    let text = if format == Format::Json {
        royalty::report::document::render(
            "check",
            &CheckJson {
                ok: errors == 0,
                period: loaded.settings.period,
                computed: computed.is_some(),
                agreements: loaded.agreements.len(),
                statements: loaded
                    .revenue
                    .files
                    .iter()
                    .map(|f| StatementJson {
                        file: f.path.display().to_string(),
                        format: f.format.clone(),
                        sha256: f.sha256.clone(),
                        lines: f.lines,
                    })
                    .collect(),
                errors,
                warnings,
            },
            &super::common::problems(&diags),
        )
    } else if errors > 0 {
        String::new()
    } else {
        summary(&loaded, &diags)
    };
    match output {
        Some(p) if !text.is_empty() => royalty::fsutil::write_atomic(p, text.as_bytes())?,
        _ => royalty::fsutil::write_stdout(&text)?,
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

/// The line `check` prints when all is well.
fn summary(loaded: &super::common::Loaded, diags: &[Diagnostic]) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let lines: u64 = loaded.revenue.files.iter().map(|f| f.lines).sum();
    format!(
        "ok: {} agreement{}, {} statement file{} ({} lines){}\n",
        loaded.agreements.len(),
        plural(loaded.agreements.len()),
        loaded.revenue.files.len(),
        plural(loaded.revenue.files.len()),
        lines,
        if diags.iter().any(|d| !d.is_error()) {
            ", with warnings"
        } else {
            ""
        }
    )
}
