//! Options shared by the commands, and turning them (with the project file)
//! into loaded inputs; the options of the whole command line (`--quiet`,
//! `--strict`, `--wait`) and how paths are written (`royalty::paths`).

use royalty::agreement::Agreement;
use royalty::diag::{Diagnostic, Error, Problem, Result};
use royalty::fsutil::Batch;
use royalty::fx::FxTable;
use royalty::import::{FileOutcome, ImportOptions};
use royalty::paths::{absolute, Names};
use royalty::period::Period;
use royalty::project::{read_project, Settings};
use royalty::report::Format;
use royalty::statement::Revenue;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The options of the whole command line, set once by `dispatch`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Global {
    /// `--strict`: warnings are errors.
    pub strict: bool,
    /// `--wait SECONDS`: how long to wait for the ledger lock.
    pub wait: std::time::Duration,
}

static GLOBAL: OnceLock<Global> = OnceLock::new();

pub fn set_global(g: Global) {
    let _ = GLOBAL.set(g);
}

pub fn global() -> Global {
    GLOBAL.get().copied().unwrap_or_default()
}

/// How paths are written: set with the settings (the project's folder),
/// else relative to the current folder.
static NAMES: OnceLock<Names> = OnceLock::new();

pub fn names() -> Names {
    NAMES
        .get()
        .cloned()
        .unwrap_or_else(|| Names::new(Path::new(".")))
}

/// A path as written in outputs and messages (docs/commands.md, "Paths").
pub fn shown(p: &Path) -> PathBuf {
    names().show(p)
}

/// A message for people: paths in the project's folder relative to it.
pub fn for_humans(text: &str) -> String {
    names().text(text)
}

/// Problems as data (docs/problems.md), their files as written.
pub fn problems(d: &[Diagnostic]) -> Vec<Problem> {
    let names = names();
    d.iter()
        .map(|d| {
            let mut p = Problem::from(d);
            p.file = names.show(&d.file).display().to_string();
            p
        })
        .collect()
}

/// Takes the ledger's lock, waiting `--wait` seconds for it (exit 75 when
/// it stays held).
pub fn lock_ledger(dir: &Path) -> Result<royalty::ledger::store::Lock> {
    royalty::ledger::store::lock_within(dir, global().wait)
}

fn parse_period(s: &str) -> std::result::Result<Period, String> {
    Period::parse(s)
        .ok_or_else(|| format!("`{s}` is not a period; expected 2026-03, 2026-Q1, 2026-H1 or 2026"))
}

/// A thread count, 1 to 256 (0: all cores): a count drives allocations and
/// spawns, so it has a bound like every input number (docs/limits.md).
fn parse_threads(s: &str) -> std::result::Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n <= MAX_THREADS => Ok(n),
        _ => Err(format!(
            "`{s}`: expected a number of threads from 1 to {MAX_THREADS}"
        )),
    }
}

const MAX_THREADS: usize = 256;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct Common {
    /// Project file (default: royalty.toml in this folder or the nearest one above).
    #[arg(long, value_name = "FILE")]
    pub project: Option<PathBuf>,
    /// Agreement files or folders (all *.toml inside).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub agreements: Vec<PathBuf>,
    /// Statement files or folders.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub statements: Vec<PathBuf>,
    /// Folder holding the closed periods.
    #[arg(long, value_name = "DIR")]
    pub ledger: Option<PathBuf>,
    /// Exchange rates (date,from,to,rate).
    #[arg(long, value_name = "FILE")]
    pub fx: Option<PathBuf>,
    /// Events: chart positions, deals (date,isrc,kind,value,note).
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// The accounting period: 2026-03, 2026-Q1, 2026-H1 or 2026.
    #[arg(long, value_name = "P", value_parser = parse_period)]
    pub period: Option<Period>,
    /// Import profile for statements (name or TOML file) instead of detecting it.
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,
    /// Sheet of an .xlsx statement (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Accept a statement file whose bytes were already given (or consumed).
    #[arg(long)]
    pub allow_duplicate: bool,
    /// Pre-summed statements written by `royalty aggregate` (or by DuckDB or
    /// Spark, docs/scaling.md), added to the statements exactly.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub aggregates: Vec<PathBuf>,
    /// Threads for reading large statements (default: all cores), 1 to
    /// 256. The result is the same whatever the number.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// Output options of the commands that print results.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// table, csv or json (default: table on a terminal, json otherwise).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write to this file (whole or not at all) instead of standard output
    /// (`-`: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// An output path, or none for `-` (standard output, the usual convention).
pub fn file_or_stdout(p: Option<&Path>) -> Option<&Path> {
    p.filter(|p| p.as_os_str() != "-")
}

impl OutputArgs {
    /// The file `--output` names; none for standard output (no flag, or `-`).
    pub fn file(&self) -> Option<&Path> {
        file_or_stdout(self.output.as_deref())
    }

    pub fn format(&self) -> Format {
        self.format.unwrap_or(
            if self.file().is_none() && std::io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Json
            },
        )
    }

    /// Checks `--output` before the command computes (docs/commands.md,
    /// "Outputs"): a bad path fails the command before anything is written,
    /// and so does an output that is one of the command's inputs.
    pub fn check(&self, c: &Common, inputs: &[&Path]) -> Result<()> {
        check_outputs_of(c, &[self.file()], inputs)
    }

    /// Prints (checked: a failed write is an error), or writes the file
    /// atomically.
    pub fn emit(&self, text: &str) -> Result<()> {
        self.finish(Batch::new(), text)
    }

    /// Writes the command's other files and `--output` together, all or
    /// none; or, without `--output`, the files and then standard output.
    pub fn finish(&self, mut batch: Batch, text: &str) -> Result<()> {
        match self.file() {
            Some(p) => {
                batch.add(p, text)?;
                batch.commit()
            }
            None => {
                batch.commit()?;
                royalty::fsutil::write_stdout(text)
            }
        }
    }
}

