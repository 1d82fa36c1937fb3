//! Exports safe to open (docs/commands.md, "Safe exports"), through the
//! real binary: names and notes that a spreadsheet would run as formulas
//! are neutralised in every CSV export meant for one, negative amounts stay
//! numbers, and Markdown statements show names as written (no raw HTML, no
//! injected line).

mod lab;

use lab::*;

/// A party whose name and perk are formulas, with a return that leaves a
/// negative carried balance, and a statement file whose name is a formula.
fn hostile() -> Lab {
    let lab = Lab::new(&[(
        "h.toml",
        &format!(
            "id = \"h\"\ncurrency = \"USD\"\ntitle = \"<b>Hit</b>\"\n[[track]]\nisrc = \"{TRACK}\"\n\
             [[party]]\nid = \"p\"\nname = \"=HYPERLINK(\\\"http://evil\\\",\\\"click\\\")\"\n\
             role = \"@producer\\n# Paid in full\"\ndeliverables = [\"+beat\", \"-mix\"]\n\
             [[party]]\nid = \"q\"\nname = \"<script>alert(1)</script>\"\n\
             [rates.p]\nstreaming = \"10%\"\n[rates.q]\nstreaming = \"10%\"\n\
             [[milestone]]\nid = \"m\"\nmetric = \"units\"\nsources = [\"streaming\"]\nthreshold = 1\n\
             perks.p = [\"=cmd|' /C calc'!A0\"]\n"
        ),
    )]);
    lab.write(
        "q1/s.csv",
        &format!(
            "{HEADER}2026-01,{TRACK},streaming,US,10,1000.00,USD\n\
             2026-01,QZZZZ2600009,streaming,US,-3,-12.40,USD\n"
        ),
    );
    lab.write(
        "=x.csv",
        &one_line("QZZZZ2600008", "streaming", -1, "-1.50", "USD"),
    );
    lab
}

fn ok(lab: &Lab, args: &[&str]) -> String {
    let out = lab.cmd(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every cell of a CSV text, parsed back.
fn cells(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// No cell starts a formula, unless it is a plain number.
fn assert_safe(what: &str, text: &str) {
    for row in cells(text) {
        for c in row {
            let risky = c.starts_with(['=', '+', '-', '@', '\t', '\r']);
            let number = rust_decimal::Decimal::from_str_exact(&c).is_ok();
            assert!(
                !risky || number,
                "{what}: cell {c:?} would run as a formula"
            );
        }
    }
}

#[test]
fn csv_exports_neutralise_formulas_and_keep_negative_amounts() {
    let lab = hostile();
    let args = [
        "run",
        "--period",
        "2026-Q1",
        "--statements",
        "q1",
        "=x.csv",
        "--format",
        "csv",
        "--payments",
        "pay.csv",
        "--unmatched",
        "unmatched.csv",
    ];
    let run_csv = ok(&lab, &args);
    let pay = std::fs::read_to_string(lab.path("pay.csv")).unwrap();
    let unmatched = std::fs::read_to_string(lab.path("unmatched.csv")).unwrap();
    let credits = ok(&lab, &["credits", "--format", "csv"]);
    for (what, text) in [
        ("run --format csv", &run_csv),
        ("payment file", &pay),
        ("unmatched", &unmatched),
        ("credits", &credits),
    ] {
        assert_safe(what, text);
    }
    assert!(
        pay.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\""),
        "{pay}"
    );
    assert!(run_csv.contains("'=cmd|' /C calc'!A0"), "{run_csv}");
    assert!(
        credits.contains("'+beat; -mix") && credits.contains("'@producer"),
        "{credits}"
    );
    // The file name is neutralised; the returns stay negative numbers.
    let rows = cells(&unmatched);
    let line = rows.iter().find(|r| r[0].ends_with("x.csv")).unwrap();
    assert_eq!(line[0], "'=x.csv");
    assert_eq!((line[6].as_str(), line[7].as_str()), ("-1", "-1.50"));
    let line = rows.iter().find(|r| r[3] == "QZZZZ2600009").unwrap();
    assert_eq!((line[6].as_str(), line[7].as_str()), ("-3", "-12.40"));
}

#[test]
fn markdown_statements_escape_names_and_notes() {
    let lab = hostile();
    ok(
        &lab,
        &[
            "statements",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--output",
            "out",
        ],
    );
    let p = std::fs::read_to_string(lab.path("out/h--p.md")).unwrap();
    let q = std::fs::read_to_string(lab.path("out/h--q.md")).unwrap();
    assert!(!q.contains("<script>"), "{q}");
    assert!(q.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{q}");
    assert!(
        !p.contains("<b>") && p.contains("&lt;b&gt;Hit&lt;/b&gt;"),
        "{p}"
    );
    // The role's line break did not start a heading of its own.
    assert!(!p.lines().any(|l| l.starts_with("# Paid")), "{p}");
    assert!(p.contains("@producer \\# Paid in full"), "{p}");
    let html = ok(
        &lab,
        &[
            "statements",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--party",
            "h/q",
            "--format",
            "html",
        ],
    );
    assert!(!html.contains("<script>alert"), "{html}");
}
