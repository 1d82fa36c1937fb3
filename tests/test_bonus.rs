//! Milestone bonuses (docs/agreements.md, bonuses; docs/arithmetic.md,
//! step 8): paid once on reaching a milestone, by the label beyond the
//! revenue split, and recouped where the agreement says.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const FIX: &str = "tests/fixtures/bonus";

fn royalty(ledger: &Path, quarter: &str, args: &[&str]) -> Command {
    let mut c = Command::cargo_bin("royalty").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .args(["--agreements", &format!("{FIX}/agreements")])
        .args(["--statements", &format!("{FIX}/{}", quarter.to_lowercase())])
        .args(["--events", &format!("{FIX}/events.csv")])
        .arg("--ledger")
        .arg(ledger)
        .args(["--period", &format!("2026-{quarter}")]);
    c
}

fn run_json(ledger: &Path, quarter: &str) -> Value {
    let out = royalty(ledger, quarter, &["run", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn row<'a>(v: &'a Value, party: &str) -> &'a Value {
    v["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["party"] == party)
        .unwrap()
}

#[test]
fn a_bonus_is_paid_once_and_recouped_where_the_agreement_says() {
    let l = tempfile::tempdir().unwrap();
    let q1 = run_json(l.path(), "Q1");
    // top-10 (a chart on 2026-02-10) is reached in Q1: cy's 500.00 is paid
    // outright; ava's 300.00 is paid and recouped with her advance.
    let (ava, cy) = (row(&q1, "ava"), row(&q1, "cy"));
    assert_eq!(cy["earned"], "200.00");
    assert_eq!(cy["bonus"], "500.00");
    assert_eq!(cy["payable"], "700.00");
    assert_eq!(cy["unrecouped"], "0.00");
    assert_eq!(ava["earned"], "400.00");
    assert_eq!(ava["recouped"], "400.00");
    assert_eq!(ava["bonus"], "300.00");
    assert_eq!(ava["payable"], "300.00");
    // 600.00 left of the advance + the 300.00 bonus to recoup.
    assert_eq!(ava["unrecouped"], "900.00");
    let ag = &q1["agreements"][0];
    assert_eq!(ag["label_retained"], "3400.00");
    assert_eq!(ag["bonuses"], "800.00");
    assert_eq!(q1["checks"]["conservation"], "ok");

    royalty(l.path(), "Q1", &["close"]).assert().success();
    let q2 = run_json(l.path(), "Q2");
    // top-10 is in force, but the ledger remembers it: no second bonus.
    // million-streams is crossed in Q2: cy's 250.00, recoupable from cy's
    // own earnings, takes this period's 100.00 first.
    let (ava, cy) = (row(&q2, "ava"), row(&q2, "cy"));
    assert_eq!(ava["bonus"], "0.00");
    assert_eq!(ava["recouped"], "200.00");
    assert_eq!(ava["unrecouped"], "700.00");
    assert_eq!(cy["bonus"], "250.00");
    assert_eq!(cy["recouped"], "100.00");
    assert_eq!(cy["payable"], "250.00");
    assert_eq!(cy["unrecouped"], "150.00");
    assert_eq!(q2["agreements"][0]["bonuses"], "250.00");
}

/// `reconcile` in a period that pays bonuses: the roll-forward counts them
/// (it failed with exit 70 without), and the JSON shows `bonus` per row.
#[test]
fn reconcile_rolls_the_ledger_forward_with_bonuses() {
    let l = tempfile::tempdir().unwrap();
    let out = royalty(l.path(), "Q1", &["reconcile", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["ledger"], "ok");
    let rows = r["roll_forward"].as_array().unwrap();
    let cy = rows.iter().find(|x| x["party"] == "cy").unwrap();
    assert_eq!(cy["bonus"], "500.00");
    assert_eq!(cy["paid"], "700.00");
    assert_eq!(cy["ok"], true);
    let ava = rows.iter().find(|x| x["party"] == "ava").unwrap();
    assert_eq!(ava["bonus"], "300.00");
    assert_eq!(ava["recouped"], "400.00");
    assert_eq!(ava["ok"], true);
    let table = royalty(l.path(), "Q1", &["reconcile", "--format", "table"])
        .output()
        .unwrap();
    assert!(table.status.success());
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("Ledger roll-forward: ok"), "{table}");
    assert!(
        table.contains("opening + earned + adjusted + bonus"),
        "{table}"
    );
}

#[test]
fn the_bonus_is_its_own_line_everywhere() {
    let l = tempfile::tempdir().unwrap();
    let csv = royalty(l.path(), "Q1", &["run", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",perks,held,adjusted,bonus"),
        "{csv}"
    );
    assert!(
        csv.contains("chart-single,cy,USD,200.00,") && csv.contains(",500.00\n"),
        "{csv}"
    );
    let table = royalty(l.path(), "Q1", &["run", "--format", "table"])
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("bonus"), "{table}");
    assert!(
        table.contains("500.00 bonus for reaching `top-10` (not recoupable)"),
        "{table}"
    );
    let explain = royalty(l.path(), "Q1", &["explain", "--party", "chart-single/cy"])
        .output()
        .unwrap();
    let explain = String::from_utf8(explain.stdout).unwrap();
    let line = explain
        .lines()
        .find(|l| l.contains("milestone bonus (paid by the label)"))
        .unwrap_or_default();
    assert!(line.ends_with("+  500.00 USD"), "{explain}");
    let st = royalty(
        l.path(),
        "Q1",
        &["statements", "--party", "chart-single/cy"],
    )
    .output()
    .unwrap();
    let st = String::from_utf8(st.stdout).unwrap();
    assert!(st.contains("Milestone bonus"), "{st}");
    let flow = royalty(
        l.path(),
        "Q1",
        &["flow", "chart-single", "--format", "mermaid"],
    )
    .output()
    .unwrap();
    let flow = String::from_utf8(flow.stdout).unwrap();
    assert!(
        flow.contains("milestone bonus") && flow.contains("this period: 500.00"),
        "{flow}"
    );
    let d = Command::cargo_bin("royalty")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "describe",
            "chart-single",
            "--agreements",
            &format!("{FIX}/agreements"),
        ])
        .output()
        .unwrap();
    let d = String::from_utf8(d.stdout).unwrap();
    assert!(
        d.contains("pays cy a one-off bonus of 500.00 USD on reaching it, once"),
        "{d}"
    );
    assert!(d.contains("recoupable with advance `ava-advance`"), "{d}");
}

