//! `royalty formats [NAME]`: the statement import profiles it knows (the
//! built-ins and the project's `profiles/`), or one profile in full, as TOML
//! a user can copy and adapt (SPEC 2.3).

use super::common::Common;
use royalty::diag::Result;
use std::fmt::Write;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Show this profile in full.
    pub name: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn exec(a: Args) -> Result<u8> {
    let settings = a.common.settings()?;
    let opts = a.common.import_options(&settings);
    let mut out = String::new();
    match &a.name {
        Some(name) => {
            let p = royalty::import::find_profile(&opts, name)?;
            out.push_str(&royalty::import::describe(&p));
        }
        None => {
            let profiles = royalty::import::profiles(&opts)?;
            let width = profiles.iter().map(|p| p.name.len()).max().unwrap_or(0);
            for p in &profiles {
                let _ = writeln!(out, "{:width$}  {} ({})", p.name, p.description, p.origin);
            }
            let _ = writeln!(
                out,
                "\n`royalty formats NAME` shows one in full; copy it into profiles/ to adapt it."
            );
        }
    }
    print!("{out}");
    Ok(0)
}
