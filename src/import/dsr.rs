//! DDEX DSR flat files (Digital Sales Reports, e.g. YouTube or Spotify
//! statements): tab-separated records whose first cell names the record
//! type. `HEAD` opens the file, `SYxx` are summary records (currency,
//! territory, use type per `SummaryRecordId`), blocks group a resource
//! (`AS01`/`AS02`, carrying the ISRC) with its usage lines (`SU02`/`SU03`,
//! carrying usages and net revenue), and `FOOT` states how many lines,
//! summary records and blocks the file has, which is checked here.
//! `#TYPE` lines give each record type's column names; cells hold several
//! values separated by `|`; a backslash escapes a tab, `|` or backslash.
//!
//! One revenue line per usage (SU) record: ISRC from the block's resource,
//! units = `Usages`, amount = `NetRevenue`, currency and territory from the
//! SU record if it has them, else from its summary record, usage month from
//! `ValidityPeriodStart` (a day when start and end are the same day), else
//! from the HEAD's `UsageStartDate`. The source comes from the profile's
//! rules applied to the summary (then HEAD) record's cells.

use super::dates::DatePattern;
use super::profile::Profile;
use super::sink::Sink;
use super::table::reader::SkipRow;
use super::table::Reader;
use crate::codes::{Currency, Isrc, Territory};
use crate::diag::Diagnostic;
use crate::period::Usage;
use crate::statement::RevenueLine;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Column names of the record types read, for files without `#` lines
/// (DSRF 3.x flat-file profiles).
const DEFAULT_COLUMNS: &[(&str, &str)] = &[
    ("HEAD", "MessageVersion Profile ProfileVersion MessageId MessageCreatedDateTime FileNumber NumberOfFiles UsageStartDate UsageEndDate SenderPartyId SenderName ServiceDescription RecipientPartyId RecipientName RepresentedRepertoire"),
    ("SY02", "SummaryRecordId DistributionChannel DistributionChannelDPID CommercialModel UseType Territory ServiceDescription Usages Users Currency NetRevenue RightsController RightsControllerPartyId AllocatedUsages AllocatedRevenue AllocatedNetRevenue RightsType"),
    ("AS01", "BlockId ResourceReference DspResourceId ISRC Title SubTitle DisplayArtistName DisplayArtistPartyId Duration ResourceType"),
    ("AS02", "BlockId ResourceReference DspResourceId ISRC Title SubTitle DisplayArtistName DisplayArtistPartyId Duration ResourceType IsMasterRecording"),
    ("SU03", "BlockId SalesTransactionId SummaryRecordId DspReleaseId Usages NetRevenue ValidityPeriodStart ValidityPeriodEnd"),
    ("FOOT", "NumberOfLinesInFile NumberOfLinesInReport NumberOfSummaryRecords NumberOfBlocksInFile NumberOfBlocksInReport"),
];

/// Splits a line on unescaped tabs and unescapes `\x` to `x`.
fn split(line: &[u8]) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = Vec::new();
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'\\' if i + 1 < line.len() => {
                // Keep an escaped `|` escaped, so multi-values split correctly later.
                if line[i + 1] == b'|' {
                    cur.push(b'\\');
                }
                cur.push(line[i + 1]);
                i += 2;
                continue;
            }
            b'\t' => cells.push(String::from_utf8_lossy(&std::mem::take(&mut cur)).into_owned()),
            c => cur.push(c),
        }
        i += 1;
    }
    cells.push(String::from_utf8_lossy(&cur).into_owned());
    cells
}

/// The values of a multi-value cell (`a|b`), `\|` kept as a literal `|`.
fn values(cell: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                out.last_mut().expect("non-empty").push('|');
                chars.next();
            }
            '|' => out.push(String::new()),
            c => out.last_mut().expect("non-empty").push(c),
        }
    }
    out.retain(|v| !v.is_empty());
    out
}

/// A record with its columns.
struct Rec<'a> {
    cols: &'a [String],
    cells: &'a [String],
}
impl Rec<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let i = self
            .cols
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))?;
        self.cells.get(i + 1).map(|s| s.trim())
    }
}

struct Summary {
    cells: Vec<String>,
    cols: Vec<String>,
    line: u64,
}

struct Resource {
    refs: Vec<String>,
    isrc: Option<Isrc>,
    line: u64,
}

