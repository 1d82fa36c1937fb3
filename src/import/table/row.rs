//! One row of a tabular statement, read in full: every cell checked, every
//! problem an error with its column and what was expected. A row a skip
//! rule names, or whose identifier is not an ISRC (empty, a UPC, a number a
//! spreadsheet mangled, anything else), is not an error: it is counted with
//! its amount under a reason that says what it is (one bad identifier never
//! blocks a quarter), and a row reported per release is also summed per
//! release.

use super::bind::{Bound, Col, Cur, Units, When};
use super::reader::{Reader, SkipRow};
use crate::codes::{Currency, Isrc, Source, Territory, Upc};
use crate::import::cells::Cells;
use crate::import::dates;
use crate::import::profile::Profile;
use crate::period::Usage;
use crate::statement::{ReleaseKey, RevenueLine, SkipKind};
use rust_decimal::Decimal;

/// What a row is read with besides its cells.
pub struct RowCtx {
    /// The last day of the run's period, if the command has one.
    pub period_end: Option<jiff::civil::Date>,
}

/// A problem with a row: the 1-based column (0: the whole row) and what.
pub type Problem = (usize, String);

/// Strips what spreadsheets add around identifiers: a leading `'`, an
/// `="..."` wrapper, quotes, spaces.
pub fn clean_id(b: &[u8]) -> &[u8] {
    let b = b.trim_ascii();
    let b = b.strip_prefix(b"'").unwrap_or(b);
    let b = match b.strip_prefix(b"=\"").and_then(|x| x.strip_suffix(b"\"")) {
        Some(x) => x,
        None => b,
    };
    let b = match b.strip_prefix(b"\"").and_then(|x| x.strip_suffix(b"\"")) {
        Some(x) => x,
        None => b,
    };
    b.trim_ascii()
}

/// The cell of a column, or of its fallback when that cell is empty.
pub fn cell_of(rec: &impl Cells, c: Col) -> &[u8] {
    let v = rec.cell(c.at);
    match c.or {
        Some(o) if v.trim_ascii().is_empty() => rec.cell(o),
        _ => v,
    }
}

/// Which column a cell was read from (for messages).
fn at_of(rec: &impl Cells, c: Col) -> usize {
    match c.or {
        Some(o) if rec.cell(c.at).trim_ascii().is_empty() => o,
        _ => c.at,
    }
}

/// Everything a revenue line holds but its ISRC.
struct Values {
    usage: Usage,
    units: i64,
    amount: Decimal,
    currency: Currency,
    tax: Decimal,
    territory: Territory,
    source: Source,
}

/// What an identifier cell that is not an ISRC is.
enum NotIsrc {
    Empty,
    /// A release code (UPC/EAN) where the ISRC should be.
    Release(Upc),
    Scientific,
    Other,
}

fn classify(id: &[u8]) -> NotIsrc {
    if id.is_empty() {
        NotIsrc::Empty
    } else if let Some(u) = Upc::parse_bytes(id) {
        NotIsrc::Release(u)
    } else if id.iter().any(|c| *c == b'E' || *c == b'e') && id.contains(&b'+') {
        NotIsrc::Scientific
    } else {
        NotIsrc::Other
    }
}

