//! Reading statement *files*: whatever layout, encoding or container they
//! arrive in, into the canonical revenue model (SPEC 2.3, last paragraph).
//!
//! `read_file` is the one entry point the commands use: it fingerprints the
//! bytes (SHA-256, for duplicate and ledger checks), unwraps the container
//! (gzip, xlsx), decodes the text (BOM, UTF-16, Windows-1252), picks the
//! layout from the header (canonical, a profile, `--profile`) and streams
//! every line into a `Revenue` aggregate. See docs/formats.md.

mod acc;
pub mod aggregate;
mod canonical;
mod cells;
mod chunks;
mod container;
mod dates;
mod decimal;
mod detect;
mod dsr;
mod encoding;
mod memo;
mod numbers;
pub mod profile;
mod quick;
mod sink;
mod table;
mod territory;

pub use profile::Profile;

use crate::codes::Isrc;
use crate::diag::{Diagnostic, Error, Result};
use crate::statement::{FileSummary, Revenue, RevenueLine};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use sink::Sink;
use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

/// Statements larger than this show a progress bar on a terminal.
pub const PROGRESS_BYTES: u64 = 50 << 20;

/// A progress bar on standard error for a large statement, only when asked
/// (the command knows whether standard error is a terminal: batch jobs see
/// nothing).
fn progress(f: std::fs::File, path: &Path, wanted: bool) -> Box<dyn Read + Send> {
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if !wanted || len < PROGRESS_BYTES {
        return Box::new(f);
    }
    let bar = indicatif::ProgressBar::new(len).with_message(path.display().to_string());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {bytes}/{total_bytes} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Box::new(bar.wrap_read(f))
}

/// Options for reading statements.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// `--profile NAME|FILE`: use this layout instead of detecting it.
    pub profile: Option<String>,
    /// `--sheet NAME` for workbooks.
    pub sheet: Option<String>,
    /// Folders or files of user profiles (`profiles/*.toml`).
    pub profile_paths: Vec<PathBuf>,
    /// When set, lines whose ISRC is not in it are kept in
    /// `ReadOutcome::unmatched` (for `run --unmatched FILE`).
    pub known_isrcs: Option<HashSet<Isrc>>,
    /// Threads for parsing large statements (0: all cores).
    pub threads: usize,
    /// Show a progress bar for large files (standard error is a terminal).
    pub progress: bool,
}

/// Rows a profile skipped for one reason, with what they carried: they are
/// reported (a warning per reason), never silently dropped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Skipped {
    pub reason: String,
    /// True for rows restating the file's own totals (not revenue).
    pub totals: bool,
    pub lines: Vec<u64>,
    /// Amounts, units and rows by the currency text of the rows (`?` when
    /// the row's currency or amount could not be read).
    pub sums: BTreeMap<String, SkippedSums>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SkippedSums {
    pub amount: Decimal,
    pub units: i64,
    pub rows: u64,
}

/// What reading one file produced besides the sums.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub summary: FileSummary,
    pub diagnostics: Vec<Diagnostic>,
    /// Lines no agreement covers, with their line number (see `known_isrcs`).
    pub unmatched: Vec<RevenueLine>,
    /// Rows skipped by the profile (totals rows, album rows without ISRC).
    pub skipped: Vec<Skipped>,
    /// The text encoding the file was read in (`UTF-8`, `UTF-16 LE`, ...).
    pub encoding: String,
}

/// A reader that hashes every byte passing through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
        }
    }
    pub fn finish(self) -> String {
        hex(&self.hasher.finalize())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a file's bytes.
pub fn sha256_file(path: &Path) -> Result<String> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut r = HashingReader::new(std::io::BufReader::new(f));
    std::io::copy(&mut r, &mut std::io::sink()).map_err(|e| Error::io(path, e))?;
    Ok(r.finish())
}

/// Every profile known: the built-ins, then the user's (`opts.profile_paths`:
/// folders of `*.toml` or files; a user profile named like a built-in
/// replaces it). Errors in a profile file come with file:line:column.
pub fn profiles(opts: &ImportOptions) -> Result<Vec<Profile>> {
    profile::load_all(&opts.profile_paths).map_err(Error::Input)
}

