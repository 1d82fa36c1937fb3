//! `close` and the ledger, through the real binary in a fresh folder: the
//! worked examples of the ledger issue (published figures), the faults a
//! ledger must survive, and the bad inputs of its sections.

mod lab;

use lab::*;
use serde_json::Value;
use std::path::Path;

#[test]
fn passman_superstar_producer() {
    // $0.10 per unit on 150,000 units, a $10,000 advance: royalties $15,000,
    // recouped $10,000, payable $5,000.
    let lab = Lab::new(&[(
        "p.toml",
        &agreement(
            "passman",
            "QZAAA2600001",
            "[[party]]\nid = \"prod\"\n[rates.prod]\nphysical = \"0.10/unit\"\n\
             [[advance]]\nid = \"adv\"\nparty = \"prod\"\namount = \"10000.00\"\n",
        ),
    )]);
    lab.write(
        "s/q1.csv",
        &one_line("QZAAA2600001", "physical", 150_000, "1500000.00", "USD"),
    );
    let v = lab.run("2026-Q1", "s");
    assert_fields(
        row(&v, "passman", "prod"),
        &[
            ("earned", "15000.00"),
            ("recouped", "10000.00"),
            ("payable", "5000.00"),
            ("unrecouped", "0.00"),
        ],
    );
}

#[test]
fn advance_against_larger_royalties() {
    let lab = Lab::new(&[(
        "a.toml",
        &agreement(
            "a",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"10%\"\n\
             [[advance]]\nid = \"adv\"\nparty = \"p\"\namount = \"25000.00\"\n",
        ),
    )]);
    lab.write(
        "s/q1.csv",
        &one_line("QZAAA2600001", "streaming", 1, "600000.00", "USD"),
    );
    let v = lab.run("2026-Q1", "s");
    assert_fields(
        row(&v, "a", "p"),
        &[
            ("earned", "60000.00"),
            ("recouped", "25000.00"),
            ("payable", "35000.00"),
        ],
    );
}