pub fn read(p: &Profile, input: impl Read, path: &Path, sink: &mut Sink) -> Vec<Diagnostic> {
    let mut rd = Reader::new(path, sink.keeps_rows());
    let mut columns: HashMap<String, Vec<String>> = DEFAULT_COLUMNS
        .iter()
        .map(|(t, c)| (t.to_string(), c.split(' ').map(String::from).collect()))
        .collect();
    let cols_of = |columns: &HashMap<String, Vec<String>>, t: &str| -> Option<Vec<String>> {
        columns
            .get(t)
            .or_else(|| columns.get(t.split('.').next().unwrap_or(t)))
            .cloned()
    };
    let ymd = DatePattern::compile("YYYYMMDD").expect("valid");
    let iso = DatePattern::compile("YYYY-MM-DD").expect("valid");
    let date = |s: &str| ymd.parse(s.as_bytes()).or_else(|| iso.parse(s.as_bytes()));

    let mut head: Option<(Vec<String>, Vec<String>)> = None;
    let mut summaries: HashMap<String, Summary> = HashMap::new();
    let mut summary_count = 0u64;
    let mut blocks: HashSet<String> = HashSet::new();
    let mut block_id = String::new();
    let mut resources: Vec<Resource> = Vec::new();
    let mut foot: Option<(u64, Vec<String>, Vec<String>)> = None;
    let mut lines = 0u64;
    let mut buf = Vec::new();
    let mut input = BufReader::with_capacity(1 << 16, input);
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                rd.error(lines + 1, 0, format!("unreadable line: {e}"));
                break;
            }
        }
        lines += 1;
        let line = lines;
        let text = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            continue;
        }
        if foot.is_some() {
            rd.error(
                line,
                1,
                "a record after FOOT: FOOT must be the file's last line".into(),
            );
            continue;
        }
        let cells = split(text);
        let kind = cells[0].trim().to_string();
        if let Some(t) = kind.strip_prefix('#') {
            columns.insert(
                t.to_string(),
                cells[1..].iter().map(|c| c.trim().to_string()).collect(),
            );
            continue;
        }
        let Some(cols) = cols_of(&columns, &kind) else {
            // Record types not needed for revenue (MW, RU, LI, ...) are fine unknown.
            if kind.starts_with("SU") || kind.starts_with("AS") || kind.starts_with("SY") {
                rd.error(
                    line,
                    1,
                    format!("record type `{kind}` has no `#{kind}` line giving its column names"),
                );
            }
            if let Some(b) = cells.get(1) {
                if kind.starts_with("AS")
                    || kind.starts_with("SU")
                    || kind.starts_with("RU")
                    || kind.starts_with("MW")
                    || kind.starts_with("LI")
                {
                    blocks.insert(b.clone());
                }
            }
            continue;
        };
        let rec = Rec {
            cols: &cols,
            cells: &cells,
        };
        if kind == "HEAD" {
            if line != 1 {
                rd.error(line, 1, "HEAD must be the first line".into());
            }
            head = Some((cols.clone(), cells.clone()));
            continue;
        }
        if kind == "FOOT" {
            foot = Some((line, cols.clone(), cells.clone()));
            continue;
        }
        if kind.starts_with("SY") {
            summary_count += 1;
            let id = rec.get("SummaryRecordId").unwrap_or("").to_string();
            if let Some(prev) = summaries.get(&id) {
                // Several summary records may share an id (one per rights
                // controller); they must agree on what prices the usages.
                let prev_rec = Rec {
                    cols: &prev.cols,
                    cells: &prev.cells,
                };
                if prev_rec.get("Currency") != rec.get("Currency") {
                    rd.error(line, 0, format!("summary record {id} is given twice with different currencies (first on line {})", prev.line));
                }
            } else {
                summaries.insert(
                    id,
                    Summary {
                        cells: cells.clone(),
                        cols: cols.clone(),
                        line,
                    },
                );
            }
            continue;
        }
        let block = rec.get("BlockId").unwrap_or("").to_string();
        if !block.is_empty() {
            blocks.insert(block.clone());
            if block != block_id {
                block_id = block.clone();
                resources.clear();
            }
        }
        if kind.starts_with("AS") {
            let mut refs = Vec::new();
            for c in ["ResourceReference", "DspResourceId"] {
                refs.extend(rec.get(c).map(values).unwrap_or_default());
            }
            let isrcs = rec.get("ISRC").map(values).unwrap_or_default();
            if isrcs.len() > 1 {
                rd.diags.push(Diagnostic::warning(
                    path,
                    line as usize,
                    0,
                    format!(
                        "resource has several ISRCs ({}): the first is used",
                        isrcs.join(", ")
                    ),
                ));
            }
            let isrc = match isrcs.first() {
                None => None,
                Some(s) => match Isrc::parse(s) {
                    Some(i) => Some(i),
                    None => {
                        rd.error(
                            line,
                            0,
                            format!("ISRC: expected an ISRC like QZNWX2600001, found `{s}`"),
                        );
                        continue;
                    }
                },
            };
            resources.push(Resource { refs, isrc, line });
            continue;
        }
        if !kind.starts_with("SU") {
            continue;
        }
        match usage_line(
            p,
            &rec,
            &resources,
            &summaries,
            head.as_ref(),
            line,
            &date,
            &mut rd,
        ) {
            Ok(Some(l)) => sink.push(&l),
            Ok(None) => {}
            Err((col, msg)) => rd.error(line, col, msg),
        }
    }
    check_foot(
        &mut rd,
        head.as_ref(),
        foot,
        lines,
        summary_count,
        blocks.len() as u64,
    );
    rd.finish(sink)
}