/// One row: `Ok(Some(line))`, skipped (tallied: `Ok(None)`), or a problem.
pub fn row(
    p: &Profile,
    b: &Bound,
    rec: &impl Cells,
    line: u64,
    rd: &mut Reader,
    ctx: &RowCtx,
) -> Result<Option<RevenueLine>, Problem> {
    // A row a rule names first: totals lines are often shorter.
    if let Some((_, s)) = b
        .skips
        .iter()
        .find(|(i, s)| *i < rec.count() && s.matcher.matches(rec.cell(*i)))
    {
        skip_by_rule(p, b, rec, line, rd, ctx, &s.reason, s.kind);
        return Ok(None);
    }
    // Fewer cells than the header: a ragged or cut-off line. More cells
    // (beyond empty trailing ones) would shift every column: refused too,
    // unless the layout writes cells past its header.
    let short = rec.count() < b.count;
    if short || (!p.extra_cells_ignored && rec.filled_from(b.count)) {
        return Err((
            0,
            format!(
                "the row has {} cells, the header {}: {}",
                rec.count(),
                b.count,
                if short {
                    "a cell is missing (a cut-off or ragged line?)"
                } else {
                    "a cell too many (an unquoted delimiter inside a value?)"
                }
            ),
        ));
    }
    let id = b.isrc.map_or(&b""[..], |c| clean_id(cell_of(rec, c)));
    if let Some(isrc) = Isrc::parse_bytes(id) {
        let v = values(p, b, rec, line, rd, ctx)?;
        return Ok(Some(RevenueLine {
            line,
            usage: v.usage,
            isrc,
            source: v.source,
            territory: v.territory,
            units: v.units,
            amount: v.amount,
            currency: v.currency,
            tax_withheld: v.tax,
        }));
    }
    // Not attributable to a track: read the rest as strictly as a line,
    // so that what is counted is right.
    let v = values(p, b, rec, line, rd, ctx)?;
    let release = b
        .upc
        .and_then(|c| Upc::parse_bytes(clean_id(cell_of(rec, c))));
    let (reason, release) = match (b.isrc, classify(id)) {
        (None, _) => ("row without ISRC (the file has no ISRC column)", release),
        (_, NotIsrc::Empty) if release.is_some() => ("release row without ISRC", release),
        (_, NotIsrc::Empty) => ("row without ISRC", None),
        (_, NotIsrc::Release(u)) => ("a UPC/EAN in the ISRC column", Some(u)),
        (_, NotIsrc::Scientific) => (
            "a number in scientific notation in the ISRC column (a spreadsheet turned a code into a number)",
            None,
        ),
        (_, NotIsrc::Other) => ("an identifier that is not an ISRC", None),
    };
    if let Some(upc) = release {
        let key = ReleaseKey {
            upc,
            source: v.source,
            usage: v.usage,
            currency: v.currency,
        };
        rd.release(key, v.units, v.amount, v.tax);
    }
    rd.skip(SkipRow {
        reason,
        kind: SkipKind::Unattributable,
        line,
        units: v.units,
        amount: Some((v.currency.to_string(), v.amount)),
        id: String::from_utf8_lossy(id).into_owned(),
        usage: Some(v.usage),
        source: Some(v.source),
        territory: Some(v.territory),
    });
    Ok(None)
}

/// A row a skip rule names: counted with what it states (leniently: a
/// totals line may have no date or currency), and summed per release when
/// it is a release row that reads in full.
#[allow(clippy::too_many_arguments)]
fn skip_by_rule(
    p: &Profile,
    b: &Bound,
    rec: &impl Cells,
    line: u64,
    rd: &mut Reader,
    ctx: &RowCtx,
    reason: &str,
    kind: SkipKind,
) {
    let id = b.isrc.map_or(&b""[..], |c| clean_id(cell_of(rec, c)));
    let upc = b
        .upc
        .and_then(|c| Upc::parse_bytes(clean_id(cell_of(rec, c))));
    if let (SkipKind::Unattributable, Some(upc), true) = (kind, upc, id.is_empty()) {
        let mut probe = Reader::new(rd.path, false);
        if let Ok(v) = values(p, b, rec, line, &mut probe, ctx) {
            let key = ReleaseKey {
                upc,
                source: v.source,
                usage: v.usage,
                currency: v.currency,
            };
            rd.release(key, v.units, v.amount, v.tax);
            rd.skip(SkipRow {
                reason,
                kind,
                line,
                units: v.units,
                amount: Some((v.currency.to_string(), v.amount)),
                id: String::new(),
                usage: Some(v.usage),
                source: Some(v.source),
                territory: Some(v.territory),
            });
            return;
        }
    }
    let units = match b.units {
        Units::Col(c) => p.numbers.integer(cell_of(rec, c)).unwrap_or(0),
        Units::Fixed(u) => u,
    };
    let cur = match b.currency {
        Cur::Col(c) => String::from_utf8_lossy(cell_of(rec, c).trim_ascii()).into_owned(),
        Cur::Fixed(c) => c.to_string(),
    };
    let amount = p.numbers.decimal(cell_of(rec, b.amount)).ok();
    rd.skip(SkipRow {
        reason,
        kind,
        line,
        units,
        amount: amount.map(|a| (cur, a.value)),
        id: String::from_utf8_lossy(id).into_owned(),
        usage: None,
        source: None,
        territory: None,
    });
}

