//! From a profile's TOML (`schema`) to a `Profile`: every value checked,
//! every problem reported with `file:line:column` at the text that caused
//! it.

use super::schema::{OneOrMany, RawField, RawProfile, RawSpec};
use super::{ColumnRef, FieldSource, HeaderAt, Kind, Match, Profile, Rule, SkipRule};
use crate::codes::{Currency, Source, Territory};
use crate::diag::{line_col, Diagnostic};
use crate::import::dates::DatePattern;
use crate::import::numbers::{DecimalMark, NumberStyle};
use crate::import::territory;
use crate::statement::SkipKind;
use std::collections::HashMap;
use std::path::Path;

/// Collects problems, each placed at the first occurrence of a text.
struct Problems<'a> {
    text: &'a str,
    file: &'a Path,
    errs: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn at(&mut self, needle: &str, msg: String) {
        let (line, col) = self
            .text
            .find(needle)
            .map(|o| line_col(self.text, o))
            .unwrap_or((0, 0));
        self.errs.push(Diagnostic::error(self.file, line, col, msg));
    }

    fn source(&mut self, s: &str) -> Source {
        Source::parse(s).unwrap_or_else(|| {
            self.at(
                &format!("\"{s}\""),
                format!(
                    "unknown source `{s}`: expected one of {}",
                    Source::vocabulary()
                ),
            );
            Source::Other
        })
    }
}

fn bytes(v: &OneOrMany) -> Vec<Vec<u8>> {
    v.list().into_iter().map(|s| s.into_bytes()).collect()
}

impl Profile {
    /// Parses a profile; errors carry `file:line:column`.
    pub fn parse(text: &str, file: &Path, origin: &str) -> Result<Profile, Vec<Diagnostic>> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            vec![Diagnostic::error(file, line, col, e.message().to_string())]
        })?;
        let mut pb = Problems {
            text,
            file,
            errs: Vec::new(),
        };
        let p = compile(raw, text, origin, &mut pb);
        if pb.errs.is_empty() {
            Ok(p)
        } else {
            Err(pb.errs)
        }
    }
}

