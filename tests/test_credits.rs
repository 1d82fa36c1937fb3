//! `credits` on the bundled example label: every party of every agreement on
//! every track, in a stable order, with its share as text.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;

fn credits(format: &str) -> String {
    let ledger = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("royalty")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["credits", "--format", format, "--ledger"])
        .arg(ledger.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_party_of_every_agreement_on_every_track() {
    let doc: Value = serde_json::from_str(&credits("json")).unwrap();
    assert_eq!(doc["schema"], "royalty.credits/1");
    assert_eq!(doc["period"], "2026-Q1");
    let rows = doc["credits"].as_array().unwrap();
    // 2 tracks x 4 parties (Dee joins by amendment) + 4 x 4 + 2 x 3 + 3 x 2.
    assert_eq!(rows.len(), 36);
    let parties: BTreeSet<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["agreement"].as_str().unwrap(),
                r["party"].as_str().unwrap()
            )
        })
        .collect();
    let want = [
        "city-of-echoes/june",
        "city-of-echoes/lena",
        "city-of-echoes/omar",
        "harbour-lights/ines",
        "harbour-lights/jonas",
        "harbour-lights/mara",
        "harbour-lights/tomas",
        "midnight-drive/ava",
        "midnight-drive/ben",
        "midnight-drive/cy",
        "midnight-drive/dee",
        "northern-soul-vinyl/dex",
        "northern-soul-vinyl/rosa",
    ];
    assert_eq!(parties, want.iter().map(|s| s.to_string()).collect());
    // Agreements in id order.
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r["agreement"].as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn csv_rows_carry_roles_hours_deliverables_and_share() {
    let csv = credits("csv");
    assert!(csv.starts_with("agreement,track,isrc,party,name,role,hours,deliverables,share\n"));
    assert!(csv.contains(
        "midnight-drive,Midnight Drive,QZNWX2600001,ava,Ava Stone,producer,120,signature beat; drum programming,\"streaming 4%, download 4%, physical 4%, video 3%, sync 10%\"\n"
    ), "{csv}");
    assert!(csv.contains(
        "northern-soul-vinyl,Keep the Faith,QZNWX2500202,dex,Dexter Hale,producer,80,production; horn arrangements,\"streaming 5%, download 5%, physical 0.45/unit, licensing 8%\"\n"
    ), "{csv}");
    let table = credits("table");
    assert!(table.contains("Lena Park"), "{table}");
}
