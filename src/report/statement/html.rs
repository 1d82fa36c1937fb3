//! A statement as one self-contained HTML page (inline CSS, no script, no
//! external file), print-ready: the page box leaves the paper size to the
//! printer and the content fits 180 mm, so it prints on A4 and on Letter.

use super::{amount, cents, count, StatementDoc};
use crate::report::safe::html as esc;
use std::fmt::Write;

/// "1,234.56 EUR (converted from USD at 0.92)".
pub fn paid_line(d: &StatementDoc) -> String {
    match &d.fx_rate {
        Some(r) => format!(
            "{} {} (converted from {} {} at {r})",
            amount(d.paid_amount),
            d.paid_currency,
            amount(d.steps.last().map(|s| s.amount).unwrap_or_default()),
            d.currency
        ),
        None => format!("{} {}", amount(d.paid_amount), d.paid_currency),
    }
}

const CSS: &str = "@page{margin:15mm}\
body{font-family:system-ui,Helvetica,Arial,sans-serif;max-width:180mm;margin:1rem auto;color:#222;font-size:10.5pt}\
header{display:flex;justify-content:space-between;border-bottom:2px solid #3a6ea5;padding-bottom:.5rem}\
h1{font-size:16pt;margin:.8rem 0}h2{font-size:12pt;margin:1.2rem 0 .4rem;break-after:avoid}\
table{border-collapse:collapse;width:100%;margin:.4rem 0;break-inside:avoid}\
td,th{padding:.2rem .4rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
.row{display:flex;align-items:center;margin:.15rem 0}.label{width:7rem}\
.track{flex:1;background:#eee}.bar{background:#3a6ea5;height:.9rem}.value{width:8rem;text-align:right}\
.pay{font-size:13pt;font-weight:bold;border:1px solid #3a6ea5;padding:.5rem}\
.small{color:#555;font-size:9pt}@media print{body{margin:0}}";

fn table(o: &mut String, head: &[(&str, bool)], rows: &[Vec<String>]) {
    let _ = write!(o, "<table>\n<tr>");
    for (h, num) in head {
        let class = if *num { " class=\"n\"" } else { "" };
        let _ = write!(o, "<th{class}>{}</th>", esc(h));
    }
    let _ = writeln!(o, "</tr>");
    for r in rows {
        let _ = write!(o, "<tr>");
        for (cell, (_, num)) in r.iter().zip(head) {
            let class = if *num { " class=\"n\"" } else { "" };
            let _ = write!(o, "<td{class}>{cell}</td>");
        }
        let _ = writeln!(o, "</tr>");
    }
    let _ = writeln!(o, "</table>");
}

pub fn render(d: &StatementDoc) -> String {
    let c = d.currency;
    let cur = format!("{c}");
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Royalty statement: {} — {}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        esc(&d.name),
        d.period
    );
    let _ = write!(o, "<header><div>");
    if let Some(s) = &d.sender {
        let _ = write!(
            o,
            "<strong>{}</strong><br>{}",
            esc(&s.name),
            esc(&s.address)
        );
    }
    let _ = writeln!(
        o,
        "</div><div class=\"small\">Statement date {}<br>Reference {}</div></header>",
        d.statement_date, d.reference
    );
    let _ = writeln!(
        o,
        "<h1>Royalty statement: {} ({})</h1>",
        esc(&d.name),
        esc(&d.role)
    );
    let _ = writeln!(
        o,
        "<p>Agreement: {} (<code>{}</code>) · Period: {} ({} to {}) · Amounts in {c}</p>",
        esc(&d.agreement_title),
        esc(&d.agreement),
        d.period,
        d.period.first_day(),
        d.period.last_day()
    );
    let _ = writeln!(o, "<h2>Earnings by source</h2>");
    if d.sources.is_empty() && d.catch_ups.is_empty() {
        let _ = writeln!(o, "<p>No earnings this period.</p>");
    } else {
        let _ = writeln!(o, "<div class=\"chart\">");
        for s in &d.sources {
            let _ = writeln!(
                o,
                "<div class=\"row\"><span class=\"label\">{}</span><div class=\"track\"><div class=\"bar\" style=\"width:{}%\"></div></div><span class=\"value\">{} {c}</span></div>",
                s.source.name(),
                s.width,
                amount(s.shown)
            );
        }
        let _ = writeln!(o, "</div>");
        let mut rows: Vec<Vec<String>> = d
            .sources
            .iter()
            .map(|s| {
                vec![
                    s.source.name().to_string(),
                    cents(&s.receipts),
                    count(s.units),
                    esc(&s.rates.join("; ")),
                    amount(s.shown),
                ]
            })
            .collect();
        for x in &d.catch_ups {
            rows.push(vec![
                format!("{} (earlier periods)", x.source.name()),
                cents(&x.base),
                String::new(),
                esc(&format!("+{} ({} catch-up)", x.rate, x.milestone)),
                amount(x.shown),
            ]);
        }
        rows.push(vec![
            "<strong>total</strong>".into(),
            String::new(),
            String::new(),
            String::new(),
            format!("<strong>{}</strong>", amount(d.earned)),
        ]);
        let receipts = format!("net receipts ({c})");
        let earnings = format!("earnings ({c})");
        table(
            &mut o,
            &[
                ("source", false),
                (&receipts, true),
                ("units", true),
                ("rates that applied", false),
                (&earnings, true),
            ],
            &rows,
        );
        let _ = writeln!(
            o,
            "<p class=\"small\">The total is the exact sum ({}) rounded once to the cent (docs/arithmetic.md, step 5); the rows share it out to the cent by the largest remainder, so they add up to it.</p>",
            d.earned_exact
        );
    }
    if !d.tracks.is_empty() {
        let _ = writeln!(o, "<h2>Earnings by track</h2>");
        let mut rows: Vec<Vec<String>> = d
            .tracks
            .iter()
            .map(|t| {
                vec![
                    esc(&t.title),
                    t.isrc.to_string(),
                    t.source.name().to_string(),
                    cents(&t.receipts),
                    count(t.units),
                    esc(&t.rates.join("; ")),
                    amount(t.shown),
                ]
            })
            .collect();
        for x in &d.catch_ups {
            rows.push(vec![
                format!("{} catch-up (earlier periods, no track)", esc(&x.milestone)),
                String::new(),
                x.source.name().to_string(),
                cents(&x.base),
                String::new(),
                esc(&format!("+{}", x.rate)),
                amount(x.shown),
            ]);
        }
        table(
            &mut o,
            &[
                ("track", false),
                ("ISRC", false),
                ("source", false),
                ("net receipts", true),
                ("units", true),
                ("rates", false),
                ("earnings", true),
            ],
            &rows,
        );
    }
    if !d.conversions.is_empty() {
        let _ = writeln!(o, "<h2>Conversions into {c} (rate of the period end)</h2>");
        let rows: Vec<Vec<String>> = d
            .conversions
            .iter()
            .map(|v| {
                vec![
                    v.currency.to_string(),
                    cents(&v.amount),
                    v.rate.to_string(),
                    cents(&v.converted),
                ]
            })
            .collect();
        table(
            &mut o,
            &[
                ("currency", false),
                ("amount", true),
                ("rate", true),
                ("converted", true),
            ],
            &rows,
        );
    }
    let _ = writeln!(o, "<h2>From earned to paid</h2>");
    let rows: Vec<Vec<String>> = d
        .steps
        .iter()
        .map(|s| {
            vec![
                s.label.to_string(),
                format!("{}{}", s.sign, amount(s.amount)),
            ]
        })
        .collect();
    table(&mut o, &[("", false), (&cur, true)], &rows);
    let _ = writeln!(o, "<p class=\"pay\">Payment: {}</p>", paid_line(d));
    if !d.advances.is_empty() {
        let _ = writeln!(o, "<h2>Advances</h2>");
        let rows: Vec<Vec<String>> = d
            .advances
            .iter()
            .map(|a| {
                vec![
                    esc(&a.id),
                    amount(a.amount),
                    amount(a.recouped_before),
                    amount(a.recouped),
                    amount(a.remaining),
                ]
            })
            .collect();
        table(
            &mut o,
            &[
                ("advance", false),
                ("amount", true),
                ("recouped before", true),
                ("this period", true),
                ("remaining", true),
            ],
            &rows,
        );
    }
    if !d.reserves.is_empty() {
        let _ = writeln!(o, "<h2>Reserves held</h2>");
        let rows: Vec<Vec<String>> = d
            .reserves
            .iter()
            .map(|r| vec![r.release.to_string(), amount(r.amount)])
            .collect();
        table(
            &mut o,
            &[("released with the close of", false), (&cur, true)],
            &rows,
        );
    }
    if !d.milestones.is_empty() || !d.perks.is_empty() {
        let _ = writeln!(o, "<h2>Milestones</h2>\n<ul>");
        for m in &d.milestones {
            let _ = writeln!(o, "<li>{}</li>", esc(m));
        }
        for p in &d.perks {
            let _ = writeln!(o, "<li>perk unlocked: {}</li>", esc(p));
        }
        let _ = writeln!(o, "</ul>");
    }
    if !d.disputes.is_empty() {
        let _ = writeln!(o, "<h2>Disputes</h2>\n<ul>");
        for x in &d.disputes {
            let _ = writeln!(o, "<li>{}</li>", esc(x));
        }
        let _ = writeln!(o, "</ul>");
    }
    if !d.notes.is_empty() {
        let _ = writeln!(o, "<h2>Notes</h2>\n<ul>");
        for n in &d.notes {
            let _ = writeln!(o, "<li>{}</li>", esc(n));
        }
        let _ = writeln!(o, "</ul>");
    }
    if let Some((days, until)) = d.objection {
        let _ = writeln!(
            o,
            "<p class=\"small\">Objections: this statement binds on {until}, {days} days after its date, unless challenged in writing before then.</p>"
        );
    }
    let _ = writeln!(o, "</body>\n</html>");
    o
}
