//! Where a command writes (docs/commands.md, "Outputs"): `--output` and
//! `--format`, every output path checked before anything is computed (it
//! can be written, no two are one file, none is one of the inputs), and the
//! outputs written together, whole or not at all.

use super::options::Common;
use super::path_names::shown;
use royalty::diag::{Error, Result};
use royalty::fsutil::Batch;
use royalty::report::Format;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Output options of the commands that print results.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// table, csv or json (default: table on a terminal, json otherwise).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write to this file (whole or not at all) instead of standard output
    /// (`-`: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// An output path, or none for `-` (standard output, the usual convention).
pub fn file_or_stdout(p: Option<&Path>) -> Option<&Path> {
    p.filter(|p| p.as_os_str() != "-")
}

impl OutputArgs {
    /// The file `--output` names; none for standard output (no flag, or `-`).
    pub fn file(&self) -> Option<&Path> {
        file_or_stdout(self.output.as_deref())
    }

    pub fn format(&self) -> Format {
        self.format.unwrap_or(
            if self.file().is_none() && std::io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Json
            },
        )
    }

    /// Checks `--output` before the command computes (docs/commands.md,
    /// "Outputs"): a bad path fails the command before anything is written,
    /// and so does an output that is one of the command's inputs.
    pub fn check(&self, c: &Common, inputs: &[&Path]) -> Result<()> {
        check_outputs_of(c, &[self.file()], inputs)
    }

    /// Prints (checked: a failed write is an error), or writes the file
    /// atomically.
    pub fn emit(&self, text: &str) -> Result<()> {
        self.finish(Batch::new(), text)
    }

    /// Writes the command's other files and `--output` together, all or
    /// none; or, without `--output`, the files and then standard output.
    pub fn finish(&self, mut batch: Batch, text: &str) -> Result<()> {
        match self.file() {
            Some(p) => {
                batch.add(p, text)?;
                batch.commit()
            }
            None => {
                batch.commit()?;
                royalty::fsutil::write_stdout(text)
            }
        }
    }
}

/// Checks every output path a command was given, before it computes: each
/// can be written (`fsutil::check_output`), and no two are the same file.
pub fn check_outputs(paths: &[Option<&Path>]) -> Result<()> {
    let mut seen: Vec<royalty::fsutil::Target> = Vec::new();
    for p in paths.iter().flatten() {
        if p.as_os_str() == "-" {
            return Err(Error::Usage(
                "`-` (standard output) is only for --output; give this output a file".into(),
            ));
        }
        let t = royalty::fsutil::check_output(p)?;
        // A device or pipe is written into, not replaced: two outputs into
        // `/dev/null` lose nothing.
        if royalty::fsutil::is_special(&t.path) {
            continue;
        }
        if let Some(other) = seen.iter().find(|o| same_target(&o.path, &t.path)) {
            return Err(Error::Usage(format!(
                "{} and {} are the same file: give each output its own",
                other.given.display(),
                t.given.display()
            )));
        }
        seen.push(t);
    }
    Ok(())
}

/// `check_outputs`, and no output is one of the command's inputs (the
/// project file, agreements, statements, fx, events, profiles, aggregates,
/// and `inputs`, the command's own): writing it would destroy what it is
/// computed from. A usage error (exit 2), before anything is read.
pub fn check_outputs_of(c: &Common, outputs: &[Option<&Path>], inputs: &[&Path]) -> Result<()> {
    check_outputs(outputs)?;
    if outputs.iter().all(Option::is_none) {
        return Ok(());
    }
    let s = c.settings()?;
    let mut all: Vec<PathBuf> = inputs.iter().map(|p| p.to_path_buf()).collect();
    all.extend(s.project.clone());
    all.extend(s.fx.clone());
    all.extend(s.events.clone());
    all.extend(c.aggregates.iter().cloned());
    let listed = |paths: &[PathBuf], exts: &[&str]| {
        royalty::project::expand(paths, exts).unwrap_or_else(|_| paths.to_vec())
    };
    all.extend(listed(&s.agreements, &[".toml"]));
    all.extend(listed(&s.statements, &royalty::load::STATEMENT_EXTENSIONS));
    all.extend(listed(&s.profiles, &[".toml"]));
    for o in outputs.iter().flatten() {
        let target = royalty::fsutil::resolve(o)?;
        for i in &all {
            let input = royalty::fsutil::resolve(i).unwrap_or_else(|_| i.clone());
            if same_target(&target, &input) {
                return Err(Error::Usage(format!(
                    "{} is one of the inputs ({}): writing it would destroy what the command reads; \
                     give the output another file",
                    o.display(),
                    shown(i).display()
                )));
            }
        }
    }
    Ok(())
}

/// Do two output paths name the same file, which may not exist yet (their
/// folders compared as resolved, then their names)?
pub fn same_target(a: &Path, b: &Path) -> bool {
    let folder = |p: &Path| {
        let d = p.parent().filter(|d| !d.as_os_str().is_empty());
        std::fs::canonicalize(d.unwrap_or(Path::new("."))).ok()
    };
    a.file_name() == b.file_name() && folder(a) == folder(b)
}

impl OutputArgs {
    /// How wide a table may be: `COLUMNS` when set (as shells export it),
    /// else the terminal's width when printing to one; `None` (as wide as
    /// the content) into a file or a pipe.
    pub fn table_width(&self) -> Option<u16> {
        if self.output.is_some() {
            return None;
        }
        let env = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok());
        env.filter(|w| *w >= 20).or_else(|| {
            std::io::stdout()
                .is_terminal()
                .then(|| comfy_table::Table::new().width())
                .flatten()
        })
    }
}
