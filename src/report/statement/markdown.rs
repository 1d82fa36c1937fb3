//! A statement as Markdown: the same document as the HTML and the PDF.

use super::{amount, cents, count, StatementDoc};
// Names and notes come from agreement files: escaped (docs/commands.md,
// "Safe exports").
use crate::report::safe::md;
use std::fmt::Write;

pub fn render(d: &StatementDoc) -> String {
    let c = d.currency;
    let mut o = String::new();
    if let Some(s) = &d.sender {
        let _ = writeln!(o, "**{}**  ", md(&s.name));
        if !s.address.is_empty() {
            let _ = writeln!(o, "{}", md(&s.address));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(
        o,
        "# Royalty statement: {} ({})\n",
        md(&d.name),
        md(&d.role)
    );
    let _ = writeln!(o, "| | |\n| --- | --- |");
    let _ = writeln!(o, "| Statement date | {} |", d.statement_date);
    let _ = writeln!(
        o,
        "| Period | {} ({} to {}) |",
        d.period,
        d.period.first_day(),
        d.period.last_day()
    );
    let _ = writeln!(
        o,
        "| Agreement | {} (`{}`) |",
        md(&d.agreement_title),
        d.agreement
    );
    let _ = writeln!(o, "| Payment reference | {} |", d.reference);
    let _ = writeln!(o, "| Amounts in | {c} |\n");

    let _ = writeln!(o, "## Earnings by source\n");
    if d.sources.is_empty() && d.catch_ups.is_empty() {
        let _ = writeln!(o, "No earnings this period.\n");
    } else {
        let _ = writeln!(
            o,
            "| source | net receipts ({c}) | units | rates that applied | earnings ({c}) |"
        );
        let _ = writeln!(o, "| --- | ---: | ---: | --- | ---: |");
        for s in &d.sources {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                s.source.name(),
                cents(&s.receipts),
                count(s.units),
                s.rates.join("; "),
                amount(s.shown)
            );
        }
        for x in &d.catch_ups {
            let _ = writeln!(
                o,
                "| {} (earlier periods) | {} | | +{} ({} catch-up) | {} |",
                x.source.name(),
                cents(&x.base),
                x.rate,
                x.milestone,
                amount(x.shown)
            );
        }
        let _ = writeln!(o, "| **total** | | | | **{}** |\n", amount(d.earned));
        let _ = writeln!(
            o,
            "The total is the exact sum ({}) rounded once to the cent (docs/arithmetic.md, step 5); the rows share it out to the cent by the largest remainder, so they add up to it.\n",
            d.earned_exact
        );
        let _ = writeln!(o, "```text");
        for s in &d.sources {
            let bar = "#".repeat((s.width as usize).div_ceil(4));
            let _ = writeln!(
                o,
                "{:<12} {:<25} {} {c}",
                s.source.name(),
                bar,
                amount(s.shown)
            );
        }
        let _ = writeln!(o, "```\n");
    }
    if !d.tracks.is_empty() {
        let _ = writeln!(o, "## Earnings by track\n");
        let _ = writeln!(
            o,
            "| track | ISRC | source | net receipts ({c}) | units | rates | earnings ({c}) |"
        );
        let _ = writeln!(o, "| --- | --- | --- | ---: | ---: | --- | ---: |");
        for t in &d.tracks {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md(&t.title),
                t.isrc,
                t.source.name(),
                cents(&t.receipts),
                count(t.units),
                t.rates.join("; "),
                amount(t.shown)
            );
        }
        for x in &d.catch_ups {
            let _ = writeln!(
                o,
                "| {} catch-up (earlier periods, no track) | | {} | {} | | +{} | {} |",
                md(&x.milestone),
                x.source.name(),
                cents(&x.base),
                x.rate,
                amount(x.shown)
            );
        }
        let _ = writeln!(o);
    }
    if !d.conversions.is_empty() {
        let _ = writeln!(o, "## Conversions into {c} (rate of the period end)\n");
        let _ = writeln!(o, "| currency | amount | rate | converted ({c}) |");
        let _ = writeln!(o, "| --- | ---: | ---: | ---: |");
        for v in &d.conversions {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                v.currency,
                cents(&v.amount),
                v.rate,
                cents(&v.converted)
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## From earned to paid\n");
    let _ = writeln!(o, "| | {c} |\n| --- | ---: |");
    for s in &d.steps {
        let _ = writeln!(o, "| {} | {}{} |", s.label, s.sign, amount(s.amount));
    }
    let _ = writeln!(o, "\n**Payment: {}**\n", super::html::paid_line(d));
    if !d.advances.is_empty() {
        let _ = writeln!(o, "## Advances\n");
        let _ = writeln!(
            o,
            "| advance | amount | recouped before | this period | remaining |"
        );
        let _ = writeln!(o, "| --- | ---: | ---: | ---: | ---: |");
        for a in &d.advances {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                a.id,
                amount(a.amount),
                amount(a.recouped_before),
                amount(a.recouped),
                amount(a.remaining)
            );
        }
        let _ = writeln!(o);
    }
    if !d.reserves.is_empty() {
        let _ = writeln!(o, "## Reserves held\n");
        let _ = writeln!(o, "| released with the close of | {c} |\n| --- | ---: |");
        for r in &d.reserves {
            let _ = writeln!(o, "| {} | {} |", r.release, amount(r.amount));
        }
        let _ = writeln!(o);
    }
    if !d.milestones.is_empty() || !d.perks.is_empty() {
        let _ = writeln!(o, "## Milestones\n");
        for m in &d.milestones {
            let _ = writeln!(o, "- {m}");
        }
        for p in &d.perks {
            let _ = writeln!(o, "- perk unlocked: {}", md(p));
        }
        let _ = writeln!(o);
    }
    if !d.disputes.is_empty() {
        let _ = writeln!(o, "## Disputes\n");
        for x in &d.disputes {
            let _ = writeln!(o, "- {}", md(x));
        }
        let _ = writeln!(o);
    }
    if !d.notes.is_empty() {
        let _ = writeln!(o, "## Notes\n");
        for n in &d.notes {
            let _ = writeln!(o, "- {}", md(n));
        }
        let _ = writeln!(o);
    }
    if let Some((days, until)) = d.objection {
        let _ = writeln!(
            o,
            "Objections: this statement binds on {until}, {days} days after its date, unless challenged in writing before then."
        );
    }
    o
}
