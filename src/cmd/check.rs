//! `royalty check`: validate every input and list every problem with its
//! place; exit 1 if there is any (docs/commands.md). With a period, it also
//! computes it as `run` does, from the same ledger and with the same
//! refusals (exit 3), so it never passes what `run` refuses.

use super::common::{check_consumed, check_reproduced, ledger_dir, load, read_register, Common};
use royalty::diag::{Diagnostic, Result};
use royalty::engine::{compute, Input};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn exec(a: Args) -> Result<u8> {
    let loaded = load(&a.common, false, false)?;
    let mut diags = loaded.diagnostics.clone();
    // With a period and clean inputs, compute it too: that finds missing
    // exchange rates, which only the period's dates can tell.
    if let (Some(period), false) = (loaded.settings.period, loaded.has_errors()) {
        let ledger = royalty::ledger::store::read(&ledger_dir(&loaded.settings))?;
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
        match r {
            Err(royalty::diag::Error::Input(d)) => diags.extend(d),
            Err(e) => return Err(e),
            Ok(r) => check_reproduced(&ledger, &r, &loaded.agreements)?,
        }
    }
    for d in &diags {
        say!("{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        say!(
            "{errors} problem{} found",
            if errors == 1 { "" } else { "s" }
        );
        return Ok(1);
    }
    let lines: u64 = loaded.revenue.files.iter().map(|f| f.lines).sum();
    royalty::fsutil::write_stdout(format!(
        "ok: {} agreement{}, {} statement file{} ({} lines){}\n",
        loaded.agreements.len(),
        if loaded.agreements.len() == 1 {
            ""
        } else {
            "s"
        },
        loaded.revenue.files.len(),
        if loaded.revenue.files.len() == 1 {
            ""
        } else {
            "s"
        },
        lines,
        if diags.iter().any(|d: &Diagnostic| !d.is_error()) {
            ", with warnings"
        } else {
            ""
        }
    ))?;
    Ok(0)
}