/// Checks every output path a command was given, before it computes: each
/// can be written (`fsutil::check_output`), and no two are the same file.
pub fn check_outputs(paths: &[Option<&Path>]) -> Result<()> {
    let mut seen: Vec<royalty::fsutil::Target> = Vec::new();
    for p in paths.iter().flatten() {
        if p.as_os_str() == "-" {
            return Err(Error::Usage(
                "`-` (standard output) is only for --output; give this output a file".into(),
            ));
        }
        let t = royalty::fsutil::check_output(p)?;
        if let Some(other) = seen.iter().find(|o| same_target(&o.path, &t.path)) {
            return Err(Error::Usage(format!(
                "{} and {} are the same file: give each output its own",
                other.given.display(),
                t.given.display()
            )));
        }
        seen.push(t);
    }
    Ok(())
}

/// `check_outputs`, and no output is one of the command's inputs (the
/// project file, agreements, statements, fx, events, profiles, aggregates,
/// and `inputs`, the command's own): writing it would destroy what it is
/// computed from. A usage error (exit 2), before anything is read.
pub fn check_outputs_of(c: &Common, outputs: &[Option<&Path>], inputs: &[&Path]) -> Result<()> {
    check_outputs(outputs)?;
    if outputs.iter().all(Option::is_none) {
        return Ok(());
    }
    let s = c.settings()?;
    let mut all: Vec<PathBuf> = inputs.iter().map(|p| p.to_path_buf()).collect();
    all.extend(s.project.clone());
    all.extend(s.fx.clone());
    all.extend(s.events.clone());
    all.extend(c.aggregates.iter().cloned());
    let listed = |paths: &[PathBuf], exts: &[&str]| {
        royalty::project::expand(paths, exts).unwrap_or_else(|_| paths.to_vec())
    };
    all.extend(listed(&s.agreements, &[".toml"]));
    all.extend(listed(&s.statements, &royalty::load::STATEMENT_EXTENSIONS));
    all.extend(listed(&s.profiles, &[".toml"]));
    for o in outputs.iter().flatten() {
        let target = royalty::fsutil::resolve(o)?;
        for i in &all {
            let input = royalty::fsutil::resolve(i).unwrap_or_else(|_| i.clone());
            if same_target(&target, &input) {
                return Err(Error::Usage(format!(
                    "{} is one of the inputs ({}): writing it would destroy what the command reads; \
                     give the output another file",
                    o.display(),
                    shown(i).display()
                )));
            }
        }
    }
    Ok(())
}

/// Do two output paths name the same file, which may not exist yet (their
/// folders compared as resolved, then their names)?
pub fn same_target(a: &Path, b: &Path) -> bool {
    let folder = |p: &Path| {
        let d = p.parent().filter(|d| !d.as_os_str().is_empty());
        std::fs::canonicalize(d.unwrap_or(Path::new("."))).ok()
    };
    a.file_name() == b.file_name() && folder(a) == folder(b)
}

