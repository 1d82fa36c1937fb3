//! Loading the inputs once for every command: agreements, exchange rates,
//! events and statements (and aggregates), every problem collected in file
//! order, statement paths written as outputs write them, and the same bytes
//! given twice refused.

use super::options::{global, Common};
use super::path_names::names;
use super::problems::{print_warnings, problems};
use royalty::agreement::Agreement;
use royalty::diag::{Diagnostic, Error, Problem, Result};
use royalty::fx::FxTable;
use royalty::import::FileOutcome;
use royalty::paths::{absolute, Names};
use royalty::project::Settings;
use royalty::statement::Revenue;
use std::path::Path;

/// Everything a computation needs, loaded and validated.
pub struct Loaded {
    pub settings: Settings,
    pub agreements: Vec<Agreement>,
    pub fx: FxTable,
    pub events: Vec<royalty::events::Event>,
    pub revenue: Revenue,
    pub outcomes: Vec<FileOutcome>,
    /// Each statement file's own sums (only when `LoadOptions::per_file`).
    pub per_file: royalty::load::FileSums,
    /// Warnings and errors of every file, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The problems of the inputs, as data: what every JSON document lists
    /// (warnings, since an error stops the command first).
    pub fn problems(&self) -> Vec<Problem> {
        problems(&self.diagnostics)
    }
}

/// What a command needs loaded.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    pub require_statements: bool,
    pub keep_unmatched: bool,
    /// Keep sums per territory (`aggregate`).
    pub by_territory: bool,
    /// Keep each file's own sums (`reconcile`).
    pub per_file: bool,
    /// The output needs the lines no agreement covers only as totals per
    /// currency (`run` as JSON or CSV): they are summed so, not per key
    /// (docs/scaling.md, "Memory").
    pub sum_unmatched: bool,
}

/// Loads agreements, fx and statements, collecting every problem.
pub fn load(c: &Common, require_statements: bool, keep_unmatched: bool) -> Result<Loaded> {
    load_with(
        c,
        LoadOptions {
            require_statements,
            keep_unmatched,
            ..LoadOptions::default()
        },
    )
}

/// Statement files as written in outputs (the JSON, the ledger, exports).
fn show_files(names: &Names, outcomes: &mut [FileOutcome], revenue: &mut Revenue) {
    for o in outcomes {
        o.summary.path = names.show(&o.summary.path);
    }
    for f in &mut revenue.files {
        f.path = names.show(&f.path);
    }
}

pub fn load_with(c: &Common, o: LoadOptions) -> Result<Loaded> {
    let (require_statements, keep_unmatched) = (o.require_statements, o.keep_unmatched);
    let settings = c.settings()?;
    if settings.agreements.is_empty() {
        return Err(Error::Usage(
            "no agreements: give --agreements PATH or run in a folder with a royalty.toml".into(),
        ));
    }
    if require_statements && settings.statements.is_empty() && c.aggregates.is_empty() {
        return Err(Error::Usage(
            "no statements: give --statements PATH or set `statements` in royalty.toml".into(),
        ));
    }
    let mut diagnostics = Vec::new();
    let (agreements, d) = royalty::load::agreements(&settings.agreements)?;
    diagnostics.extend(d);
    let (fx, d) = royalty::load::fx(settings.fx.as_deref())?;
    diagnostics.extend(d);
    let (events, d) = royalty::load::events(settings.events.as_deref())?;
    diagnostics.extend(d);
    let mut opts = c.import_options(&settings);
    if keep_unmatched || o.sum_unmatched {
        opts.matching = Some(royalty::import::Matching::new(
            agreements
                .iter()
                .flat_map(|a| a.tracks.iter().map(|t| t.isrc)),
            keep_unmatched,
        ));
    }
    let (mut revenue, mut outcomes, mut per_file, folders) =
        royalty::load::statements_by_file(&settings.statements, &opts, o.by_territory, o.per_file)?;
    diagnostics.extend(folders);
    let names = names();
    show_files(&names, &mut outcomes, &mut revenue);
    for (path, _, _) in &mut per_file {
        *path = names.show(path);
    }
    for path in &c.aggregates {
        let (files, d) = royalty::load::aggregate(&absolute(path), &mut revenue)?;
        diagnostics.extend(d);
        outcomes.extend(files.into_iter().map(|summary| FileOutcome {
            summary,
            ..FileOutcome::default()
        }));
    }
    revenue.sort_files();
    for o in &outcomes {
        diagnostics.extend(o.diagnostics.iter().cloned());
    }
    if !c.allow_duplicate {
        diagnostics.extend(same_totals(&outcomes));
    }
    if global().strict {
        royalty::diag::promote_warnings(&mut diagnostics);
    }
    if !c.allow_duplicate {
        refuse_duplicates(&outcomes)?;
    }
    Ok(Loaded {
        settings,
        agreements,
        fx,
        events,
        revenue,
        outcomes,
        per_file,
        diagnostics,
    })
}

