//! A profile bound to one file: each field's column index in this file's
//! header, or its value for the whole file (fixed by the profile, or read
//! from the lines before the header, the footer or the file's name).

use super::header::{footer_value, preamble_value};
use crate::codes::{Currency, Source};
use crate::import::cells::norm;
use crate::import::dates;
use crate::import::profile::{ColumnRef, FieldSource, Match, Profile, SkipRule};
use crate::period::Usage;
use csv::ByteRecord;

/// A column, and the column read when its cell is empty.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub at: usize,
    pub or: Option<usize>,
}

pub enum Cur {
    Col(Col),
    Fixed(Currency),
}
pub enum Units {
    Col(Col),
    Fixed(i64),
}
pub enum When {
    Col(Col),
    Fixed(Usage),
    /// The first cell of the row that matches a format.
    AnyCell,
}

/// What a file holds besides its rows, for values taken from there.
#[derive(Default)]
pub struct Around<'a> {
    pub preamble: &'a [Vec<Vec<u8>>],
    pub footer: &'a [(u64, ByteRecord)],
    /// The file's name (a zip member's own name).
    pub file_name: &'a str,
}

/// The profile bound to one file's header.
pub struct Bound<'p> {
    pub count: usize,
    pub header: Vec<String>,
    /// `None`: the layout variant has no ISRC column (every row is skipped).
    pub isrc: Option<Col>,
    pub upc: Option<Col>,
    pub usage: When,
    pub amount: Col,
    pub currency: Cur,
    pub units: Units,
    pub territory: Option<Col>,
    pub tax: Option<Col>,
    pub source: Option<usize>,
    pub rules: Vec<(usize, &'p Match, Source)>,
    pub skips: Vec<(usize, &'p SkipRule)>,
}

/// Why a profile does not fit a header: the message, and the 1-based
/// column it is about (0: the header as a whole).
pub type Unfit = (usize, String);

struct Binder<'h> {
    names: Vec<String>,
    header: &'h ByteRecord,
    missing: Vec<String>,
    errs: Vec<Unfit>,
}

impl Binder<'_> {
    /// The column of the first of `names` the header has; a column the
    /// header names twice is refused (which one holds the value?).
    fn find(&mut self, names: &[String], optional: bool) -> Option<usize> {
        for n in names {
            let want = norm(n.as_bytes());
            let hits: Vec<usize> = (0..self.names.len())
                .filter(|i| self.names[*i] == want)
                .collect();
            match hits.as_slice() {
                [] => continue,
                [one] => return Some(*one),
                [first, second, ..] => {
                    self.errs.push((
                        column_of(self.header, *second),
                        format!(
                            "the header names `{n}` twice (columns {} and {}): which one holds the value is not clear",
                            first + 1,
                            second + 1
                        ),
                    ));
                    return Some(*first);
                }
            }
        }
        if !optional {
            self.missing
                .push(names.first().cloned().unwrap_or_default());
        }
        None
    }

    fn col(&mut self, c: &ColumnRef) -> Option<Col> {
        let at = self.find(&c.names, c.optional)?;
        // A fallback column may be absent from a variant of the layout.
        let or = if c.fallback.is_empty() {
            None
        } else {
            self.find(&c.fallback, true)
        };
        Some(Col { at, or })
    }
}

/// 1-based column where cell `i` of the header starts.
fn column_of(header: &ByteRecord, i: usize) -> usize {
    1 + header.iter().take(i).map(|f| f.len() + 1).sum::<usize>()
}

/// A value for the whole file, from where the profile says.
fn file_value(
    f: &FieldSource,
    b: &mut Binder,
    around: &Around,
    what: &str,
) -> Result<Option<Vec<u8>>, String> {
    Ok(match f {
        FieldSource::Fixed(v) => Some(v.as_bytes().to_vec()),
        FieldSource::Preamble { label, below } => Some(
            preamble_value(around.preamble, label, *below).ok_or_else(|| {
                format!(
                    "{what}: the lines before the header have no `{label}` with a value {}",
                    if *below { "below it" } else { "after it" }
                )
            })?,
        ),
        FieldSource::Footer(col) => {
            let i = b.find(std::slice::from_ref(col), false);
            match i.and_then(|i| footer_value(around.footer, i)) {
                Some(v) => Some(v),
                None if i.is_some() => {
                    return Err(format!(
                        "{what}: no value in column `{col}` after the rows end"
                    ))
                }
                None => None,
            }
        }
        // In a file name `_` often stands for a space (`Label_Q1_2023.csv`).
        FieldSource::FileName => Some(around.file_name.replace('_', " ").into_bytes()),
        _ => None,
    })
}