fn check_agreement(text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.toml");
    std::fs::write(&f, text).unwrap();
    let out = Command::cargo_bin("royalty")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--agreements"])
        .arg(&f)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap() + &String::from_utf8(out.stdout).unwrap(),
    )
}

const BASE: &str = r#"id = "x"
currency = "USD"
[[track]]
isrc = "QZNWX2690009"
[[party]]
id = "ava"
[[party]]
id = "cy"
[rates.ava]
streaming = "10%"
[[advance]]
id = "cy-advance"
party = "cy"
amount = "100.00"
[[milestone]]
id = "m"
metric = "units"
sources = ["streaming"]
threshold = 10
"#;

#[test]
fn bad_bonuses_are_refused_at_their_place() {
    for (line, want) in [
        (
            "bonus.dee = \"10.00\"",
            "gives a bonus to `dee`, who is not a party",
        ),
        (
            "bonus.ava = \"-5.00\"",
            "a bonus is a positive amount in whole cents",
        ),
        (
            "bonus.ava = \"1.005\"",
            "a bonus is a positive amount in whole cents",
        ),
        (
            "bonus.ava = { amount = \"5.00\", recoup = \"cy-advance\" }",
            "which is not ava's",
        ),
        (
            "bonus.ava = { amount = \"5.00\", recoup = \"nope\" }",
            "which this agreement does not have",
        ),
        (
            "bonus.ava = { amount = \"5.00\", every = 2 }",
            "unknown key `every`",
        ),
        ("bonus.ava = { recoupable = true }", "needs an `amount`"),
    ] {
        let (code, out) = check_agreement(&format!("{BASE}{line}\n"));
        assert_eq!(code, 1, "{line}: {out}");
        assert!(out.contains(want), "{line}: {out}");
        assert!(
            out.contains("a.toml:20:"),
            "{line}: the place is given: {out}"
        );
    }
    let (code, out) = check_agreement(&format!(
        "{BASE}bonus.cy = {{ amount = \"5.00\", recoup = \"cy-advance\" }}\n"
    ));
    assert_eq!(code, 0, "{out}");
}

mod quarters {
    //! Property: over any run of quarters, each bonus is paid exactly once
    //! (in the quarter its milestone is first reached, never if it is not),
    //! the engine's conservation holds every quarter with bonuses in it,
    //! and what is left to recoup never goes below zero nor above the
    //! advance plus the recoupable bonuses paid.

    use proptest::prelude::*;
    use royalty::codes::{Currency, Isrc, Source, Territory};
    use royalty::engine::{compute, Input};
    use royalty::fx::FxTable;
    use royalty::money::Money;
    use royalty::period::{Period, Usage};
    use royalty::statement::{FileSummary, Revenue, RevenueLine};
    use rust_decimal::Decimal;
    use std::path::{Path, PathBuf};

