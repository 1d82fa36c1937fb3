//! How a path is written in outputs and messages (docs/commands.md,
//! "Paths"): relative to the project's folder (the folder of
//! `royalty.toml`, or the current folder without one) when the file is in
//! it, else absolute. So `--project /abs/royalty.toml` gives the same bytes
//! from any working directory: in the JSON, the ledger, aggregates,
//! unmatched exports and messages.
//!
//! The paths a command reads are made absolute once (`absolute`), when its
//! settings are built; a relative path is then one already written for
//! people (or one the user typed relative to the current folder, written
//! as given), so `Names::show` can be applied any number of times.

use std::path::{Component, Path, PathBuf};

/// `p` made absolute against the current folder, without `.` components
/// (`..` is kept: with symbolic links, dropping it could name another file).
pub fn absolute(p: &Path) -> PathBuf {
    let full = if p.is_absolute() {
        p.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(p),
            Err(_) => return p.to_path_buf(),
        }
    };
    full.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// The project's folder, and how paths in it are written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// Absolute; empty: no folder (paths are shown as they are).
    root: PathBuf,
}

impl Names {
    /// Paths relative to `root` (made absolute here).
    pub fn new(root: &Path) -> Names {
        Names {
            root: absolute(root),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How `p` is written: relative to the project's folder when in it,
    /// else as it is (absolute, or relative as the user typed it).
    pub fn show(&self, p: &Path) -> PathBuf {
        if p.is_relative() || self.root.as_os_str().is_empty() {
            return p.to_path_buf();
        }
        match p.strip_prefix(&self.root) {
            Ok(r) if r.as_os_str().is_empty() => PathBuf::from("."),
            Ok(r) => r.to_path_buf(),
            Err(_) => p.to_path_buf(),
        }
    }

    /// The file a written path names: relative to the project's folder.
    pub fn resolve(&self, shown: &Path) -> PathBuf {
        if shown.is_relative() && !self.root.as_os_str().is_empty() {
            self.root.join(shown)
        } else {
            shown.to_path_buf()
        }
    }

    /// A message for people with every path inside the project's folder
    /// written relative to it (the folder's absolute prefix taken off).
    pub fn text(&self, message: &str) -> String {
        let root = self.root.to_string_lossy();
        if root.len() <= 1 || !message.contains(root.as_ref()) {
            return message.to_string();
        }
        let prefix = format!("{root}/");
        let mut out = String::with_capacity(message.len());
        let mut rest = message;
        while let Some(i) = rest.find(&prefix) {
            // Only where a path starts, not inside a longer path.
            let starts = rest[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || "/._-~".contains(c)));
            out.push_str(&rest[..i]);
            if !starts {
                out.push_str(&prefix);
            }
            rest = &rest[i + prefix.len()..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_the_project_are_relative_to_it_and_others_stay() {
        let n = Names::new(Path::new("/label/proj"));
        assert_eq!(
            n.show(Path::new("/label/proj/samples/x.csv")),
            Path::new("samples/x.csv")
        );
        assert_eq!(n.show(Path::new("/label/proj")), Path::new("."));
        assert_eq!(
            n.show(Path::new("/label/other/fx.csv")),
            Path::new("/label/other/fx.csv")
        );
        // Shown once or twice: the same.
        let once = n.show(Path::new("/label/proj/a/b.zip!m.csv"));
        assert_eq!(once, Path::new("a/b.zip!m.csv"));
        assert_eq!(n.show(&once), once);
        assert_eq!(n.resolve(&once), Path::new("/label/proj/a/b.zip!m.csv"));
        // A folder whose name only starts like the project's is not in it.
        assert_eq!(
            n.show(Path::new("/label/project2/x.csv")),
            Path::new("/label/project2/x.csv")
        );
    }

    #[test]
    fn messages_lose_the_project_prefix_only() {
        let n = Names::new(Path::new("/label/proj"));
        assert_eq!(
            n.text("/label/proj/ledger/2026-Q1.json is closed; see /label/other/x"),
            "ledger/2026-Q1.json is closed; see /label/other/x"
        );
        assert_eq!(Names::new(Path::new("/")).text("/a/b"), "/a/b");
        assert_eq!(n.text("/x/label/proj/y"), "/x/label/proj/y");
        assert_eq!(n.text("`/label/proj/y`"), "`y`");
    }

    #[test]
    fn absolute_drops_current_folder_components() {
        let a = absolute(Path::new("./samples/./x.csv"));
        assert!(a.is_absolute());
        assert!(a.ends_with("samples/x.csv"), "{}", a.display());
        assert!(!a.to_string_lossy().contains("/./"));
    }
}
