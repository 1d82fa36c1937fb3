//! How paths are written in outputs and messages (docs/commands.md,
//! "Paths"): relative to the project's folder, which is known once the
//! settings are read (`Common::settings` sets it), else to the current
//! folder. Every other part of the command layer asks here, so a path reads
//! the same whatever the working directory.

use royalty::paths::Names;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// How paths are written: set with the settings (the project's folder),
/// else relative to the current folder.
static NAMES: OnceLock<Names> = OnceLock::new();

pub fn names() -> Names {
    NAMES
        .get()
        .cloned()
        .unwrap_or_else(|| Names::new(Path::new(".")))
}

/// A path as written in outputs and messages (docs/commands.md, "Paths").
pub fn shown(p: &Path) -> PathBuf {
    names().show(p)
}

/// A message for people: paths in the project's folder relative to it.
pub fn for_humans(text: &str) -> String {
    names().text(text)
}

/// The project's folder, once the settings name it (the first one wins:
/// one command reads one project).
pub(super) fn set_root(root: &Path) {
    let _ = NAMES.set(Names::new(root));
}