#[allow(clippy::too_many_arguments)]
fn usage_line(
    p: &Profile,
    rec: &Rec,
    resources: &[Resource],
    summaries: &HashMap<String, Summary>,
    head: Option<&(Vec<String>, Vec<String>)>,
    line: u64,
    date: &dyn Fn(&str) -> Option<Usage>,
    rd: &mut Reader,
) -> Result<Option<RevenueLine>, (usize, String)> {
    let bad = |name: &str, expected: &str| {
        (
            0,
            format!(
                "{name}: expected {expected}, found `{}`",
                rec.get(name).unwrap_or("")
            ),
        )
    };
    let sid = rec.get("SummaryRecordId").unwrap_or("");
    let summary = summaries.get(sid).map(|s| Rec {
        cols: &s.cols,
        cells: &s.cells,
    });
    let head = head.map(|(c, v)| Rec { cols: c, cells: v });
    // A cell of the usage line, else of its summary record.
    let from = |name: &str| -> Option<&str> {
        rec.get(name).filter(|v| !v.is_empty()).or_else(|| {
            summary
                .as_ref()
                .and_then(|s| s.get(name))
                .filter(|v| !v.is_empty())
        })
    };
    let units = p
        .numbers
        .integer(rec.get("Usages").unwrap_or("").as_bytes())
        .map_err(|_| bad("Usages", "a whole number of usages"))?;
    let amount = p
        .numbers
        .decimal(rec.get("NetRevenue").unwrap_or("").as_bytes())
        .map(|e| e.value)
        .map_err(|_| bad("NetRevenue", "a decimal amount"))?;
    let currency = match from("Currency") {
        Some(c) => Currency::parse(c).ok_or_else(|| (0, format!("Currency: expected an ISO 4217 code, found `{c}`")))?,
        None => return Err((0, format!("no currency: the usage line has none and its summary record `{sid}` is not in the file"))),
    };
    let territory = match from("Territory") {
        Some(t) => rd.territory(t.as_bytes(), &p.territories, line),
        None => Territory::WORLD,
    };
    let start = rec.get("ValidityPeriodStart").filter(|s| !s.is_empty());
    let end = rec.get("ValidityPeriodEnd").filter(|s| !s.is_empty());
    let mut usage = match start {
        Some(s) => date(s).ok_or_else(|| bad("ValidityPeriodStart", "a date like 20151001"))?,
        None => head
            .as_ref()
            .and_then(|h| h.get("UsageStartDate"))
            .and_then(date)
            .ok_or_else(|| {
                (
                    0,
                    "no usage date: neither ValidityPeriodStart nor the HEAD's UsageStartDate"
                        .to_string(),
                )
            })?,
    };
    if start.is_none() || start != end {
        usage.day = 0;
    }
    // The resource: the block's one resource, or the one whose reference
    // the usage line names.
    let ids: Vec<String> = ["ResourceReference", "DspResourceId", "DspReleaseId"]
        .iter()
        .filter_map(|c| rec.get(c))
        .flat_map(values)
        .collect();
    let res = match resources {
        [] => {
            return Err((
                0,
                "a usage line outside a block with a resource (AS record)".into(),
            ))
        }
        [one] => one,
        many => many
            .iter()
            .find(|r| r.refs.iter().any(|x| ids.contains(x)))
            .ok_or_else(|| {
                (
                    0,
                    format!(
                        "the usage line names no resource of its block ({})",
                        ids.join(", ")
                    ),
                )
            })?,
    };
    let Some(isrc) = res.isrc else {
        rd.skip(SkipRow {
            reason: &format!(
                "usage of a resource without ISRC (resource on line {})",
                res.line
            ),
            kind: crate::statement::SkipKind::Unattributable,
            line,
            units,
            amount: Some((currency.to_string(), amount)),
            id: String::new(),
            usage: Some(usage),
            source: None,
            territory: Some(territory),
        });
        return Ok(None);
    };
    let source = p
        .rules
        .iter()
        .find(|r| {
            let v = summary
                .as_ref()
                .and_then(|s| s.get(&r.column))
                .or_else(|| rec.get(&r.column))
                .or_else(|| head.as_ref().and_then(|h| h.get(&r.column)));
            v.is_some_and(|v| r.matcher.matches(v.as_bytes()))
        })
        .map(|r| r.source)
        .unwrap_or(p.default_source);
    Ok(Some(RevenueLine {
        line,
        usage,
        isrc,
        source,
        territory,
        units,
        amount,
        currency,
        tax_withheld: rust_decimal::Decimal::ZERO,
    }))
}

