//! The options every command shares (`Common`: the project file and the
//! flags over it) and those of the whole command line (`Global`: `--strict`,
//! `--wait`), turned into the run's settings: the project file read, the
//! flags laid over it, every path made absolute once.

use super::path_names::set_root;
use royalty::diag::{Error, Result};
use royalty::import::ImportOptions;
use royalty::paths::absolute;
use royalty::period::Period;
use royalty::project::{read_project, Settings};
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

fn parse_period(s: &str) -> std::result::Result<Period, String> {
    Period::parse_typed(s)
        .ok_or_else(|| format!("`{s}` is not a period; expected 2026-03, 2026-Q1, 2026-H1 or 2026"))
}

/// A thread count, 1 to 256, or 0 for all cores (as without the flag): a
/// count drives allocations and spawns, so it has a bound like every input
/// number (docs/limits.md).
fn parse_threads(s: &str) -> std::result::Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n <= MAX_THREADS => Ok(n),
        _ => Err(format!(
            "`{s}`: expected a number of threads from 1 to {MAX_THREADS}, or 0 for all cores"
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
    /// Threads for reading large statements, 1 to 256; 0 (the default):
    /// all cores. The result is the same whatever the number.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
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
        } else if !self.aggregates.is_empty() {
            // Aggregates stand for statements: the project's default
            // statements are not read beside them, as they are often the
            // very files the aggregates sum (docs/scaling.md).
            s.statements.clear();
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
        set_root(&root);
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

pub fn require_period(s: &Settings) -> Result<Period> {
    s.period.ok_or_else(|| {
        Error::Usage(
            "no period: give --period P (e.g. 2026-Q1) or set `period` in royalty.toml".into(),
        )
    })
}
