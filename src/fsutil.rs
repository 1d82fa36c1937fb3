//! Writing files whole or not at all (docs/commands.md, "Outputs"): every
//! output is written to a temporary file in its folder, flushed to disk,
//! renamed over the target, then the folder synced. A crash at any point
//! leaves either the old file or the new one.
//!
//! A command checks its output paths before it computes anything
//! (`check_output`), and writes all its files together (`Batch`): every
//! temporary file is written first, and only when all are written are they
//! renamed into place. A command refused or failing before then writes
//! nothing. Files get the user's umask (as any file a program creates),
//! and an output path that is a symbolic link writes to the file the link
//! points to, leaving the link in place.
//!
//! An output that exists and is not a regular file (`/dev/null`, a FIFO,
//! `>(wc -c)`'s `/dev/fd/N` pipe, a terminal, a socket) is written straight
//! into: renaming a temporary file over it would replace the device or the
//! pipe with a plain file (as root, destroy `/dev/null`). Such writes happen
//! first in `commit`, before any rename, so a failed one (`/dev/full`)
//! still leaves every regular file unchanged.

use crate::diag::{Error, Result};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Fault injection for the crash tests (debug and test builds only; the
/// release binary has none): `ROYALTY_CRASH_AT=<point>` aborts the process
/// at that point, as a kill would. Points: `before-write` and
/// `before-rename` (every atomic write), `before-ledger` (a close, its other
/// outputs in place) and `before-head` (the period file written, the head
/// not yet). docs/ledger.md says how the tests use them.
#[cfg(debug_assertions)]
pub fn crash_point(name: &str) {
    if std::env::var("ROYALTY_CRASH_AT").is_ok_and(|v| v == name) {
        std::process::abort();
    }
}

/// The release binary has no fault injection.
#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn crash_point(_name: &str) {}

/// Fault injection for the exit-code tests (debug and test builds only):
/// `ROYALTY_FAULT=<name>` makes `fault(name)` true, so a test can make a
/// self-check fail (`self-check`, exit 70) or the program panic (`panic`,
/// exit 70 too): the bugs the exit code 70 is for cannot be written on
/// purpose.
#[cfg(debug_assertions)]
pub fn fault(name: &str) -> bool {
    std::env::var("ROYALTY_FAULT").is_ok_and(|v| v == name)
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn fault(_name: &str) -> bool {
    false
}

/// The prefix and suffix of every temporary file `royalty` writes.
const TMP_PREFIX: &str = ".royalty-";
const TMP_SUFFIX: &str = ".tmp";

/// Is this file name one of our temporary files (left by an interrupted write)?
pub fn is_leftover(name: &str) -> bool {
    name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)
}

fn io_error(path: &Path, kind: ErrorKind, msg: impl Into<String>) -> Error {
    Error::io(path, std::io::Error::new(kind, msg.into()))
}

/// The folder a file is in ("." for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Is `path` (links followed) something that exists and is neither a
/// regular file nor a folder: a device, a FIFO or pipe, a socket? Such an
/// output is written into, never replaced.
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The file a path names once symbolic links are followed (the path itself
/// when it is none, or when it is special: `/dev/fd/N` links to a pipe that
/// has no path). A link to a file that does not exist yet resolves to that
/// file, so writing through it creates the file and keeps the link.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    if is_special(path) {
        return Ok(path.to_path_buf());
    }
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p).map_err(|e| Error::io(&p, e))?;
                p = if to.is_absolute() {
                    to
                } else {
                    folder_of(&p).join(to)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io_error(
        path,
        ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

/// An output file, checked before the command computes: `path` is where
/// the bytes go (symbolic links followed), `given` what the user wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub given: PathBuf,
    pub path: PathBuf,
}

/// Checks that a file can be written at `path` before anything is
/// computed: its folder exists and takes new files, and it is not a folder
/// itself. The check writes nothing that stays (a probe file is created
/// and removed). A special file (`is_special`) is written into, not
/// beside: its folder (`/dev`, `/dev/fd`) need not take new files, and it
/// is not opened yet (opening a FIFO waits for its reader).
pub fn check_output(path: &Path) -> Result<Target> {
    let target = resolve(path)?;
    if is_special(&target) {
        return Ok(Target {
            given: path.to_path_buf(),
            path: target,
        });
    }
    if target.is_dir() {
        return Err(io_error(
            path,
            ErrorKind::IsADirectory,
            "is a folder; give a file name",
        ));
    }
    let dir = folder_of(&target);
    if !dir.is_dir() {
        return Err(io_error(
            path,
            ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        ));
    }
    probe(dir).map_err(|e| Error::io(path, e))?;
    Ok(Target {
        given: path.to_path_buf(),
        path: target,
    })
}

/// Checks an output folder (`statements --output DIR`): it exists and
/// takes new files, or it can be created (its nearest existing parent
/// takes new folders). Nothing is created yet.
pub fn check_output_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return probe(dir).map_err(|e| Error::io(dir, e));
    }
    if dir.exists() {
        return Err(io_error(
            dir,
            ErrorKind::NotADirectory,
            "is a file, not a folder",
        ));
    }
    // The nearest folder that exists: the one the new folders go into.
    let parent = dir
        .ancestors()
        .skip(1)
        .map(|a| {
            if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            }
        })
        .find(|a| a.exists())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(io_error(
            dir,
            ErrorKind::NotADirectory,
            format!("{} is not a folder", parent.display()),
        ));
    }
    probe(parent).map_err(|e| Error::io(dir, e))
}

