//! Loaders: files -> model. Thin I/O around the pure parsers, collecting
//! every problem of every file before giving up (docs/commands.md, exit
//! codes). Every problem leaves here with its code (docs/problems.md): the
//! reader's own, or the input's default.

use crate::agreement::{load_agreements, Agreement};
use crate::diag::{Diagnostic, Error, Input, Result};
use crate::fx::{parse_fx, FxTable};
use crate::import::{read_file, FileOutcome, ImportOptions};
use crate::project::{expand, expand_listing, STDIN};
use crate::statement::Revenue;
use std::path::{Path, PathBuf};

/// The file types a statement folder is read for (docs/formats.md,
/// "Statement folders"); a file named on the command line is read whatever
/// its name.
pub const STATEMENT_EXTENSIONS: [&str; 7] =
    [".csv", ".tsv", ".txt", ".gz", ".xlsx", ".xls", ".zip"];

/// How a statement read from standard input (`--statements -`) is named in
/// outputs and messages.
pub const STDIN_NAME: &str = "<stdin>";

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
) -> Result<(Revenue, Vec<FileOutcome>, Vec<Diagnostic>)> {
    let (revenue, outcomes, _, folders) = statements_by_file(paths, opts, by_territory, false)?;
    Ok((revenue, outcomes, folders))
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
/// out of term per file; it costs one more pass over the sums). The last
/// value: one warning per folder for the entries it does not read.
pub fn statements_by_file(
    paths: &[PathBuf],
    opts: &ImportOptions,
    by_territory: bool,
    per_file: bool,
) -> Result<(Revenue, Vec<FileOutcome>, FileSums, Vec<Diagnostic>)> {
    let (files, mut folders) = expand_listing(paths, &STATEMENT_EXTENSIONS)?;
    if files.iter().filter(|f| f.as_os_str() == STDIN).count() > 1 {
        return Err(Error::Usage(
            "`--statements -` names standard input, which can be read once: give `-` once".into(),
        ));
    }
    let listed: Vec<PathBuf> = folder_entries(paths);
    // Standard input, spooled once to a temporary file: read and hashed as
    // any file, named `<stdin>` (kept until every file is read).
    let mut stdin_copy = None;
    let mut revenue = Revenue {
        by_territory,
        ..Revenue::default()
    };
    let mut outcomes = Vec::with_capacity(files.len());
    let mut sums = Vec::new();
    for f in files {
        let (f, named) = if f.as_os_str() == STDIN {
            let t = spool_stdin()?;
            let p = t.path().to_path_buf();
            stdin_copy = Some(t);
            (p, Some(PathBuf::from(STDIN_NAME)))
        } else {
            (f, None)
        };
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
        let mut read = read;
        if let Some(name) = &named {
            rename(&mut read, &mut sums, &f, name);
        }
        // A `.txt` file in a folder that no layout fits is a note (a
        // read-me), not a statement: listed with what the folder does not
        // read. Named on its own, it stays an error.
        if let [one] = read.as_slice() {
            if is_note(one, &f, &listed) {
                note_not_read(&mut folders, &f);
                continue;
            }
        }
        for mut o in read {
            Input::Statement.classify(&mut o.diagnostics);
            revenue.files.push(o.summary.clone());
            outcomes.push(o);
        }
    }
    drop(stdin_copy);
    revenue.sort_files();
    Ok((revenue, outcomes, sums, folders))
}

/// The files found by listing folders (not named one by one).
fn folder_entries(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| p.is_dir())
        .filter_map(|p| expand(std::slice::from_ref(p), &[".txt"]).ok())
        .flatten()
        .collect()
}

/// A `.txt` file found in a folder whose layout nothing fits, with no line.
fn is_note(o: &FileOutcome, f: &Path, listed: &[PathBuf]) -> bool {
    listed.iter().any(|l| l == f)
        && o.summary.lines == 0
        && o.summary.skipped.is_empty()
        && o.diagnostics.len() == 1
        && o.diagnostics[0].code == "statement.unknown-layout"
}

/// Adds a note to its folder's warning (or starts one).
fn note_not_read(folders: &mut Vec<Diagnostic>, f: &Path) {
    let folder = f.parent().unwrap_or(Path::new("."));
    let name = f
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let entry = format!("{name} (text that no statement layout fits: a note?)");
    match folders.iter_mut().find(|d| d.file == folder) {
        Some(d) => {
            d.message = d
                .message
                .replacen("not read: ", &format!("not read: {entry}, "), 1);
        }
        None => folders.push(
            Diagnostic::warning(
                folder,
                0,
                0,
                format!(
                    "not read: {entry} (a folder is read for {} files only)",
                    STATEMENT_EXTENSIONS.join(" ")
                ),
            )
            .with_code("folder.not-read"),
        ),
    }
}

/// Standard input copied to a temporary file, read once.
fn spool_stdin() -> Result<tempfile::NamedTempFile> {
    let name = Path::new(STDIN_NAME);
    let mut t = tempfile::NamedTempFile::new().map_err(|e| Error::io(name, e))?;
    std::io::copy(&mut std::io::stdin().lock(), &mut t).map_err(|e| Error::io(name, e))?;
    Ok(t)
}

/// The outcomes of the spooled copy, named `<stdin>` (the copy's own path
/// is nobody's business).
fn rename(read: &mut [FileOutcome], sums: &mut FileSums, copy: &Path, name: &Path) {
    let copy = copy.to_string_lossy().into_owned();
    let swap = |p: &mut PathBuf| {
        let s = p.to_string_lossy().into_owned();
        if let Some(rest) = s.strip_prefix(&copy) {
            *p = PathBuf::from(format!("{}{rest}", name.display()));
        }
    };
    for o in read.iter_mut() {
        swap(&mut o.summary.path);
        o.diagnostics.iter_mut().for_each(|d| swap(&mut d.file));
    }
    for (p, _, _) in sums.iter_mut() {
        swap(p);
    }
}