/// FOOT's counts against the body. Blocks and summary records carry the
/// revenue: a disagreement there refuses the file. A disagreement in the
/// number of lines alone is a warning with both figures: DDEX's own
/// reference library accepts its test report DSR_TEST2, which omits an
/// optional LI01.01 record and keeps the original line count (its
/// conformance test "minoccurs_zero"), so a line count cannot by itself
/// prove a usage is missing (docs/formats.md).
fn check_foot(
    rd: &mut Reader,
    head: Option<&(Vec<String>, Vec<String>)>,
    foot: Option<(u64, Vec<String>, Vec<String>)>,
    lines: u64,
    summaries: u64,
    blocks: u64,
) {
    if head.is_none() {
        rd.error(1, 1, "no HEAD record on the first line".into());
    }
    let Some((line, cols, cells)) = foot else {
        rd.error(
            lines,
            0,
            "no FOOT record: the file is incomplete (cut off?)".into(),
        );
        return;
    };
    let rec = Rec {
        cols: &cols,
        cells: &cells,
    };
    // A report split over several files only states its own file's counts
    // exactly; the report-wide ones are checked when it is file 1 of 1.
    let single = head.is_some_and(|(c, v)| {
        let h = Rec { cols: c, cells: v };
        h.get("FileNumber") == Some("1") && h.get("NumberOfFiles") == Some("1")
    });
    let mut checks = vec![
        ("NumberOfLinesInFile", "lines", lines),
        ("NumberOfSummaryRecords", "summary records", summaries),
        ("NumberOfBlocksInFile", "blocks", blocks),
    ];
    if single {
        // Report-wide counts are checked too, unless they repeat the file's
        // (one wrong count is reported once).
        for (report, file, what, actual) in [
            (
                "NumberOfLinesInReport",
                "NumberOfLinesInFile",
                "lines in the report",
                lines,
            ),
            (
                "NumberOfBlocksInReport",
                "NumberOfBlocksInFile",
                "blocks in the report",
                blocks,
            ),
        ] {
            if rec.get(report) != rec.get(file) {
                checks.push((report, what, actual));
            }
        }
    }
    for (name, what, actual) in checks {
        match rec.get(name).map(|v| v.parse::<u64>()) {
            Some(Ok(n)) if n == actual => {}
            Some(Ok(n)) if name.starts_with("NumberOfLines") => rd.diags.push(Diagnostic::warning(
                rd.path,
                line as usize,
                0,
                format!(
                    "FOOT {name} says {n} {what}, the file has {actual}; its blocks and summary records agree, \
                     so every usage block is here, but check with the sender that no line was lost"
                ),
            )),
            Some(Ok(n)) => rd.error(line, 0, format!("FOOT {name} says {n} {what}, the file has {actual}: the file is incomplete or was edited")),
            _ => rd.error(line, 0, format!("FOOT {name}: expected a count, found `{}`", rec.get(name).unwrap_or(""))),
        }
    }
}
