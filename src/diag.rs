//! Problems found in input, with their place, and the crate's one error type.
//!
//! docs/commands.md, "Exit codes": bad input exits 1 listing *every* problem
//! with file, line and column and what was expected; usage errors exit 2;
//! the ledger refusing exits 3; an I/O failure of the environment 74; the
//! ledger lock held by another run 75; a failed self-check 70. Loaders
//! collect `Diagnostic`s instead of stopping at the first. Each carries a
//! stable `code` (docs/problems.md) so scripts can read problems as data.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in one input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub column: usize,
    pub severity: Severity,
    /// The kind of problem, stable across versions (docs/problems.md):
    /// `statement.empty`, `agreement.out-of-range`... Empty until the
    /// loader's boundary gives the input's default (`Input::classify`).
    pub code: &'static str,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line,
            column,
            severity: Severity::Error,
            code: "",
            message: message.into(),
        }
    }
    /// The same problem with its kind named (docs/problems.md).
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }
    pub fn warning(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }
    /// A CSV file the `csv` crate could not read on: where it stopped.
    pub fn unreadable_csv(file: &Path, e: &csv::Error) -> Self {
        let line = e.position().map_or(0, |p| p.line() as usize);
        Diagnostic::error(file, line, 0, format!("unreadable CSV: {e}"))
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = self.severity.name();
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {sev}: {}", self.message)
    }
}

/// Which input a problem is in. Gives the code of the problems a loader
/// did not name more precisely: `<input>.invalid` for an error,
/// `<input>.warning` for a warning (docs/problems.md lists every code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Project,
    Agreement,
    Statement,
    Fx,
    Events,
    Opening,
    Expect,
    Aggregate,
    Profile,
    /// The period computed from valid inputs (exchange rates it needs,
    /// figures too large to keep exact).
    Run,
}

impl Input {
    fn defaults(self) -> (&'static str, &'static str) {
        match self {
            Input::Project => ("project.invalid", "project.warning"),
            Input::Agreement => ("agreement.invalid", "agreement.warning"),
            Input::Statement => ("statement.invalid", "statement.warning"),
            Input::Fx => ("fx.invalid", "fx.warning"),
            Input::Events => ("events.invalid", "events.warning"),
            Input::Opening => ("opening.invalid", "opening.warning"),
            Input::Expect => ("expect.invalid", "expect.warning"),
            Input::Aggregate => ("aggregate.invalid", "aggregate.warning"),
            Input::Profile => ("profile.invalid", "profile.warning"),
            Input::Run => ("run.too-large", "run.warning"),
        }
    }

    /// Gives every problem without a code this input's default.
    pub fn classify(self, diags: &mut [Diagnostic]) {
        let (error, warning) = self.defaults();
        for d in diags.iter_mut().filter(|d| d.code.is_empty()) {
            d.code = if d.is_error() { error } else { warning };
        }
    }

    /// The same for the problems an error carries.
    pub fn classify_error(self, mut e: Error) -> Error {
        if let Error::Input(d) = &mut e {
            self.classify(d);
        }
        e
    }
}

/// `--strict`: every warning becomes an error (same code, same place), so
/// the command fails with exit 1 before it writes anything.
pub fn promote_warnings(diags: &mut [Diagnostic]) {
    for d in diags.iter_mut() {
        d.severity = Severity::Error;
    }
}

/// A problem as data (`check --format json`, and the `problems` of every
/// JSON document; docs/problems.md): line and column are null when the
/// problem is about the whole file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub severity: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Problem {
        Problem {
            file: d.file.display().to_string(),
            line: (d.line > 0).then_some(d.line),
            column: (d.line > 0 && d.column > 0).then_some(d.column),
            severity: d.severity.name(),
            code: if d.code.is_empty() {
                "unclassified"
            } else {
                d.code
            },
            message: d.message.clone(),
        }
    }
}

