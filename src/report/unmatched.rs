//! `run --unmatched FILE`: every line no agreement covers, with the file and
//! line it came from, so that nothing is lost (SPEC 3 step 1).

use crate::import::FileOutcome;

pub const COLUMNS: [&str; 10] = [
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
];

pub fn render(outcomes: &[FileOutcome]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory write");
    let mut files: Vec<&FileOutcome> = outcomes.iter().collect();
    files.sort_by(|a, b| a.summary.path.cmp(&b.summary.path));
    for o in files {
        for l in &o.unmatched {
            w.write_record([
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
            ])
            .expect("in-memory write");
        }
    }
    String::from_utf8(w.into_inner().expect("in-memory write")).expect("UTF-8")
}