impl OutputArgs {
    /// How wide a table may be: `COLUMNS` when set (as shells export it),
    /// else the terminal's width when printing to one; `None` (as wide as
    /// the content) into a file or a pipe.
    pub fn table_width(&self) -> Option<u16> {
        if self.output.is_some() {
            return None;
        }
        let env = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok());
        env.filter(|w| *w >= 20).or_else(|| {
            std::io::stdout()
                .is_terminal()
                .then(|| comfy_table::Table::new().width())
                .flatten()
        })
    }
}

impl Common {
    /// The project's settings with this command line's flags over them.
    pub fn settings(&self) -> Result<Settings> {
        let implicit = std::env::current_dir()
            .ok()
            .and_then(|d| royalty::project::find_project(&d));
        let mut s = match (&self.project, implicit) {
            (Some(p), _) => read_project(&absolute(p))?,
            (None, Some(found)) => read_project(&absolute(&found))?,
            (None, None) => Settings::default(),
        };
        if !self.agreements.is_empty() {
            s.agreements = self.agreements.clone();
        }
        if !self.statements.is_empty() {
            s.statements = self.statements.clone();
        }
        if let Some(l) = &self.ledger {
            s.ledger = Some(l.clone());
        }
        if let Some(f) = &self.fx {
            s.fx = Some(f.clone());
        }
        if let Some(e) = &self.events {
            s.events = Some(e.clone());
        }
        if let Some(p) = self.period {
            s.period = Some(p);
        }
        absolute_paths(&mut s);
        let root = match &s.project {
            Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => absolute(Path::new(".")),
        };
        let _ = NAMES.set(Names::new(&root));
        Ok(s)
    }

    pub fn import_options(&self, s: &Settings) -> ImportOptions {
        ImportOptions {
            profile: self.profile.clone(),
            sheet: self.sheet.clone(),
            profile_paths: s.profiles.clone(),
            matching: None,
            threads: self.threads.unwrap_or(0),
            progress: std::io::stderr().is_terminal(),
            // A line used after the period would be priced under terms not
            // yet in force (docs/formats.md).
            period_end: s.period.map(|p| p.last_day()),
            known_profiles: Default::default(),
        }
    }
}

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