pub fn bind<'p>(
    p: &'p Profile,
    header: &ByteRecord,
    around: &Around,
) -> Result<Bound<'p>, Vec<Unfit>> {
    let mut b = Binder {
        names: header.iter().map(norm).collect(),
        header,
        missing: Vec::new(),
        errs: Vec::new(),
    };
    let col = |f: &FieldSource, b: &mut Binder| f.column().and_then(|c| b.col(c));
    let isrc = col(&p.isrc, &mut b);
    let upc = col(&p.upc, &mut b);
    let amount = col(&p.amount, &mut b);
    let territory = col(&p.territory, &mut b);
    let tax = col(&p.tax_withheld, &mut b);
    let _ = col(&p.store, &mut b);
    let fail = |b: &mut Binder, m: String| b.errs.push((1, m));
    let usage = match &p.usage {
        FieldSource::Column(c) => When::Col(b.col(c).unwrap_or(Col { at: 0, or: None })),
        FieldSource::AnyCell => When::AnyCell,
        f => {
            let v = file_value(f, &mut b, around, "usage");
            let found = match (f, v) {
                (_, Err(m)) => {
                    fail(&mut b, m);
                    None
                }
                (FieldSource::FileName, Ok(Some(v))) => dates::find_any(&p.usage_formats, &v),
                (_, Ok(Some(v))) => dates::parse_any(&p.usage_formats, &v),
                (_, Ok(None)) => None,
            };
            match found {
                Some(u) => When::Fixed(u),
                None => {
                    let forms: Vec<&str> =
                        p.usage_formats.iter().map(|f| f.text.as_str()).collect();
                    let from = match f {
                        FieldSource::FileName => {
                            format!("the file name `{}`", around.file_name)
                        }
                        _ => "the file".to_string(),
                    };
                    fail(
                        &mut b,
                        format!("usage: no date written {} in {from}", forms.join(" or ")),
                    );
                    When::Fixed(Usage {
                        year: 0,
                        month: 1,
                        day: 0,
                    })
                }
            }
        }
    };
    let currency = match &p.currency {
        FieldSource::Column(c) => Cur::Col(b.col(c).unwrap_or(Col { at: 0, or: None })),
        f => match file_value(f, &mut b, around, "currency") {
            Ok(Some(v)) => match Currency::parse_bytes(v.trim_ascii()) {
                Some(c) => Cur::Fixed(c),
                None => {
                    let shown = String::from_utf8_lossy(&v).into_owned();
                    fail(
                        &mut b,
                        format!("currency: expected an ISO 4217 code, found `{shown}`"),
                    );
                    Cur::Fixed(Currency::parse("USD").expect("ISO 4217"))
                }
            },
            Ok(None) => Cur::Fixed(Currency::parse("USD").expect("ISO 4217")),
            Err(m) => {
                fail(&mut b, m);
                Cur::Fixed(Currency::parse("USD").expect("ISO 4217"))
            }
        },
    };
    let units = match &p.units {
        FieldSource::Column(c) => match b.col(c) {
            Some(c) => Units::Col(c),
            None => Units::Fixed(0),
        },
        FieldSource::Absent => Units::Fixed(0),
        f => match file_value(f, &mut b, around, "units") {
            Ok(Some(v)) => match String::from_utf8_lossy(&v).trim().parse() {
                Ok(u) => Units::Fixed(u),
                Err(_) => {
                    fail(&mut b, "units: expected a whole number".into());
                    Units::Fixed(0)
                }
            },
            Ok(None) => Units::Fixed(0),
            Err(m) => {
                fail(&mut b, m);
                Units::Fixed(0)
            }
        },
    };
    let source = p
        .source_column
        .as_ref()
        .and_then(|c| b.find(std::slice::from_ref(c), false));
    // A rule on a column the layout may lack (an optional field's) does
    // not apply where it is absent; on any other column, its absence is
    // an error (a misspelt column would otherwise never match).
    let optional: Vec<&String> = p
        .fields()
        .iter()
        .filter_map(|(_, f)| f.column())
        .filter(|c| c.optional)
        .flat_map(|c| &c.names)
        .collect();
    let may_lack = |c: &String| {
        optional
            .iter()
            .any(|o| norm(o.as_bytes()) == norm(c.as_bytes()))
    };
    let mut rules = Vec::new();
    for r in &p.rules {
        if let Some(i) = b.find(std::slice::from_ref(&r.column), may_lack(&r.column)) {
            rules.push((i, &r.matcher, r.source));
        }
    }
    let mut skips = Vec::new();
    for s in &p.skips {
        if let Some(i) = b.find(std::slice::from_ref(&s.column), may_lack(&s.column)) {
            skips.push((i, s));
        }
    }
    if !b.missing.is_empty() {
        b.missing.dedup();
        let n = b.missing.len();
        b.errs.push((
            1,
            format!(
                "the header lacks the column{} {} that profile `{}` reads",
                if n == 1 { "" } else { "s" },
                b.missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                p.name
            ),
        ));
    }
    if !b.errs.is_empty() {
        return Err(b.errs);
    }
    Ok(Bound {
        count: b.names.len(),
        header: header
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect(),
        isrc,
        upc,
        usage,
        amount: amount.unwrap_or(Col { at: 0, or: None }),
        currency,
        units,
        territory,
        tax,
        source,
        rules,
        skips,
    })
}
