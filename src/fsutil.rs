//! Writing files whole or not at all (SPEC 4.2): a temporary file in the same
//! folder, flushed to disk, renamed over the target, then the folder synced.
//! A crash at any point leaves either the old file or the new one.

use crate::diag::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Fault injection for the crash tests: `ROYALTY_CRASH_AT=before-write` or
/// `before-rename` aborts the process at that point, as a kill would.
fn crash_point(name: &str) {
    if std::env::var("ROYALTY_CRASH_AT").is_ok_and(|v| v == name) {
        std::process::abort();
    }
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crash_point("before-write");
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".royalty-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(path, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    crash_point("before-rename");
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        // Not every platform can sync a folder; the rename itself is atomic.
        let _ = d.sync_all();
    }
    Ok(())
}
