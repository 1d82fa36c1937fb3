//! Reading statement *files*: whatever layout, encoding or container they
//! arrive in, into the canonical revenue model (docs/formats.md, "How a file
//! is read").
//!
//! `read_file` is the one entry point the commands use (`file`): it
//! fingerprints the bytes (SHA-256, for duplicate and ledger checks),
//! unwraps the container (gzip, xlsx, a zip bundle of statements), decodes
//! the text (BOM, UTF-16, Windows-1252), picks the layout from the header
//! (a built-in or user profile, the canonical CSV among them, or
//! `--profile`) and streams every line into a `Revenue` aggregate. See
//! docs/formats.md. `royalty formats draft` (`draft`) proposes a profile
//! for a layout none fits.

pub mod aggregate;
pub mod catalog;
mod cells;
mod chunks;
mod container;
mod dates;
mod decimal;
mod detect;
pub mod draft;
mod dsr;
mod encoding;
mod file;
mod memo;
mod numbers;
pub mod profile;
mod quick;
mod sink;
mod table;
mod tally;
mod territory;

pub use catalog::Matching;
pub use file::read_file;
pub use profile::Profile;
pub use sink::SkippedRow;

use crate::diag::{Diagnostic, Error, Result};
use crate::statement::{FileSummary, RevenueLine};
use sha2::{Digest, Sha256};
use std::io::Read;
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
    /// The tracks the agreements list, when known: lines of other tracks
    /// are summed per currency only (`Revenue::unmatched`), or listed one
    /// by one in `FileOutcome::unmatched` (`Matching::list`, for `run
    /// --unmatched FILE`).
    pub matching: Option<Matching>,
    /// Threads for parsing large statements (0: all cores).
    pub threads: usize,
    /// Show a progress bar for large files (standard error is a terminal).
    pub progress: bool,
    /// The last day of the run's period, for the commands that have one: a
    /// line used after it is an error (it would be priced under terms not
    /// yet in force; docs/formats.md).
    pub period_end: Option<jiff::civil::Date>,
    /// The profiles once read (`profiles`), shared by every file of the
    /// run: parsing the built-in and the user's profiles for each of 300
    /// files took a tenth of reading them.
    pub known_profiles: std::sync::Arc<std::sync::OnceLock<Vec<Profile>>>,
}

/// What reading one statement produced besides the sums (its skipped
/// rows are in `summary.skipped`).
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub summary: FileSummary,
    pub diagnostics: Vec<Diagnostic>,
    /// Lines no agreement covers, with their line number (see `known_isrcs`).
    pub unmatched: Vec<RevenueLine>,
    /// Skipped rows one by one, when `known_isrcs` is set (for `run
    /// --unmatched`); totals rows are not listed.
    pub skipped_rows: Vec<SkippedRow>,
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
    profile::load_all(&opts.profile_paths).map_err(profile_error)
}

/// A profile's problems, with their code (docs/problems.md).
fn profile_error(mut d: Vec<Diagnostic>) -> Error {
    crate::diag::Input::Profile.classify(&mut d);
    Error::Input(d)
}

/// `profiles`, read once per run (`ImportOptions::known_profiles`), for
/// reading statements.
fn shared_profiles(opts: &ImportOptions) -> Result<&[Profile]> {
    if let Some(p) = opts.known_profiles.get() {
        return Ok(p);
    }
    let all = profile::load_all(&opts.profile_paths).map_err(Error::Input)?;
    Ok(opts.known_profiles.get_or_init(|| all))
}

/// The profile called `name`, or loaded from the file `name` if it is a
/// path to a `.toml` file.
pub fn find_profile(opts: &ImportOptions, name: &str) -> Result<Profile> {
    let all = shared_profiles(opts)?;
    if let Some(p) = all.iter().find(|p| p.name == name) {
        return Ok(p.clone());
    }
    let path = Path::new(name);
    if name.ends_with(".toml") || path.is_file() {
        return profile::load_file(path).map_err(profile_error);
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
