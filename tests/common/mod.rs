//! Helpers shared by the CLI test files: running the real binary, temporary
//! project folders, golden files (`UPDATE_GOLDEN=1` rewrites them) and
//! reading figures out of the stable JSON (docs/commands.md, "`run --format
//! json`").
//!
//! Money is compared as the exact strings the JSON carries ("2.67") or as
//! `rust_decimal::Decimal`: never as binary floating point.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root (where `royalty.toml` and `samples/` live).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared real files (`../shared/data`: DDEX test reports, real
/// exports), beside the clone or beside its folder of worktrees, or where
/// `ROYALTY_SHARED_DATA` points. They are not the project's to copy: a clone
/// has none, and the tests that read them skip when absent.
pub fn shared_data() -> PathBuf {
    if let Some(d) = std::env::var_os("ROYALTY_SHARED_DATA") {
        return PathBuf::from(d);
    }
    let here = repo_root();
    ["../shared/data", "../../shared/data"]
        .iter()
        .map(|d| here.join(d))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| here.join("../shared/data"))
}

/// `tests/cases/`.
pub fn cases_dir() -> PathBuf {
    repo_root().join("tests").join("cases")
}

/// A copy of the folder `src` in a new temporary folder (returned; the copy
/// is `<tmp>/case`). A case run in place would find the repository's own
/// `royalty.toml` above it (a project file is looked for in parent folders)
/// and take the bundled label's exchange rates and events; a copy outside
/// the repository runs on its own files only.
pub fn copy_case(src: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    copy_dir(src, &dir);
    (tmp, dir)
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A copy of the bundled label (royalty.toml, agreements, samples) in a
/// temporary folder, so closes do not touch the repository.
pub fn bundled_label() -> Project {
    let p = Project::new();
    for dir in ["agreements", "samples"] {
        copy_dir(&repo_root().join(dir), &p.path().join(dir));
    }
    std::fs::copy(
        repo_root().join("royalty.toml"),
        p.path().join("royalty.toml"),
    )
    .unwrap();
    p
}

/// The real `royalty` binary, with the environment cleared of anything that
/// could change its output.
pub fn royalty() -> Command {
    let mut c = Command::cargo_bin("royalty").expect("the royalty binary is built by cargo test");
    c.env_remove("RUST_LOG").env("NO_COLOR", "1");
    c
}

/// True when the golden files should be rewritten instead of compared.
pub fn update_golden() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Compares `actual` with the golden file at `path` (or rewrites it under
/// `UPDATE_GOLDEN=1`). On a difference the message shows the first
/// differing line, with context, rather than two whole documents.
pub fn assert_golden(path: &Path, actual: &str) {
    if update_golden() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create the golden folder");
        }
        std::fs::write(path, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read golden file {}: {e}\n(run `UPDATE_GOLDEN=1 cargo test` to create it)",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "output differs from the golden file {}\n{}\n(if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff)",
            path.display(),
            first_difference(&expected, actual)
        );
    }
}

/// A short description of where two texts first differ.
pub fn first_difference(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let n = e.len().max(a.len());
    for i in 0..n {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            let from = i.saturating_sub(3);
            let mut s = format!("first difference at line {}:\n", i + 1);
            for (k, line) in e.iter().enumerate().take(i).skip(from) {
                s.push_str(&format!("  {:>5}   {line}\n", k + 1));
            }
            s.push_str(&format!(
                "  {:>5} - {}\n",
                i + 1,
                x.copied().unwrap_or("<end of file>")
            ));
            s.push_str(&format!(
                "  {:>5} + {}\n",
                i + 1,
                y.copied().unwrap_or("<end of file>")
            ));
            return s;
        }
    }
    "the texts differ only in line endings or a final newline".to_string()
}

/// Standard output and error as text.
pub fn texts(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let o = cmd.output().expect("run royalty");
    let (out, err) = texts(&o);
    (o.status.code().unwrap_or(-1), out, err)
}

/// Runs a command that must succeed and returns its stdout.
pub fn run_ok(cmd: &mut Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "expected success, got exit {code}\nstderr:\n{err}");
    out
}

/// Parses stdout as JSON, with a useful message when it is not.
pub fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}"))
}

/// A temporary folder to run in, with helpers to write files into it.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("create a temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` at `rel` (creating folders) and returns the full path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("create folder");
        }
        std::fs::write(&p, bytes).expect("write file");
        p
    }

    pub fn mkdir(&self, rel: &str) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(&p).expect("create folder");
        p
    }

    /// `royalty` with this folder as the current directory (so paths in
    /// messages and outputs are relative and stable).
    pub fn cmd(&self) -> Command {
        let mut c = royalty();
        c.current_dir(self.dir.path());
        c
    }
}

impl Default for Project {
    fn default() -> Self {
        Project::new()
    }
}

/// The payout row of `party` under `agreement`.
pub fn payout<'a>(doc: &'a Value, agreement: &str, party: &str) -> &'a Value {
    doc["payouts"]
        .as_array()
        .expect("payouts is an array")
        .iter()
        .find(|r| r["agreement"] == agreement && r["party"] == party)
        .unwrap_or_else(|| panic!("no payout row for {agreement}/{party} in\n{doc:#}"))
}

/// The agreement row of `agreement`.
pub fn agreement<'a>(doc: &'a Value, agreement: &str) -> &'a Value {
    doc["agreements"]
        .as_array()
        .expect("agreements is an array")
        .iter()
        .find(|r| r["agreement"] == agreement)
        .unwrap_or_else(|| panic!("no agreement row for {agreement} in\n{doc:#}"))
}

/// A string field of a JSON object, with the path in the failure message.
pub fn field<'a>(row: &'a Value, name: &str) -> &'a str {
    row[name]
        .as_str()
        .unwrap_or_else(|| panic!("field `{name}` is not a string in {row}"))
}

/// Parses an exact decimal string from the JSON.
pub fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse()
        .unwrap_or_else(|e| panic!("`{s}` is not a decimal: {e}"))
}

/// The `earned` figures of an agreement's parties, in file order.
pub fn earned(doc: &Value, agreement: &str) -> Vec<String> {
    doc["payouts"]
        .as_array()
        .expect("payouts is an array")
        .iter()
        .filter(|r| r["agreement"] == agreement)
        .map(|r| field(r, "earned").to_string())
        .collect()
}

/// The canonical statement header.
pub const HEADER: &str = "period,isrc,source,territory,units,amount,currency";

/// A small valid agreement: `ava` earns `rate` of streaming.
pub fn simple_agreement(id: &str, currency: &str, isrc: &str, rate: &str) -> String {
    format!(
        "id = \"{id}\"\ncurrency = \"{currency}\"\n\n[[track]]\nisrc = \"{isrc}\"\n\n[[party]]\nid = \"ava\"\n\n[rates.ava]\nstreaming = \"{rate}\"\n"
    )
}

/// SHA-256 of a file's bytes, hex (as the JSON and the ledger write it).
pub fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).expect("read the file");
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
