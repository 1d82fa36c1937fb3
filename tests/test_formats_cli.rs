//! Statement formats through the real binary: `royalty formats` lists every
//! layout (the canonical CSV among them), `formats draft` proposes a profile
//! that loads, `run` reports skipped rows in its JSON and in `--unmatched`,
//! and a file no profile fits is an error naming the closest profile and
//! what differs: the columns, the delimiter or the lines before the header.

mod common;

use common::*;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/formats").join(name)
}

#[test]
fn formats_lists_every_layout_with_the_canonical_csv() {
    let p = Project::new();
    let out = run_ok(p.cmd().arg("formats"));
    for name in [
        "canonical",
        "distrokid-csv",
        "apple-music",
        "spotify",
        "beatport",
        "traxsource",
        "secretly",
        "fuga",
        "zebralution",
        "dashgo",
        "labelworx",
        "orchard",
        "ddex-dsr",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{name} "))),
            "{name} not listed:\n{out}"
        );
    }
    let shown = run_ok(p.cmd().args(["formats", "canonical"]));
    assert!(shown.contains("name = \"canonical\""), "{shown}");
}

/// A draft for a layout: it names the columns it recognises, and it loads
/// as a profile that reads the file (after the user's check).
#[test]
fn formats_draft_proposes_a_profile_that_loads() {
    let p = Project::new();
    let text = std::fs::read_to_string(fixture("zebralution.csv")).unwrap();
    // Renamed columns: no built-in profile fits any more.
    let odd = text.replace("Rev.less Publ.EUR", "Net EUR");
    p.write("odd.csv", &odd);
    p.write(
        "a.toml",
        &simple_agreement("a", "EUR", "QZNWX2600001", "10%"),
    );
    let draft = run_ok(p.cmd().args(["formats", "draft", "odd.csv"]));
    assert!(draft.contains("delimiter = \";\""), "{draft}");
    assert!(draft.contains("isrc = \"ISRC\""), "{draft}");
    assert!(
        draft.contains("usage = { column = \"Period Sold\", format = \"YYYY-MM\" }"),
        "{draft}"
    );
    assert!(draft.contains("amount = \"Net EUR\""), "{draft}");
    assert!(draft.contains("decimal = \",\""), "{draft}");
    // The user's check: the spreadsheet's totals row is not a sale.
    let checked = format!(
        "{draft}\n[[skip]]\ncolumn = \"Period\"\nempty = true\nreason = \"totals row\"\nkind = \"totals\"\n"
    );
    p.write("profiles/odd.toml", &checked);
    let out = run_ok(p.cmd().args([
        "check",
        "--agreements",
        "a.toml",
        "--statements",
        "odd.csv",
        "--profile",
        "profiles/odd.toml",
    ]));
    assert!(
        out.starts_with("ok: 1 agreement, 1 statement file (12 lines)"),
        "{out}"
    );
}

