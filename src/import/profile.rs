//! Import profiles: how one file layout maps onto the canonical revenue
//! line (SPEC 2.3). Built-in profiles are TOML files in `profiles/`,
//! embedded at build time, written exactly like user profiles so a user can
//! copy one (`royalty formats distrokid`) and adapt it. The schema is
//! documented in docs/formats.md.

use super::dates::DatePattern;
use super::numbers::{DecimalMark, NumberStyle};
use super::territory;
use crate::codes::{Currency, Source, Territory};
use crate::diag::{line_col, Diagnostic};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The built-in profiles, in the order `royalty formats` lists them.
pub const BUILT_IN: [(&str, &str); 8] = [
    ("distrokid", include_str!("../../profiles/distrokid.toml")),
    ("tunecore", include_str!("../../profiles/tunecore.toml")),
    ("cdbaby", include_str!("../../profiles/cdbaby.toml")),
    ("believe", include_str!("../../profiles/believe.toml")),
    ("symphonic", include_str!("../../profiles/symphonic.toml")),
    ("apple", include_str!("../../profiles/apple.toml")),
    ("bandcamp", include_str!("../../profiles/bandcamp.toml")),
    ("ddex-dsr", include_str!("../../profiles/ddex-dsr.toml")),
];

// ---- the TOML schema -------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    #[serde(default)]
    description: String,
    /// `table` (a header line, then one row per line) or `ddex-dsr`.
    #[serde(default = "default_kind")]
    kind: String,
    /// `tab`, `,`, `;` or `|`.
    #[serde(default = "default_delimiter")]
    delimiter: String,
    /// Whether `"` quotes cells (default: yes, except for tab-separated).
    quoting: Option<bool>,
    /// Header columns that identify the layout (all must be present).
    #[serde(default)]
    detect: Vec<String>,
    columns: Option<RawColumns>,
    #[serde(default)]
    numbers: RawNumbers,
    #[serde(default)]
    sources: RawSources,
    #[serde(default)]
    skip: Vec<RawSkip>,
    /// Extra territory names for this layout: `"Kosovo (UNMIK)" = "XK"`.
    #[serde(default)]
    territories: HashMap<String, String>,
}

fn default_kind() -> String {
    "table".into()
}
fn default_delimiter() -> String {
    ",".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    isrc: RawField,
    usage: RawField,
    amount: RawField,
    currency: RawField,
    units: Option<RawField>,
    territory: Option<RawField>,
    store: Option<RawField>,
    tax_withheld: Option<RawField>,
}

