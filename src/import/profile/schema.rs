//! The TOML schema of a profile, as written (docs/formats.md, "Profile
//! TOML schema"). Every setting added since the first schema is optional
//! with a default that means what a profile without it meant, so profiles
//! written for an earlier `royalty` still load.

use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `table` (a header line, then one row per line) or `ddex-dsr`.
    #[serde(default = "default_kind")]
    pub kind: String,
    /// `tab`, `,`, `;` or `|`.
    #[serde(default = "default_delimiter")]
    pub delimiter: String,
    /// Whether `"` quotes cells (default: yes, except for tab-separated).
    pub quoting: Option<bool>,
    /// Header columns that identify the layout (all must be present).
    #[serde(default)]
    pub detect: Vec<String>,
    #[serde(default)]
    pub header: RawHeader,
    #[serde(default)]
    pub rows: RawRows,
    pub columns: Option<RawColumns>,
    #[serde(default)]
    pub numbers: RawNumbers,
    #[serde(default)]
    pub sources: RawSources,
    #[serde(default)]
    pub skip: Vec<RawSkip>,
    /// Extra territory names for this layout: `"Kosovo (UNMIK)" = "XK"`.
    #[serde(default)]
    pub territories: HashMap<String, String>,
}

fn default_kind() -> String {
    "table".into()
}
fn default_delimiter() -> String {
    ",".into()
}

/// Where the header is: after `skip` lines, or the first line among the
/// first `within` that has every `detect` column. Blank lines before it
/// are passed over either way.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    pub skip: Option<usize>,
    pub within: Option<usize>,
}

/// Where the rows end, and what a row may hold past the header's cells.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRows {
    /// The first blank line (or line of empty cells) ends the rows.
    #[serde(default)]
    pub end_at_blank: bool,
    /// A line starting with one of these ends the rows.
    #[serde(default)]
    pub end_at: Vec<String>,
    /// Cells past the header's: `refuse` (default: a filled one is an
    /// error) or `ignore`.
    pub extra_cells: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawColumns {
    pub isrc: RawField,
    pub usage: RawField,
    pub amount: RawField,
    pub currency: RawField,
    pub units: Option<RawField>,
    pub territory: Option<RawField>,
    pub store: Option<RawField>,
    pub tax_withheld: Option<RawField>,
    /// The release code (UPC/EAN): rows without ISRC are summed per release.
    pub upc: Option<RawField>,
}

/// A column name, or a table saying more.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum RawField {
    Column(String),
    Spec(RawSpec),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSpec {
    /// A column name, or several (the first one the header has is read).
    pub column: Option<OneOrMany>,
    /// A fixed value for every row (`currency = { value = "USD" }`,
    /// `units = { value = "1" }`).
    pub value: Option<String>,
    /// The cell after the one reading this text, in the lines before the
    /// header (`Currency<TAB>AUD`).
    pub after: Option<String>,
    /// The cell below the one reading this text, in the lines before the
    /// header (a line of names, then a line of values).
    pub under: Option<String>,
    /// The first filled cell of this column after the rows end.
    pub footer: Option<String>,
    /// Usage only: the first cell of the row that matches a format.
    #[serde(default)]
    pub any_cell: bool,
    /// Usage only: from the file's name (a zip member's own name).
    #[serde(default)]
    pub file_name: bool,
    /// Read this column when the cell of `column` is empty.
    pub fallback: Option<OneOrMany>,
    /// Date patterns (usage only), tried in order.
    pub format: Option<OneOrMany>,
    /// `day` (default when the pattern has a day) or `month`.
    pub granularity: Option<String>,
    /// The column may be absent from some variants of the layout.
    #[serde(default)]
    pub optional: bool,
    /// Territory only: only ISO 3166-1 alpha-2 codes or WW; anything else
    /// is an error (default: names and ISO-3 codes are looked up, unknown
    /// values read as WW with a warning).
    #[serde(default)]
    pub strict: bool,
    /// Units only: a row whose amount is negative (a return, a void)
    /// counts its units negatively.
    #[serde(default)]
    pub sign_from_amount: bool,
}

#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}
impl OneOrMany {
    pub fn list(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawNumbers {
    /// `.`, `,` or `auto`.
    pub decimal: Option<String>,
    /// `,`, `.`, ` `, `'` or empty.
    pub thousands: Option<String>,
    /// Cells that mean zero, e.g. `["n/a", "-"]`.
    #[serde(default)]
    pub null: Vec<String>,
    /// Whether an empty amount/units/tax cell is zero.
    #[serde(default)]
    pub empty_is_zero: bool,
    /// Whether amounts may be written `5.1E-05` (default: yes).
    pub exponent: Option<bool>,
    /// Whether `(2.00)` is -2.00 (default: yes).
    pub parentheses: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSources {
    pub default: Option<String>,
    /// A column holding the source's own name (`streaming`, `download`...).
    pub column: Option<String>,
    #[serde(default)]
    pub rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub column: String,
    pub equals: Option<OneOrMany>,
    pub contains: Option<OneOrMany>,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSkip {
    pub column: String,
    #[serde(default)]
    pub empty: bool,
    pub equals: Option<OneOrMany>,
    pub starts_with: Option<OneOrMany>,
    pub reason: String,
    /// `unattributable` (revenue that cannot go to a track; `unusable` is
    /// the older name), `totals` (rows restating the file's totals) or
    /// `not-revenue` (payouts, transfers).
    #[serde(default = "default_skip_kind")]
    pub kind: String,
}
fn default_skip_kind() -> String {
    "unattributable".into()
}
