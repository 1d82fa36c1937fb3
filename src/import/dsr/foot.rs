//! A DSR's FOOT record against the body it closes.

use super::Rec;
use crate::diag::Diagnostic;
use crate::import::table::Reader;

/// FOOT's counts against the body. Blocks and summary records carry the
/// revenue: a disagreement there refuses the file. A disagreement in the
/// number of lines alone is a warning with both figures: DDEX's own
/// reference library accepts its test report DSR_TEST2, which omits an
/// optional LI01.01 record and keeps the original line count (its
/// conformance test "minoccurs_zero"), so a line count cannot by itself
/// prove a usage is missing (docs/formats.md).
pub fn check_foot(
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
            ).with_code("statement.foot-count")),
            Some(Ok(n)) => rd.error(line, 0, format!("FOOT {name} says {n} {what}, the file has {actual}: the file is incomplete or was edited")),
            _ => rd.error(line, 0, format!("FOOT {name}: expected a count, found `{}`", rec.get(name).unwrap_or(""))),
        }
    }
}
