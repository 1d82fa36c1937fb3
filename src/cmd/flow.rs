//! `royalty flow AGREEMENT [--period P] [--format mermaid|dot|svg]`: the
//! agreement's waterfall as a flowchart (docs/commands.md). Wiring only:
//! `royalty::report::flow` builds and draws it. Without a period only the
//! agreements are read; with one, the period is computed exactly as `run`
//! computes it and its figures go on the edges.

use super::common::{load_agreements, prepare, print_warnings, Common};
use royalty::diag::{Error, Result};
use royalty::report::flow::{self, FlowFormat};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The agreement's id.
    #[arg(value_name = "AGREEMENT_ID")]
    pub id: String,
    #[command(flatten)]
    pub common: Common,
    /// mermaid, dot or svg (default: svg into a file, mermaid otherwise).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<FlowFormat>,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn exec(a: Args) -> Result<u8> {
    let format = a.format.unwrap_or(match &a.output {
        Some(p) if p.extension().is_some_and(|e| e == "svg") => FlowFormat::Svg,
        Some(p) if p.extension().is_some_and(|e| e == "dot" || e == "gv") => FlowFormat::Dot,
        _ => FlowFormat::Mermaid,
    });
    super::common::check_outputs(&[a.output.as_deref()])?;
    // A period only from the flag: the project's default period would turn
    // every chart of the terms into one period's.
    let text = if a.common.period.is_some() {
        let prepared = prepare(&a.common, false)?;
        print_warnings(&prepared.loaded.diagnostics);
        let agreements = &prepared.loaded.agreements;
        let ai = find(agreements, &a.id)?;
        let result = prepared.compute()?;
        let ar = result
            .agreement(ai)
            .ok_or_else(|| Error::Invariant(format!("no result for `{}`", a.id)))?;
        let fig = flow::Figures {
            result: &result,
            agreement: ar,
        };
        flow::render(&flow::build(&agreements[ai], Some(&fig)), format)
    } else {
        let (_, agreements) = load_agreements(&a.common)?;
        let ai = find(&agreements, &a.id)?;
        flow::render(&flow::build(&agreements[ai], None), format)
    };
    super::common::OutputArgs {
        format: None,
        output: a.output,
    }
    .emit(&text)?;
    Ok(0)
}

fn find(agreements: &[royalty::agreement::Agreement], id: &str) -> Result<usize> {
    agreements.iter().position(|x| x.id == id).ok_or_else(|| {
        let ids: Vec<&str> = agreements.iter().map(|x| x.id.as_str()).collect();
        Error::Usage(format!(
            "no agreement `{id}`; the agreements are: {}",
            ids.join(", ")
        ))
    })
}
