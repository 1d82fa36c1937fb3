//! The table a person reads at the terminal: payouts per party, then the
//! agreements' totals, then what was set aside, then the self-checks.

use super::rows::{agreement_rows, payout_rows, SetAside};
use crate::agreement::Agreement;
use crate::engine::PeriodResult;
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, Table};
use std::fmt::Write;

fn table(header: &[&str], right_from: usize) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_header(header.to_vec());
    for i in right_from..header.len() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

pub fn render(r: &PeriodResult, agreements: &[Agreement]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Payouts for {}", r.period);
    let mut notes: Vec<String> = Vec::new();
    // Balance: what the label holds for the party (carried, reserves, held
    // by a gate, vesting or for disputes). closing = opening + earned +
    // adjusted - recouped - paid - withheld - forfeited.
    let mut t = table(
        &[
            "agreement",
            "party",
            "opening",
            "earned",
            "recouped",
            "reserve",
            "held",
            "disputed",
            "adjusted",
            "payable",
            "withheld",
            "paid",
            "paid in",
            "closing",
            "unrecouped",
        ],
        2,
    );
    for row in payout_rows(r, agreements) {
        let reserve = row.reserved - row.released;
        let held = row.unvested + row.gated + row.forfeited;
        t.add_row(vec![
            row.agreement.clone(),
            row.party.clone(),
            row.balance_open.to_string(),
            format!("{} {}", row.earned, row.currency),
            row.recouped.to_string(),
            reserve.to_string(),
            held.to_string(),
            row.held.to_string(),
            row.adjusted.to_string(),
            row.payable.to_string(),
            row.withheld.to_string(),
            row.paid.to_string(),
            format!("{} {}", row.paid_amount, row.paid_currency),
            row.balance_close.to_string(),
            row.unrecouped.to_string(),
        ]);
        notes.extend(
            row.notes
                .iter()
                .map(|n| format!("  {}/{}: {n}", row.agreement, row.party)),
        );
    }
    let _ = writeln!(out, "{t}");
    if !notes.is_empty() {
        let _ = writeln!(out, "\nWhy\n{}", notes.join("\n"));
    }

    let rows = agreement_rows(r, agreements);
    let adjusted = rows.iter().any(|a| !a.adjusted.is_zero());
    let mut head = vec!["agreement", "lines", "revenue", "parties", "label retained"];
    if adjusted {
        head.push("adjustments (label)");
    }
    let mut t = table(&head, 1);
    for a in rows {
        let parties = a.revenue - a.label_retained;
        let mut cells = vec![
            a.agreement,
            a.lines.to_string(),
            format!("{} {}", a.revenue, a.currency),
            parties.to_string(),
            a.label_retained.to_string(),
        ];
        if adjusted {
            cells.push(a.adjusted.to_string());
        }
        t.add_row(cells);
    }
    let _ = writeln!(out, "\nAgreements\n{t}");

    let mut words = Vec::new();
    for a in &r.agreements {
        for line in super::progress::sentences(&agreements[a.index], a) {
            words.push(format!("  {}: {line}", a.id));
        }
    }
    if !words.is_empty() {
        let _ = writeln!(out, "\nMilestones and terms\n{}", words.join("\n"));
    }

    for (name, b) in [
        ("Unmatched (no agreement covers the ISRC)", &r.unmatched),
        ("Out of term", &r.out_of_term),
    ] {
        let s = SetAside::from(b);
        if s.lines > 0 {
            let amounts: Vec<String> = s.amount.iter().map(|(c, m)| format!("{m} {c}")).collect();
            let _ = writeln!(out, "\n{name}: {} lines, {}", s.lines, amounts.join(", "));
            for (isrc, per) in &b.by_isrc {
                let amounts: Vec<String> = per
                    .iter()
                    .map(|(c, s)| format!("{} {c}", crate::money::Money(s.amount)))
                    .collect();
                let lines: u64 = per.values().map(|s| s.lines).sum();
                let _ = writeln!(out, "  {isrc}: {lines} lines, {}", amounts.join(", "));
            }
        }
    }
    out.push_str(&super::releases::text(r));
    let _ = writeln!(
        out,
        "\nChecks: conservation {}",
        if r.checks.conservation {
            "ok"
        } else {
            "FAILED"
        }
    );
    out
}