/// Every path read made absolute once (`royalty::paths`): outputs and
/// messages then write it relative to the project's folder, whatever the
/// current folder.
fn absolute_paths(s: &mut Settings) {
    // `-` (standard input) stays as it is.
    let all = |v: &mut Vec<PathBuf>| {
        v.iter_mut()
            .filter(|p| p.as_os_str() != royalty::project::STDIN)
            .for_each(|p| *p = absolute(p))
    };
    all(&mut s.agreements);
    all(&mut s.statements);
    all(&mut s.profiles);
    for p in [&mut s.ledger, &mut s.fx, &mut s.events]
        .into_iter()
        .flatten()
    {
        *p = absolute(p);
    }
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

/// Inputs loaded, the ledger read and verified, the statements checked
/// against what closed periods consumed: ready to compute `period`.
pub struct Prepared {
    pub loaded: Loaded,
    pub period: Period,
    pub ledger: royalty::ledger::store::Ledger,
    pub opening: royalty::ledger::State,
    /// The dispute register, verified against the closed periods.
    pub register: royalty::ledger::disputes::Register,
    /// The disputes this period sees (docs/ledger.md, "The dispute register").
    pub disputes: Vec<royalty::ledger::disputes::Dispute>,
}

impl Prepared {
    /// Computes the period; a closed period must reproduce its closed
    /// figures or is refused (exit 3).
    pub fn compute(&self) -> Result<royalty::engine::PeriodResult> {
        let revenue = self.loaded.revenue.sorted();
        let releases = self.loaded.revenue.sorted_releases();
        let r = royalty::engine::compute(&royalty::engine::Input {
            period: self.period,
            agreements: &self.loaded.agreements,
            revenue: &revenue,
            releases: &releases,
            files: &self.loaded.revenue.files,
            fx: &self.loaded.fx,
            opening: &self.opening,
            events: &self.loaded.events,
            disputes: &self.disputes,
        })
        .map_err(|e| royalty::diag::Input::Run.classify_error(e))?;
        if royalty::fsutil::fault("self-check") {
            return Err(Error::Invariant("injected by ROYALTY_FAULT".into()));
        }
        if royalty::fsutil::fault("panic") {
            panic!("injected by ROYALTY_FAULT");
        }
        check_reproduced(&self.ledger, &r, &self.loaded.agreements)?;
        Ok(r)
    }
}

/// The ledger folder: the flag's or the project's, else `ledger` beside
/// the project file (or in the current folder without one).
pub fn ledger_dir(s: &Settings) -> PathBuf {
    s.ledger.clone().unwrap_or_else(|| {
        let base = s.project.as_deref().and_then(Path::parent);
        base.unwrap_or(Path::new("")).join("ledger")
    })
}

/// Loads everything for a computation of the period; input errors exit 1,
/// a ledger that refuses exits 3.
pub fn prepare(c: &Common, keep_unmatched: bool) -> Result<Prepared> {
    prepare_with(
        c,
        LoadOptions {
            keep_unmatched,
            ..LoadOptions::default()
        },
    )
}

pub fn prepare_with(c: &Common, o: LoadOptions) -> Result<Prepared> {
    let loaded = load_with(c, o)?;
    let period = require_period(&loaded.settings)?;
    if loaded.has_errors() {
        return Err(Error::Input(loaded.diagnostics));
    }
    let mut loaded = loaded;
    let ledger = royalty::ledger::store::read(&ledger_dir(&loaded.settings))?;
    let mut left = leftovers(&ledger.leftovers);
    if global().strict && !left.is_empty() {
        royalty::diag::promote_warnings(&mut left);
        return Err(Error::Input(left));
    }
    loaded.diagnostics.extend(left);
    check_consumed(&ledger, period, &loaded.outcomes, c.allow_duplicate)?;
    let (opening, _) = ledger.state_before(period);
    let (register, disputes) = read_register(&ledger, period)?;
    Ok(Prepared {
        loaded,
        period,
        ledger,
        opening,
        register,
        disputes,
    })
}

/// The dispute register of the ledger, verified against the periods that
/// applied it, and the disputes a computation of `period` sees.
pub fn read_register(
    ledger: &royalty::ledger::store::Ledger,
    period: Period,
) -> Result<(
    royalty::ledger::disputes::Register,
    Vec<royalty::ledger::disputes::Dispute>,
)> {
    use royalty::ledger::disputes::file;
    let register = file::read(&ledger.dir)?;
    file::check_anchors(ledger, &register)?;
    let disputes = file::view(ledger, &register, period)?;
    Ok((register, disputes))
}

/// Two spellings of one file (`./samples/x.csv`, `samples/x.csv`, an
/// absolute path, a path through a link) are the same file: compared by
/// canonical path, each written path read relative to the project's folder
/// (as outputs and the ledger write it), never by spelling.
fn same_file(a: &Path, b: &Path) -> bool {
    let names = names();
    let (a, b) = (names.resolve(a), names.resolve(b));
    match (std::fs::canonicalize(&a), std::fs::canonicalize(&b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The ledger's word on the statements given for `period` (docs/ledger.md,
/// "What is refused"), by content, never by how a path is spelled:
/// - for a closed period, the statements must be the very ones it consumed
///   (the same SHA-256s), so a re-run reproduces it or is refused;
/// - a statement a closed period consumed must not be counted again, and
///   that file edited since must not slip into another period unnoticed.
pub fn check_consumed(
    ledger: &royalty::ledger::store::Ledger,
    period: Period,
    outcomes: &[FileOutcome],
    allow_duplicate: bool,
) -> Result<()> {
    if let Some(e) = ledger.closed(period) {
        let mut want: Vec<&str> = e
            .record
            .statements
            .iter()
            .map(|c| c.sha256.as_str())
            .collect();
        let mut got: Vec<&str> = outcomes.iter().map(|o| o.summary.sha256.as_str()).collect();
        want.sort_unstable();
        got.sort_unstable();
        if want != got {
            let missing: Vec<&str> = e
                .record
                .statements
                .iter()
                .filter(|c| !got.contains(&c.sha256.as_str()))
                .map(|c| c.file.as_str())
                .collect();
            let extra: Vec<String> = outcomes
                .iter()
                .filter(|o| !want.contains(&o.summary.sha256.as_str()))
                .map(|o| o.summary.path.display().to_string())
                .collect();
            return Err(Error::Ledger(format!(
                "{period} is already closed ({}) and its figures are history: the statements given are not the ones it consumed \
                 (changed since {period} was closed, or not given: {}; not consumed by it: {}). Give the statements it was closed with, \
                 or put corrections in a statement of an open period",
                e.path.display(),
                if missing.is_empty() { "none".to_string() } else { missing.join(", ") },
                if extra.is_empty() { "none".to_string() } else { extra.join(", ") },
            )));
        }
        return Ok(());
    }
    if allow_duplicate {
        return Ok(());
    }
    for o in outcomes {
        let path = o.summary.path.display().to_string();
        for (closed, c) in ledger.consumed_elsewhere(period) {
            if c.sha256 == o.summary.sha256 && o.summary.lines > 0 {
                return Err(Error::Ledger(format!(
                    "{path} was already consumed by the closed period {closed} (as {}, SHA-256 {}); \
                     pass --allow-duplicate if it really belongs to this period too",
                    c.file, c.sha256
                )));
            }
            if c.sha256 != o.summary.sha256 && same_file(Path::new(&c.file), &o.summary.path) {
                return Err(Error::Ledger(format!(
                    "{path} was consumed by the closed period {closed} and has changed since (SHA-256 was {}, is now {}): \
                     its earlier lines were paid then and would be counted again. Put corrections in a new statement file, \
                     or pass --allow-duplicate if this file now holds only new statements",
                    c.sha256, o.summary.sha256
                )));
            }
        }
    }
    Ok(())
}

/// A closed period re-run must give the figures it was closed with, to the
/// cent; otherwise something it was computed from (agreements, exchange
/// rates, events) has changed since, and the closed figures stand.
pub fn check_reproduced(
    ledger: &royalty::ledger::store::Ledger,
    result: &royalty::engine::PeriodResult,
    agreements: &[Agreement],
) -> Result<()> {
    let Some(e) = ledger.closed(result.period) else {
        return Ok(());
    };
    let now: Vec<royalty::ledger::PayoutRecord> =
        royalty::report::rows::payout_rows(result, agreements)
            .into_iter()
            .map(|r| r.record)
            .collect();
    if now == e.record.payouts {
        return Ok(());
    }
    let first = now
        .iter()
        .zip(&e.record.payouts)
        .find(|(a, b)| a != b)
        .map(|(_, b)| format!("{}/{}", b.agreement, b.party))
        .unwrap_or_else(|| "the list of payout rows".into());
    Err(Error::Ledger(format!(
        "{} is closed ({}) but re-running it gives other figures (first at {first}): \
         the agreements, exchange rates or events changed since it was closed. \
         Its closed figures stand; changes take effect in an open period",
        result.period,
        e.path.display()
    )))
}

pub fn require_period(s: &Settings) -> Result<Period> {
    s.period.ok_or_else(|| {
        Error::Usage(
            "no period: give --period P (e.g. 2026-Q1) or set `period` in royalty.toml".into(),
        )
    })
}

/// Temporary files an interrupted write left in the ledger folder, as
/// warnings: named, so nothing is silently lying around; `close` and
/// `ledger open` remove them under the lock.
pub fn leftovers(files: &[PathBuf]) -> Vec<Diagnostic> {
    files
        .iter()
        .map(|f| {
            Diagnostic::warning(
                f,
                0,
                0,
                "a temporary file left by an interrupted write (the next close removes it)",
            )
            .with_code("ledger.leftover")
        })
        .collect()
}

/// Prints warnings to standard error (they never fail a run, unless
/// `--strict` made them errors; none under `--quiet`).
pub fn print_warnings(d: &[Diagnostic]) {
    for w in d.iter().filter(|d| !d.is_error()) {
        note!("{w}");
    }
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

impl Prepared {
    /// Computes the period on revenue sums already in key order (a
    /// what-if sweep sorts the statements once and prices each point).
    pub fn compute_sorted(
        &self,
        agreements: &[Agreement],
        sorted: &[(royalty::statement::Key, royalty::statement::Sums)],
        releases: &[(royalty::statement::ReleaseKey, royalty::statement::Sums)],
        files: &[royalty::statement::FileSummary],
    ) -> Result<royalty::engine::PeriodResult> {
        royalty::engine::compute(&royalty::engine::Input {
            period: self.period,
            agreements,
            revenue: sorted,
            releases,
            files,
            fx: &self.loaded.fx,
            opening: &self.opening,
            events: &self.loaded.events,
            disputes: &self.disputes,
        })
        .map_err(|e| royalty::diag::Input::Run.classify_error(e))
    }
}
