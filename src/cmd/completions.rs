//! `royalty completions SHELL` and `royalty man`: the shell's completion
//! script and the man page, generated from the argument model itself
//! (`clap_complete`, `clap_mangen`), so they never drift from the help.

use clap::CommandFactory;
use clap_complete::Shell;
use royalty::diag::{Error, Result};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// bash, zsh, fish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE", conflicts_with = "dir")]
    pub output: Option<PathBuf>,
    /// Write royalty.1 and one page per command (royalty-run.1...) into DIR.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn exec(a: Args) -> Result<u8> {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "royalty", &mut buf);
    emit(None, &buf)
}

fn page(cmd: clap::Command) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(|e| Error::io(std::path::Path::new("(man page)"), e))?;
    Ok(buf)
}

pub fn man(a: ManArgs) -> Result<u8> {
    super::common::check_outputs(&[a.output.as_deref()])?;
    let cmd = super::Cli::command();
    let Some(dir) = a.dir else {
        return emit(a.output, &page(cmd)?);
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    // Every page or none (docs/commands.md, "Outputs").
    let mut batch = royalty::fsutil::Batch::new();
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    batch.add(&dir.join("royalty.1"), text(page(cmd.clone())?))?;
    // One page per command, named as `man git-log` names git's.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("royalty-{}", sub.get_name());
        let sub = sub.clone().name(name.clone()).bin_name(name.clone());
        batch.add(&dir.join(format!("{name}.1")), text(page(sub)?))?;
    }
    batch.commit()?;
    Ok(0)
}

fn emit(output: Option<PathBuf>, bytes: &[u8]) -> Result<u8> {
    let text = String::from_utf8_lossy(bytes);
    super::common::OutputArgs {
        format: None,
        output,
    }
    .emit(&text)?;
    Ok(0)
}