/// Skipped rows, in the JSON per statement (absent when there are none)
/// and in `run --unmatched` with their kind and reason.
#[test]
fn skipped_rows_are_in_the_json_and_the_unmatched_export() {
    let p = Project::new();
    p.write(
        "agreements/a.toml",
        &simple_agreement("a", "USD", "QZNWX2600001", "10%"),
    );
    p.write_bytes(
        "statements/dk.tsv",
        &std::fs::read(fixture("distrokid.tsv")).unwrap(),
    );
    let out = run_ok(p.cmd().args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
        "--period",
        "2025-Q2",
        "--unmatched",
        "unmatched.csv",
    ]));
    let doc = json(&out);
    let skipped = &doc["statements"][0]["skipped"];
    assert_eq!(skipped.as_array().unwrap().len(), 1, "{skipped}");
    assert_eq!(skipped[0]["reason"], "release row without ISRC");
    assert_eq!(skipped[0]["kind"], "unattributable");
    assert_eq!(skipped[0]["rows"], 1);
    assert_eq!(skipped[0]["amount"]["USD"], "6.93");
    assert_eq!(skipped[0]["units"], 1);
    let csv = std::fs::read_to_string(p.path().join("unmatched.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",kind,reason"), "{csv}");
    assert!(
        lines.iter().any(|l| l.starts_with("statements/dk.tsv,")
            && l.ends_with(",unattributable,release row without ISRC")
            && l.contains(",6.93,USD,")),
        "{csv}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with(",unmatched,no agreement covers the track")),
        "{csv}"
    );
}

fn unknown(name: &str, text: &str) -> String {
    let p = Project::new();
    p.write(
        "agreements/a.toml",
        &simple_agreement("a", "USD", "QZNWX2600001", "10%"),
    );
    p.write(&format!("statements/{name}"), text);
    let (code, _, err) = run(p.cmd().args([
        "check",
        "--agreements",
        "agreements",
        "--statements",
        "statements",
    ]));
    assert_eq!(code, 1, "{err}");
    err
}

/// The closest profile tried with each delimiter: here the delimiter is
/// the difference.
#[test]
fn an_unknown_layout_says_when_the_delimiter_is_the_difference() {
    let text = std::fs::read_to_string(fixture("symphonic.csv"))
        .unwrap()
        .replace(',', ";");
    let err = unknown("s.csv", &text);
    assert!(
        err.contains("statements/s.csv:1:1: error: unknown statement layout")
            && err.contains("the closest profile is `symphonic`: its columns are all there, but separated by `;` where it expects `,`"),
        "{err}"
    );
}

/// Lines before the header the profile does not expect: it says so, and
/// how to tell the profile.
#[test]
fn an_unknown_layout_says_when_lines_before_the_header_are_the_difference() {
    let text = format!(
        "Sales report\nGenerated 2025-07-15\n{}",
        std::fs::read_to_string(fixture("tunecore.csv")).unwrap()
    );
    let err = unknown("t.csv", &text);
    assert!(
        err.contains("the closest profile is `tunecore`: its header is on line 3, but it expects it on the first line (lines before the header: `[header] skip = 2`"),
        "{err}"
    );
}

/// Three canonical column names are not a canonical statement: the file is
/// not sent to the canonical reader, the error names what is missing.
#[test]
fn three_canonical_names_do_not_make_a_canonical_statement() {
    let err = unknown(
        "c.csv",
        "period,isrc,amount,Store,Country\n2026-01,QZNWX2600001,1.00,Spotify,US\n",
    );
    assert!(
        err.contains("unknown statement layout: the header lacks the required columns source, territory, units, currency"),
        "{err}"
    );
}

/// A statement cut after its header (a truncated download) adds no revenue
/// as an empty file does: `statement.empty`, a warning `--strict` refuses,
/// whatever the layout. The headers are the first lines of the fixtures.
#[test]
fn a_statement_with_a_header_and_no_row_is_empty_in_every_layout() {
    let p = Project::new();
    p.write(
        "agreements/s.toml",
        "id = \"s\"\ncurrency = \"USD\"\n[[track]]\nisrc = \"QZAAA2600001\"\n\
         [[party]]\nid = \"p\"\nname = \"Pat\"\n[rates.p]\nstreaming = \"10%\"\n",
    );
    let mut headers = vec![(
        "canonical.csv",
        "period,isrc,source,territory,units,amount,currency".to_string(),
    )];
    for name in [
        "distrokid.tsv",
        "distrokid.csv",
        "orchard.csv",
        "tunecore.csv",
    ] {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        headers.push((name, text.lines().next().unwrap().to_string()));
    }
    for (name, header) in &headers {
        p.write(&format!("st/{name}"), &format!("{header}\n"));
        let check = |strict: bool| {
            let mut c = p.cmd();
            c.args(["check", "--period", "2026-Q1", "--format", "json"])
                .args(["--agreements", "agreements", "--statements"])
                .arg(format!("st/{name}"));
            if strict {
                c.arg("--strict");
            }
            let (code, out, err) = run(&mut c);
            (code, json(&out), err)
        };
        let (c, doc, err) = check(false);
        assert_eq!(c, 0, "{name}: {err}");
        let empty = doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == "statement.empty")
            .unwrap_or_else(|| panic!("{name}: no statement.empty in {doc:#}"));
        assert_eq!(empty["severity"], "warning", "{name}");
        let (c, _, err) = check(true);
        assert_eq!(c, 1, "{name}: --strict let it through: {err}");
    }
}
