//! The dashboard page: self-contained HTML (inline CSS and SVG, no script,
//! no file or font from elsewhere), readable offline and printable.

use super::Dashboard;
use crate::report::figures::{amount, count};
use crate::report::svg::{chart, esc};
use std::fmt::Write;

const CSS: &str = "
body{font-family:Helvetica,Arial,sans-serif;color:#1f2933;margin:0;background:#f4f6f8}
main{max-width:1180px;margin:0 auto;padding:24px 28px 40px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:17px;margin:0 0 12px}
.sub{color:#5b6472;margin:0 0 20px;font-size:13px}
section{background:#fff;border:1px solid #dde2e8;border-radius:10px;padding:18px 20px;margin:0 0 18px}
.grid{display:flex;flex-wrap:wrap;gap:18px}
.card{flex:1 1 220px;border:1px solid #e3e7ec;border-radius:8px;padding:12px 14px}
.card .k{font-size:12px;color:#5b6472;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:20px;font-weight:bold;margin-top:4px}
.card .s{font-size:12px;color:#5b6472;margin-top:2px}
.charts{display:flex;flex-wrap:wrap;gap:20px}
.bars{display:flex;flex-wrap:wrap;gap:8px 36px}
table{border-collapse:collapse;font-size:13px;width:100%}
th{text-align:left;color:#5b6472;font-weight:normal;border-bottom:1px solid #dde2e8;padding:5px 8px}
td{border-bottom:1px solid #eef1f4;padding:5px 8px}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.open{color:#9b2f25;font-weight:bold}.bound{color:#3f8a46}
.empty{color:#5b6472;font-size:13px;margin:0}
@media print{body{background:#fff}section{break-inside:avoid}}
";

fn table(out: &mut String, head: &[(&str, bool)], rows: &[Vec<String>]) {
    out.push_str("<table><thead><tr>");
    for (h, num) in head {
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if *num { " class=\"n\"" } else { "" },
            esc(h)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for (c, (_, num)) in r.iter().zip(head) {
            // Cells are escaped by the caller (some carry markup).
            let _ = write!(
                out,
                "<td{}>{c}</td>",
                if *num { " class=\"n\"" } else { "" }
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

pub fn render(d: &Dashboard) -> String {
    let mut o = String::new();
    let title = match &d.label {
        Some(l) => format!("{l}: royalties dashboard, {}", d.period),
        None => format!("Royalties dashboard, {}", d.period),
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body><main>\n",
        esc(&title)
    );
    let _ = writeln!(o, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        o,
        "<p class=\"sub\">Period {} (the statements given), closed periods from the ledger; objection windows judged on {}. Amounts in each agreement's currency.</p>",
        d.period, d.as_of
    );

    o.push_str("<section id=\"summary\"><h2>This period</h2><div class=\"grid\">");
    for (c, revenue, paid, label) in &d.totals {
        let _ = write!(
            o,
            "<div class=\"card\"><div class=\"k\">{c}</div><div class=\"v\">{} {c}</div><div class=\"s\">revenue; paid to parties {}; the label keeps {}</div></div>",
            amount(*revenue),
            amount(*paid),
            amount(*label)
        );
    }
    o.push_str("</div></section>\n");

    o.push_str(
        "<section id=\"revenue\"><h2>Revenue per agreement and source</h2><div class=\"charts\">",
    );
    for h in &d.history {
        let cats: Vec<String> = h
            .periods
            .iter()
            .map(|(p, closed)| {
                if *closed {
                    p.clone()
                } else {
                    format!("{p} (open)")
                }
            })
            .collect();
        let series: Vec<(String, usize)> = h
            .sources
            .iter()
            .map(|s| (s.name().to_string(), s.index()))
            .collect();
        let values: Vec<Vec<rust_decimal::Decimal>> = h
            .values
            .iter()
            .map(|v| v.iter().map(|m| m.0).collect())
            .collect();
        o.push_str("<div>");
        o.push_str(&chart::stacked(&chart::Stacked {
            title: &format!("{} ({})", h.agreement, h.currency),
            unit: h.currency.as_str(),
            categories: &cats,
            series: &series,
            values: &values,
        }));
        o.push_str("</div>");
    }
    o.push_str("</div></section>\n");

    for (id, name, list, colour) in [
        ("advances", "Advances: recoupment", &d.advances, "#2f6db5"),
        ("milestones", "Milestones", &d.milestones, "#e08a2e"),
    ] {
        let _ = write!(o, "<section id=\"{id}\"><h2>{name}</h2>");
        if list.is_empty() {
            o.push_str("<p class=\"empty\">None in these agreements.</p>");
        }
        o.push_str("<div class=\"bars\">");
        for p in list.iter() {
            o.push_str("<div>");
            o.push_str(&chart::progress(
                &p.title, p.done.0, p.total.0, &p.caption, colour,
            ));
            o.push_str("</div>");
        }
        o.push_str("</div></section>\n");
    }

    o.push_str("<section id=\"reserves\"><h2>Reserves to be released</h2>");
    if d.reserves.is_empty() {
        o.push_str("<p class=\"empty\">No reserve is held.</p>");
    } else {
        let rows: Vec<Vec<String>> = d
            .reserves
            .iter()
            .map(|r| {
                vec![
                    esc(&r.agreement),
                    esc(&r.party),
                    format!("{} {}", amount(r.amount), r.currency),
                    format!("at the close of {}", r.released_at_close_of),
                ]
            })
            .collect();
        table(
            &mut o,
            &[
                ("agreement", false),
                ("party", false),
                ("amount", true),
                ("released", false),
            ],
            &rows,
        );
    }
    o.push_str("</section>\n");

    o.push_str("<section id=\"tracks\"><h2>Top tracks this period</h2>");
    let rows: Vec<Vec<String>> = d
        .tracks
        .iter()
        .map(|t| {
            vec![
                esc(&t.title),
                esc(&t.isrc),
                esc(&t.agreement),
                count(t.units),
                format!("{} {}", amount(t.revenue), t.currency),
            ]
        })
        .collect();
    table(
        &mut o,
        &[
            ("track", false),
            ("ISRC", false),
            ("agreement", false),
            ("units", true),
            ("net receipts", true),
        ],
        &rows,
    );
    o.push_str("<p class=\"empty\">The five largest in each currency; amounts in different currencies are not ranked together.</p></section>\n");

    o.push_str("<section id=\"set-aside\"><h2>Unmatched and skipped revenue</h2>");
    let rows: Vec<Vec<String>> = d
        .set_aside
        .iter()
        .map(|s| {
            let amounts: Vec<String> = s
                .amounts
                .iter()
                .map(|(c, m)| format!("{} {c}", amount(*m)))
                .collect();
            vec![
                esc(&s.what),
                count(s.lines as i64),
                if amounts.is_empty() {
                    "none".into()
                } else {
                    esc(&amounts.join(", "))
                },
            ]
        })
        .collect();
    table(
        &mut o,
        &[("what", false), ("lines or rows", true), ("amount", true)],
        &rows,
    );
    o.push_str("</section>\n");

    o.push_str("<section id=\"objections\"><h2>Objection windows</h2>");
    if d.windows.is_empty() {
        o.push_str("<p class=\"empty\">No agreement has an objection period ([dispute] objection_days).</p>");
    } else {
        let rows: Vec<Vec<String>> = d
            .windows
            .iter()
            .map(|w| {
                vec![
                    esc(&w.agreement),
                    esc(&w.period),
                    w.deadline.to_string(),
                    if w.open {
                        "<span class=\"open\">open</span>".into()
                    } else {
                        "<span class=\"bound\">binding</span>".into()
                    },
                ]
            })
            .collect();
        table(
            &mut o,
            &[
                ("agreement", false),
                ("statement", false),
                ("objections until", false),
                ("status", false),
            ],
            &rows,
        );
    }
    o.push_str("</section>\n</main></body></html>\n");
    o
}
