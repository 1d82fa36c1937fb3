//! `run --unmatched FILE`: every line no agreement covers, and every row a
//! statement could not attribute to a track (a release row without ISRC, a
//! UPC in the ISRC column, a payout), with the file and line it came from,
//! so that nothing is lost (docs/arithmetic.md, step 1). `kind` says which
//! (`unmatched`, `unattributable`, `not-revenue`) and `reason` what it is.

use crate::import::FileOutcome;

pub const COLUMNS: [&str; 12] = [
    "file",
    "line",
    "period",
    "isrc",
    "source",
    "territory",
    "units",
    "amount",
    "currency",
    "tax_withheld",
    "kind",
    "reason",
];

pub fn render(outcomes: &[FileOutcome]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory write");
    let mut files: Vec<&FileOutcome> = outcomes.iter().collect();
    files.sort_by(|a, b| a.summary.path.cmp(&b.summary.path));
    for o in files {
        for l in &o.unmatched {
            super::safe::csv_record(
                &mut w,
                [
                    o.summary.path.display().to_string(),
                    l.line.to_string(),
                    l.usage.to_string(),
                    l.isrc.to_string(),
                    l.source.to_string(),
                    l.territory.to_string(),
                    l.units.to_string(),
                    l.amount.to_string(),
                    l.currency.to_string(),
                    l.tax_withheld.to_string(),
                    "unmatched".to_string(),
                    "no agreement covers the track".to_string(),
                ],
            );
        }
        let opt = |x: Option<String>| x.unwrap_or_default();
        for r in &o.skipped_rows {
            super::safe::csv_record(
                &mut w,
                [
                    o.summary.path.display().to_string(),
                    r.line.to_string(),
                    opt(r.usage.map(|u| u.to_string())),
                    r.id.clone(),
                    opt(r.source.map(|s| s.to_string())),
                    opt(r.territory.map(|t| t.to_string())),
                    r.units.to_string(),
                    opt(r.amount.map(|a| a.to_string())),
                    r.currency.clone(),
                    String::new(),
                    r.kind.name().to_string(),
                    r.reason.clone(),
                ],
            );
        }
    }
    String::from_utf8(w.into_inner().expect("in-memory write")).expect("UTF-8")
}