/// A column name, or a table saying more.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawField {
    Column(String),
    Spec(RawSpec),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    column: Option<String>,
    /// A fixed value for every row (`currency = { value = "USD" }`,
    /// `units = { value = "1" }`).
    value: Option<String>,
    /// Date patterns (usage only), tried in order.
    format: Option<OneOrMany>,
    /// `day` (default when the pattern has a day) or `month`.
    granularity: Option<String>,
    /// The column may be absent from some variants of the layout.
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}
impl OneOrMany {
    fn list(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNumbers {
    /// `.`, `,` or `auto`.
    decimal: Option<String>,
    /// `,`, `.`, ` `, `'` or empty.
    thousands: Option<String>,
    /// Cells that mean zero, e.g. `["n/a", "-"]`.
    #[serde(default)]
    null: Vec<String>,
    /// Whether an empty amount/units/tax cell is zero.
    #[serde(default)]
    empty_is_zero: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSources {
    default: Option<String>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    column: String,
    equals: Option<OneOrMany>,
    contains: Option<OneOrMany>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSkip {
    column: String,
    #[serde(default)]
    empty: bool,
    equals: Option<OneOrMany>,
    starts_with: Option<OneOrMany>,
    reason: String,
    /// `totals` for rows that restate the file's totals (their amounts are
    /// not part of the revenue), `unusable` for rows whose revenue cannot be
    /// attributed to a track (album sales without ISRC).
    #[serde(default = "default_skip_kind")]
    kind: String,
}
fn default_skip_kind() -> String {
    "unusable".into()
}

// ---- the compiled profile ---------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Table,
    DdexDsr,
}

/// A field of the canonical line: read from a column or fixed.
#[derive(Clone, Debug)]
pub enum FieldSource {
    Column { name: String, optional: bool },
    Fixed(String),
    Absent,
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
    pub totals: bool,
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
    pub isrc: FieldSource,
    pub usage: FieldSource,
    pub usage_formats: Vec<DatePattern>,
    /// Read day dates as their month.
    pub usage_month: bool,
    pub amount: FieldSource,
    pub currency: FieldSource,
    pub units: FieldSource,
    pub territory: FieldSource,
    pub store: FieldSource,
    pub tax_withheld: FieldSource,
    pub numbers: NumberStyle,
    pub default_source: Source,
    pub rules: Vec<Rule>,
    pub skips: Vec<SkipRule>,
    pub territories: HashMap<String, Territory>,
}

impl Profile {
    /// Parses a profile; errors carry `file:line:column`.
    pub fn parse(text: &str, file: &Path, origin: &str) -> Result<Profile, Vec<Diagnostic>> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            vec![Diagnostic::error(file, line, col, e.message().to_string())]
        })?;
        // Semantic errors point at the line naming the offending value.
        let at = |needle: &str, msg: String| {
            let (line, col) = text
                .find(needle)
                .map(|o| line_col(text, o))
                .unwrap_or((0, 0));
            Diagnostic::error(file, line, col, msg)
        };
        let mut errs = Vec::new();
        let kind = match raw.kind.as_str() {
            "table" => Kind::Table,
            "ddex-dsr" => Kind::DdexDsr,
            k => {
                errs.push(at(
                    "kind",
                    format!("kind: expected `table` or `ddex-dsr`, found `{k}`"),
                ));
                Kind::Table
            }
        };
        let delimiter = match raw.delimiter.as_str() {
            "tab" | "\t" => b'\t',
            "," => b',',
            ";" => b';',
            "|" => b'|',
            d => {
                errs.push(at(
                    "delimiter",
                    format!("delimiter: expected tab, `,`, `;` or `|`, found `{d}`"),
                ));
                b','
            }
        };
        let name_ok = !raw.name.is_empty()
            && raw
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !name_ok {
            errs.push(at(
                "name",
                format!(
                    "name: expected lower-case letters, digits and `-`, found `{}`",
                    raw.name
                ),
            ));
        }
        let source = |s: &str, errs: &mut Vec<Diagnostic>| {
            Source::parse(s).unwrap_or_else(|| {
                errs.push(at(
                    &format!("\"{s}\""),
                    format!(
                        "unknown source `{s}`: expected one of {}",
                        Source::vocabulary()
                    ),
                ));
                Source::Other
            })
        };
        let default_source = match &raw.sources.default {
            Some(s) => source(s, &mut errs),
            None => Source::Other,
        };
        let mut rules = Vec::new();
        for r in &raw.sources.rules {
            let matcher = match (&r.equals, &r.contains) {
                (Some(e), None) => Match::Equals(bytes(e)),
                (None, Some(c)) => Match::Contains(bytes(c)),
                _ => {
                    errs.push(at(
                        &r.column,
                        "a source rule needs exactly one of `equals` or `contains`".into(),
                    ));
                    continue;
                }
            };
            rules.push(Rule {
                column: r.column.clone(),
                matcher,
                source: source(&r.source, &mut errs),
            });
        }
        let mut skips = Vec::new();
        for s in &raw.skip {
            let matcher = match (s.empty, &s.equals, &s.starts_with) {
                (true, None, None) => Match::Empty,
                (false, Some(e), None) => Match::Equals(bytes(e)),
                (false, None, Some(p)) => Match::StartsWith(bytes(p)),
                _ => {
                    errs.push(at(&s.reason, "a skip rule needs exactly one of `empty = true`, `equals` or `starts_with`".into()));
                    continue;
                }
            };
            if s.kind != "totals" && s.kind != "unusable" {
                errs.push(at(
                    &s.kind,
                    format!(
                        "skip kind: expected `totals` or `unusable`, found `{}`",
                        s.kind
                    ),
                ));
            }
            skips.push(SkipRule {
                column: s.column.clone(),
                matcher,
                reason: s.reason.clone(),
                totals: s.kind == "totals",
            });
        }
        let numbers = NumberStyle {
            decimal: match raw.numbers.decimal.as_deref() {
                None | Some(".") => DecimalMark::Point,
                Some(",") => DecimalMark::Comma,
                Some("auto") => DecimalMark::Auto,
                Some(d) => {
                    errs.push(at(
                        "decimal",
                        format!("decimal: expected `.`, `,` or `auto`, found `{d}`"),
                    ));
                    DecimalMark::Point
                }
            },
            thousands: match raw.numbers.thousands.as_deref() {
                None | Some("") => None,
                Some(t) if t.len() == 1 && ",. '".contains(t) => Some(t.as_bytes()[0]),
                Some(t) => {
                    errs.push(at(
                        "thousands",
                        format!("thousands: expected `,`, `.`, ` `, `'` or empty, found `{t}`"),
                    ));
                    None
                }
            },
            nulls: raw
                .numbers
                .null
                .iter()
                .map(|n| n.as_bytes().to_vec())
                .collect(),
            empty_is_zero: raw.numbers.empty_is_zero,
        };
        let mut territories = HashMap::new();
        for (k, v) in &raw.territories {
            match Territory::parse_bytes(v.as_bytes()) {
                Some(t) => {
                    territories.insert(territory::table_key(k), t);
                }
                None => errs.push(at(
                    v,
                    format!("territory `{k}`: expected a two-letter code, found `{v}`"),
                )),
            }
        }
        let field = |f: &Option<RawField>| match f {
            None => FieldSource::Absent,
            Some(RawField::Column(c)) => FieldSource::Column {
                name: c.clone(),
                optional: false,
            },
            Some(RawField::Spec(s)) => match (&s.column, &s.value) {
                (Some(c), None) => FieldSource::Column {
                    name: c.clone(),
                    optional: s.optional,
                },
                (None, Some(v)) => FieldSource::Fixed(v.clone()),
                _ => FieldSource::Absent,
            },
        };
        fn spec(f: &Option<RawField>) -> Option<&RawSpec> {
            match f {
                Some(RawField::Spec(s)) => Some(s),
                _ => None,
            }
        }
        let mut p = Profile {
            name: raw.name.clone(),
            description: raw.description.clone(),
            origin: origin.to_string(),
            source_text: text.to_string(),
            kind,
            delimiter,
            quoting: raw.quoting.unwrap_or(delimiter != b'\t'),
            detect: raw.detect.clone(),
            isrc: FieldSource::Absent,
            usage: FieldSource::Absent,
            usage_formats: Vec::new(),
            usage_month: false,
            amount: FieldSource::Absent,
            currency: FieldSource::Absent,
            units: FieldSource::Absent,
            territory: FieldSource::Absent,
            store: FieldSource::Absent,
            tax_withheld: FieldSource::Absent,
            numbers,
            default_source,
            rules,
            skips,
            territories,
        };
        if let Some(c) = raw.columns {
            let (isrc, usage, amount, currency) = (
                Some(c.isrc),
                Some(c.usage),
                Some(c.amount),
                Some(c.currency),
            );
            for (name, f) in [
                ("isrc", &isrc),
                ("usage", &usage),
                ("amount", &amount),
                ("currency", &currency),
            ] {
                if matches!(field(f), FieldSource::Absent) {
                    errs.push(at(name, format!("columns.{name}: give a column name or `{{ column = \"...\" }}` / `{{ value = \"...\" }}`")));
                }
            }
            p.isrc = field(&isrc);
            p.usage = field(&usage);
            p.amount = field(&amount);
            p.currency = field(&currency);
            p.units = field(&c.units);
            p.territory = field(&c.territory);
            p.store = field(&c.store);
            p.tax_withheld = field(&c.tax_withheld);
            if let Some(s) = spec(&usage) {
                for f in s.format.as_ref().map(OneOrMany::list).unwrap_or_default() {
                    match DatePattern::compile(&f) {
                        Ok(d) => p.usage_formats.push(d),
                        Err(m) => errs.push(at(&f, m)),
                    }
                }
                match s.granularity.as_deref() {
                    None | Some("day") => {}
                    Some("month") => p.usage_month = true,
                    Some(g) => errs.push(at(
                        g,
                        format!("granularity: expected `day` or `month`, found `{g}`"),
                    )),
                }
            }
            if p.usage_formats.is_empty() {
                p.usage_formats
                    .push(DatePattern::compile("YYYY-MM").expect("valid"));
                p.usage_formats
                    .push(DatePattern::compile("YYYY-MM-DD").expect("valid"));
            }
            if let FieldSource::Fixed(c) = &p.currency {
                if Currency::parse(c).is_none() {
                    errs.push(at(c, format!("currency `{c}` is not an ISO 4217 code")));
                }
            }
            if let FieldSource::Fixed(u) = &p.units {
                if u.trim().parse::<i64>().is_err() {
                    errs.push(at(
                        u,
                        format!("units: a fixed value must be a whole number, found `{u}`"),
                    ));
                }
            }
            if p.detect.is_empty() {
                p.detect = [
                    &p.isrc,
                    &p.usage,
                    &p.amount,
                    &p.currency,
                    &p.units,
                    &p.territory,
                ]
                .iter()
                .filter_map(|f| match f {
                    FieldSource::Column {
                        name,
                        optional: false,
                    } => Some(name.clone()),
                    _ => None,
                })
                .collect();
            }
        } else if kind == Kind::Table {
            errs.push(at(
                "name",
                "a `table` profile needs a [columns] table".into(),
            ));
        }
        if errs.is_empty() {
            Ok(p)
        } else {
            Err(errs)
        }
    }
}

fn bytes(v: &OneOrMany) -> Vec<Vec<u8>> {
    v.list().into_iter().map(|s| s.into_bytes()).collect()
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