/// The same bytes given twice would count the same money twice (a label's fear:
/// "a period paid twice"): refused unless `--allow-duplicate`.
fn refuse_duplicates(outcomes: &[FileOutcome]) -> Result<()> {
    let mut seen: std::collections::HashMap<&str, &Path> = std::collections::HashMap::new();
    for o in outcomes {
        if o.summary.lines == 0 {
            continue;
        }
        if let Some(first) = seen.insert(&o.summary.sha256, &o.summary.path) {
            return Err(Error::Ledger(format!(
                "{} has the same bytes as {} (SHA-256 {}): the same statement twice would count its money twice; \
                 pass --allow-duplicate if that is really meant",
                o.summary.path.display(),
                first.display(),
                o.summary.sha256
            )));
        }
    }
    Ok(())
}

/// A warning for each statement whose lines, units and amounts per
/// currency are exactly those of another with different bytes: the same
/// statement re-saved (line endings, a byte-order mark, quoting) would
/// otherwise be counted twice without a word, as the duplicate check above
/// compares bytes. Two real statements can agree to the last digit, so it
/// is a warning (an error under `--strict`), not a refusal.
fn same_totals(outcomes: &[FileOutcome]) -> Vec<Diagnostic> {
    let mut seen: Vec<&royalty::statement::FileSummary> = Vec::new();
    let mut out = Vec::new();
    for o in outcomes {
        let s = &o.summary;
        if s.lines == 0 {
            continue;
        }
        let twin = seen
            .iter()
            .find(|t| t.sha256 != s.sha256 && t.lines == s.lines && t.totals == s.totals);
        match twin {
            Some(t) => out.push(
                Diagnostic::warning(
                    &s.path,
                    0,
                    0,
                    format!(
                        "{} lines with exactly the units and amounts of {} (different bytes: the same statement saved twice?); \
                         both are counted: remove one, or pass --allow-duplicate if they are two statements",
                        s.lines,
                        t.path.display()
                    ),
                )
                .with_code("statement.same-totals"),
            ),
            None => seen.push(s),
        }
    }
    out
}

/// Loads only the agreements (for commands that need no statements:
/// `credits`, `describe`); any problem in them is an input error (exit 1).
pub fn load_agreements(c: &Common) -> Result<(Settings, Vec<Agreement>)> {
    let settings = c.settings()?;
    if settings.agreements.is_empty() {
        return Err(Error::Usage(
            "no agreements: give --agreements PATH or run in a folder with a royalty.toml".into(),
        ));
    }
    let (agreements, mut d) = royalty::load::agreements(&settings.agreements)?;
    if global().strict {
        royalty::diag::promote_warnings(&mut d);
    }
    royalty::diag::fail_on_errors(&d)?;
    print_warnings(&d);
    Ok((settings, agreements))
}
