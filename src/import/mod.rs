//! Reading statement *files*: whatever layout, encoding or container they
//! arrive in, into the canonical revenue model (SPEC 2.3, last paragraph).
//!
//! `read_file` is the one entry point the commands use: it fingerprints the
//! bytes (SHA-256, for duplicate and ledger checks), picks the layout and
//! streams every line into a `Revenue` aggregate.

use crate::codes::Isrc;
use crate::diag::{Diagnostic, Error, Result};
use crate::statement::{canonical, FileSummary, Revenue, RevenueLine, Sink};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

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
}

/// What reading one file produced besides the sums.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub summary: FileSummary,
    pub diagnostics: Vec<Diagnostic>,
    /// Lines no agreement covers, with their line number (see `known_isrcs`).
    pub unmatched: Vec<RevenueLine>,
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

/// Reads one statement file into `revenue`.
pub fn read_file(path: &Path, opts: &ImportOptions, revenue: &mut Revenue) -> Result<FileOutcome> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hashing = HashingReader::new(std::io::BufReader::with_capacity(1 << 16, f));
    let mut summary = FileSummary {
        path: path.to_path_buf(),
        format: "canonical".into(),
        ..FileSummary::default()
    };
    let mut unmatched = Vec::new();
    let mut sink = Sink {
        revenue,
        summary: &mut summary,
        known: opts.known_isrcs.as_ref(),
        unmatched: &mut unmatched,
    };
    let diagnostics = canonical::read(&mut hashing, path, &mut sink);
    // Hash whatever the reader did not consume (e.g. after a fatal header error).
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(|e| Error::io(path, e))?;
    summary.sha256 = hashing.finish();
    Ok(FileOutcome {
        summary,
        diagnostics,
        unmatched,
    })
}