    fn agreement(threshold: u64) -> royalty::agreement::Agreement {
        let text = format!(
            r#"id = "p"
currency = "USD"
[[track]]
isrc = "QZNWX2690001"
[[party]]
id = "ava"
[[party]]
id = "cy"
[rates.ava]
streaming = "10%"
[rates.cy]
streaming = "5%"
[payout]
minimum = "50.00"
[[advance]]
id = "ava-advance"
party = "ava"
amount = "400.00"
[[milestone]]
id = "m"
metric = "units"
sources = ["streaming"]
threshold = {threshold}
bonus.ava = {{ amount = "300.00", recoup = "ava-advance" }}
bonus.cy = "125.00"
"#
        );
        royalty::agreement::load_agreement_str(&text, Path::new("p.toml")).expect("valid")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
        #[test]
        fn each_bonus_is_paid_once(
            threshold in 1u64..4_000_000,
            quarters in prop::collection::vec((0i64..1_500_000, 0i64..6000), 1..6),
        ) {
            let a = vec![agreement(threshold)];
            let fx = FxTable::default();
            let mut opening = royalty::ledger::State::default();
            let (mut paid_ava, mut paid_cy, mut units) = (Money::ZERO, Money::ZERO, 0i64);
            let mut reached = false;
            for (k, (streams, cents)) in quarters.iter().enumerate() {
                let period = Period::parse(&format!("2026-Q{}", k % 4 + 1)).unwrap();
                let period = if k >= 4 { Period::parse(&format!("2027-Q{}", k % 4 + 1)).unwrap() } else { period };
                let mut revenue = Revenue::default();
                let mut file = FileSummary { path: PathBuf::from(format!("q{k}.csv")), format: "canonical".into(), ..FileSummary::default() };
                let d = period.first_day();
                revenue.add_line(&mut file, &RevenueLine {
                    line: 2,
                    usage: Usage { year: d.year(), month: d.month(), day: 0 },
                    isrc: Isrc::parse("QZNWX2690001").unwrap(),
                    source: Source::Streaming,
                    territory: Territory::WORLD,
                    units: *streams,
                    amount: Decimal::new(*cents, 0),
                    currency: Currency::parse("USD").unwrap(),
                    tax_withheld: Decimal::ZERO,
                });
                revenue.files.push(file);
                let sorted = revenue.sorted();
                let r = compute(&Input {
                    period,
                    agreements: &a,
                    revenue: &sorted,
                    releases: &[],
                    files: &revenue.files,
                    fx: &fx,
                    opening: &opening,
                    events: &[],
                    disputes: &[],
                }).expect("conservation holds with bonuses");
                let ar = &r.agreements[0];
                let (ava, cy) = (&ar.parties[0].flows, &ar.parties[1].flows);
                units += streams;
                // In force once past the threshold, or from the quarter after
                // it is reached exactly (docs/arithmetic.md, step 4).
                let now = units > threshold as i64 || (units - streams) >= threshold as i64;
                if now && !reached {
                    prop_assert_eq!(cy.bonus, Money(Decimal::new(12500, 2)), "paid when first reached (quarter {})", k);
                    reached = true;
                } else {
                    prop_assert!(cy.bonus.is_zero(), "quarter {}: paid again or too early", k);
                }
                paid_ava += ava.bonus;
                paid_cy += cy.bonus;
                prop_assert_eq!(ar.bonuses(), ava.bonus + cy.bonus);
                prop_assert!(!ava.unrecouped.is_negative());
                prop_assert!(ava.unrecouped <= Money(Decimal::new(400, 0)) + paid_ava);
                opening = r.closing.clone();
            }
            let expect = |m: i64| if reached { Money(Decimal::new(m, 2)) } else { Money::ZERO };
            prop_assert_eq!(paid_cy, expect(12500));
            prop_assert_eq!(paid_ava, expect(30000));
        }
    }
}

/// `whatif`'s table has a bonus column when a bonus is paid on either side.
#[test]
fn whatif_shows_the_bonus_in_its_own_column() {
    let l = tempfile::tempdir().unwrap();
    let out = royalty(
        l.path(),
        "Q1",
        &["whatif", "--streams", "1", "--format", "table"],
    )
    .env_remove("COLUMNS")
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = String::from_utf8(out.stdout).unwrap();
    assert!(t.lines().nth(2).unwrap().contains(" bonus ┆"), "{t}");
    let cy = t.lines().find(|l| l.contains("┆ cy ")).unwrap();
    assert!(cy.contains("┆ 500.00 ┆"), "{t}");
}

/// The flow chart's words: an event milestone has no mode (it read "a
/// chart event (prospective)"), and one unit is "1 unit", one line "1
/// line" (they read "1 units", "1 lines").
#[test]
fn flow_words_for_events_and_single_units() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("one.csv"),
        "period,isrc,source,territory,units,amount,currency\n\
         2026-02,QZNWX2690001,sync,US,1,1000.00,USD\n",
    )
    .unwrap();
    let out = Command::cargo_bin("royalty")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["flow", "chart-single", "--format", "mermaid"])
        .args(["--agreements", &format!("{FIX}/agreements")])
        .args(["--events", &format!("{FIX}/events.csv")])
        .arg("--statements")
        .arg(d.path().join("one.csv"))
        .args(["--period", "2026-Q1", "--ledger"])
        .arg(d.path().join("ledger"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("<br/>a chart event<br/>"), "{text}");
    assert!(!text.contains("chart event (prospective)"), "{text}");
    assert!(text.contains("1,000,000 streams (prospective)"), "{text}");
    assert!(text.contains("<br/>1 unit<br/>"), "{text}");
    assert!(text.contains("(1 line)"), "{text}");
    assert!(
        !text.contains("1 units") && !text.contains("1 lines"),
        "{text}"
    );
}
