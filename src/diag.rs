//! Problems found in input, with their place, and the crate's one error type.
//!
//! SPEC 4.2: bad input exits 1 listing *every* problem with file, line and
//! column and what was expected; usage errors exit 2; the ledger refusing
//! exits 3. Loaders collect `Diagnostic`s instead of stopping at the first.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
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
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line,
            column,
            severity: Severity::Error,
            message: message.into(),
        }
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
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
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
    /// The ledger refuses (exit 3): closed twice, altered, locked.
    #[error("{0}")]
    Ledger(String),
    /// Reading or writing a file failed (exit 1: the input cannot be used).
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An invariant of SPEC 3 failed: a bug in royalty, never the user's fault.
    #[error("internal check failed (please report this as a bug): {0}")]
    Invariant(String),
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

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Io { .. } => 1,
            Error::Usage(_) => 2,
            Error::Ledger(_) => 3,
            Error::Invariant(_) => 70,
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
