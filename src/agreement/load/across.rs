//! The checks no single file can make: two agreements with one id, a
//! track covered by two agreements over the same dates, a release the
//! agreements disagree on (docs/agreements.md, "What `royalty check`
//! refuses"). Runs once every file has been read on its own (on every core,
//! by the caller), and returns the agreements in id order.

use crate::agreement::{covers_same_dates, Agreement};
use crate::codes::Isrc;
use crate::diag::Diagnostic;
use std::collections::BTreeMap;
use std::path::Path;

/// The checks across agreements, given each file's own reading (in the
/// order of `files`; the loader reads them on every core).
pub fn across_agreements(
    files: &[(std::path::PathBuf, String)],
    each: Vec<Result<Agreement, Vec<Diagnostic>>>,
) -> (Vec<Agreement>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut out: Vec<Agreement> = Vec::new();
    for r in each {
        match r {
            Ok(a) => out.push(a),
            Err(d) => diags.extend(d),
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.file.cmp(&b.file)));
    for w in out.windows(2) {
        if w[0].id == w[1].id {
            let (line, col) = id_place(files, &w[1].file);
            diags.push(
                Diagnostic::error(
                    &w[1].file,
                    line,
                    col,
                    format!(
                        "duplicate agreement id `{}` (also in {})",
                        w[1].id,
                        w[0].file.display()
                    ),
                )
                .with_code("agreement.duplicate-id"),
            );
        }
    }
    let mut by_isrc: BTreeMap<Isrc, Vec<usize>> = BTreeMap::new();
    for (i, a) in out.iter().enumerate() {
        for t in &a.tracks {
            by_isrc.entry(t.isrc).or_default().push(i);
        }
    }
    for (isrc, idx) in by_isrc {
        for (k, &i) in idx.iter().enumerate() {
            for &j in &idx[..k] {
                let (a, b) = (&out[j], &out[i]);
                if a.id != b.id && covers_same_dates(a, b) {
                    let (line, col) = isrc_place(files, &b.file, isrc);
                    diags.push(Diagnostic::error(
                        &b.file,
                        line,
                        col,
                        format!(
                            "track {isrc} is also covered by agreement `{}` ({}) over the same dates; give the agreements `start`/`end` dates that do not overlap",
                            a.id,
                            a.file.display()
                        ),
                    ));
                }
            }
        }
    }
    diags.extend(crate::agreement::procedure::releases_across(&out));
    (out, diags)
}

fn text_of<'a>(files: &'a [(std::path::PathBuf, String)], file: &Path) -> &'a str {
    files
        .iter()
        .find(|(p, _)| p == file)
        .map(|(_, t)| t.as_str())
        .unwrap_or("")
}

fn id_place(files: &[(std::path::PathBuf, String)], file: &Path) -> (usize, usize) {
    let text = text_of(files, file);
    text.lines()
        .position(|l| l.trim_start().starts_with("id") && l.contains('='))
        .map(|i| (i + 1, 1))
        .unwrap_or((1, 1))
}

fn isrc_place(files: &[(std::path::PathBuf, String)], file: &Path, isrc: Isrc) -> (usize, usize) {
    let text = text_of(files, file);
    for (i, l) in text.lines().enumerate() {
        if l.contains("isrc") {
            if let Some(v) = l.split('"').nth(1) {
                if Isrc::parse(v) == Some(isrc) {
                    return (i + 1, l.find('"').map(|c| c + 1).unwrap_or(1));
                }
            }
        }
    }
    (0, 0)
}
