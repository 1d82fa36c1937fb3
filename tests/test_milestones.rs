//! Terms that change with success and time, through the real binary: the
//! worked examples of the milestones issue, and its bad inputs.

mod lab;

use lab::*;

fn tiers(mode: &str) -> String {
    agreement(
        "tiers",
        "QZAAA2600001",
        &format!(
            "[[party]]\nid = \"p\"\n[rates.p]\nphysical = \"7%\"\n\
             [[milestone]]\nid = \"100k\"\nmetric = \"units\"\nsources = [\"physical\"]\nthreshold = 100_000\nmode = \"{mode}\"\n\
             [milestone.escalate]\np = {{ physical = \"+1%\" }}\n"
        ),
    )
}

fn two_periods(mode: &str) -> (Lab, serde_json::Value, serde_json::Value) {
    let lab = Lab::new(&[("t.toml", &tiers(mode))]);
    lab.quarters("physical", &[(80_000, "8000.00"), (40_000, "4000.00")]);
    let q1 = lab.close("2026-Q1", "q1");
    let q2 = lab.run("2026-Q2", "q2");
    (lab, q1, q2)
}

/// `explain` of the tiers party for 2026-Q2.
/// The text with every run of spaces as one (table columns pad).
fn squeezed(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn explain_q2(lab: &Lab) -> String {
    let out = lab
        .cmd(&[
            "explain",
            "--party",
            "tiers/p",
            "--period",
            "2026-Q2",
            "--statements",
            "q2",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn prospective_tiers_apply_past_the_threshold_only() {
    // $4,000 x (20,000/40,000 x 7% + 20,000/40,000 x 8%) = $300.00
    let (_, q1, q2) = two_periods("prospective");
    assert_fields(row(&q1, "tiers", "p"), &[("earned", "560.00")]);
    assert_eq!(q1["payouts"][0]["milestones"], serde_json::json!([]));
    assert_fields(row(&q2, "tiers", "p"), &[("earned", "300.00")]);
    assert_eq!(
        row(&q2, "tiers", "p")["milestones"],
        serde_json::json!(["100k"])
    );
    let m = &q2["agreements"][0]["milestones"][0];
    assert_eq!(
        (m["status"].as_str(), m["fraction"].as_str()),
        (Some("reached"), Some("0.5"))
    );
}

#[test]
fn retroactive_tiers_pay_a_catch_up() {
    // $4,000 x 8% + catch-up $8,000 x 1% = $400.00
    let (lab, _, q2) = two_periods("retroactive");
    assert_fields(row(&q2, "tiers", "p"), &[("earned", "400.00")]);
    // explain names the increment and the catch-up, line by line.
    let text = explain_q2(&lab);
    assert!(
        text.contains("milestone 100k, reached this period"),
        "{text}"
    );
    assert!(
        squeezed(&text).contains(
            "milestone 100k catch-up on earlier periods physical USD 8000 80000 1% all 80"
        ),
        "{text}"
    );
}

#[test]
fn explain_shows_the_fraction_of_a_prospective_crossing() {
    let (lab, _, _) = two_periods("prospective");
    let text = explain_q2(&lab);
    // Q2's line reports January: a prior-period line, priced as in force then.
    assert!(
        squeezed(&text).contains(
            "milestone 100k, on 0.5 of the period's physical past it \
             (prior-period correction, usage 2026-01) physical USD 4000 40000 1% 0.5 20"
        ),
        "{text}"
    );
}

#[test]
fn the_next_milestone_and_its_distance_are_told_in_words() {
    let lab = Lab::new(&[("t.toml", &tiers("prospective"))]);
    lab.quarters("physical", &[(80_000, "8000.00")]);
    let out = lab
        .cmd(&[
            "run",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
            "--format",
            "table",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("next: 100k (100,000 units): 20,000 units to go: p +1% on physical"),
        "{text}"
    );
}

fn chart(value: &str) -> Lab {
    let lab = Lab::new(&[(
        "c.toml",
        &agreement(
            "c",
            "QZAAA2600001",
            "[[party]]\nid = \"cy\"\n[rates.cy]\nstreaming = \"2%\"\n\
             [[milestone]]\nid = \"top-10\"\nmetric = \"event\"\nevent = { kind = \"chart\", at_most = 10 }\n\
             escalate.cy = { streaming = \"+0.5%\" }\nperks.cy = [\"first call on the next single\"]\n",
        ),
    )]);
    lab.write("events.csv", &format!("date,isrc,kind,value,note\n2026-02-14,QZAAA2600001,chart,{value},Official Singles Chart peak\n"));
    lab.quarters("streaming", &[(1000, "1000.00"), (2000, "2000.00")]);
    lab
}

#[test]
fn a_top_ten_chart_event_raises_the_rate_for_the_whole_quarter_and_later() {
    let lab = chart("7");
    let q1 = lab.close("2026-Q1", "q1");
    assert_fields(row(&q1, "c", "cy"), &[("earned", "25.00")]);
    assert_eq!(
        row(&q1, "c", "cy")["perks"],
        serde_json::json!(["first call on the next single"])
    );
    let q2 = lab.run("2026-Q2", "q2");
    assert_fields(row(&q2, "c", "cy"), &[("earned", "50.00")]);
    // The perk is unlocked once, in the period it was reached.
    assert_eq!(row(&q2, "c", "cy")["perks"], serde_json::json!([]));
    assert_eq!(
        row(&q2, "c", "cy")["milestones"],
        serde_json::json!(["top-10"])
    );
}

#[test]
fn a_chart_position_outside_the_top_ten_does_nothing() {
    let lab = chart("11");
    let q1 = lab.run("2026-Q1", "q1");
    assert_fields(row(&q1, "c", "cy"), &[("earned", "20.00")]);
    assert_eq!(row(&q1, "c", "cy")["milestones"], serde_json::json!([]));
}

#[test]
fn an_amendment_prices_each_line_by_the_terms_of_its_usage_date() {
    // 60/25/15 then, from 2026-04-01, a fourth party at 15% and the others
    // diluted pro rata (51/21.25/12.75).
    let lab = Lab::new(&[(
        "a.toml",
        &agreement(
            "a",
            "QZAAA2600001",
            "[[party]]\nid = \"ava\"\n[[party]]\nid = \"ben\"\n[[party]]\nid = \"cy\"\n\
             [pool]\nstreaming = \"100%\"\n[split]\nava = \"60%\"\nben = \"25%\"\ncy = \"15%\"\n\
             [payout]\nlock_in_until = 2026-03-31\n\
             [[amendment]]\neffective = 2026-04-01\nreason = \"Dee joins for the extended mix\"\n\
             split = { ava = \"51%\", ben = \"21.25%\", cy = \"12.75%\", dee = \"15%\" }\n\
             [[amendment.party]]\nid = \"dee\"\nrole = \"mix engineer\"\n",
        ),
    )]);
    lab.write(
        "h1/s.csv",
        &format!("{HEADER}2026-02,QZAAA2600001,streaming,US,1,100.00,USD\n2026-05,QZAAA2600001,streaming,US,1,100.00,USD\n"),
    );
    let v = lab.run("2026-H1", "h1");
    assert_fields(row(&v, "a", "ava"), &[("earned", "111.00")]);
    assert_fields(row(&v, "a", "ben"), &[("earned", "46.25")]);
    assert_fields(row(&v, "a", "cy"), &[("earned", "27.75")]);
    assert_fields(row(&v, "a", "dee"), &[("earned", "15.00")]);
}

#[test]
fn vesting_holds_until_the_cliff_then_releases_pro_rata() {
    let lab = Lab::new(&[(
        "v.toml",
        &agreement(
            "v",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\nvesting = { start = 2026-01-01, months = 12, cliff_months = 4 }\n\
             [rates.p]\nstreaming = \"10%\"\n",
        ),
    )]);
    lab.quarters("streaming", &[(1, "3000.00"), (2, "3000.00")]);
    let q1 = lab.close("2026-Q1", "q1");
    assert_fields(
        row(&q1, "v", "p"),
        &[
            ("earned", "300.00"),
            ("unvested", "300.00"),
            ("paid", "0.00"),
        ],
    );
    let q2 = lab.run("2026-Q2", "q2");
    assert_fields(
        row(&q2, "v", "p"),
        &[
            ("earned", "300.00"),
            ("unvested", "0.00"),
            ("paid", "300.00"),
        ],
    );
}

#[test]
fn departure_before_vesting_forfeits_the_held_balance_to_the_label() {
    let lab = Lab::new(&[(
        "v.toml",
        &agreement(
            "v",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\nvesting = { start = 2026-01-01, months = 12, cliff_months = 0 }\n\
             departed = 2026-04-01\n[rates.p]\nstreaming = \"10%\"\n",
        ),
    )]);
    lab.write(
        "q2/s.csv",
        &one_line("QZAAA2600001", "streaming", 1, "1200.00", "USD"),
    );
    // Departed after 3 of 12 months: a quarter vested, the rest forfeited.
    let v = lab.run("2026-Q2", "q2");
    assert_fields(
        row(&v, "v", "p"),
        &[
            ("earned", "120.00"),
            ("forfeited", "90.00"),
            ("paid", "30.00"),
        ],
    );
    assert_eq!(v["agreements"][0]["forfeited"], "90.00");
}

#[test]
fn reversion_is_told_when_the_project_falters() {
    let lab = Lab::new(&[(
        "r.toml",
        &agreement(
            "r",
            "QZAAA2600001",
            "[[party]]\nid = \"ava\"\n[rates.ava]\nstreaming = \"10%\"\n\
             [reversion]\nif_revenue_below = \"1000.00\"\nby = 2026-06-30\nrights = [\"master\"]\nto = \"ava\"\n",
        ),
    )]);
    lab.quarters("streaming", &[(1, "300.00"), (1, "200.00")]);
    let q1 = lab.close("2026-Q1", "q1");
    assert_eq!(q1["agreements"][0]["reversion"]["triggered"], false);
    let q2 = lab.run("2026-Q2", "q2");
    let r = &q2["agreements"][0]["reversion"];
    assert_eq!(
        (
            r["triggered"].as_bool(),
            r["to"].as_str(),
            r["lifetime_revenue"].as_str()
        ),
        (Some(true), Some("ava"), Some("500.00"))
    );
    let out = lab
        .cmd(&[
            "run",
            "--period",
            "2026-Q2",
            "--statements",
            "q2",
            "--format",
            "table",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("the master rights revert to ava from 2026-06-30"));
}

#[test]
fn bad_milestone_inputs_are_placed() {
    let base = "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"1%\"\n";
    for (extra, place, what) in [
        (
            "[[milestone]]\nid = \"m\"\nmetric = \"units\"\nsources = [\"streaming\"]\nthreshold = 10\nescalate.zed = { streaming = \"+1%\" }\n",
            "x.toml:14:",
            "escalates `zed`",
        ),
        (
            "[[milestone]]\nid = \"m\"\nmetric = \"units\"\nsources = [\"streaming\"]\nthreshold = 10\nescalate.p = { radio = \"+1%\" }\n",
            "x.toml:14:",
            "unknown source `radio`",
        ),
        (
            "[[milestone]]\nid = \"m\"\nmetric = \"units\"\nsources = [\"streaming\"]\nthreshold = -10\n",
            "x.toml:13:13",
            "must not be negative",
        ),
        (
            "[[milestone]]\nid = \"m\"\nmetric = \"units\"\nsources = [\"streaming\"]\nthreshold = \"10.5\"\n",
            "x.toml:13:13",
            "whole number",
        ),
        (
            "[[milestone]]\nid = \"m\"\nmetric = \"event\"\nevent = { kind = \"chart\", at_most = 10 }\n\
             [[milestone]]\nid = \"m\"\nmetric = \"event\"\nevent = { kind = \"award\" }\n",
            "x.toml:14:6",
            "duplicate milestone id `m`",
        ),
        (
            "[payout]\nlock_in_until = 2026-12-31\n[[amendment]]\neffective = 2026-06-01\nsplit = { p = \"100%\" }\n",
            "x.toml:12:13",
            "before the lock-in ends",
        ),
        (
            "",
            "",
            "",
        ),
    ] {
        if what.is_empty() {
            continue;
        }
        let lab = Lab::new(&[("x.toml", &agreement("x", "QZAAA2600001", &format!("{base}{extra}")))]);
        lab.write("s/q1.csv", &one_line("QZAAA2600001", "streaming", 1, "100.00", "USD"));
        let out = lab.cmd(&["check"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains(place) && err.contains(what), "expected `{place}` and `{what}` in: {err}");
    }
}

#[test]
fn a_cliff_longer_than_the_vesting_is_refused() {
    let lab = Lab::new(&[(
        "x.toml",
        &agreement(
            "x",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\nvesting = { start = 2026-01-01, months = 6, cliff_months = 12 }\n[rates.p]\nstreaming = \"1%\"\n",
        ),
    )]);
    let out = lab.cmd(&["check"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("x.toml:7:")
            && err.contains("cliff (12 months) is longer than the vesting (6 months)"),
        "{err}"
    );
}

#[test]
fn bad_events_are_placed() {
    let lab = chart("7");
    lab.write(
        "events.csv",
        "date,isrc,kind,value,note\n2026-02-31,QZAAA2600001,chart,7,x\n2026-02-14,QZAAA2600001,tweet,7,x\n2026-02-14,QZAAA2600001,chart,high,x\n",
    );
    let out = lab.cmd(&["check"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for want in [
        "events.csv:2:1: error: date",
        "events.csv:3:25: error: kind",
        "events.csv:4:31: error: value",
    ] {
        assert!(err.contains(want), "expected `{want}` in: {err}");
    }
}

/// A retroactive catch-up belongs to no track: the statement lists it in
/// both tables, so each adds up to the party's earned total
/// (docs/arithmetic.md, "Parts of a total").
#[test]
fn a_catch_up_is_a_row_of_both_statement_tables() {
    let (lab, _, q2) = two_periods("retroactive");
    assert_eq!(q2["payouts"][0]["earned"], "400.00");
    let out = lab
        .cmd(&[
            "statements",
            "--party",
            "tiers/p",
            "--period",
            "2026-Q2",
            "--statements",
            "q2",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    let tracks = md.split("## Earnings by track").nth(1).unwrap();
    let tracks = tracks.split("\n## ").next().unwrap();
    // The track's 320.00 (4,000.00 at 8%), then the catch-up's 80.00.
    assert!(
        tracks.ends_with(
            "| 320.00 |\n| 100k catch-up (earlier periods, no track) | | physical | 8,000.00 | | +1% | 80.00 |\n"
        ),
        "{tracks}"
    );
}
