//! The table a person reads at the terminal: payouts per party, then the
//! agreements' totals, then what was set aside, then the self-checks.

use super::rows::{agreement_rows, payout_rows, PayoutRow, SetAside};
use crate::agreement::Agreement;
use crate::codes::Currency;
use crate::engine::PeriodResult;
use crate::money::Money;
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, ContentArrangement, Table};
use std::collections::BTreeMap;
use std::fmt::Write;

fn table(header: &[&str], right_from: usize, width: Option<u16>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_header(header.to_vec());
    if let Some(w) = width {
        // Fits the terminal: columns shrink and cells wrap (at the space
        // between an amount and its currency first).
        t.set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(w);
    }
    for i in right_from..header.len() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

/// The columns shown only when a row has them: most periods have no
/// bonus and no dispute.
#[derive(Clone, Copy)]
struct Optional {
    bonus: bool,
    disputes: bool,
}

impl Optional {
    fn of(rows: &[PayoutRow]) -> Optional {
        Optional {
            bonus: rows.iter().any(|r| !r.bonus.is_zero()),
            disputes: rows
                .iter()
                .any(|r| !r.held.is_zero() || !r.adjusted.is_zero()),
        }
    }
}

/// A figure of the payout table: its column, the amount, and the currency
/// written beside it (only `earned` and `paid in`).
type Cell = (&'static str, Money, Option<Currency>);

/// One payout row's cells, by column name (the party's figures in the
/// agreement currency; `paid in` in the payout currency).
fn cells(row: &PayoutRow, shown: Optional) -> Vec<Cell> {
    let mut v = vec![
        ("opening", row.balance_open, None),
        ("earned", row.earned, Some(row.currency)),
    ];
    if shown.bonus {
        v.push(("bonus", row.bonus, None));
    }
    v.extend([
        ("recouped", row.recouped, None),
        ("reserve", row.reserved - row.released, None),
        ("held", row.unvested + row.gated + row.forfeited, None),
    ]);
    if shown.disputes {
        v.extend([
            ("disputed", row.held, None),
            ("adjusted", row.adjusted, None),
        ]);
    }
    v.extend([
        ("payable", row.payable, None),
        ("withheld", row.withheld, None),
        ("paid", row.paid, None),
        ("paid in", row.paid_amount, Some(row.paid_currency)),
        ("closing", row.balance_close, None),
        ("unrecouped", row.unrecouped, None),
    ]);
    v
}

fn text((_, m, c): &Cell) -> String {
    match c {
        Some(c) => format!("{m} {c}"),
        None => m.to_string(),
    }
}

/// Totals per currency: each figure summed over the rows of agreements in
/// that currency, and `paid in` over the payments made in it.
fn totals(rows: &[PayoutRow], bonus: Optional) -> BTreeMap<Currency, Vec<Cell>> {
    let mut t: BTreeMap<Currency, Vec<Cell>> = BTreeMap::new();
    let blank = |c: Currency, row: &PayoutRow| {
        cells(row, bonus)
            .into_iter()
            .map(|(n, _, cur)| (n, Money::ZERO, cur.map(|_| c)))
            .collect::<Vec<_>>()
    };
    for row in rows {
        for (i, (name, m, _)) in cells(row, bonus).into_iter().enumerate() {
            let c = if name == "paid in" {
                row.paid_currency
            } else {
                row.currency
            };
            let e = t.entry(c).or_insert_with(|| blank(c, row));
            e[i].1 += m;
        }
    }
    t
}

pub(crate) fn width_of(t: &Table) -> usize {
    t.to_string()
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

/// The payout table: one row per party and the totals per currency; when
/// it is wider than `width`, each agreement's parties become columns
/// (figures down the side) so that it fits an 80-column terminal.
fn payouts(rows: &[PayoutRow], width: Option<u16>) -> String {
    let bonus = Optional::of(rows);
    let totals = totals(rows, bonus);
    let names: Vec<&str> = rows
        .first()
        .map(|r| cells(r, bonus).iter().map(|c| c.0).collect())
        .unwrap_or_default();
    let mut header = vec!["agreement", "party"];
    header.extend(&names);
    let mut t = table(&header, 2, None);
    for row in rows {
        let mut v = vec![row.agreement.clone(), row.party.clone()];
        v.extend(cells(row, bonus).iter().map(text));
        t.add_row(v);
    }
    for (c, f) in &totals {
        let mut v = vec!["total".to_string(), c.to_string()];
        v.extend(f.iter().map(text));
        t.add_row(v);
    }
    let fits = width.is_none_or(|w| width_of(&t) <= usize::from(w));
    if fits {
        return format!("{t}\n");
    }
    let w = usize::from(width.unwrap_or(80));
    let mut out = String::new();
    let mut groups: Vec<(String, Vec<&PayoutRow>)> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some((a, g)) if *a == row.agreement => g.push(row),
            _ => groups.push((row.agreement.clone(), vec![row])),
        }
    }
    for (a, g) in &groups {
        let columns: Vec<(String, Vec<String>)> = g
            .iter()
            .map(|r| (r.party.clone(), cells(r, bonus).iter().map(text).collect()))
            .collect();
        let _ = writeln!(out, "{a} ({})", g[0].currency);
        out.push_str(&transposed(&names, &columns, w));
    }
    let columns: Vec<(String, Vec<String>)> = totals
        .iter()
        .map(|(c, f)| (format!("total {c}"), f.iter().map(text).collect()))
        .collect();
    let _ = writeln!(out, "Totals per currency");
    out.push_str(&transposed(&names, &columns, w));
    out
}

/// Figures down the side, one column per party (as many tables as it takes
/// to fit `width`). `whatif` folds its table the same way.
pub(crate) fn transposed(
    names: &[&str],
    columns: &[(String, Vec<String>)],
    width: usize,
) -> String {
    let mut out = String::new();
    let mut start = 0;
    while start < columns.len() {
        let mut end = start + 1;
        loop {
            let t = grid(names, &columns[start..(end + 1).min(columns.len())]);
            if end >= columns.len() || width_of(&t) > width {
                break;
            }
            end += 1;
        }
        let t = grid(names, &columns[start..end]);
        let _ = writeln!(out, "{t}");
        start = end;
    }
    out
}

fn grid(names: &[&str], columns: &[(String, Vec<String>)]) -> Table {
    let mut header = vec![""];
    header.extend(columns.iter().map(|c| c.0.as_str()));
    let mut t = table(&header, 1, None);
    for (i, n) in names.iter().enumerate() {
        let mut v = vec![n.to_string()];
        v.extend(
            columns
                .iter()
                .map(|c| c.1.get(i).cloned().unwrap_or_default()),
        );
        t.add_row(v);
    }
    t
}

/// Renders the run for a terminal `width` columns wide (`None`: as wide as
/// the content).
pub fn render(r: &PeriodResult, agreements: &[Agreement]) -> String {
    render_width(r, agreements, None)
}

pub fn render_width(r: &PeriodResult, agreements: &[Agreement], width: Option<u16>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Payouts for {}", r.period);
    let rows = payout_rows(r, agreements);
    out.push_str(&payouts(&rows, width));
    let notes: Vec<String> = rows
        .iter()
        .flat_map(|row| {
            row.notes
                .iter()
                .map(|n| format!("  {}/{}: {n}", row.agreement, row.party))
        })
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "\nWhy\n{}", notes.join("\n"));
    }

    let rows = agreement_rows(r, agreements);
    let adjusted = rows.iter().any(|a| !a.adjusted.is_zero());
    let mut head = vec!["agreement", "lines", "revenue", "parties", "label retained"];
    if adjusted {
        head.push("adjustments (label)");
    }
    let mut t = table(&head, 1, width);
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
