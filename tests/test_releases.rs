//! Album revenue to tracks (docs/arithmetic.md, step 1b), on the real
//! binary: rows a distributor reports per release only are apportioned to
//! the tracks agreements list on the release, 1/tracks each, exactly;
//! priced like the tracks' own lines; shown in `explain` (party and track)
//! and the statements; the rest stays unattributed, and every file still
//! ties out: matched (incl. apportioned) + unmatched + out of term +
//! skipped (incl. the unattributed remainder) = the file's total.

mod common;

use common::{dec, payout, repo_root, run, run_ok, Project};
use serde_json::Value;

const ALBUM: &str = "tests/fixtures/releases/distrokid-album.csv";

fn night_a(release: bool) -> String {
    format!(
        "id = \"night-a\"\ncurrency = \"USD\"\n\
         [[track]]\nisrc = \"QZNWX2600001\"\ntitle = \"Night One\"\n\
         [[track]]\nisrc = \"QZNWX2600002\"\ntitle = \"Night Two\"\n\
         [[party]]\nid = \"ava\"\nname = \"Ava Stone\"\nrole = \"producer\"\n\
         [rates.ava]\nstreaming = \"10%\"\ndownload = \"10%\"\n{}",
        if release {
            "[[release]]\nupc = \"859700000014\"\ntracks = 12\ntitle = \"Night Drives\"\n"
        } else {
            ""
        }
    )
}

const NIGHT_B: &str = "id = \"night-b\"\ncurrency = \"USD\"\n\
    [[track]]\nisrc = \"QZNWX2600003\"\ntitle = \"Night Three\"\n\
    [[party]]\nid = \"bo\"\nname = \"Bo Lind\"\nrole = \"mixer\"\n\
    [rates.bo]\nstreaming = \"20%\"\ndownload = \"0.12/unit\"\n\
    [[release]]\nupc = \"859700000014\"\ntracks = 12\nisrcs = [\"QZNWX2600003\"]\n";

fn project(release_in_a: bool) -> Project {
    let p = Project::new();
    p.write("agreements/night-a.toml", &night_a(release_in_a));
    p.write("agreements/night-b.toml", NIGHT_B);
    p
}

fn cmd(p: &Project, args: &[&str]) -> assert_cmd::Command {
    let mut c = p.cmd();
    c.args(args).args([
        "--agreements",
        "agreements",
        "--statements",
        repo_root().join(ALBUM).to_str().unwrap(),
        "--period",
        "2026-Q2",
    ]);
    c
}

fn json(p: &Project, args: &[&str]) -> Value {
    let mut c = cmd(p, args);
    c.args(["--format", "json"]);
    serde_json::from_str(&run_ok(&mut c)).unwrap()
}

#[test]
fn album_rows_are_apportioned_to_the_listed_tracks_exactly() {
    let p = project(true);
    let v = json(&p, &["run"]);
    // night-a: 18.00 of its tracks + 2/12 of the 10.00 album sales (5/3);
    // ava 10%: 1.80 + 1/6 = 1.9666..., 1.97 after the largest remainder.
    assert_eq!(payout(&v, "night-a", "ava")["earned"], "1.97");
    // night-b: 3.00 + 1/12 of 10.00; bo 20% of 3.00 + 0.12/unit on 1/12
    // of the 2 album units = 0.60 + 0.02.
    assert_eq!(payout(&v, "night-b", "bo")["earned"], "0.62");
    let a = v["agreements"].as_array().unwrap();
    assert_eq!(a[0]["revenue"], "19.67");
    assert_eq!(a[1]["revenue"], "3.83");
    // Album units are no track's units.
    assert_eq!(a[1]["units"]["download"], Value::Null);
    assert_eq!(v["checks"]["conservation"], "ok");
    // 15.00 of release rows: 2.50 apportioned (3/12 of 10.00), 12.50 not.
    let r = &v["releases"][0];
    assert_eq!(
        (
            r["amount"].as_str(),
            r["apportioned"].as_str(),
            r["unattributed"].as_str(),
            r["rows"].as_u64()
        ),
        (Some("15"), Some("2.5"), Some("12.5"), Some(3))
    );
}