#[test]
fn curve_reserve_with_a_fifty_fifty_release() {
    // £100 physical at 25%, 20% reserve on physical: earned £25, reserved £5,
    // payable £20; £2.50 released in each of the next two periods.
    let lab = Lab::new(&[(
        "c.toml",
        "id = \"curve\"\ncurrency = \"GBP\"\n[[track]]\nisrc = \"QZAAA2600001\"\n[[party]]\nid = \"p\"\n\
         [rates.p]\nphysical = \"25%\"\n[reserve]\nrate = \"20%\"\nsources = [\"physical\"]\nrelease = [\"50%\", \"50%\"]\n",
    )]);
    lab.write(
        "q1/s.csv",
        &one_line("QZAAA2600001", "physical", 10, "100.00", "GBP"),
    );
    lab.write("q2/s.csv", HEADER);
    lab.write(
        "q3/s.csv",
        "period,isrc,source,territory,units,amount,currency\n",
    );
    let v = lab.close("2026-Q1", "q1");
    assert_fields(
        row(&v, "curve", "p"),
        &[
            ("earned", "25.00"),
            ("reserved", "5.00"),
            ("payable", "20.00"),
        ],
    );
    let v = lab.close("2026-Q2", "q2");
    assert_fields(
        row(&v, "curve", "p"),
        &[
            ("earned", "0.00"),
            ("released", "2.50"),
            ("payable", "2.50"),
        ],
    );
    // q3's file has the same bytes as q2's: allowed explicitly.
    let out = lab
        .cmd(&[
            "close",
            "--period",
            "2026-Q3",
            "--statements",
            "q3",
            "--format",
            "json",
            "--allow-duplicate",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_fields(
        row(&v, "curve", "p"),
        &[("released", "2.50"), ("payable", "2.50")],
    );
}

#[test]
fn reserve_released_in_full_the_next_period() {
    let lab = Lab::new(&[(
        "r.toml",
        &agreement(
            "r",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\n[rates.p]\ndownload = \"100%\"\n\
             [reserve]\nrate = \"10%\"\nsources = [\"download\"]\nrelease_after = 1\n",
        ),
    )]);
    lab.quarters("download", &[(1000, "1000.00"), (2000, "2000.00")]);
    let v = lab.close("2026-Q1", "q1");
    assert_fields(
        row(&v, "r", "p"),
        &[("reserved", "100.00"), ("payable", "900.00")],
    );
    let v = lab.run("2026-Q2", "q2");
    assert_fields(
        row(&v, "r", "p"),
        &[
            ("earned", "2000.00"),
            ("reserved", "200.00"),
            ("released", "100.00"),
            ("payable", "1900.00"),
        ],
    );
}

#[test]
fn cross_collateralized_advances() {
    // Two agreements each with a $100,000 advance to the same party, earnings
    // $10,000 and $120,000: nothing payable, $70,000 unrecouped in total.
    let adv = |id: &str, other: &str| {
        format!(
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"100%\"\n\
             [[advance]]\nid = \"adv-{id}\"\nparty = \"p\"\namount = \"100000.00\"\ncross_collateralize = [\"{other}\"]\n"
        )
    };
    let lab = Lab::new(&[
        ("a.toml", &agreement("a", "QZAAA2600001", &adv("a", "b"))),
        ("b.toml", &agreement("b", "QZAAA2600002", &adv("b", "a"))),
    ]);
    lab.write(
        "s/q1.csv",
        &format!("{HEADER}2026-01,QZAAA2600001,streaming,US,1,10000.00,USD\n2026-01,QZAAA2600002,streaming,US,1,120000.00,USD\n"),
    );
    let v = lab.run("2026-Q1", "s");
    let (a, b) = (row(&v, "a", "p"), row(&v, "b", "p"));
    assert_fields(
        a,
        &[
            ("earned", "10000.00"),
            ("recouped", "10000.00"),
            ("payable", "0.00"),
            ("unrecouped", "0.00"),
        ],
    );
    assert_fields(
        b,
        &[
            ("earned", "120000.00"),
            ("recouped", "120000.00"),
            ("payable", "0.00"),
            ("unrecouped", "70000.00"),
        ],
    );
}

fn record_one(at: &str) -> String {
    agreement(
        "record-one",
        "QZAAA2600001",
        &format!(
            "[[party]]\nid = \"artist\"\n[[party]]\nid = \"producer\"\n\
             [rates.artist]\nphysical = \"0.50/unit\"\n[rates.producer]\nphysical = \"0.10/unit\"\n\
             [[advance]]\nid = \"recording-costs\"\nparty = \"artist\"\namount = \"120000.00\"\n\
             [gate]\nparties = [\"producer\"]\nuntil_recouped = \"recording-costs\"\nat = \"{at}\"\n"
        ),
    )
}

#[test]
fn record_one_combined_releases_from_the_first_unit_past_200k() {
    let lab = Lab::new(&[("r.toml", &record_one("combined"))]);
    lab.quarters(
        "physical",
        &[(150_000, "1500000.00"), (60_000, "600000.00")],
    );
    let v = lab.close("2026-Q1", "q1");
    assert_fields(
        row(&v, "record-one", "producer"),
        &[
            ("earned", "15000.00"),
            ("gated", "15000.00"),
            ("paid", "0.00"),
        ],
    );
    assert_fields(
        row(&v, "record-one", "artist"),
        &[("recouped", "75000.00"), ("unrecouped", "45000.00")],
    );
    // 210,000 units in all: 105,000 recouped + 21,000 producer >= 120,000.
    let v = lab.run("2026-Q2", "q2");
    assert_fields(
        row(&v, "record-one", "producer"),
        &[
            ("earned", "6000.00"),
            ("gated", "-15000.00"),
            ("payable", "21000.00"),
        ],
    );
}

#[test]
fn record_one_net_waits_for_240k_units() {
    let lab = Lab::new(&[("r.toml", &record_one("net"))]);
    lab.quarters(
        "physical",
        &[
            (150_000, "1500000.00"),
            (60_000, "600000.00"),
            (30_000, "300000.00"),
        ],
    );
    lab.close("2026-Q1", "q1");
    let v = lab.close("2026-Q2", "q2");
    assert_fields(
        row(&v, "record-one", "producer"),
        &[("gated", "6000.00"), ("paid", "0.00")],
    );
    let v = lab.run("2026-Q3", "q3");
    assert_fields(
        row(&v, "record-one", "producer"),
        &[
            ("earned", "3000.00"),
            ("gated", "-21000.00"),
            ("payable", "24000.00"),
        ],
    );
    assert_fields(row(&v, "record-one", "artist"), &[("unrecouped", "0.00")]);
}

#[test]
fn a_payable_under_the_minimum_is_carried() {
    let lab = Lab::new(&[(
        "m.toml",
        &agreement(
            "m",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"100%\"\n[payout]\nminimum = \"50.00\"\n",
        ),
    )]);
    lab.quarters("streaming", &[(1, "30.00"), (1, "25.00")]);
    let v = lab.close("2026-Q1", "q1");
    assert_fields(
        row(&v, "m", "p"),
        &[("payable", "0.00"), ("carried_out", "30.00")],
    );
    let v = lab.run("2026-Q2", "q2");
    assert_fields(
        row(&v, "m", "p"),
        &[
            ("carried_in", "30.00"),
            ("payable", "55.00"),
            ("paid", "55.00"),
        ],
    );
}

#[test]
fn withholding_thirty_percent() {
    let lab = Lab::new(&[(
        "w.toml",
        &agreement(
            "w",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\nwithholding = \"30%\"\n[rates.p]\nstreaming = \"100%\"\n",
        ),
    )]);
    lab.write(
        "s/q1.csv",
        &one_line("QZAAA2600001", "streaming", 1, "100.00", "USD"),
    );
    let v = lab.run("2026-Q1", "s");
    assert_fields(
        row(&v, "w", "p"),
        &[
            ("payable", "100.00"),
            ("withheld", "30.00"),
            ("paid", "70.00"),
        ],
    );
}

#[test]
fn returns_carry_a_deficit_forward() {
    let lab = Lab::new(&[(
        "d.toml",
        &agreement(
            "d",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\n[rates.p]\ndownload = \"50%\"\n",
        ),
    )]);
    lab.quarters("download", &[(-10, "-40.00"), (100, "100.00")]);
    let v = lab.close("2026-Q1", "q1");
    assert_fields(
        row(&v, "d", "p"),
        &[
            ("earned", "-20.00"),
            ("carried_out", "-20.00"),
            ("paid", "0.00"),
        ],
    );
    let v = lab.run("2026-Q2", "q2");
    assert_fields(
        row(&v, "d", "p"),
        &[
            ("carried_in", "-20.00"),
            ("earned", "50.00"),
            ("payable", "30.00"),
        ],
    );
}

#[test]
fn payout_currency_and_payment_file() {
    let lab = Lab::new(&[(
        "e.toml",
        &agreement(
            "e",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\nname = \"Pia\"\npayout_currency = \"EUR\"\n[rates.p]\nstreaming = \"50%\"\n",
        ),
    )]);
    lab.write("fx.csv", "date,from,to,rate\n2026-03-31,USD,EUR,0.92\n");
    lab.write(
        "s/q1.csv",
        &one_line("QZAAA2600001", "streaming", 1, "101.00", "USD"),
    );
    let out = lab
        .cmd(&[
            "close",
            "--period",
            "2026-Q1",
            "--statements",
            "s",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_fields(
        row(&v, "e", "p"),
        &[
            ("paid", "50.50"),
            ("paid_currency", "EUR"),
            ("paid_amount", "46.46"),
        ],
    );
    let payments = std::fs::read_to_string(lab.path("ledger/2026-Q1.payments.csv")).unwrap();
    assert_eq!(
        payments,
        "party,name,amount,currency,period,reference,agreement,adjusted,disputes\np,Pia,46.46,EUR,2026-Q1,ROY-2026-Q1-e-p,e,0.00,\n"
    );
}

/// A small label to close, for the fault tests.
fn simple_lab() -> Lab {
    let lab = Lab::new(&[(
        "s.toml",
        &agreement(
            "s",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"10%\"\n",
        ),
    )]);
    lab.quarters("streaming", &[(1, "100.00"), (2, "200.00")]);
    lab
}

fn code(lab: &Lab, args: &[&str]) -> (i32, String) {
    let out = lab.cmd(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_period_closes_once_and_in_order() {
    let lab = simple_lab();
    lab.close("2026-Q2", "q2");
    let (c, err) = code(
        &lab,
        &["close", "--period", "2026-Q2", "--statements", "q1"],
    );
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("2026-Q2 is already closed"), "{err}");
    let (c, err) = code(
        &lab,
        &["close", "--period", "2026-Q1", "--statements", "q1"],
    );
    assert_eq!(c, 3, "{err}");
    assert!(
        err.contains("is not after the last closed period 2026-Q2"),
        "{err}"
    );
}

#[test]
fn run_of_a_closed_period_gives_the_closed_figures() {
    let lab = simple_lab();
    let closed = lab.close("2026-Q1", "q1");
    lab.close("2026-Q2", "q2");
    assert_eq!(lab.run("2026-Q1", "q1")["payouts"], closed["payouts"]);
    // A statement a closed period consumed is not counted in another period.
    let (c, err) = code(&lab, &["run", "--period", "2026-Q3", "--statements", "q1"]);
    assert_eq!(c, 3, "{err}");
    assert!(
        err.contains("already consumed by the closed period 2026-Q1"),
        "{err}"
    );
}

#[test]
fn a_ledger_file_edited_by_hand_is_refused() {
    let lab = simple_lab();
    lab.close("2026-Q1", "q1");
    let f = lab.path("ledger/2026-Q1.json");
    let text = std::fs::read_to_string(&f)
        .unwrap()
        .replacen("\"10.00\"", "\"11.00\"", 1);
    std::fs::write(&f, text).unwrap();
    let (c, err) = code(&lab, &["run", "--period", "2026-Q2", "--statements", "q2"]);
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("2026-Q1.json was altered"), "{err}");
}

#[test]
fn a_removed_ledger_file_breaks_the_chain() {
    let lab = simple_lab();
    lab.close("2026-Q1", "q1");
    lab.close("2026-Q2", "q2");
    std::fs::remove_file(lab.path("ledger/2026-Q1.json")).unwrap();
    let (c, err) = code(&lab, &["run", "--period", "2026-Q3", "--statements", "q1"]);
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("2026-Q2.json does not follow"), "{err}");
}

#[test]
fn a_consumed_statement_changed_later_is_detected() {
    let lab = simple_lab();
    lab.close("2026-Q1", "q1");
    lab.quarters("streaming", &[(1, "999.00")]);
    let (c, err) = code(&lab, &["run", "--period", "2026-Q1", "--statements", "q1"]);
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("changed since 2026-Q1 was closed"), "{err}");
}

fn ledger_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.retain(|n| n.ends_with(".json") && n != "head.json");
    v.sort();
    v
}

#[test]
fn close_killed_before_the_rename_leaves_the_ledger_as_it_was() {
    let lab = simple_lab();
    lab.close("2026-Q1", "q1");
    let before = std::fs::read(lab.path("ledger/2026-Q1.json")).unwrap();
    for point in ["before-write", "before-rename"] {
        let out = lab
            .cmd(&["close", "--period", "2026-Q2", "--statements", "q2"])
            .env("ROYALTY_CRASH_AT", point)
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "the injected crash at {point} did not happen"
        );
        assert_eq!(
            ledger_files(&lab.path("ledger")),
            vec!["2026-Q1.json"],
            "after a crash at {point}"
        );
        assert_eq!(
            std::fs::read(lab.path("ledger/2026-Q1.json")).unwrap(),
            before
        );
    }
    // The ledger is intact: the same close now succeeds.
    lab.close("2026-Q2", "q2");
    assert_eq!(
        ledger_files(&lab.path("ledger")),
        vec!["2026-Q1.json", "2026-Q2.json"]
    );
}

