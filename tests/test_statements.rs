//! `statements`: one Markdown or HTML document per party, whose figures are
//! the run's.

mod common;

use assert_cmd::Command;
use serde_json::Value;

/// "1635.47" -> "1,635.47", as statements print amounts.
fn thousands(s: &str) -> String {
    let (int, frac) = s.split_once('.').unwrap();
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{frac}")
}

fn royalty(ledger: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .arg("--ledger")
        .arg(ledger);
    c
}

#[test]
fn one_file_per_party_with_the_run_figures() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = out.to_str().unwrap();
    let run = royalty(d.path(), &["run", "--format", "json"])
        .output()
        .unwrap();
    let run: Value = serde_json::from_slice(&run.stdout).unwrap();
    for format in ["md", "html"] {
        royalty(d.path(), &["statements", "--format", format, "--output", o])
            .assert()
            .success();
        for row in run["payouts"].as_array().unwrap() {
            let name = format!(
                "{}--{}.{format}",
                row["agreement"].as_str().unwrap(),
                row["party"].as_str().unwrap()
            );
            let text =
                std::fs::read_to_string(out.join(&name)).unwrap_or_else(|_| panic!("{name}"));
            let paid = format!(
                "{} {}",
                thousands(row["paid_amount"].as_str().unwrap()),
                row["paid_currency"].as_str().unwrap()
            );
            assert!(text.contains(&format!("Payment: {paid}")), "{name}: {text}");
        }
    }
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        2 * run["payouts"].as_array().unwrap().len()
    );
}

fn printed(args: &[&str]) -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let out = royalty(d.path(), args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn markdown_and_html_statements_match_their_golden_files() {
    for (party, format, file) in [
        ("midnight-drive/ben", "md", "statement-ben.md"),
        ("midnight-drive/cy", "md", "statement-cy.md"),
        ("harbour-lights/tomas", "html", "statement-tomas.html"),
    ] {
        let text = String::from_utf8(printed(&[
            "statements",
            "--party",
            party,
            "--format",
            format,
        ]))
        .unwrap();
        common::assert_golden(&common::repo_root().join("tests/golden").join(file), &text);
    }
}

#[test]
fn a_single_party_prints_markdown() {
    let text =
        String::from_utf8(printed(&["statements", "--party", "midnight-drive/ben"])).unwrap();
    assert!(text.starts_with("**Northwind Records**  \n"), "{text}");
    assert!(
        text.contains("# Royalty statement: Ben Ortiz (vocal arranger)\n"),
        "{text}"
    );
    assert!(
        text.contains("| sync | 6,786.35 | 3 | 5% (original terms) | 339.32 |\n"),
        "{text}"
    );
    assert!(
        text.contains("| **total** | | | | **625.65** |\n"),
        "{text}"
    );
    assert!(text.contains("| Tax withheld | −150.16 |\n"), "{text}");
    assert!(text.contains("**Payment: 475.49 USD**"), "{text}");
    assert!(
        text.contains("| Payment reference | ROY-2026-Q1-midnight-drive-ben |"),
        "{text}"
    );
}

#[test]
fn html_is_self_contained_with_exact_bar_widths() {
    let html = String::from_utf8(printed(&[
        "statements",
        "--party",
        "tomas",
        "--format",
        "html",
    ]))
    .unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>@page{margin:15mm}"));
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="));
    // Sync is the largest source: 100%; streaming 61% of it.
    assert!(html.contains("<span class=\"label\">sync</span><div class=\"track\"><div class=\"bar\" style=\"width:100%\">"), "{html}");
    assert!(html.contains("<span class=\"label\">streaming</span><div class=\"track\"><div class=\"bar\" style=\"width:61%\">"), "{html}");
    assert!(
        html.contains("Payment: 103.69 GBP (converted from 121.15 EUR at 0.8559)"),
        "{html}"
    );
}

#[test]
fn no_destination_or_unknown_party_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    royalty(d.path(), &["statements"]).assert().code(2);
    royalty(d.path(), &["statements", "--party", "nobody"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no party `nobody`"));
}

/// `--date` dates the statement on or after its period's last day: an
/// earlier day (a year too early, typed in January) is a usage error
/// before anything is read, not a statement dated before its revenue.
#[test]
fn a_statement_date_before_the_period_ends_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    let dated = |date: &str| {
        royalty(
            d.path(),
            &[
                "statements",
                "--party",
                "midnight-drive/ben",
                "--date",
                date,
            ],
        )
    };
    dated("2025-01-01")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--date 2025-01-01 is before the end of 2026-Q1 (2026-03-31)",
        ));
    dated("2026-03-31").assert().code(0);
}