/// The profile called `name`, or loaded from the file `name` if it is a
/// path to a `.toml` file.
pub fn find_profile(opts: &ImportOptions, name: &str) -> Result<Profile> {
    let all = profiles(opts)?;
    if let Some(p) = all.iter().find(|p| p.name == name) {
        return Ok(p.clone());
    }
    let path = Path::new(name);
    if name.ends_with(".toml") || path.is_file() {
        return profile::load_file(path).map_err(Error::Input);
    }
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    Err(Error::Usage(format!(
        "unknown profile `{name}`; known profiles: {}",
        names.join(", ")
    )))
}

/// One profile for `royalty formats NAME`: a heading, then its TOML, which
/// can be copied into `profiles/` and adapted.
pub fn describe(p: &Profile) -> String {
    let mut s = format!("# {} ({})\n", p.name, p.origin);
    if !p.description.is_empty() {
        s.push_str(&format!("# {}\n", p.description));
    }
    s.push_str(
        "# Copy this into profiles/NAME.toml, change `name` and adapt it (docs/formats.md).\n\n",
    );
    s.push_str(&p.source_text);
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Up to this many bytes are looked at to decide container, encoding and layout.
const SNIFF: usize = 64 * 1024;

/// Reads up to `SNIFF` bytes; the bool says whether the input ended.
fn read_prefix(r: &mut dyn Read) -> std::io::Result<(Vec<u8>, bool)> {
    let mut buf = vec![0u8; SNIFF];
    let mut n = 0;
    while n < SNIFF {
        match r.read(&mut buf[n..]) {
            Ok(0) => {
                buf.truncate(n);
                return Ok((buf, true));
            }
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((buf, false))
}

/// Reads one statement file into `revenue`.
pub fn read_file(path: &Path, opts: &ImportOptions, revenue: &mut Revenue) -> Result<FileOutcome> {
    let all = profiles(opts)?;
    let forced = match &opts.profile {
        Some(name) => Some(find_profile(opts, name)?),
        None => None,
    };
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let f = progress(f, path, opts.progress);
    let mut hashing = HashingReader::new(std::io::BufReader::with_capacity(1 << 16, f));
    let mut out = FileOutcome {
        summary: FileSummary {
            path: path.to_path_buf(),
            format: "canonical".into(),
            ..FileSummary::default()
        },
        ..FileOutcome::default()
    };
    let mut sink = Sink {
        revenue,
        summary: &mut out.summary,
        known: opts.known_isrcs.as_ref(),
        unmatched: &mut out.unmatched,
        threads: opts.threads,
    };
    let io = |e| Error::io(path, e);
    let (raw_prefix, raw_eof) = read_prefix(&mut hashing).map_err(io)?;
    let mut format = "canonical".to_string();
    let mut encoding = String::new();
    let (diagnostics, skipped) = if container::is_zip(&raw_prefix) {
        // A workbook is read whole (the zip directory is at its end).
        let mut bytes = raw_prefix;
        hashing.read_to_end(&mut bytes).map_err(io)?;
        encoding = "xlsx".into();
        read_workbook(
            bytes,
            path,
            opts,
            &all,
            forced.as_ref(),
            &mut sink,
            &mut format,
        )
    } else {
        let raw: Box<dyn Read + '_> = Box::new(Cursor::new(raw_prefix.clone()).chain(&mut hashing));
        let (mut text_in, prefix_src) = if container::is_gzip(&raw_prefix) {
            let mut gz: Box<dyn Read + '_> = Box::new(flate2::read::MultiGzDecoder::new(raw));
            let (p, eof) = read_prefix(&mut gz).map_err(|e| {
                Error::one(Diagnostic::error(
                    path,
                    0,
                    0,
                    format!("not a readable gzip file: {e}"),
                ))
            })?;
            encoding.push_str("gzip, ");
            (
                Box::new(Cursor::new(p.clone()).chain(gz)) as Box<dyn Read + '_>,
                (p, eof),
            )
        } else {
            (raw, (raw_prefix, raw_eof))
        };
        match encoding::sniff(&prefix_src.0, prefix_src.1) {
            Err(msg) => (vec![Diagnostic::error(path, 0, 0, msg)], Vec::new()),
            Ok(enc) => {
                encoding.push_str(enc.name());
                let mut text = encoding::decode(enc, &mut text_in);
                let (prefix, _) = read_prefix(&mut text).map_err(|e| {
                    Error::one(Diagnostic::error(
                        path,
                        0,
                        0,
                        format!("cannot decode the file as {}: {e}", enc.name()),
                    ))
                })?;
                let input = Cursor::new(prefix.clone()).chain(text);
                read_text(
                    &prefix,
                    input,
                    path,
                    &all,
                    forced.as_ref(),
                    &mut sink,
                    &mut format,
                )
            }
        }
    };
    // Hash whatever the readers did not consume (e.g. after a fatal error).
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(io)?;
    out.summary.sha256 = hashing.finish();
    out.summary.format = format;
    out.diagnostics = diagnostics;
    out.skipped = skipped;
    out.encoding = encoding;
    Ok(out)
}

type Read2 = (Vec<Diagnostic>, Vec<Skipped>);

fn read_text(
    prefix: &[u8],
    input: impl Read,
    path: &Path,
    all: &[Profile],
    forced: Option<&Profile>,
    sink: &mut Sink,
    format: &mut String,
) -> Read2 {
    let chosen = match forced {
        Some(p) => Some(p),
        None => match detect::choose_text(detect::first_line(prefix), all) {
            detect::Choice::Canonical => None,
            detect::Choice::Profile(i) => Some(&all[i]),
            detect::Choice::Unknown(msg) => {
                return (vec![Diagnostic::error(path, 1, 1, msg)], Vec::new())
            }
        },
    };
    let Some(p) = chosen else {
        return (canonical::read(input, path, sink), Vec::new());
    };
    *format = p.name.clone();
    match p.kind {
        profile::Kind::DdexDsr => dsr::read(p, input, path, sink),
        profile::Kind::Table => table::read_delimited(p, input, path, sink),
    }
}

fn read_workbook(
    bytes: Vec<u8>,
    path: &Path,
    opts: &ImportOptions,
    all: &[Profile],
    forced: Option<&Profile>,
    sink: &mut Sink,
    format: &mut String,
) -> Read2 {
    let rows = match container::sheet_rows(bytes, opts.sheet.as_deref()) {
        Ok(r) => r,
        Err(msg) => return (vec![Diagnostic::error(path, 0, 0, msg)], Vec::new()),
    };
    let first = rows
        .iter()
        .find(|(_, c)| c.iter().any(|x| !x.trim().is_empty()));
    let Some((_, header)) = first else {
        return (
            vec![Diagnostic::warning(
                path,
                0,
                0,
                "the sheet is empty: it adds no revenue",
            )],
            Vec::new(),
        );
    };
    let chosen = match forced {
        Some(p) => p,
        None => match detect::choose_cells(header, all) {
            detect::Choice::Canonical => match all.iter().find(|p| p.name == "canonical") {
                Some(p) => p,
                None => {
                    // Render the sheet as CSV for the canonical reader.
                    let mut w = csv::Writer::from_writer(Vec::new());
                    for (_, cells) in &rows {
                        let _ = w.write_record(cells);
                    }
                    let data = w.into_inner().unwrap_or_default();
                    return (canonical::read(Cursor::new(data), path, sink), Vec::new());
                }
            },
            detect::Choice::Profile(i) => &all[i],
            detect::Choice::Unknown(msg) => {
                return (vec![Diagnostic::error(path, 1, 1, msg)], Vec::new())
            }
        },
    };
    *format = chosen.name.clone();
    if chosen.kind != profile::Kind::Table {
        return (
            vec![Diagnostic::error(
                path,
                0,
                0,
                format!("profile `{}` reads text files only", chosen.name),
            )],
            Vec::new(),
        );
    }
    let skip_blank: Vec<(u64, Vec<String>)> = rows
        .into_iter()
        .skip_while(|(_, c)| c.iter().all(|x| x.trim().is_empty()))
        .collect();
    let mut rows = table::SheetRows(skip_blank.into_iter());
    table::read(chosen, &mut rows, path, sink)
}
