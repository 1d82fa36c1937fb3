//! The payment file (`close`, `run --payments FILE`): what a bank or payment
//! service imports. One line per party with something to pay, in the party's
//! payout currency; the reference is stable, so a payment can be traced back
//! to its period, agreement and party. Two columns came later, after the
//! first seven: `adjusted`, the dispute adjustment credited to the party's
//! account this period (agreement currency; included in `amount`, which is
//! what is paid after recoupment and withholding), and `disputes`, the ids
//! of the disputes whose resolution it carries.

use super::rows::payout_rows;
use crate::agreement::Agreement;
use crate::engine::PeriodResult;

pub const COLUMNS: [&str; 9] = [
    "party",
    "name",
    "amount",
    "currency",
    "period",
    "reference",
    "agreement",
    "adjusted",
    "disputes",
];

/// The payment reference a bank sees: period, agreement, party. Statements
/// print the same reference, so a payment and its statement match.
pub fn reference(period: crate::period::Period, agreement: &str, party: &str) -> String {
    format!("ROY-{period}-{agreement}-{party}")
}

pub fn render(r: &PeriodResult, agreements: &[Agreement]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory write");
    for row in payout_rows(r, agreements) {
        if !row.paid_amount.is_positive() {
            continue;
        }
        let resolved: Vec<String> = r
            .agreements
            .iter()
            .filter(|a| a.id == row.agreement)
            .flat_map(|a| a.parties.iter().filter(|p| p.id == row.party))
            .flat_map(|p| p.disputes.iter().filter(|d| d.resolved))
            .map(|d| d.id.clone())
            .collect();
        let name = agreements
            .iter()
            .find(|a| a.id == row.agreement)
            .and_then(|a| a.parties.iter().find(|p| p.id == row.party))
            .map(|p| p.name.clone())
            .unwrap_or_default();
        super::safe::csv_record(
            &mut w,
            [
                row.party.clone(),
                name,
                row.paid_amount.to_string(),
                row.paid_currency.to_string(),
                r.period.to_string(),
                reference(r.period, &row.agreement, &row.party),
                row.agreement.clone(),
                row.adjusted.to_string(),
                resolved.join(";"),
            ],
        );
    }
    String::from_utf8(w.into_inner().expect("in-memory write")).expect("UTF-8")
}