/// The text of every page of a PDF, read back with lopdf.
fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("a readable PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text in the PDF")
}

#[test]
fn the_pdf_statement_reads_back_with_its_payment() {
    let pdf = printed(&[
        "statements",
        "--party",
        "midnight-drive/cy",
        "--format",
        "pdf",
    ]);
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    for want in [
        "Northwind Records",
        "Royalty statement: Cy Laurent (mix and mastering engineer)",
        "ROY-2026-Q1-midnight-drive-cy",
        "Payment: 547.81 EUR (converted from 595.51 USD at 0.9199)",
        "top-10",
    ] {
        assert!(text.contains(want), "{want} not in:\n{text}");
    }
    // Made by royalty, with no version: printpdf named "Adobe Illustrator
    // 14.0" as the creator of its layer.
    let raw = String::from_utf8_lossy(&pdf);
    assert!(!raw.contains("Adobe") && !raw.contains("Illustrator"));
    assert!(raw.contains("/Creator(royalty)") && raw.contains("/Producer(royalty)"));
    // The same statement twice is the same bytes (no clock, no random id).
    assert_eq!(
        pdf,
        printed(&[
            "statements",
            "--party",
            "midnight-drive/cy",
            "--format",
            "pdf"
        ])
    );
}

/// Cents of a Markdown table cell ("1,635.47", "**625.65**", "-3.10").
fn cell_cents(cell: &str) -> i64 {
    let t: String = cell
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-' || *c == '.')
        .collect();
    let (int, frac) = t.split_once('.').unwrap_or_else(|| panic!("{cell}"));
    let int: i64 = int.trim_start_matches('-').parse().unwrap();
    let v = int * 100 + frac.parse::<i64>().unwrap();
    if t.starts_with('-') {
        -v
    } else {
        v
    }
}

/// The last cell of each body row of the table under `heading`, and the
/// total row's (if any).
fn column(md: &str, heading: &str) -> (Vec<i64>, Option<i64>) {
    let section = md.split(heading).nth(1).unwrap_or("");
    let section = section.split("\n## ").next().unwrap();
    let (mut parts, mut total) = (Vec::new(), None);
    for line in section.lines().filter(|l| l.starts_with("| ")) {
        let last = line
            .trim_end_matches('|')
            .rsplit('|')
            .next()
            .unwrap()
            .trim();
        if line.starts_with("| source ")
            || line.starts_with("| track ")
            || line.starts_with("| ---")
        {
            continue;
        } else if line.starts_with("| **total**") {
            total = Some(cell_cents(last));
        } else {
            parts.push(cell_cents(last));
        }
    }
    (parts, total)
}

/// The last cell of each row of a table, summed per the cell at `col` (the
/// source), in cents.
fn by_source(md: &str, heading: &str, col: usize) -> std::collections::BTreeMap<String, i64> {
    let section = md.split(heading).nth(1).unwrap_or("");
    let section = section.split("\n## ").next().unwrap();
    let mut sums = std::collections::BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with("| ")) {
        if line.starts_with("| source ")
            || line.starts_with("| track ")
            || line.starts_with("| ---")
            || line.starts_with("| **total**")
        {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let last = cell_cents(cells[cells.len() - 1]);
        *sums.entry(cells[col].to_string()).or_insert(0) += last;
    }
    sums
}

