//! `reconcile` as text for people: the same figures as the JSON, one
//! section per check.

use super::{ok, Reconciliation};
use std::fmt::Write;

pub fn text(r: &Reconciliation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Reconciliation for {}", r.period);
    let _ = writeln!(
        out,
        "\nControl totals per statement file (exact): matched + unmatched + out of term + skipped = the file's total"
    );
    for f in &r.files {
        let _ = writeln!(
            out,
            "  {} ({}, {} lines): {}",
            f.file, f.format, f.lines, f.ties_out
        );
        for c in &f.currencies {
            let _ = writeln!(
                out,
                "    {}  {} lines  {} units  read {}",
                c.currency, c.lines, c.units, c.amount
            );
            if let Some(a) = &c.apportioned {
                let _ = writeln!(
                    out,
                    "    {}  {a} of the release rows apportioned to tracks (in matched; the rest stays skipped)",
                    c.currency
                );
            }
            if let (Some(m), Some(u), Some(o)) = (&c.matched, &c.unmatched, &c.out_of_term) {
                let _ = writeln!(
                    out,
                    "    {}  {m} + {u} + {o} + {} = {}  {}",
                    c.currency,
                    c.skipped,
                    c.total,
                    ok(c.ok)
                );
            } else if !c.skipped.is_zero() {
                let _ = writeln!(
                    out,
                    "    {}  read {} + skipped {} = {}",
                    c.currency, c.amount, c.skipped, c.total
                );
            }
        }
        for s in &f.skipped {
            let amounts: Vec<String> = s.amount.iter().map(|(c, a)| format!("{a} {c}")).collect();
            let _ = writeln!(
                out,
                "    skipped{}: {} ({} line{}, {})",
                if s.totals_row {
                    " (restates totals, not added)"
                } else {
                    ""
                },
                s.reason,
                s.lines,
                if s.lines == 1 { "" } else { "s" },
                amounts.join(", ")
            );
        }
    }
    let _ = writeln!(
        out,
        "\nConservation: {} (revenue = parties' earned + label retained; statements = matched + unmatched + out of term)",
        r.conservation
    );
    for a in &r.agreements {
        let _ = writeln!(
            out,
            "  {} {}: {} = {} + {}  {}",
            a.agreement,
            a.currency,
            a.revenue,
            a.parties_earned,
            a.label_retained,
            ok(a.ok)
        );
    }
    for c in &r.currencies {
        let _ = writeln!(
            out,
            "  {}: {} = {} + {} + {}  {}",
            c.currency,
            c.statements,
            c.matched,
            c.unmatched,
            c.out_of_term,
            ok(c.ok)
        );
    }
    out.push_str(&r.releases_text);
    let _ = writeln!(
        out,
        "\nLedger roll-forward: {} (opening + earned + adjusted + bonus - recouped - forfeited - paid - withheld = closing; a balance includes what disputes hold)",
        r.ledger
    );
    for x in &r.roll_forward {
        let _ = writeln!(
            out,
            "  {}/{} {}: {} = {}  {}",
            x.agreement,
            x.party,
            x.currency,
            x.terms(),
            x.closing,
            ok(x.ok)
        );
    }
    if !r.expected.is_empty() {
        let _ = writeln!(
            out,
            "\nAgainst the distributor's totals: {} difference{}",
            r.differences,
            if r.differences == 1 { "" } else { "s" }
        );
        for d in &r.expected {
            let lines = d
                .expected_lines
                .map(|l| format!(", lines {l} expected, {} read", d.actual_lines))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {} {}: expected {}, read {}, difference {}{lines}",
                if d.ok { "ok        " } else { "DIFFERENCE" },
                d.file,
                d.currency,
                d.expected,
                d.actual,
                d.difference
            );
        }
    }
    out.push_str(&register_text(&r.register));
    if !r.disputes.is_empty() {
        let _ = writeln!(out, "\nDisputes (statement dated the period end)");
        for d in &r.disputes {
            let _ = writeln!(
                out,
                "  {}: {} days to object, {}",
                d.agreement, d.objection_days, d.status
            );
        }
    }
    out
}

/// The register's disputes as this period saw them.
fn register_text(lines: &[crate::report::disputes::RegisterLine]) -> String {
    let mut out = String::new();
    if lines.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nDispute register (overdue first; docs/commands.md, dispute)"
    );
    for d in lines {
        let _ = writeln!(
            out,
            "  {} {}/{} on {}: {} claimed, {}; {} held",
            d.id, d.agreement, d.party, d.period, d.amount, d.status, d.held
        );
    }
    out
}
