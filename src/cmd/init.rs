//! `royalty init [DIR]`: a project folder to start from (docs/commands.md,
//! "`init`"): a
//! project file, a commented agreement template, a small canonical statement
//! and exchange rates. Together they pass `royalty check` and `royalty run`
//! (tests/test_init.rs), so a new label starts from something that works.
//!
//! Nothing is overwritten: if any file to be written exists, nothing is
//! written and the command exits 2 (the folder named is the wrong one).
//! The files are written together, all or none (`fsutil::Batch`).

use royalty::diag::{Error, Result};
use std::path::PathBuf;

/// (path inside the project, contents)
const FILES: [(&str, &str); 4] = [
    (
        "royalty.toml",
        include_str!("../../templates/init/royalty.toml"),
    ),
    (
        "agreements/example.toml",
        include_str!("../../templates/init/agreements/example.toml"),
    ),
    (
        "statements/example-distributor.csv",
        include_str!("../../templates/init/statements/example-distributor.csv"),
    ),
    ("fx.csv", include_str!("../../templates/init/fx.csv")),
];

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The folder to create the project in (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

pub fn exec(a: Args) -> Result<u8> {
    let existing: Vec<String> = FILES
        .iter()
        .map(|(p, _)| a.dir.join(p))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Usage(format!(
            "{} already exist{}; init writes nothing over existing files: choose an empty folder",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" }
        )));
    }
    let mut files = royalty::fsutil::Batch::new();
    for (p, text) in FILES {
        let path = a.dir.join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        files.add(&path, text)?;
    }
    files.commit()?;
    royalty::fsutil::write_stdout(format!(
        "created a project in {}: {}\nnext: `royalty check` then `royalty run` in that folder\n",
        a.dir.display(),
        FILES.map(|(p, _)| p).join(", ")
    ))?;
    Ok(0)
}