#[test]
fn close_killed_at_random_moments_never_leaves_half_a_period() {
    let lab = simple_lab();
    for delay_ms in [0u64, 1, 2, 4, 8, 16, 32] {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("royalty"));
        c.current_dir(lab.path(""))
            .args([
                "close",
                "--agreements",
                "agreements",
                "--period",
                "2026-Q1",
                "--statements",
                "q1",
                "--format",
                "json",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = c.spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let files = ledger_files(&lab.path("ledger"));
        // Either nothing was recorded, or the whole period was, and it reads back.
        if files.is_empty() {
            continue;
        }
        assert_eq!(files, vec!["2026-Q1.json"]);
        let (c, err) = code(&lab, &["run", "--period", "2026-Q2", "--statements", "q2"]);
        assert_eq!(
            c, 0,
            "the ledger left by a kill after {delay_ms} ms does not read back: {err}"
        );
        return;
    }
}

#[test]
fn two_closes_at_once_one_wins() {
    let lab = simple_lab();
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("royalty"))
            .current_dir(lab.path(""))
            .args([
                "close",
                "--agreements",
                "agreements",
                "--period",
                "2026-Q1",
                "--statements",
                "q1",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let mut codes = [a.status.code().unwrap(), b.status.code().unwrap()];
    codes.sort();
    // The loser finds the lock held (75: busy, try again) or, when the
    // winner has finished, the period closed (3: refused for good).
    assert!(
        codes == [0, 75] || codes == [0, 3],
        "{codes:?}: {} / {}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    assert_eq!(ledger_files(&lab.path("ledger")), vec!["2026-Q1.json"]);
}

#[test]
fn opening_balances_start_the_ledger() {
    let lab = Lab::new(&[(
        "o.toml",
        &agreement(
            "o",
            "QZAAA2600001",
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"50%\"\n\
             [[advance]]\nid = \"adv\"\nparty = \"p\"\namount = \"1000.00\"\n",
        ),
    )]);
    lab.write(
        "opening.toml",
        "as_of = 2025-12-31\n[agreement.o]\nunits = { streaming = 1000 }\nrevenue = { streaming = \"500.00\" }\n\
         advances = { adv = \"100.00\" }\n[agreement.o.party.p]\ncarried = \"12.00\"\n",
    );
    lab.quarters("streaming", &[(1, "400.00")]);
    let (c, err) = code(&lab, &["ledger", "open", "opening.toml"]);
    assert_eq!(c, 0, "{err}");
    let v = lab.run("2026-Q1", "q1");
    // 200 earned + 12 carried - 100 recouped.
    assert_fields(
        row(&v, "o", "p"),
        &[
            ("carried_in", "12.00"),
            ("earned", "200.00"),
            ("recouped", "100.00"),
            ("payable", "112.00"),
        ],
    );
    // A second opening is refused; a typo in a name is an input error.
    let (c, err) = code(&lab, &["ledger", "open", "opening.toml"]);
    assert_eq!(c, 3);
    assert!(
        err.contains("already holds opening balances (as of 2025-12-31);")
            && !err.contains("closed"),
        "{err}"
    );
    lab.write(
        "bad.toml",
        "as_of = 2025-12-31\n[agreement.o.party.q]\ncarried = \"1.00\"\n",
    );
    let lab2 = Lab::new(&[(
        "o.toml",
        &std::fs::read_to_string(lab.path("agreements/o.toml")).unwrap(),
    )]);
    lab2.write(
        "bad.toml",
        "as_of = 2025-12-31\n[agreement.o.party.q]\ncarried = \"1.00\"\n",
    );
    let (c, err) = code(&lab2, &["ledger", "open", "bad.toml"]);
    assert_eq!(c, 1, "{err}");
    assert!(
        err.contains("bad.toml:2:") && err.contains("has no party `q`"),
        "{err}"
    );
}

#[test]
fn bad_ledger_sections_are_input_errors_with_a_place() {
    for (body, place, what) in [
        (
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"1%\"\n[[advance]]\nid = \"a\"\nparty = \"zed\"\namount = \"1.00\"\n",
            "x.toml:11:9",
            "not a party",
        ),
        (
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"1%\"\n[gate]\nparties = [\"p\"]\nuntil_recouped = \"nope\"\n",
            "x.toml:11:18",
            "not an [[advance]]",
        ),
        (
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"1%\"\n[reserve]\nrate = \"10%\"\nsources = [\"physical\"]\nrelease = [\"50%\", \"40%\"]\n",
            "x.toml:10:8",
            "sums to 90%",
        ),
        (
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"1%\"\n[payout]\nminimum = \"-5.00\"\n",
            "x.toml:10:11",
            "must not be negative",
        ),
        (
            "[[party]]\nid = \"p\"\npayout_currency = \"CHF\"\n[rates.p]\nstreaming = \"1%\"\n",
            "x.toml:7:19",
            "no exchange rate USD -> CHF",
        ),
    ] {
        let lab = Lab::new(&[("x.toml", &agreement("x", "QZAAA2600001", body))]);
        lab.write("s/q1.csv", &one_line("QZAAA2600001", "streaming", 1, "100.00", "USD"));
        let out = lab
            .cmd(&["run", "--period", "2026-Q1", "--statements", "s", "--output", "out.json"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains(place) && err.contains(what), "expected `{place}` and `{what}` in: {err}");
        assert!(!lab.path("out.json").exists(), "{what}: an output file was written");
    }
}

#[test]
fn a_closed_period_rerun_with_other_statements_is_refused_by_every_command() {
    let lab = simple_lab();
    let closed = lab.close("2026-Q1", "q1");
    // The same statements, however the path is spelled, reproduce it.
    let abs = lab.path("q1");
    for spelling in ["q1", "./q1", "q1/", abs.to_str().unwrap()] {
        let again = lab.run("2026-Q1", spelling);
        assert_eq!(again["payouts"], closed["payouts"], "{spelling}");
    }
    // Other statements: refused (exit 3) by run, check, explain,
    // statements and reconcile alike.
    for args in [
        vec!["run"],
        vec!["check"],
        vec!["explain", "--party", "p"],
        vec!["statements", "--party", "p"],
        vec!["reconcile"],
    ] {
        let mut a = args.clone();
        a.extend(["--period", "2026-Q1", "--statements", "q2"]);
        let (c, err) = code(&lab, &a);
        assert_eq!(c, 3, "{args:?}: {err}");
        assert!(err.contains("2026-Q1 is already closed"), "{args:?}: {err}");
        assert!(err.contains("figures are history"), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_period_whose_agreement_changed_since_is_refused() {
    let lab = simple_lab();
    lab.close("2026-Q1", "q1");
    let a = lab.path("agreements/s.toml");
    let text = std::fs::read_to_string(&a).unwrap().replace("10%", "12%");
    std::fs::write(&a, text).unwrap();
    let (c, err) = code(&lab, &["run", "--period", "2026-Q1", "--statements", "q1"]);
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("re-running it gives other figures"), "{err}");
    // The next period, open, takes the new terms.
    lab.run("2026-Q2", "q2");
}

#[test]
fn a_consumed_statement_is_recognised_however_its_path_is_spelled() {
    let lab = simple_lab();
    lab.close("2026-Q1", "q1");
    let abs = lab.path("q1/s.csv");
    for spelling in [
        "q1/s.csv",
        "./q1/s.csv",
        "q1/../q1/s.csv",
        abs.to_str().unwrap(),
    ] {
        for cmd in ["run", "check"] {
            let (c, err) = code(
                &lab,
                &[cmd, "--period", "2026-Q2", "--statements", spelling],
            );
            assert_eq!(c, 3, "{cmd} {spelling}: {err}");
            assert!(
                err.contains("already consumed by the closed period 2026-Q1"),
                "{err}"
            );
        }
    }
}

#[test]
fn an_edited_statement_of_a_closed_period_is_not_counted_again_silently() {
    let lab = simple_lab();
    lab.close("2026-Q1", "q1");
    // The Q1 file edited (one more line), then fed to Q2 under another spelling.
    let f = lab.path("q1/s.csv");
    let mut text = std::fs::read_to_string(&f).unwrap();
    text.push_str("2026-02,QZAAA2600001,streaming,US,1,5.00,USD\n");
    std::fs::write(&f, text).unwrap();
    for cmd in ["run", "check"] {
        let (c, err) = code(
            &lab,
            &[
                cmd,
                "--period",
                "2026-Q2",
                "--statements",
                "./q1/s.csv",
                "q2",
            ],
        );
        assert_eq!(c, 3, "{cmd}: {err}");
        assert!(
            err.contains("consumed by the closed period 2026-Q1 and has changed since"),
            "{err}"
        );
    }
}

#[test]
fn a_consumed_statement_saved_again_with_other_bytes_is_refused() {
    // The Q1 statement, re-saved with Windows line endings, turns up among
    // Q2's: its SHA-256 differs, but its lines, units and amounts are those
    // the closed Q1 consumed, so Q2 would pay them twice (docs/ledger.md).
    let lab = Lab::new(&[(
        "a.toml",
        &agreement(
            "a",
            TRACK,
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"10%\"\n",
        ),
    )]);
    let q1 = format!(
        "{HEADER}2026-01,{TRACK},streaming,US,10,100.00,USD\n2026-02,{TRACK},streaming,GB,5,50.00,USD\n"
    );
    lab.write("q1/s.csv", &q1);
    lab.close("2026-Q1", "q1");
    lab.write("q2/s-excel.csv", &q1.replace('\n', "\r\n"));
    let close_q2 = |extra: &[&str]| {
        let mut args = vec!["close", "--period", "2026-Q2", "--statements", "q2"];
        args.extend_from_slice(extra);
        lab.cmd(&args).output().unwrap()
    };
    let o = close_q2(&[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("q1/s.csv") && err.contains("paid twice"),
        "{err}"
    );
    // A statement that differs by a cent is another statement.
    lab.write("q2/s-excel.csv", &q1.replace("50.00", "50.01"));
    let o = close_q2(&["--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn explain_writes_a_deficit_with_one_sign() {
    // A return larger than the period's revenue: earned -14.50 is carried
    // forward. explain writes the step as "+ 14.50", never "- -14.50".
    let lab = Lab::new(&[(
        "a.toml",
        &agreement(
            "a",
            TRACK,
            "[[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"10%\"\n",
        ),
    )]);
    lab.write(
        "q1/s.csv",
        &one_line(TRACK, "streaming", -10, "-145.00", "USD"),
    );
    let o = lab
        .cmd(&[
            "explain",
            "--party",
            "a/p",
            "--period",
            "2026-Q1",
            "--statements",
            "q1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(text.contains("-14.50"), "{text}");
    assert!(!text.contains("- -") && !text.contains("+ -"), "{text}");
    let carried = text
        .lines()
        .find(|l| l.contains("carried forward"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        carried.contains('+') && carried.contains("14.50"),
        "{carried}"
    );
}