fn compile(raw: RawProfile, text: &str, origin: &str, pb: &mut Problems) -> Profile {
    let kind = match raw.kind.as_str() {
        "table" => Kind::Table,
        "ddex-dsr" => Kind::DdexDsr,
        k => {
            pb.at(
                "kind",
                format!("kind: expected `table` or `ddex-dsr`, found `{k}`"),
            );
            Kind::Table
        }
    };
    let delimiter = match raw.delimiter.as_str() {
        "tab" | "\t" => b'\t',
        "," => b',',
        ";" => b';',
        "|" => b'|',
        d => {
            pb.at(
                "delimiter",
                format!("delimiter: expected tab, `,`, `;` or `|`, found `{d}`"),
            );
            b','
        }
    };
    let name_ok = !raw.name.is_empty()
        && raw
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !name_ok {
        pb.at(
            "name",
            format!(
                "name: expected lower-case letters, digits and `-`, found `{}`",
                raw.name
            ),
        );
    }
    let header = match (raw.header.skip, raw.header.within) {
        (None, None) => HeaderAt::First,
        (Some(n), None) => HeaderAt::Skip(n),
        (None, Some(n)) if n > 0 => HeaderAt::Within(n),
        (None, Some(_)) => {
            pb.at("within", "header.within: expected at least 1 line".into());
            HeaderAt::First
        }
        (Some(_), Some(_)) => {
            pb.at(
                "[header]",
                "[header]: give `skip` or `within`, not both".into(),
            );
            HeaderAt::First
        }
    };
    let extra_cells_ignored = match raw.rows.extra_cells.as_deref() {
        None | Some("refuse") => false,
        Some("ignore") => true,
        Some(x) => {
            pb.at(
                "extra_cells",
                format!("rows.extra_cells: expected `refuse` or `ignore`, found `{x}`"),
            );
            false
        }
    };
    let default_source = match &raw.sources.default {
        Some(s) => pb.source(s),
        None => Source::Other,
    };
    let mut rules = Vec::new();
    for r in &raw.sources.rules {
        let matcher = match (&r.equals, &r.contains) {
            (Some(e), None) => Match::Equals(bytes(e)),
            (None, Some(c)) => Match::Contains(bytes(c)),
            _ => {
                pb.at(
                    &r.column,
                    "a source rule needs exactly one of `equals` or `contains`".into(),
                );
                continue;
            }
        };
        let source = pb.source(&r.source);
        rules.push(Rule {
            column: r.column.clone(),
            matcher,
            source,
        });
    }
    let mut skips = Vec::new();
    for s in &raw.skip {
        let matcher = match (s.empty, &s.equals, &s.starts_with) {
            (true, None, None) => Match::Empty,
            (false, Some(e), None) => Match::Equals(bytes(e)),
            (false, None, Some(p)) => Match::StartsWith(bytes(p)),
            _ => {
                pb.at(
                    &s.reason,
                    "a skip rule needs exactly one of `empty = true`, `equals` or `starts_with`"
                        .into(),
                );
                continue;
            }
        };
        let kind = match s.kind.as_str() {
            "unattributable" | "unusable" => SkipKind::Unattributable,
            "totals" => SkipKind::Totals,
            "not-revenue" => SkipKind::NotRevenue,
            k => {
                pb.at(
                    k,
                    format!(
                        "skip kind: expected `unattributable`, `totals` or `not-revenue`, found `{k}`"
                    ),
                );
                SkipKind::Unattributable
            }
        };
        skips.push(SkipRule {
            column: s.column.clone(),
            matcher,
            reason: s.reason.clone(),
            kind,
        });
    }
    let numbers = numbers(&raw, pb);
    let mut territories = HashMap::new();
    for (k, v) in &raw.territories {
        match Territory::parse_bytes(v.as_bytes()) {
            Some(t) => {
                territories.insert(territory::table_key(k), t);
            }
            None => pb.at(
                v,
                format!("territory `{k}`: expected a two-letter code, found `{v}`"),
            ),
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
        header,
        end_at_blank: raw.rows.end_at_blank,
        end_at: raw
            .rows
            .end_at
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        extra_cells_ignored,
        isrc: FieldSource::Absent,
        upc: FieldSource::Absent,
        usage: FieldSource::Absent,
        usage_formats: Vec::new(),
        usage_month: false,
        amount: FieldSource::Absent,
        currency: FieldSource::Absent,
        units: FieldSource::Absent,
        units_signed: false,
        territory: FieldSource::Absent,
        territory_strict: false,
        store: FieldSource::Absent,
        tax_withheld: FieldSource::Absent,
        numbers,
        default_source,
        source_column: raw.sources.column.clone(),
        rules,
        skips,
        territories,
    };
    match raw.columns {
        Some(c) => columns(&mut p, c, pb),
        None if kind == Kind::Table => {
            pb.at("name", "a `table` profile needs a [columns] table".into())
        }
        None => {}
    }
    p
}

fn numbers(raw: &RawProfile, pb: &mut Problems) -> NumberStyle {
    let n = &raw.numbers;
    NumberStyle {
        decimal: match n.decimal.as_deref() {
            None | Some(".") => DecimalMark::Point,
            Some(",") => DecimalMark::Comma,
            Some("auto") => DecimalMark::Auto,
            Some(d) => {
                pb.at(
                    "decimal",
                    format!("decimal: expected `.`, `,` or `auto`, found `{d}`"),
                );
                DecimalMark::Point
            }
        },
        thousands: match n.thousands.as_deref() {
            None | Some("") => None,
            Some(t) if t.len() == 1 && ",. '".contains(t) => Some(t.as_bytes()[0]),
            Some(t) => {
                pb.at(
                    "thousands",
                    format!("thousands: expected `,`, `.`, ` `, `'` or empty, found `{t}`"),
                );
                None
            }
        },
        nulls: n.null.iter().map(|x| x.as_bytes().to_vec()).collect(),
        empty_is_zero: n.empty_is_zero,
        exponent: n.exponent.unwrap_or(true),
        parentheses: n.parentheses.unwrap_or(true),
    }
}

/// One field of `[columns]`, in whichever of its forms.
fn field(name: &str, f: &Option<RawField>, pb: &mut Problems) -> FieldSource {
    let Some(f) = f else {
        return FieldSource::Absent;
    };
    let s = match f {
        RawField::Column(c) => {
            return FieldSource::Column(ColumnRef {
                names: vec![c.clone()],
                ..ColumnRef::default()
            })
        }
        RawField::Spec(s) => s,
    };
    let forms = [
        s.column.is_some(),
        s.value.is_some(),
        s.after.is_some(),
        s.under.is_some(),
        s.footer.is_some(),
        s.any_cell,
        s.file_name,
    ];
    if forms.iter().filter(|x| **x).count() != 1 {
        pb.at(
            &format!("{name} ="),
            format!(
                "columns.{name}: give exactly one of `column`, `value`, `after`, `under`, `footer`{}",
                if name == "usage" {
                    ", `any_cell = true` or `file_name = true`"
                } else {
                    ""
                }
            ),
        );
        return FieldSource::Absent;
    }
    if (s.any_cell || s.file_name) && name != "usage" {
        pb.at(
            &format!("{name} ="),
            format!("columns.{name}: `any_cell` and `file_name` are for `usage` only"),
        );
    }
    if s.fallback.is_some() && s.column.is_none() {
        pb.at(
            "fallback",
            format!("columns.{name}: `fallback` goes with `column`"),
        );
    }
    spec_source(s)
}

fn spec_source(s: &RawSpec) -> FieldSource {
    if let Some(c) = &s.column {
        return FieldSource::Column(ColumnRef {
            names: c.list(),
            optional: s.optional,
            fallback: s.fallback.as_ref().map(OneOrMany::list).unwrap_or_default(),
        });
    }
    if let Some(v) = &s.value {
        return FieldSource::Fixed(v.clone());
    }
    if let Some(l) = &s.after {
        return FieldSource::Preamble {
            label: l.clone(),
            below: false,
        };
    }
    if let Some(l) = &s.under {
        return FieldSource::Preamble {
            label: l.clone(),
            below: true,
        };
    }
    if let Some(c) = &s.footer {
        return FieldSource::Footer(c.clone());
    }
    if s.any_cell {
        return FieldSource::AnyCell;
    }
    FieldSource::FileName
}

fn spec(f: &Option<RawField>) -> Option<&RawSpec> {
    match f {
        Some(RawField::Spec(s)) => Some(s),
        _ => None,
    }
}

fn columns(p: &mut Profile, c: super::schema::RawColumns, pb: &mut Problems) {
    let (isrc, usage, amount, currency) = (
        Some(c.isrc),
        Some(c.usage),
        Some(c.amount),
        Some(c.currency),
    );
    p.isrc = field("isrc", &isrc, pb);
    p.usage = field("usage", &usage, pb);
    p.amount = field("amount", &amount, pb);
    p.currency = field("currency", &currency, pb);
    p.units = field("units", &c.units, pb);
    p.territory = field("territory", &c.territory, pb);
    p.store = field("store", &c.store, pb);
    p.tax_withheld = field("tax_withheld", &c.tax_withheld, pb);
    p.upc = field("upc", &c.upc, pb);
    for (name, f) in [("isrc", &p.isrc), ("amount", &p.amount)] {
        if !matches!(f, FieldSource::Column(_)) && !matches!(f, FieldSource::Absent) {
            pb.at(
                &format!("{name} ="),
                format!("columns.{name}: must come from a column"),
            );
        }
    }
    p.units_signed = spec(&c.units).is_some_and(|s| s.sign_from_amount);
    p.territory_strict = spec(&c.territory).is_some_and(|s| s.strict);
    if let Some(s) = spec(&usage) {
        for f in s.format.as_ref().map(OneOrMany::list).unwrap_or_default() {
            match DatePattern::compile(&f) {
                Ok(d) => p.usage_formats.push(d),
                Err(m) => pb.at(&f, m),
            }
        }
        match s.granularity.as_deref() {
            None | Some("day") => {}
            Some("month") => p.usage_month = true,
            Some(g) => pb.at(
                g,
                format!("granularity: expected `day` or `month`, found `{g}`"),
            ),
        }
    }
    if p.usage_formats.is_empty() {
        for f in ["YYYY-MM", "YYYY-MM-DD"] {
            p.usage_formats
                .push(DatePattern::compile(f).expect("a valid pattern"));
        }
    }
    if let FieldSource::Fixed(c) = &p.currency {
        if Currency::parse(c).is_none() {
            pb.at(c, format!("currency `{c}` is not an ISO 4217 code"));
        }
    }
    if let FieldSource::Fixed(u) = &p.units {
        if u.trim().parse::<i64>().is_err() {
            pb.at(
                u,
                format!("units: a fixed value must be a whole number, found `{u}`"),
            );
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
            FieldSource::Column(c) if !c.optional && c.names.len() == 1 => Some(c.names[0].clone()),
            _ => None,
        })
        .collect();
    }
}
