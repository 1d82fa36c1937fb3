//! The problems of the inputs as they reach people and scripts: warnings
//! printed on standard error (never under `--quiet`), and problems as data
//! for the JSON documents (docs/problems.md), their files written as every
//! other path.

use super::path_names::names;
use royalty::diag::{Diagnostic, Problem};

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

/// Prints warnings to standard error (they never fail a run, unless
/// `--strict` made them errors; none under `--quiet`).
pub fn print_warnings(d: &[Diagnostic]) {
    for w in d.iter().filter(|d| !d.is_error()) {
        note!("{w}");
    }
}
