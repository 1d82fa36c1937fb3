//! Loaders: files -> model. Thin I/O around the pure parsers, collecting
//! every problem of every file before giving up (docs/commands.md, exit
//! codes). Every problem leaves here with its code (docs/problems.md): the
//! reader's own, or the input's default.

use crate::agreement::{across_agreements, load_agreement_str, Agreement};
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

/// A text input (agreement, fx, events, aggregate) read whole; one that is
/// not UTF-8 (a file saved as Windows-1252 or Latin-1) is refused at the
/// line and column of its first bad byte, with what to do about it.
fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
        let (line, column) = crate::diag::line_col(valid, at);
        Error::one(Diagnostic::error(
            path,
            line,
            column,
            format!(
                "not UTF-8 text: byte 0x{:02X} at line {line}, column {column} (byte offset {at}) is not \
                 UTF-8; the file was likely saved as Windows-1252 or Latin-1: save it as UTF-8",
                e.as_bytes()[at]
            ),
        ))
    })
}

/// Reads agreement files and folders (all `*.toml` inside): each file
/// read and parsed on every core (a label's 10,000 agreements are 10,000
/// files; docs/scaling.md), then checked across, in file order.
pub fn agreements(paths: &[PathBuf]) -> Result<(Vec<Agreement>, Vec<Diagnostic>)> {
    agreements_of(paths).map_err(|e| Input::Agreement.classify_error(e))
}

fn agreements_of(paths: &[PathBuf]) -> Result<(Vec<Agreement>, Vec<Diagnostic>)> {
    let files = expand(paths, &[".toml"])?;
    type Read = (
        Result<String>,
        Option<std::result::Result<Agreement, Vec<Diagnostic>>>,
    );
    let read = on_every_core(&files, |f: &PathBuf| -> Read {
        match read_text(f) {
            Ok(t) => {
                let a = load_agreement_str(&t, f);
                (Ok(t), Some(a))
            }
            Err(e) => (Err(e), None),
        }
    });
    let mut texts = Vec::with_capacity(files.len());
    let mut each = Vec::with_capacity(files.len());
    let mut diags = Vec::new();
    for (f, (text, a)) in files.into_iter().zip(read) {
        match text {
            Ok(t) => texts.push((f, t)),
            Err(Error::Input(d)) => diags.extend(d),
            Err(e) => return Err(e),
        }
        each.extend(a);
    }
    let (a, d) = across_agreements(&texts, each);
    diags.extend(d);
    Input::Agreement.classify(&mut diags);
    Ok((a, diags))
}

/// `f` of every item, in order, computed on every core (items are taken
/// one at a time, so uneven ones balance).
fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads <= 1 || items.len() < 64 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut out: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let done: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("no loader panics"))
            .collect()
    });
    for (i, r) in done.into_iter().flatten() {
        out[i] = Some(r);
    }
    out.into_iter().flatten().collect()
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

/// Files below this size are read side by side, one thread each; a larger
/// one is read with every thread (`import`'s chunks are 1 MB).
const SMALL_FILE: u64 = 4 << 20;

/// What reading one file gave: its outcomes, and its own sums when asked.
type OneFile = (Result<Vec<FileOutcome>>, Option<FileSums>);

/// Reads one statement file into `revenue` (and, with `per_file`, its own
/// sums beside).
fn read_one(f: &Path, opts: &ImportOptions, revenue: &mut Revenue, per_file: bool) -> OneFile {
    if !per_file {
        return (read_file(f, opts, revenue), None);
    }
    let mut own = Revenue {
        by_territory: revenue.by_territory,
        ..Revenue::default()
    };
    let read = read_file(f, opts, &mut own);
    let mut sums = Vec::new();
    // A container of several statements is summed as one: it is
    // reconciled as a whole, not split per member.
    if let Ok([one]) = read.as_deref() {
        sums.push((
            one.summary.path.clone(),
            own.sorted().into_owned(),
            own.sorted_releases(),
        ));
    }
    revenue.merge(own);
    (read, Some(sums))
}