#[test]
fn the_file_still_ties_out_with_the_apportioned_share_in_matched() {
    let p = project(true);
    let v = json(&p, &["reconcile"]);
    let f = &v["files"][0];
    assert_eq!(f["ties_out"], "ok", "{f:#}");
    let usd = &f["currencies"][0];
    assert_eq!(usd["currency"], "USD");
    // matched 21.00 of lines + 2.50 apportioned; 1.25 unmatched; skipped
    // 15.00 - 2.50; total 37.25.
    let got = |k: &str| dec(usd[k].as_str().unwrap_or_else(|| panic!("{k} in {usd:#}")));
    assert_eq!(got("matched"), dec("23.5"));
    assert_eq!(got("apportioned"), dec("2.5"));
    assert_eq!(got("unmatched"), dec("1.25"));
    assert_eq!(got("skipped"), dec("12.5"));
    assert_eq!(got("total"), dec("37.25"));
    assert_eq!(
        got("matched") + got("unmatched") + got("out_of_term") + got("skipped"),
        got("total")
    );
    assert_eq!(v["conservation"], "ok");
    let text = String::from_utf8(
        cmd(&p, &["reconcile", "--format", "table"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        text.contains("USD: 3 rows, 15 = 2.5 apportioned + 12.5 unattributed  ok"),
        "{text}"
    );
}

#[test]
fn explain_and_statements_say_where_a_share_came_from() {
    let p = project(true);
    let out = run_ok(&mut cmd(&p, &["explain", "--track", "QZNWX2600001"]));
    assert!(
        out.contains("original terms (apportioned from release UPC 0859700000014, 1/12)"),
        "{out}"
    );
    // The track's twelfth of 10.00 is exactly 5/6; 10% of it, 1/12.
    let v = json(&p, &["explain", "--track", "QZNWX2600001"]);
    let share = v["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "download")
        .unwrap();
    assert_eq!(
        (share["amount"].as_str(), share["earnings"].as_str()),
        (Some("5/6"), Some("1/12"))
    );
    let out = run_ok(&mut cmd(&p, &["explain", "--party", "night-a/ava"]));
    assert!(
        out.contains("(apportioned from release UPC 0859700000014, 2/12)"),
        "{out}"
    );
    let st = run_ok(&mut cmd(&p, &["statements", "--party", "night-a/ava"]));
    assert!(
        st.contains("| Night One (apportioned from release UPC 0859700000014, 1/12) | QZNWX2600001 | download | 0.83 |"),
        "{st}"
    );
}

#[test]
fn without_a_release_clause_album_rows_stay_unattributed() {
    let p = project(false);
    let b = NIGHT_B.split("[[release]]").next().unwrap();
    p.write("agreements/night-b.toml", b);
    let v = json(&p, &["run"]);
    assert_eq!(payout(&v, "night-a", "ava")["earned"], "1.80");
    assert_eq!(payout(&v, "night-b", "bo")["earned"], "0.60");
    let r = &v["releases"][0];
    assert_eq!(
        (r["apportioned"].as_str(), r["unattributed"].as_str()),
        (Some("0"), Some("15"))
    );
    let rec = json(&p, &["reconcile"]);
    assert_eq!(rec["files"][0]["ties_out"], "ok");
    assert_eq!(rec["files"][0]["currencies"][0]["skipped"], "15");
}

#[test]
fn a_fuga_product_row_is_shared_by_the_tracks_of_its_release() {
    // FUGA's fixture (tests/fixtures/formats) reports one album download
    // (a `Product` row, 0.4240242 EUR) for release 8720693952876.
    let p = Project::new();
    p.write(
        "agreements/md.toml",
        "id = \"md\"\ncurrency = \"EUR\"\n\
         [[track]]\nisrc = \"QZNWX2600001\"\n[[track]]\nisrc = \"QZNWX2600002\"\n[[track]]\nisrc = \"QZNWX2600003\"\n\
         [[party]]\nid = \"p\"\n[rates.p]\ndownload = \"50%\"\nstreaming = \"10%\"\nvideo = \"10%\"\n\
         [[release]]\nupc = \"8720693952876\"\ntracks = 4\n",
    );
    let mut c = p.cmd();
    c.args([
        "reconcile",
        "--agreements",
        "agreements",
        "--statements",
        repo_root()
            .join("tests/fixtures/formats/fuga.csv")
            .to_str()
            .unwrap(),
        "--period",
        "2025-Q2",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&run_ok(&mut c)).unwrap();
    assert_eq!(v["files"][0]["ties_out"], "ok");
    let eur = &v["files"][0]["currencies"][0];
    // 3 of its 4 tracks are listed: 3/4 of 0.4240242 apportioned.
    assert_eq!(eur["apportioned"], "0.31801815");
    let r = &v["releases"][0];
    assert_eq!(
        (r["apportioned"].as_str(), r["unattributed"].as_str()),
        (Some("0.31801815"), Some("0.10600605"))
    );
    assert_eq!(v["conservation"], "ok");
}

#[test]
/// Since main's 4032060 a wrong check digit is a warning, not a refusal
/// (docs/agreements.md): the place and the reason are still given.
fn check_warns_of_a_release_with_a_wrong_check_digit() {
    let p = Project::new();
    p.write(
        "agreements/x.toml",
        &night_a(true).replace("859700000014", "859700000011"),
    );
    let (code, _, err) = run(p.cmd().args(["check", "--agreements", "agreements"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning"), "{err}");
    assert!(
        err.contains("x.toml:17:7") && err.contains("its other digits give 4"),
        "{err}"
    );
}
