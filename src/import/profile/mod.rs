//! Import profiles: how one file layout maps onto the canonical revenue line
//! (docs/formats.md, "The canonical statement"). Built-in profiles are TOML
//! files in `profiles/`, embedded at build time, written exactly like user
//! profiles so a user can copy one (`royalty formats distrokid`) and adapt it;
//! the canonical statement CSV is one of them. The schema is documented in
//! docs/formats.md (`schema`), and compiled into a `Profile` (`compile`).

mod compile;
mod schema;

use super::dates::DatePattern;
use super::numbers::NumberStyle;
use crate::codes::{Source, Territory};
use crate::diag::Diagnostic;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The built-in profiles, in the order `royalty formats` lists them.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "canonical",
        include_str!("../../../profiles/canonical.toml"),
    ),
    (
        "distrokid",
        include_str!("../../../profiles/distrokid.toml"),
    ),
    (
        "distrokid-csv",
        include_str!("../../../profiles/distrokid-csv.toml"),
    ),
    ("tunecore", include_str!("../../../profiles/tunecore.toml")),
    ("cdbaby", include_str!("../../../profiles/cdbaby.toml")),
    ("believe", include_str!("../../../profiles/believe.toml")),
    (
        "symphonic",
        include_str!("../../../profiles/symphonic.toml"),
    ),
    ("apple", include_str!("../../../profiles/apple.toml")),
    (
        "apple-music",
        include_str!("../../../profiles/apple-music.toml"),
    ),
    ("spotify", include_str!("../../../profiles/spotify.toml")),
    ("bandcamp", include_str!("../../../profiles/bandcamp.toml")),
    ("beatport", include_str!("../../../profiles/beatport.toml")),
    (
        "traxsource",
        include_str!("../../../profiles/traxsource.toml"),
    ),
    ("fuga", include_str!("../../../profiles/fuga.toml")),
    (
        "zebralution",
        include_str!("../../../profiles/zebralution.toml"),
    ),
    ("dashgo", include_str!("../../../profiles/dashgo.toml")),
    (
        "labelworx",
        include_str!("../../../profiles/labelworx.toml"),
    ),
    ("secretly", include_str!("../../../profiles/secretly.toml")),
    ("orchard", include_str!("../../../profiles/orchard.toml")),
    ("ddex-dsr", include_str!("../../../profiles/ddex-dsr.toml")),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Table,
    DdexDsr,
}

/// Where a layout's header is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderAt {
    /// The first line that is not blank.
    First,
    /// After this many lines (blank lines after them passed over).
    Skip(usize),
    /// The first line, among this many, that has every `detect` column.
    Within(usize),
}

impl HeaderAt {
    /// How many lines to look at for the header.
    pub fn lines(self) -> usize {
        match self {
            HeaderAt::First => 1,
            HeaderAt::Skip(n) => n + 1,
            HeaderAt::Within(n) => n,
        }
    }
}

/// A column, by one of its names (the first the header has), with a
/// column to read when its cell is empty.
#[derive(Clone, Debug, Default)]
pub struct ColumnRef {
    pub names: Vec<String>,
    pub optional: bool,
    pub fallback: Vec<String>,
}

/// Where a field of the canonical line comes from.
#[derive(Clone, Debug)]
pub enum FieldSource {
    Column(ColumnRef),
    Fixed(String),
    /// From the lines before the header: the cell after (or below) the
    /// one reading `label`.
    Preamble {
        label: String,
        below: bool,
    },
    /// The first filled cell of this column after the rows end.
    Footer(String),
    /// The first cell of the row that matches one of the formats.
    AnyCell,
    /// From the file's name, by the formats.
    FileName,
    Absent,
}

