//! Loaders: files -> model. Thin I/O around the pure parsers, collecting
//! every problem of every file before giving up (docs/commands.md, exit
//! codes). Every problem leaves here with its code (docs/problems.md): the
//! reader's own, or the input's default.

use crate::agreement::{load_agreements, Agreement};
use crate::diag::{Diagnostic, Error, Input, Result};
use crate::fx::{parse_fx, FxTable};
use crate::import::{read_file, FileOutcome, ImportOptions};
use crate::project::expand;
use crate::statement::Revenue;
use std::path::{Path, PathBuf};

pub const STATEMENT_EXTENSIONS: [&str; 6] = [".csv", ".tsv", ".txt", ".gz", ".xlsx", ".xls"];

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::one(Diagnostic::error(
            path,
            0,
            0,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

/// Reads agreement files and folders (all `*.toml` inside).
pub fn agreements(paths: &[PathBuf]) -> Result<(Vec<Agreement>, Vec<Diagnostic>)> {
    agreements_of(paths).map_err(|e| Input::Agreement.classify_error(e))
}

fn agreements_of(paths: &[PathBuf]) -> Result<(Vec<Agreement>, Vec<Diagnostic>)> {
    let files = expand(paths, &[".toml"])?;
    let mut texts = Vec::with_capacity(files.len());
    let mut diags = Vec::new();
    for f in files {
        match read_text(&f) {
            Ok(t) => texts.push((f, t)),
            Err(Error::Input(d)) => diags.extend(d),
            Err(e) => return Err(e),
        }
    }
    let (a, d) = load_agreements(&texts);
    diags.extend(d);
    Input::Agreement.classify(&mut diags);
    Ok((a, diags))
}

pub fn fx(path: Option<&Path>) -> Result<(FxTable, Vec<Diagnostic>)> {
    match path {
        None => Ok((FxTable::default(), Vec::new())),
        Some(p) => {
            let text = read_text(p).map_err(|e| Input::Fx.classify_error(e))?;
            let (fx, mut d) = parse_fx(&text, p);
            Input::Fx.classify(&mut d);
            Ok((fx, d))
        }
    }
}

/// Adds an aggregate file (`royalty aggregate`) into `revenue`; returns the
/// statement files it summarises.
pub fn aggregate(
    path: &Path,
    revenue: &mut Revenue,
) -> Result<(Vec<crate::statement::FileSummary>, Vec<Diagnostic>)> {
    let text = read_text(path).map_err(|e| Input::Aggregate.classify_error(e))?;
    let before = revenue.files.len();
    let mut d = crate::import::aggregate::read(&text, path, revenue);
    Input::Aggregate.classify(&mut d);
    Ok((revenue.files[before..].to_vec(), d))
}

pub fn events(path: Option<&Path>) -> Result<(Vec<crate::events::Event>, Vec<Diagnostic>)> {
    match path {
        None => Ok((Vec::new(), Vec::new())),
        Some(p) => {
            let text = read_text(p).map_err(|e| Input::Events.classify_error(e))?;
            let (events, mut d) = crate::events::parse_events(&text, p);
            Input::Events.classify(&mut d);
            Ok((events, d))
        }
    }
}

/// Reads every statement into one `Revenue`, files in path order.
pub fn statements(
    paths: &[PathBuf],
    opts: &ImportOptions,
    by_territory: bool,
) -> Result<(Revenue, Vec<FileOutcome>)> {
    let (revenue, outcomes, _) = statements_by_file(paths, opts, by_territory, false)?;
    Ok((revenue, outcomes))
}

/// Each file's own sums, for reconciliation per file: its revenue keys,
/// and its release rows (apportioned to tracks by the engine).
pub type FileSums = Vec<(
    PathBuf,
    Vec<(crate::statement::Key, crate::statement::Sums)>,
    Vec<(crate::statement::ReleaseKey, crate::statement::Sums)>,
)>;

/// Reads every statement into one `Revenue`; with `per_file`, also each
/// file's own sums (what `reconcile` splits into matched, unmatched and
/// out of term per file; it costs one more pass over the sums).
pub fn statements_by_file(
    paths: &[PathBuf],
    opts: &ImportOptions,
    by_territory: bool,
    per_file: bool,
) -> Result<(Revenue, Vec<FileOutcome>, FileSums)> {
    let files = expand(paths, &STATEMENT_EXTENSIONS)?;
    let mut revenue = Revenue {
        by_territory,
        ..Revenue::default()
    };
    let mut outcomes = Vec::with_capacity(files.len());
    let mut sums = Vec::new();
    for f in files {
        let read = if per_file {
            let mut own = Revenue {
                by_territory,
                ..Revenue::default()
            };
            let read = read_file(&f, opts, &mut own)?;
            // A container of several statements is summed as one: it is
            // reconciled as a whole, not split per member.
            if let [one] = read.as_slice() {
                sums.push((
                    one.summary.path.clone(),
                    own.sorted(),
                    own.sorted_releases(),
                ));
            }
            revenue.merge(own);
            read
        } else {
            read_file(&f, opts, &mut revenue)?
        };
        for mut o in read {
            Input::Statement.classify(&mut o.diagnostics);
            revenue.files.push(o.summary.clone());
            outcomes.push(o);
        }
    }
    revenue.sort_files();
    Ok((revenue, outcomes, sums))
}