/// Can a file be created in `dir`? Creates a temporary file and removes it.
fn probe(dir: &Path) -> std::io::Result<()> {
    temp_in(dir).map(drop)
}

/// A temporary file in `dir`, created with mode 0666 so that the user's
/// umask decides its permissions (tempfile's default is 0600).
fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(TMP_PREFIX).suffix(TMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

/// A file name made from ids (`<agreement>--<party>.md`) joined to `dir`,
/// refused unless it is one plain name: it can never leave `dir`.
pub fn join_name(dir: &Path, name: &str) -> Result<PathBuf> {
    let mut parts = Path::new(name).components();
    match (parts.next(), parts.next()) {
        (Some(std::path::Component::Normal(n)), None)
            if n == name && !name.starts_with('.') && !name.contains(['/', '\\']) =>
        {
            Ok(dir.join(name))
        }
        _ => Err(io_error(
            &dir.join(name),
            ErrorKind::InvalidInput,
            format!("`{}` is not a plain file name", name.escape_debug()),
        )),
    }
}

/// Files to write together: all or none. Each file is written to its
/// temporary file as it is added (so a command with thousands of outputs
/// holds neither their bytes nor their file handles), and all are renamed
/// into place by `commit`. Dropped without `commit` (an error on the way),
/// the temporary files are removed and no target has changed. A special
/// target (a device, a pipe) has no temporary file: its bytes are held and
/// written into it by `commit`, before the renames.
#[derive(Default)]
pub struct Batch {
    staged: Vec<Staged>,
    special: Vec<(PathBuf, Vec<u8>)>,
}

struct Staged {
    given: PathBuf,
    target: PathBuf,
    temp: tempfile::TempPath,
}

impl Batch {
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Writes `bytes` to a temporary file beside `path` (links followed),
    /// flushed to disk, to be renamed over it by `commit`.
    pub fn add(&mut self, path: &Path, bytes: impl AsRef<[u8]>) -> Result<()> {
        if self.is_empty() {
            crash_point("before-write");
        }
        if is_special(path) {
            self.special
                .push((path.to_path_buf(), bytes.as_ref().to_vec()));
            return Ok(());
        }
        let target = resolve(path)?;
        let mut tmp = temp_in(folder_of(&target)).map_err(|e| Error::io(path, e))?;
        tmp.write_all(bytes.as_ref())
            .map_err(|e| Error::io(path, e))?;
        tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
        self.staged.push(Staged {
            given: path.to_path_buf(),
            target,
            temp: tmp.into_temp_path(),
        });
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.staged.is_empty() && self.special.is_empty()
    }

    /// Writes the special targets (a failure leaves every regular file as
    /// it was), then renames every file into place and syncs their folders.
    pub fn commit(self) -> Result<()> {
        crash_point("before-rename");
        for (path, bytes) in &self.special {
            write_into(path, bytes)?;
        }
        let mut dirs = std::collections::BTreeSet::new();
        for s in self.staged {
            s.temp
                .persist(&s.target)
                .map_err(|e| Error::io(&s.given, e.error))?;
            dirs.insert(folder_of(&s.target).to_path_buf());
        }
        for d in dirs {
            if let Ok(d) = std::fs::File::open(&d) {
                // Not every platform can sync a folder; the rename itself is atomic.
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

/// Writes into an existing special file: opened for writing as it is (no
/// truncation, no temporary file, no rename, no change of mode), the
/// bytes written and flushed. A device that refuses them (`/dev/full`:
/// no space left) is an error naming the path, exit 74.
fn write_into(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    f.write_all(bytes)
        .and_then(|()| f.flush())
        .map_err(|e| Error::io(path, e))
}

/// Writes one file whole or not at all.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut b = Batch::new();
    b.add(path, bytes)?;
    b.commit()
}

/// Writes to standard output, checked: a full disk or any other failure is
/// an error naming standard output (exit non-zero); a reader that closed
/// the pipe early (`| head`) is not, as a shell user expects.
pub fn write_stdout(bytes: impl AsRef<[u8]>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes.as_ref()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io(Path::new("<standard output>"), e)),
    }
}

/// Set when a message could not be written to standard error.
static STDERR_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes one message line to standard error, never panicking (as
/// `eprintln!` does when it cannot write). A failure other than a closed
/// pipe is remembered, so the command exits non-zero (`stderr_failed`):
/// a message lost on a full disk is not a success.
pub fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let written = err
        .write_all(text.as_bytes())
        .and_then(|()| err.write_all(b"\n"))
        .and_then(|()| err.flush());
    if let Err(e) = written {
        if e.kind() != ErrorKind::BrokenPipe {
            STDERR_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// `--quiet`: notes and warnings are left out; errors are still said.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// A note or a warning on standard error: said unless `--quiet`.
pub fn note(text: &str) {
    if !QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        say(text);
    }
}

/// Did a message fail to reach standard error?
pub fn stderr_failed() -> bool {
    STDERR_FAILED.load(std::sync::atomic::Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_or_a_folder_as_file_is_refused_before_any_write() {
        let dir = tempfile::tempdir().unwrap();
        let e = check_output(&dir.path().join("nope/out.json")).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        let e = check_output(dir.path()).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        assert!(check_output(&dir.path().join("out.json")).is_ok());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn names_from_ids_stay_in_their_folder() {
        let d = Path::new("out");
        assert_eq!(join_name(d, "a--b.md").unwrap(), d.join("a--b.md"));
        for bad in ["../x.md", "a/b.md", "..", ".", "/etc/x", "", ".hidden.md"] {
            assert!(join_name(d, bad).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_written_through_and_files_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        // Whatever the umask, a file is readable by more than its owner
        // unless the umask says otherwise: never the fixed 0600.
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        let umask = {
            let probe = dir.path().join("probe");
            std::fs::write(&probe, "").unwrap();
            0o666 & !(std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777)
        };
        assert_eq!(mode, 0o666 & !umask, "mode {mode:o}");
    }

    #[test]
    fn a_batch_that_cannot_write_one_file_writes_none() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = Batch::new();
        b.add(&dir.path().join("a.csv"), "a").unwrap();
        assert!(b.add(&dir.path().join("missing/b.csv"), "b").is_err());
        drop(b);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_that_refuses_the_bytes_fails_the_batch_before_any_rename() {
        use std::os::unix::fs::FileTypeExt;
        let full = Path::new("/dev/full");
        if !std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()) {
            return; // No /dev/full here: nothing to check.
        }
        let dir = tempfile::tempdir().unwrap();
        let mut b = Batch::new();
        b.add(&dir.path().join("a.csv"), "a").unwrap();
        b.add(full, "b").unwrap();
        let e = b.commit().unwrap_err();
        assert_eq!(e.exit_code(), 74, "{e}");
        assert!(e.to_string().contains("/dev/full"), "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(std::fs::metadata(full)
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[test]
    fn leftovers_are_recognised_by_name() {
        assert!(is_leftover(".royalty-AbC123.tmp"));
        assert!(!is_leftover("royalty.tmp"));
        assert!(!is_leftover(".royalty-x.json"));
    }
}
