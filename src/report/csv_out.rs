//! `--format csv`: the payout rows with the JSON's column names (docs/commands.md).
//! Lists (milestones, perks) are joined with "; ". Columns added later
//! (`held`, `adjusted`) come after the first twenty, so positions stay.

use super::rows::payout_rows;
use crate::agreement::Agreement;
use crate::engine::PeriodResult;

pub const COLUMNS: [&str; 23] = [
    "agreement",
    "party",
    "currency",
    "earned",
    "released",
    "reserved",
    "recouped",
    "carried_in",
    "carried_out",
    "unvested",
    "gated",
    "forfeited",
    "payable",
    "withheld",
    "paid",
    "paid_currency",
    "paid_amount",
    "unrecouped",
    "milestones",
    "perks",
    "held",
    "adjusted",
    "bonus",
];

pub fn render(r: &PeriodResult, agreements: &[Agreement]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory write");
    for row in payout_rows(r, agreements) {
        let m = |x: crate::money::Money| x.cents_string();
        super::safe::csv_record(
            &mut w,
            [
                row.agreement.clone(),
                row.party.clone(),
                row.currency.to_string(),
                m(row.earned),
                m(row.released),
                m(row.reserved),
                m(row.recouped),
                m(row.carried_in),
                m(row.carried_out),
                m(row.unvested),
                m(row.gated),
                m(row.forfeited),
                m(row.payable),
                m(row.withheld),
                m(row.paid),
                row.paid_currency.to_string(),
                m(row.paid_amount),
                m(row.unrecouped),
                row.milestones.join("; "),
                row.perks.join("; "),
                m(row.held),
                m(row.adjusted),
                m(row.bonus),
            ],
        );
    }
    String::from_utf8(w.into_inner().expect("in-memory write")).expect("UTF-8 in, UTF-8 out")
}