/// Each table's rows add up to its party's earned total, to the cent, in
/// every statement of both bundled periods (docs/arithmetic.md, "Parts of
/// a total"): rounding each row alone left ben's sources at 625.66 and his
/// tracks at 625.64 for a total of 625.65.
#[test]
fn the_rows_of_each_table_add_up_to_the_total() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    for (period, statements) in [
        ("2026-Q1", "samples/2026-Q1"),
        ("2026-Q2", "samples/2026-Q2"),
    ] {
        let run = royalty(
            d.path(),
            &[
                "run",
                "--period",
                period,
                "--statements",
                statements,
                "--format",
                "json",
            ],
        )
        .output()
        .unwrap();
        let run: Value = serde_json::from_slice(&run.stdout).unwrap();
        let dir = out.join(period);
        royalty(
            d.path(),
            &[
                "statements",
                "--period",
                period,
                "--statements",
                statements,
                "--output",
                dir.to_str().unwrap(),
            ],
        )
        .assert()
        .success();
        for row in run["payouts"].as_array().unwrap() {
            let name = format!(
                "{}--{}.md",
                row["agreement"].as_str().unwrap(),
                row["party"].as_str().unwrap()
            );
            let md = std::fs::read_to_string(dir.join(&name)).unwrap();
            let earned = cell_cents(row["earned"].as_str().unwrap());
            let (sources, total) = column(&md, "## Earnings by source");
            if let Some(total) = total {
                assert_eq!(total, earned, "{period} {name}");
                assert_eq!(
                    sources.iter().sum::<i64>(),
                    earned,
                    "{period} {name} sources"
                );
            }
            let (tracks, _) = column(&md, "## Earnings by track");
            if !tracks.is_empty() {
                assert_eq!(tracks.iter().sum::<i64>(), earned, "{period} {name} tracks");
            }
            // Each source's tracks add up to its row in the source table.
            if !md.to_lowercase().contains("catch-up") {
                let by_track = by_source(&md, "## Earnings by track", 2);
                let by_source_row = by_source(&md, "## Earnings by source", 0);
                if !by_track.is_empty() && !by_source_row.is_empty() {
                    assert_eq!(by_track, by_source_row, "{period} {name}");
                }
            }
        }
    }
    // The case of the report: ben's rows, each within a cent of its own
    // rounding (streaming's exact 218.8262 shows 218.82: larger remainders took the cents).
    let ben = std::fs::read_to_string(out.join("2026-Q1/midnight-drive--ben.md")).unwrap();
    assert_eq!(
        column(&ben, "## Earnings by source"),
        (vec![21882, 999, 5083, 669, 33932], Some(62565))
    );
}

/// A deficit carried forward has one sign in every format: returns that
/// take back more than the period earns leave -15.00, carried to the next
/// period, shown as "+15.00" on that step so the column adds up (it read
/// "−-15.00" in Markdown and HTML, "--15.00" in the PDF).
#[test]
fn a_deficit_carried_forward_has_one_sign() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::create_dir_all(dir.join("agreements")).unwrap();
    std::fs::create_dir_all(dir.join("q3")).unwrap();
    std::fs::write(
        dir.join("agreements/returns.toml"),
        "id = \"returns\"\ncurrency = \"USD\"\n[[track]]\nisrc = \"QZAAA2600001\"\n\
         [[party]]\nid = \"jo\"\n[rates.jo]\nstreaming = \"5%\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("q3/s.csv"),
        "period,isrc,source,territory,units,amount,currency\n\
         2026-07,QZAAA2600001,streaming,US,-1000,-300.00,USD\n",
    )
    .unwrap();
    let statement = |format: &str| {
        let out = Command::cargo_bin("royalty")
            .unwrap()
            .current_dir(dir)
            .args(["statements", "--party", "returns/jo", "--format", format])
            .args(["--agreements", "agreements", "--statements", "q3"])
            .args(["--period", "2026-Q3", "--ledger", "ledger"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let md = String::from_utf8(statement("md")).unwrap();
    assert!(
        md.contains("| Earned | -15.00 |\n| Deficit carried to the next period | +15.00 |\n| Payable | 0.00 |"),
        "{md}"
    );
    let html = String::from_utf8(statement("html")).unwrap();
    assert!(
        html.contains("<td>Deficit carried to the next period</td><td class=\"n\">+15.00</td>"),
        "{html}"
    );
    let pdf = pdf_text(&statement("pdf"));
    assert!(pdf.contains("+15.00"), "{pdf}");
    for text in [&md, &html, &pdf] {
        assert!(!text.contains("−-") && !text.contains("--15"), "{text}");
    }
}
