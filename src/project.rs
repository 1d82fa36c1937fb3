//! The project file `royalty.toml` (docs/formats.md) and the settings a command
//! runs with: the project's values, each overridden by its command-line flag.
//! Every path in the project file is relative to the file.

use crate::diag::{line_col, Diagnostic, Error, Result};
use crate::period::Period;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn paths(&self, base: &Path) -> Vec<PathBuf> {
        match self {
            OneOrMany::One(s) => vec![base.join(s)],
            OneOrMany::Many(v) => v.iter().map(|s| base.join(s)).collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    agreements: Option<OneOrMany>,
    statements: Option<OneOrMany>,
    ledger: Option<String>,
    fx: Option<String>,
    events: Option<String>,
    period: Option<toml::Spanned<String>>,
    /// Extension: folders or files of user import profiles.
    profiles: Option<OneOrMany>,
    /// Who sends the statements.
    label: Option<Label>,
}

/// The `[label]` section: who sends the statements (printed on each).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub name: String,
    #[serde(default)]
    pub address: String,
}

/// What a command works on.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub project: Option<PathBuf>,
    pub agreements: Vec<PathBuf>,
    pub statements: Vec<PathBuf>,
    pub ledger: Option<PathBuf>,
    pub fx: Option<PathBuf>,
    pub events: Option<PathBuf>,
    pub period: Option<Period>,
    pub profiles: Vec<PathBuf>,
    pub label: Option<Label>,
}

/// Reads a project file. `Ok(None)` when `path` is the implicit
/// `./royalty.toml` and it does not exist.
pub fn read_project(path: &Path) -> Result<Settings> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let raw: RawProject = toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(&text, s.start)).unwrap_or((0, 0));
        Error::one(
            Diagnostic::error(path, line, col, e.message().trim().replace('\n', " "))
                .with_code("project.invalid"),
        )
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let period = match &raw.period {
        Some(p) => match Period::parse_typed(p.get_ref()) {
            Some(x) => Some(x),
            None => {
                let (line, col) = line_col(&text, p.span().start);
                return Err(Error::one(
                    Diagnostic::error(
                        path,
                        line,
                        col,
                        format!(
                            "period `{}`: expected 2026-03, 2026-Q1, 2026-H1 or 2026",
                            p.get_ref()
                        ),
                    )
                    .with_code("project.invalid"),
                ));
            }
        },
        None => None,
    };
    let default_profiles = base.join("profiles");
    Ok(Settings {
        project: Some(path.to_path_buf()),
        agreements: raw.agreements.map(|a| a.paths(&base)).unwrap_or_default(),
        statements: raw.statements.map(|a| a.paths(&base)).unwrap_or_default(),
        ledger: raw.ledger.map(|l| base.join(l)),
        fx: raw.fx.map(|l| base.join(l)),
        events: raw.events.map(|l| base.join(l)),
        period,
        profiles: match raw.profiles {
            Some(p) => p.paths(&base),
            None if default_profiles.is_dir() => vec![default_profiles],
            None => Vec::new(),
        },
        label: raw.label,
    })
}

/// The project file a command uses when none is given: `royalty.toml` in
/// `cwd` or the nearest folder above it that has one (as cargo finds
/// `Cargo.toml`). The path names that folder itself, not `../..` from
/// `cwd`: paths in outputs are written relative to the project's folder
/// (docs/commands.md, "Paths"), and a folder spelled with `..` would not be
/// recognised as the start of the paths under it.
pub fn find_project(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .map(|dir| dir.join("royalty.toml"))
        .find(|p| p.is_file())
}

/// Lists the files of a folder with one of `exts` (sorted, so the order of
/// a directory listing never changes a result), or the path itself.
pub fn expand(paths: &[PathBuf], exts: &[&str]) -> Result<Vec<PathBuf>> {
    Ok(expand_listing(paths, exts)?.0)
}

/// `-`: standard input, where a command reads statements from it.
pub const STDIN: &str = "-";

/// As `expand`, and, per folder, one warning listing every entry it does
/// not read (docs/formats.md, "Statement folders"): another file type, a
/// hidden file, a subfolder, a broken link. Nothing in a folder is ever
/// skipped without a word. `-` is passed through (standard input).
pub fn expand_listing(paths: &[PathBuf], exts: &[&str]) -> Result<(Vec<PathBuf>, Vec<Diagnostic>)> {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for p in paths {
        if p.as_os_str() == STDIN {
            out.push(p.clone());
        } else if p.is_dir() {
            let rd = std::fs::read_dir(p).map_err(|e| Error::io(p, e))?;
            let mut files: Vec<PathBuf> = Vec::new();
            let mut not_read: Vec<String> = Vec::new();
            for entry in rd {
                let path = entry.map_err(|e| Error::io(p, e))?.path();
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let lower = name.to_ascii_lowercase();
                let typed = exts.iter().any(|e| lower.ends_with(e));
                if path.is_file() && !name.starts_with('.') && typed {
                    files.push(path);
                } else if path.is_dir() {
                    not_read.push(format!("{name}/ (a folder: folders are not read inside)"));
                } else if !path.exists() {
                    not_read.push(format!("{name} (a broken link)"));
                } else if name.starts_with('.') {
                    not_read.push(format!("{name} (hidden)"));
                } else {
                    not_read.push(name);
                }
            }
            files.sort();
            out.extend(files);
            if !not_read.is_empty() {
                not_read.sort();
                warnings.push(
                    Diagnostic::warning(
                        p,
                        0,
                        0,
                        format!(
                            "not read: {} (a folder is read for {} files only)",
                            not_read.join(", "),
                            exts.join(" ")
                        ),
                    )
                    .with_code("folder.not-read"),
                );
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(Error::io(
                p,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            ));
        }
    }
    Ok((out, warnings))
}