/// Reads every statement into one `Revenue`; with `per_file`, also each
/// file's own sums (what `reconcile` splits into matched, unmatched and
/// out of term per file; it costs one more pass over the sums). Small
/// files are read side by side on every core (300 files of 3,000 lines
/// would otherwise keep one core busy; docs/scaling.md); sums are exact, so
/// which thread reads a file changes nothing, and outcomes stay in file
/// order. The last value: one warning per folder for the entries it does
/// not read.
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
    let mut named: Vec<Option<PathBuf>> = vec![None; files.len()];
    let mut files = files;
    for (f, name) in files.iter_mut().zip(named.iter_mut()) {
        if f.as_os_str() == STDIN {
            let t = spool_stdin()?;
            *f = t.path().to_path_buf();
            stdin_copy = Some(t);
            *name = Some(PathBuf::from(STDIN_NAME));
        }
    }
    let mut revenue = Revenue {
        by_territory,
        ..Revenue::default()
    };
    let mut read: Vec<Option<OneFile>> =
        std::iter::repeat_with(|| None).take(files.len()).collect();
    let small: Vec<usize> = (0..files.len())
        .filter(|&i| std::fs::metadata(&files[i]).is_ok_and(|m| m.len() < SMALL_FILE))
        .collect();
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    if small.len() > 1 && threads > 1 {
        let single = ImportOptions {
            threads: 1,
            ..opts.clone()
        };
        let next = std::sync::atomic::AtomicUsize::new(0);
        let side_by_side = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads.min(small.len()))
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = Revenue {
                            by_territory,
                            ..Revenue::default()
                        };
                        let mut got = Vec::new();
                        loop {
                            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&i) = small.get(k) else { break };
                            got.push((i, read_one(&files[i], &single, &mut mine, per_file)));
                        }
                        (mine, got)
                    })
                })
                .collect();
            let joined: Vec<_> = workers.into_iter().map(|w| w.join()).collect();
            joined
        });
        for w in side_by_side {
            let (mine, got) =
                w.map_err(|_| Error::Invariant("a statement reader panicked".into()))?;
            revenue.merge(mine);
            for (i, r) in got {
                read[i] = Some(r);
            }
        }
    }
    let mut outcomes = Vec::with_capacity(files.len());
    let mut sums = Vec::new();
    for (i, done) in read.into_iter().enumerate() {
        let f = &files[i];
        let (outs, own) = match done {
            Some(r) => r,
            None => read_one(f, opts, &mut revenue, per_file),
        };
        let mut read = outs?;
        let mut own = own.unwrap_or_default();
        if let Some(name) = &named[i] {
            rename(&mut read, &mut own, f, name);
        }
        sums.extend(own);
        // A `.txt` file in a folder that no layout fits is a note (a
        // read-me), not a statement: listed with what the folder does not
        // read. Named on its own, it stays an error.
        if let [one] = read.as_slice() {
            if is_note(one, f, &listed) {
                note_not_read(&mut folders, f);
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
    finish_sums(&mut revenue, &mut outcomes);
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

/// The run's sums, sorted for the engine once every file is read (so never
/// held twice: `statement::table`); a key too large to sum exactly is an
/// error, sums rounded far below a cent a warning, both on the first file.
fn finish_sums(revenue: &mut Revenue, outcomes: &mut [FileOutcome]) {
    let mut rounding = crate::statement::Rounding::default();
    let refused = revenue.sums.finish_rounding(&mut rounding);
    let Some(first) = outcomes.first_mut() else {
        return;
    };
    let path = first.summary.path.clone();
    for k in refused {
        let msg = crate::statement::acc::too_large(&k);
        first.diagnostics.push(Diagnostic::error(&path, 0, 0, msg));
    }
    if rounding.sums > 0 {
        first.diagnostics.push(Diagnostic::warning(
            &path,
            0,
            0,
            format!(
                "{} sum{} of the statements had more digits than the 28 a decimal keeps: rounded half-to-even, \
                 moving the total by at most {} (far below a cent; docs/formats.md, \"Numbers\")",
                rounding.sums,
                if rounding.sums == 1 { "" } else { "s" },
                rounding.bound.normalize()
            ),
        ));
    }
}