impl FieldSource {
    pub fn column(&self) -> Option<&ColumnRef> {
        match self {
            FieldSource::Column(c) => Some(c),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Match {
    Equals(Vec<Vec<u8>>),
    Contains(Vec<Vec<u8>>),
    Empty,
    StartsWith(Vec<Vec<u8>>),
}

impl Match {
    pub fn matches(&self, cell: &[u8]) -> bool {
        let c = cell.trim_ascii();
        match self {
            Match::Equals(v) => v.iter().any(|x| x.eq_ignore_ascii_case(c)),
            Match::Contains(v) => v
                .iter()
                .any(|x| x.is_empty() || c.windows(x.len()).any(|w| w.eq_ignore_ascii_case(x))),
            Match::Empty => c.is_empty(),
            Match::StartsWith(v) => v
                .iter()
                .any(|x| c.len() >= x.len() && c[..x.len()].eq_ignore_ascii_case(x)),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub column: String,
    pub matcher: Match,
    pub source: Source,
}

#[derive(Clone, Debug)]
pub struct SkipRule {
    pub column: String,
    pub matcher: Match,
    pub reason: String,
    pub kind: crate::statement::SkipKind,
}

#[derive(Clone, Debug)]
pub struct Profile {
    pub name: String,
    pub description: String,
    /// Where it came from: `built-in` or the file's path.
    pub origin: String,
    /// The TOML text, shown by `royalty formats NAME`.
    pub source_text: String,
    pub kind: Kind,
    pub delimiter: u8,
    pub quoting: bool,
    pub detect: Vec<String>,
    pub header: HeaderAt,
    /// The rows end at the first blank line.
    pub end_at_blank: bool,
    /// A line starting with one of these ends the rows.
    pub end_at: Vec<Vec<u8>>,
    /// Filled cells past the header's are read past, not refused.
    pub extra_cells_ignored: bool,
    pub isrc: FieldSource,
    pub upc: FieldSource,
    pub usage: FieldSource,
    pub usage_formats: Vec<DatePattern>,
    /// Read day dates as their month.
    pub usage_month: bool,
    pub amount: FieldSource,
    pub currency: FieldSource,
    pub units: FieldSource,
    /// Units take the sign of the amount (a void counts -1).
    pub units_signed: bool,
    pub territory: FieldSource,
    /// Only ISO alpha-2 codes or WW; anything else is an error.
    pub territory_strict: bool,
    pub store: FieldSource,
    pub tax_withheld: FieldSource,
    pub numbers: NumberStyle,
    pub default_source: Source,
    /// A column holding the source's name (the canonical `source`).
    pub source_column: Option<String>,
    pub rules: Vec<Rule>,
    pub skips: Vec<SkipRule>,
    pub territories: HashMap<String, Territory>,
}

impl Profile {
    /// Every field, with its canonical name.
    pub fn fields(&self) -> [(&'static str, &FieldSource); 9] {
        [
            ("isrc", &self.isrc),
            ("usage", &self.usage),
            ("amount", &self.amount),
            ("currency", &self.currency),
            ("units", &self.units),
            ("territory", &self.territory),
            ("store", &self.store),
            ("tax_withheld", &self.tax_withheld),
            ("upc", &self.upc),
        ]
    }

    /// Whether a value comes from after the rows (the file is then read
    /// whole before its rows: such files are small).
    pub fn needs_footer(&self) -> bool {
        self.fields()
            .iter()
            .any(|(_, f)| matches!(f, FieldSource::Footer(_)))
    }

    /// Whether the rows end before the file does.
    pub fn has_end(&self) -> bool {
        self.end_at_blank || !self.end_at.is_empty()
    }
}

/// Loads the built-in profiles, then the user's (later ones with the same
/// name replace earlier ones, so a user can override a built-in).
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Profile>, Vec<Diagnostic>> {
    let mut out: Vec<Profile> = Vec::new();
    let mut errs = Vec::new();
    let add = |p: Profile, out: &mut Vec<Profile>| match out.iter().position(|q| q.name == p.name) {
        Some(i) => out[i] = p,
        None => out.push(p),
    };
    for (name, text) in BUILT_IN {
        let file = PathBuf::from(format!("profiles/{name}.toml"));
        match Profile::parse(text, &file, "built-in") {
            Ok(p) => add(p, &mut out),
            Err(e) => errs.extend(e),
        }
    }
    for path in paths {
        let files = if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(rd) => {
                    let mut v: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                        .collect();
                    v.sort();
                    v
                }
                Err(e) => {
                    errs.push(Diagnostic::error(
                        path,
                        0,
                        0,
                        format!("cannot read the profile folder: {e}"),
                    ));
                    continue;
                }
            }
        } else {
            vec![path.clone()]
        };
        for f in files {
            match load_file(&f) {
                Ok(p) => add(p, &mut out),
                Err(e) => errs.extend(e),
            }
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

/// Loads one user profile file.
pub fn load_file(f: &Path) -> Result<Profile, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(f).map_err(|e| {
        vec![Diagnostic::error(
            f,
            0,
            0,
            format!("cannot read the profile: {e}"),
        )]
    })?;
    Profile::parse(&text, f, &f.display().to_string())
}
