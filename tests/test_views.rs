//! The visual aids: `flow` (golden files in each format), `dashboard`
//! (its structure, self-contained, and rendered by a real headless
//! Chromium when one is installed; the test skips cleanly without).

use assert_cmd::Command;
use std::path::{Path, PathBuf};

mod common;
use common::assert_golden;

fn royalty(ledger: &Path, args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .arg("--ledger")
        .arg(ledger);
    c
}

fn out(c: &mut Command) -> String {
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn golden(name: &str) -> PathBuf {
    common::repo_root().join("tests/golden/flow").join(name)
}

fn flow(args: &[&str]) -> String {
    let l = tempfile::tempdir().unwrap();
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("flow")
        .args(args)
        .arg("--ledger")
        .arg(l.path());
    out(&mut c)
}

#[test]
fn flow_goldens_in_each_format() {
    for (fmt, ext) in [("mermaid", "mmd"), ("dot", "dot"), ("svg", "svg")] {
        let with = flow(&["midnight-drive", "--period", "2026-Q1", "--format", fmt]);
        assert_golden(&golden(&format!("midnight-drive-2026-Q1.{ext}")), &with);
        let terms = flow(&["city-of-echoes", "--format", fmt]);
        assert_golden(&golden(&format!("city-of-echoes.{ext}")), &terms);
    }
}

#[test]
fn flow_carries_the_engines_figures() {
    let svg = flow(&["midnight-drive", "--period", "2026-Q1", "--format", "svg"]);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // The run's figures: ava recoups 1,251.31, ben is paid 475.49 after
    // 24% withholding, cy 547.81 EUR; the label keeps 18,922.88.
    for want in [
        "recouped 1,251.31 of `ava-advance`",
        "withheld 150.16",
        "547.81 EUR",
        "retains 18,922.88 USD",
        "1,665,929 streams to go",
    ] {
        assert!(svg.contains(want), "{want}");
    }
    // Without a period: the terms only, no figure.
    let terms = flow(&["midnight-drive", "--format", "mermaid"]);
    assert!(terms.starts_with("---\ntitle:"));
    assert!(terms.contains("flowchart TD") && !terms.contains("1,251.31"));
    let bad = Command::cargo_bin("royalty")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["flow", "nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

fn dashboard(ledger: &Path, extra: &[&str]) -> String {
    let mut args = vec!["dashboard"];
    args.extend(extra);
    out(&mut royalty(ledger, &args))
}

#[test]
fn dashboard_is_one_self_contained_page() {
    let l = tempfile::tempdir().unwrap();
    out(&mut royalty(l.path(), &["close", "--period", "2026-Q1"]));
    let html = dashboard(
        l.path(),
        &["--period", "2026-Q2", "--statements", "samples/2026-Q2"],
    );
    assert!(html.starts_with("<!DOCTYPE html>"));
    for id in [
        "summary",
        "revenue",
        "advances",
        "milestones",
        "reserves",
        "tracks",
        "set-aside",
        "objections",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    // Closed Q1 from the ledger beside the open Q2, per agreement.
    assert!(html.contains(">2026-Q1</text>") && html.contains(">2026-Q2 (open)</text>"));
    assert_eq!(
        html.matches("<svg ").count(),
        4 + 2 + 2,
        "4 revenue charts, 2 advances, 2 milestones"
    );
    // Nothing from elsewhere: no script, no link, no URL but SVG's namespace.
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="));
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    // Reserves with the close that releases them; objection windows
    // judged on the period's end, or on --as-of.
    assert!(html.contains("at the close of 2026-Q3"));
    // On 2026-06-30, Q1's statement (objections until 2026-06-29) binds
    // and Q2's is open; on 2026-06-15 both are open.
    assert!(html.contains("<td>northern-soul-vinyl</td><td>2026-Q1</td><td>2026-06-29</td><td><span class=\"bound\">binding</span>"), "{html}");
    assert!(
        html.contains("<td>2026-Q2</td><td>2026-09-28</td><td><span class=\"open\">open</span>")
    );
    let earlier = dashboard(
        l.path(),
        &[
            "--period",
            "2026-Q2",
            "--statements",
            "samples/2026-Q2",
            "--as-of",
            "2026-06-15",
        ],
    );
    assert!(
        earlier.contains("<td>2026-Q1</td><td>2026-06-29</td><td><span class=\"open\">open</span>")
    );
    // The same inputs, the same bytes.
    assert_eq!(
        html,
        dashboard(
            l.path(),
            &["--period", "2026-Q2", "--statements", "samples/2026-Q2"]
        )
    );
}

/// Cents of an amount as shown ("5,695.29", "-600.00").
fn cents_of(s: &str) -> i64 {
    let t: String = s.chars().filter(|c| *c != ',').collect();
    let neg = t.starts_with('-');
    let (int, frac) = t.trim_start_matches('-').split_once('.').unwrap();
    let v = int.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap();
    if neg {
        -v
    } else {
        v
    }
}

/// The revenue bars draw the engine's figures: a refund is a segment
/// below zero, not left out, and each bar's segments add up to the
/// period's revenue as `run` gives it (docs/arithmetic.md, "Parts of a
/// total"). Drawn before: harbour-lights 2026-Q2 as 6,295.29 without its
/// -600.00 sync refund, and 2026-Q1 as 11,149.98 for a revenue of
/// 11,149.97.
#[test]
fn dashboard_bars_add_up_to_the_engine_revenue() {
    let l = tempfile::tempdir().unwrap();
    let q1 = out(&mut royalty(
        l.path(),
        &["close", "--period", "2026-Q1", "--format", "json"],
    ));
    let q2 = out(&mut royalty(
        l.path(),
        &[
            "run",
            "--period",
            "2026-Q2",
            "--statements",
            "samples/2026-Q2",
            "--format",
            "json",
        ],
    ));
    let html = dashboard(
        l.path(),
        &["--period", "2026-Q2", "--statements", "samples/2026-Q2"],
    );
    let revenue = |doc: &str, id: &str| -> i64 {
        let v: serde_json::Value = serde_json::from_str(doc).unwrap();
        let a = v["agreements"].as_array().unwrap();
        let a = a.iter().find(|a| a["agreement"] == id).unwrap();
        cents_of(a["revenue"].as_str().unwrap())
    };
    let sync = "<title>2026-Q2 (open) sync: -600.00 EUR</title>";
    assert!(html.contains(sync), "the refund is drawn");
    assert!(html.contains(">5,695.29</text>") && !html.contains(">6,295.29</text>"));
    assert!(html.contains(">11,149.97</text>") && !html.contains(">11,149.98</text>"));
    for id in [
        "city-of-echoes",
        "harbour-lights",
        "midnight-drive",
        "northern-soul-vinyl",
    ] {
        let chart = html.split(&format!("<title>{id} (")).nth(1).unwrap();
        let chart = chart.split("</svg>").next().unwrap();
        for (period, doc) in [("2026-Q1 ", &q1), ("2026-Q2 (open) ", &q2)] {
            let sum: i64 = chart
                .split(&format!("<title>{period}"))
                .skip(1)
                .map(|seg| {
                    let seg = seg.split("</title>").next().unwrap();
                    let amount = seg.split(": ").nth(1).unwrap();
                    cents_of(amount.split(' ').next().unwrap())
                })
                .sum();
            assert_eq!(sum, revenue(doc, id), "{id} {period}");
        }
    }
}

#[test]
fn dashboard_milestone_progress_in_words() {
    let l = tempfile::tempdir().unwrap();
    let html = dashboard(l.path(), &[]);
    assert!(
        html.contains("2,334,071 of 4,000,000: 1,665,929 streams to go"),
        "{html}"
    );
    assert!(html.contains("1,251.31 of 1,500.00 USD recouped (1,251.31 this period); 248.69 to go"));
}

/// A Chromium on this machine, if any (CI has none: the test skips).
fn chromium() -> Option<PathBuf> {
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "headless_shell",
    ]
    .iter()
    .flat_map(|b| {
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(move |d| d.join(b))
            .collect::<Vec<_>>()
    })
    .find(|p| p.is_file())
}

fn headless(browser: &Path, args: &[&str], page: &Path) -> std::process::Output {
    std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
        ])
        .args(args)
        .arg(page)
        .output()
        .unwrap()
}

#[test]
fn a_real_browser_renders_the_dashboard_and_the_flowchart() {
    let Some(browser) = chromium() else {
        eprintln!("no Chromium installed: skipping the browser check");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let l = dir.path().join("ledger");
    let page = dir.path().join("dashboard.html");
    out(&mut royalty(
        &l,
        &["dashboard", "--output", page.to_str().unwrap()],
    ));
    let svg = dir.path().join("flow.svg");
    out(&mut royalty(
        &l,
        &[
            "flow",
            "midnight-drive",
            "--period",
            "2026-Q1",
            "--output",
            svg.to_str().unwrap(),
        ],
    ));
    // The DOM the browser built: every section and chart is there, and the
    // SVG parsed as XML (a broken one shows a parsererror).
    let dom = headless(&browser, &["--dump-dom"], &page);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<section id=\"objections\">") && dom.matches("<svg").count() >= 8,
        "{dom}"
    );
    let dom = headless(&browser, &["--dump-dom"], &svg);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("paid to ben") && !dom.contains("parsererror"),
        "{dom}"
    );
    // And it paints: a screenshot of a real size.
    let png = dir.path().join("shot.png");
    headless(
        &browser,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1200,900",
        ],
        &page,
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    assert!(
        bytes.len() > 20_000,
        "a blank page would be tiny: {}",
        bytes.len()
    );
}
