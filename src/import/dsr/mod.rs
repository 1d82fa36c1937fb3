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
//! One revenue line per usage (SU) record (`usage`): ISRC from the block's
//! resource, units = `Usages` (SU03) or `NumberOfStreams` (SU02), amount =
//! `NetRevenue`, currency and territory from the SU record if it has them,
//! else from its summary record, usage month from `ValidityPeriodStart` (a
//! day when start and end are the same day), else from the HEAD's
//! `UsageStartDate`. The source comes from the profile's rules applied to
//! the summary (then HEAD) record's cells. Usage records without revenue
//! share their summary record's (`share`). FOOT is checked (`foot`).

mod foot;
mod share;
mod usage;

use super::dates::DatePattern;
use super::profile::Profile;
use super::sink::Sink;
use super::table::reader::SkipRow;
use super::table::Reader;
use crate::codes::Isrc;
use crate::diag::Diagnostic;
use crate::statement::{RevenueLine, SkipKind};
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
pub struct Rec<'a> {
    cols: &'a [String],
    cells: &'a [String],
}
impl Rec<'_> {
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = self
            .cols
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))?;
        self.cells.get(i + 1).map(|s| s.trim())
    }
}

pub struct Summary {
    pub cells: Vec<String>,
    pub cols: Vec<String>,
    pub line: u64,
}

pub struct Resource {
    pub refs: Vec<String>,
    /// The track, or why there is none to attribute its usages to.
    pub isrc: Result<Isrc, String>,
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
    let mut shares = share::Shares::default();
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
                rd.diags.push(
                    Diagnostic::warning(
                        path,
                        line as usize,
                        0,
                        format!(
                            "resource has several ISRCs ({}): the first is used",
                            isrcs.join(", ")
                        ),
                    )
                    .with_code("statement.several-isrcs"),
                );
            }
            // One bad identifier never blocks a quarter: its usages are
            // counted as unattributable.
            let isrc = match isrcs.first() {
                None => Err("usage of a resource without ISRC".to_string()),
                Some(s) => Isrc::parse(s).ok_or_else(|| {
                    "usage of a resource whose identifier is not an ISRC".to_string()
                }),
            };
            resources.push(Resource { refs, isrc });
            continue;
        }
        if !kind.starts_with("SU") {
            continue;
        }
        let cx = usage::Context {
            p,
            resources: &resources,
            summaries: &summaries,
            head: head.as_ref(),
            date: &date,
            period_end: sink.period_end,
        };
        match usage::usage_record(&cx, &rec, line, &mut rd) {
            Ok(u) => match (u.amount, u.currency) {
                (Some(amount), Some(currency)) => emit(u, amount, currency, &mut rd, sink),
                _ => shares.add(u, sink),
            },
            Err((col, msg)) => rd.error(line, col, msg),
        }
    }
    shares.settle(p, &summaries, &mut rd, sink);
    foot::check_foot(
        &mut rd,
        head.as_ref(),
        foot,
        lines,
        summary_count,
        blocks.len() as u64,
    );
    rd.finish(sink)
}

/// A usage record with its own revenue: a line, or a skipped row.
fn emit(
    u: usage::UsageRec,
    amount: rust_decimal::Decimal,
    currency: crate::codes::Currency,
    rd: &mut Reader,
    sink: &mut Sink,
) {
    match u.isrc {
        Ok(isrc) => sink.push(&RevenueLine {
            line: u.line,
            usage: u.usage,
            isrc,
            source: u.source,
            territory: u.territory,
            units: u.units,
            amount,
            currency,
            tax_withheld: rust_decimal::Decimal::ZERO,
        }),
        Err(reason) => rd.skip(SkipRow {
            reason: &reason,
            kind: SkipKind::Unattributable,
            line: u.line,
            units: u.units,
            amount: Some((currency.to_string(), amount)),
            id: String::new(),
            usage: Some(u.usage),
            source: Some(u.source),
            territory: Some(u.territory),
        }),
    }
}