/// Byte offset -> 1-based (line, column in characters) of a text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The crate's error: what went wrong and which exit code it means.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is wrong (exit 1). Every problem is listed.
    #[error("{}", render(.0))]
    Input(Vec<Diagnostic>),
    /// The command line is wrong (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The ledger refuses, for good (exit 3): closed twice, out of order,
    /// altered, a statement consumed before.
    #[error("{0}")]
    Ledger(String),
    /// The ledger is busy: its lock is held by another run (exit 75, try
    /// again; `--wait SECONDS` waits for it).
    #[error("{0}")]
    Busy(String),
    /// Reading or writing a file failed: exit 1 when the path given names
    /// nothing usable (not found, a folder), 74 when the environment failed
    /// (permission, full disk, read-only, a device error); `io_exit_code`.
    #[error("{}: {}", .path.display(), io_message(.source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An invariant failed (docs/arithmetic.md, "Invariants, checked on every
    /// run"): a bug in royalty, never the user's fault.
    #[error("internal check failed (please report this as a bug): {0}")]
    Invariant(String),
}

/// What an I/O failure says after its path: a file that is not there
/// reads "no such file or folder" whichever file it is (a project file, an
/// agreement folder, a statement), not the system's "No such file or
/// directory (os error 2)"; other failures keep the system's words.
pub fn io_message(e: &std::io::Error) -> String {
    match (e.kind(), e.raw_os_error()) {
        (std::io::ErrorKind::NotFound, Some(_)) => "no such file or folder".into(),
        _ => e.to_string(),
    }
}

fn render(d: &[Diagnostic]) -> String {
    let errors = d.iter().filter(|d| d.is_error()).count();
    let mut s: Vec<String> = d.iter().map(|d| d.to_string()).collect();
    s.push(format!(
        "{errors} problem{} found",
        if errors == 1 { "" } else { "s" }
    ));
    s.join("\n")
}

/// The exit codes, by class (docs/commands.md, "Exit codes").
pub mod exit {
    pub const OK: u8 = 0;
    /// The input is wrong: fix the files, the same run will fail again.
    pub const INPUT: u8 = 1;
    /// The command line is wrong.
    pub const USAGE: u8 = 2;
    /// The ledger refuses, for good: retrying changes nothing.
    pub const REFUSED: u8 = 3;
    /// A bug in royalty (a failed self-check, a panic).
    pub const INTERNAL: u8 = 70;
    /// The environment failed (permission, full disk, read-only, device).
    pub const IO: u8 = 74;
    /// Temporarily busy (the ledger lock is held): try again.
    pub const BUSY: u8 = 75;
}

/// Which class an I/O failure is (docs/commands.md, "Exit codes"): a path
/// that names nothing usable is the user's input being wrong (1): it does
/// not exist, it is a folder where a file is wanted (or the reverse), its
/// name is not one, its bytes are not what was expected. Anything else is
/// the environment (74): permission denied, a full disk or quota, a
/// read-only file system, a device or network error.
pub fn io_exit_code(e: &std::io::Error) -> u8 {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound
        | K::IsADirectory
        | K::NotADirectory
        | K::InvalidInput
        | K::InvalidData
        | K::InvalidFilename
        | K::UnexpectedEof
        | K::AlreadyExists => exit::INPUT,
        _ => exit::IO,
    }
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => exit::INPUT,
            Error::Io { source, .. } => io_exit_code(source),
            Error::Usage(_) => exit::USAGE,
            Error::Ledger(_) => exit::REFUSED,
            Error::Busy(_) => exit::BUSY,
            Error::Invariant(_) => exit::INTERNAL,
        }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn one(d: Diagnostic) -> Self {
        Error::Input(vec![d])
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turns collected diagnostics into `Err` when any is an error.
pub fn fail_on_errors(diags: &[Diagnostic]) -> Result<()> {
    if diags.iter().any(Diagnostic::is_error) {
        Err(Error::Input(diags.to_vec()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_csv_is_an_error_at_the_line_it_stopped() {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&b"a,b\nc,\xff\n"[..]);
        let e = r.records().find_map(|r| r.err()).expect("bad UTF-8");
        let d = Diagnostic::unreadable_csv(Path::new("x.csv"), &e);
        assert!(d.is_error());
        assert_eq!(d.line, 2);
        assert!(
            d.to_string().starts_with("x.csv:2: error: unreadable CSV:"),
            "{d}"
        );
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, t.find('"').unwrap()), (2, 6));
    }

    #[test]
    fn diagnostics_print_file_line_column() {
        let d = Diagnostic::error(Path::new("a.toml"), 3, 7, "unknown key `foo`");
        assert_eq!(d.to_string(), "a.toml:3:7: error: unknown key `foo`");
        let w = Diagnostic::warning(Path::new("s.csv"), 0, 0, "empty");
        assert_eq!(w.to_string(), "s.csv: warning: empty");
    }
}