/// The cells of a row besides its identifier, each checked.
fn values(
    p: &Profile,
    b: &Bound,
    rec: &impl Cells,
    line: u64,
    rd: &mut Reader,
    ctx: &RowCtx,
) -> Result<Values, Problem> {
    let bad = |c: Col, expected: &str, why: Option<String>| {
        let i = at_of(rec, c);
        let found = String::from_utf8_lossy(rec.cell(i)).into_owned();
        let name = b.header.get(i).map_or("", |h| h.trim());
        let why = why.map(|w| format!(": {w}")).unwrap_or_default();
        (
            rec.column(i),
            format!("{name}: expected {expected}, found `{found}`{why}"),
        )
    };
    let forms = || {
        let f: Vec<&str> = p.usage_formats.iter().map(|f| f.text.as_str()).collect();
        f.join(" or ")
    };
    let mut usage = match &b.usage {
        When::Fixed(u) => *u,
        When::Col(c) => rd
            .usage(&p.usage_formats, cell_of(rec, *c))
            .ok_or_else(|| bad(*c, &format!("a date written {}", forms()), None))?,
        When::AnyCell => (0..rec.count())
            .find_map(|i| dates::find_any(&p.usage_formats, rec.cell(i)))
            .ok_or_else(|| {
                (
                    0,
                    format!("no cell of the row holds a date written {}", forms()),
                )
            })?,
    };
    if p.usage_month {
        usage.day = 0;
    }
    if let Some(end) = ctx.period_end {
        if usage.first_day() > end {
            return Err((
                0,
                format!(
                    "the usage date {usage} is after the period's end ({end}): the line would be priced under terms not yet in force; it belongs to a later period"
                ),
            ));
        }
    }
    let amount = match p.numbers.decimal(cell_of(rec, b.amount)) {
        Ok(e) => {
            if e.rounded {
                rd.rounded(e.value);
            }
            e.value
        }
        Err(why) => return Err(bad(b.amount, "a decimal number", Some(why.to_string()))),
    };
    let units = match b.units {
        Units::Col(c) => p
            .numbers
            .integer(cell_of(rec, c))
            .map_err(|why| bad(c, "a whole number of units", Some(why.to_string())))?,
        Units::Fixed(u) if p.units_signed && amount.is_sign_negative() && !amount.is_zero() => -u,
        Units::Fixed(u) => u,
    };
    let currency = match b.currency {
        Cur::Col(c) => Currency::parse_bytes(cell_of(rec, c).trim_ascii())
            .ok_or_else(|| bad(c, "an ISO 4217 currency code like USD", None))?,
        Cur::Fixed(c) => c,
    };
    let tax = match b.tax {
        Some(c) if !cell_of(rec, c).trim_ascii().is_empty() => {
            match p.numbers.decimal(cell_of(rec, c)) {
                Ok(e) => {
                    if e.rounded {
                        rd.rounded(e.value);
                    }
                    e.value
                }
                Err(why) => {
                    return Err(bad(
                        c,
                        "a tax amount (a decimal number) or an empty cell",
                        Some(why.to_string()),
                    ))
                }
            }
        }
        _ => Decimal::ZERO,
    };
    if tax.abs() > amount.abs() {
        let c = b.tax.expect("a tax column");
        return Err((
            rec.column(at_of(rec, c)),
            format!(
                "tax withheld {tax} is larger than the line's amount {amount}: tax withheld at source cannot exceed the income it was withheld from"
            ),
        ));
    }
    let territory = match b.territory {
        Some(c) if p.territory_strict => Territory::parse_bytes(cell_of(rec, c))
            .ok_or_else(|| bad(c, "an ISO 3166-1 alpha-2 code or WW", None))?,
        Some(c) => rd.territory(cell_of(rec, c), &p.territories, line),
        None => Territory::WORLD,
    };
    let source = match b.source {
        Some(i) => Source::parse_bytes(rec.cell(i).trim_ascii()).ok_or_else(|| {
            bad(
                Col { at: i, or: None },
                &format!("one of {}", Source::vocabulary()),
                None,
            )
        })?,
        None => rule_source(p, b, rec, rd),
    };
    Ok(Values {
        usage,
        units,
        amount,
        currency,
        tax,
        territory,
        source,
    })
}

/// The source by the profile's rules; stores repeat on every line, so when
/// every rule reads one column each cell's source is remembered.
fn rule_source(p: &Profile, b: &Bound, rec: &impl Cells, rd: &mut Reader) -> Source {
    let by_rules = || {
        b.rules
            .iter()
            .find(|(i, m, _)| m.matches(rec.cell(*i)))
            .map(|r| r.2)
            .unwrap_or(p.default_source)
    };
    match b.rules.first() {
        Some((col, _, _)) if b.rules.iter().all(|(i, _, _)| i == col) => {
            match rd.sources.get(rec.cell(*col)) {
                Some(s) => *s,
                None => {
                    let s = by_rules();
                    if rd.sources.len() < 4096 {
                        rd.sources.insert(rec.cell(*col).into(), s);
                    }
                    s
                }
            }
        }
        _ => by_rules(),
    }
}
