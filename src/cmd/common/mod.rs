//! What every command shares, in the order a command uses it: the options
//! and settings (`options`), where it writes (`outputs`) and how paths are
//! written (`path_names`), the inputs loaded (`load`) and the run prepared
//! with the ledger's word on it (`prepare`, `ledger_checks`), and the
//! problems shown to people and scripts (`problems`). Commands import from
//! here; the parts import each other one way, from `path_names` up to
//! `prepare`.

mod ledger_checks;
mod load;
mod options;
mod outputs;
mod path_names;
mod prepare;
mod problems;

pub use ledger_checks::{
    check_consumed, check_reproduced, ledger_dir, leftovers, lock_ledger, read_register,
};
pub use load::{load, load_agreements, load_with, LoadOptions, Loaded};
pub use options::{global, set_global, Common, Global};
pub use outputs::{check_outputs, check_outputs_of, file_or_stdout, same_target, OutputArgs};
pub use path_names::{for_humans, names, shown};
pub use prepare::{prepare, prepare_with, Prepared};
pub use problems::{print_warnings, problems};
